/**
 * Names of things Baton keeps in a repository: build ids, worker ids, branches
 * and paths. Every other module derives names from here, never by hand.
 */

/**
 * `W<wave>.<seq>`, both from 1: `W1.1`, `W2.3`; and wave 0, the contract's
 * workers (src/core/plan/contract.ts): `W0.1` in a build, one per repository
 * of a change set that has criteria (`W0.1`, `W0.2` …).
 */
export const WORKER_ID = /^W(?:([1-9]\d?)\.([1-9]\d?)|(0)\.([1-9]\d?))$/;

/** A repository as `owner/name`: GitHub's rules for both, `..` and `.` not being names. */
export const REPOSITORY_NAME =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

/** `<issue>-<slug>`: `12-add-oauth-login`. */
export const BUILD_ID = /^([1-9]\d*)-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

const SLUG_MAX = 40;

export interface WorkerIdParts {
  wave: number;
  seq: number;
}

export function parseWorkerId(id: string): WorkerIdParts | null {
  const match = WORKER_ID.exec(id);
  if (!match) return null;
  return { wave: Number(match[1] ?? match[3]), seq: Number(match[2] ?? match[4]) };
}

/** Orders worker ids by wave, then sequence: W1.2 < W1.10 < W2.1. */
export function compareWorkerIds(a: string, b: string): number {
  const pa = parseWorkerId(a);
  const pb = parseWorkerId(b);
  if (!pa || !pb) return a.localeCompare(b);
  return pa.wave - pb.wave || pa.seq - pb.seq;
}

/** A branch- and path-safe slug of an issue title, at most 40 characters. */
export function slugify(title: string): string {
  const words = title
    .normalize('NFKD')
    // NFKD splits `é` into `e` and a combining accent; drop the accent, not the word.
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > SLUG_MAX) break;
    slug = next;
  }
  return slug || words[0]?.slice(0, SLUG_MAX) || 'build';
}

export function buildIdFor(issue: number, title: string): string {
  return `${issue}-${slugify(title)}`;
}

export function parseBuildId(build: string): { issue: number; slug: string } | null {
  const match = BUILD_ID.exec(build);
  if (!match) return null;
  return { issue: Number(match[1]), slug: match[2] ?? '' };
}

/**
 * A member build of a change set (docs/change-sets.md): the set's build id, then
 * the repository the set lives in, `<issue>-<slug>.<owner>.<repo>` in lower case
 * (`12-rename-fetch.acme.app`). A slug has no dot and an owner none, so the id
 * names its set without a read; every repository of the set has the same one.
 */
export const MEMBER_BUILD_ID =
  /^([1-9]\d*-[a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9](?:[a-z0-9-]{0,38}))\.([a-z0-9._-]{1,100})$/;

/** The member builds of the set `build` of `home` (`owner/name`) are all named this. */
export function memberBuildId(build: string, home: string): string {
  const [owner = '', repo = ''] = home.toLowerCase().split('/');
  return `${build}.${owner}.${repo}`;
}

/** What a member build's id says: the set's build, its issue, and the repository it lives in. */
export interface MemberBuild {
  /** The set's build id, `<issue>-<slug>`. */
  build: string;
  issue: number;
  /** The repository of the set's issue, `owner/name`. */
  home: string;
}

export function parseMemberBuildId(id: string): MemberBuild | null {
  const match = MEMBER_BUILD_ID.exec(id);
  const build = match?.[1];
  const parsed = build ? parseBuildId(build) : null;
  if (!match || !build || !parsed) return null;
  return { build, issue: parsed.issue, home: `${match[2]}/${match[3]}` };
}

/** A build's own id or a member build's: what a branch, a run or a record may be named after. */
export function isAnyBuildId(id: string): boolean {
  return BUILD_ID.test(id) || MEMBER_BUILD_ID.test(id);
}

export const BRANCH_PREFIX = 'baton/';

/** The build branch: every worker branch is cut from it and merges into it. */
export function integrationBranch(build: string): string {
  return `${BRANCH_PREFIX}${build}/integration`;
}

export function workerBranch(build: string, worker: string): string {
  return `${BRANCH_PREFIX}${build}/${worker}`;
}

/**
 * The branch of the lessons an ended build proposes (docs/memory.md): cut from
 * the default branch, opened as a pull request into it that a person merges;
 * a `/remember` comment's lesson has one of its own, `memory-<comment id>`.
 */
export function memoryBranch(build: string, comment?: string): string {
  return `${BRANCH_PREFIX}${build}/memory${comment ? `-${comment}` : ''}`;
}

/** The build whose learn pull request's branch this is (`baton/<build>/memory`), or null. */
export function buildOfMemoryBranch(ref: string | null | undefined): string | null {
  const name = (ref ?? '').replace(/^refs\/heads\//, '');
  const build = /^baton\/([^/]+)\/memory$/.exec(name)?.[1];
  return build && isAnyBuildId(build) ? build : null;
}

/** The `/remember` comment a learn session answers (its trigger `comment-<id>`), or undefined. */
export function rememberedComment(trigger: string | undefined | null): string | undefined {
  return /^comment-(\d+)$/.exec(trigger ?? '')?.[1];
}

/** Prefix under which every branch of one issue's builds lives. */
export function issueBranchPrefix(issue: number): string {
  return `${BRANCH_PREFIX}${issue}-`;
}

/**
 * The branch of a member build's revert (`/rollback`, docs/change-sets.md): made
 * from its merged final pull request, opened as a pull request into the default branch.
 */
export function revertBranch(member: string): string {
  return `${BRANCH_PREFIX}${member}/revert`;
}

export type BatonBranch =
  | { kind: 'integration'; build: string }
  | { kind: 'worker'; build: string; worker: string }
  | { kind: 'revert'; build: string };

/** Reads a branch name (with or without `refs/heads/`) as one of Baton's, a member build's too. */
export function parseBatonBranch(ref: string): BatonBranch | null {
  const name = ref.replace(/^refs\/heads\//, '');
  if (!name.startsWith(BRANCH_PREFIX)) return null;
  const [build, leaf, ...rest] = name.slice(BRANCH_PREFIX.length).split('/');
  if (!build || !leaf || rest.length > 0 || !isAnyBuildId(build)) return null;
  if (leaf === 'integration') return { kind: 'integration', build };
  if (WORKER_ID.test(leaf)) return { kind: 'worker', build, worker: leaf };
  if (leaf === 'revert' && MEMBER_BUILD_ID.test(build)) return { kind: 'revert', build };
  return null;
}

/** Where every build's record lives: plans, briefs, completions, contracts, findings. */
export const BUILDS_DIR = '.baton/builds';

/** Where a build's record lives on its build branch. */
export function buildDir(build: string): string {
  return `${BUILDS_DIR}/${build}`;
}

/** A path of Baton's build records, which sessions write beside the work and no person reviews as it. */
export function isBuildRecordPath(path: string): boolean {
  return path.startsWith(`${BUILDS_DIR}/`);
}

export function planPath(build: string): string {
  return `${buildDir(build)}/plan.json`;
}

/** The sub-issues a build of sub-issues runs, as the plan session read them (SubIssueGraph). */
export function subIssueGraphPath(build: string): string {
  return `${buildDir(build)}/sub-issues.json`;
}

export function briefPath(build: string, worker: string): string {
  return `${buildDir(build)}/workers/${worker}.md`;
}

export function completionPath(build: string, worker: string): string {
  return `${completionsDir(build)}/${worker}.json`;
}

/** The folder of the workers' reports on the build branch: one a worker that merged (or was skipped). */
export function completionsDir(build: string): string {
  return `${buildDir(build)}/completions`;
}

/** The workers whose reports a listing of `completionsDir` (`git ls-tree --name-only`) names. */
export function reportedWorkersIn(listing: string): Set<string> {
  return new Set(
    listing
      .split('\n')
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length)),
  );
}

/** A research worker's findings document: the only file besides its completion it may write. */
export function workerFindingsPath(build: string, worker: string): string {
  return `${buildDir(build)}/findings/${worker}.md`;
}

/** A research build's report, written by its synthesis session. */
export function reportPath(build: string): string {
  return `${buildDir(build)}/REPORT.md`;
}

/** `L<n>`: an improvement loop, in the worker slot of a loop session's run name. */
export const LOOP_SUBJECT = /^L([1-9]\d{0,1})$/;

export function loopSubject(loop: number): string {
  return `L${loop}`;
}

/** The loop of a run's worker slot (`L2` → 2), or null for a worker id or none. */
export function parseLoopSubject(subject: string | null | undefined): number | null {
  return subjectNumber(LOOP_SUBJECT, subject);
}

/** `M<k>`: a build's milestone k (every worker of waves ≤ k done), in the worker slot of a validate run's name. */
export const MILESTONE_SUBJECT = /^M([1-9]\d{0,1})$/;

export function milestoneSubject(milestone: number): string {
  return `M${milestone}`;
}

/** The milestone of a run's worker slot (`M2` → 2), or null for a worker id, a loop or none. */
export function parseMilestoneSubject(subject: string | null | undefined): number | null {
  return subjectNumber(MILESTONE_SUBJECT, subject);
}

/** The number a worker slot's pattern captures, or null where the slot does not match it. */
function subjectNumber(pattern: RegExp, subject: string | null | undefined): number | null {
  const match = pattern.exec(subject ?? '');
  return match ? Number(match[1]) : null;
}

/** Where loop `n`'s research and summary live: `loops/<n>/findings.md`, `loops/<n>/summary.md`. */
export function loopDir(build: string, loop: number): string {
  return `${buildDir(build)}/loops/${loop}`;
}

export function findingsPath(build: string, loop: number): string {
  return `${loopDir(build, loop)}/findings.md`;
}

export function summaryPath(build: string, loop: number): string {
  return `${loopDir(build, loop)}/summary.md`;
}

/** The research session's schema-checked verdict, the only loop file the app reads. */
export function researchResultPath(build: string, loop: number): string {
  return `${buildDir(build)}/loops/${loop}.json`;
}

/**
 * The skills sessions read from `.baton/skills/`; the build types add their own
 * (docs/build-types.md), improvement loops `research` and `summary` (docs/improve.md).
 */
export type SkillName =
  | 'plan'
  | 'worker'
  | 'review'
  | 'fix'
  | 'research'
  | 'summary'
  | 'research-work'
  | 'research-review'
  | 'synthesis'
  | 'content-work'
  | 'content-review';

export function skillPath(role: SkillName): string {
  return `.baton/skills/${role}.md`;
}

/** A repository's style guide for content builds, read from the default branch like the skills. */
export const STYLE_GUIDE_PATH = '.baton/style.md';

/** A lesson's name, its file `.baton/memory/<slug>.md` (docs/memory.md). */
export const LESSON_SLUG = /^[a-z0-9-]{1,60}$/;

/** The one workflow that runs every session role. */
export const WORKFLOW_PATH = '.github/workflows/baton.yml';
export const WORKFLOW_FILE = 'baton.yml';
export const CONFIG_FILE = 'baton.yml';

/**
 * The conductor of a repository that runs Baton with nothing hosted
 * (docs/serverless.md): the app's reconcile as a workflow, run on the events
 * the app would get as webhooks.
 */
export const CONDUCTOR_WORKFLOW_PATH = '.github/workflows/baton-conductor.yml';
export const CONDUCTOR_WORKFLOW_FILE = 'baton-conductor.yml';
/** The session workflow's `name:`, which the conductor's `workflow_run` trigger names. */
export const SESSION_WORKFLOW_NAME = 'Baton';

/** Where a repository's own setup for sessions lives: installed once, never updated. */
export const SETUP_ACTION_PATH = '.github/actions/baton-setup/action.yml';

/** The check run that carries a Baton review's verdict, so branch protection can require it. */
export const REVIEW_CHECK_NAME = 'baton/review';

/**
 * The check run that holds a change set's final (and revert) pull requests in
 * their order (docs/change-sets.md): the default branch's rules require it.
 */
export const CHANGE_SET_CHECK_NAME = 'baton/change-set';
