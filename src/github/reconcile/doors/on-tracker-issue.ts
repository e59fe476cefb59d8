/**
 * The tracker doors (docs/intake.md): a Linear or Jira issue given the
 * tracker's label asks for a build in the repository its team or project maps
 * to, as the GitHub login its person maps to. Both mappings are read from the
 * home repository's own `.github/baton.yml` on its default branch and nowhere
 * else: a mapping on a branch, in a pull request or in the tracker maps nobody.
 * An unmapped person, or a mapped one without write access, starts nothing and
 * is told why in the tracker. Otherwise the app opens a GitHub issue that
 * mirrors the tracker's (its title and text quoted as material, never as the
 * brief's own words, linking back) and asks for a build there through
 * `askForBuild`, once per tracker issue (the ref
 * `refs/baton-trackers/<tracker>/<key>`, created before anything is written).
 * An epic's children make the plan, through one seam (`tracker-epic.ts`): its
 * sub-issues, or a change set's list in the mirrored issue.
 */
import { parse } from 'yaml';
import { mapTrackerAsk, type Tracker, Trackers } from '../../../core/config/trackers.js';
import type { MappedPerson } from '../../../core/snapshot/ask-record.js';
import { plannedEcho } from '../../../core/trackers/tracker-echo-text.js';
import {
  changeSetSection,
  type EpicChildren,
  type EpicPlan,
} from '../../../core/trackers/tracker-epic.js';
import { CONFIG_FILE } from '../../../core/vocabulary/ids.js';
import { escapeText, quoteMaterial } from '../../../core/vocabulary/markdown.js';
import { writeOnceByRef } from '../../act/locks/write-once.js';
import { withReason } from '../../client/request-reason.js';
import type { RepoContext } from '../../client/types.js';
import { hasWriteAccess } from '../../observe/permissions.js';
import { readFileAt } from '../../setup/setup-git.js';
import { type AskAnswer, askForBuild, type StartBuild } from './ask-for-build.js';
import { mirrorChildren, readEpicPlan, trackerRef } from './tracker-epic.js';

const CONFIG_PATH = `.github/${CONFIG_FILE}`;

/** The most characters of a tracker's description the mirrored issue quotes. */
const TEXT_CHARS = 50_000;

/** What an epic's change-set list takes of them. */
const CHANGE_SET_SHARE = 15_000;

/** A tracker's issue as its verified webhook tells it, each field read by an allowlist. */
export interface TrackerIssue {
  tracker: Tracker;
  /** Its key (`ENG-12`, `PROJ-7`). */
  key: string;
  title: string;
  description: string;
  /** Where a person opens it (https, on the tracker's own site). */
  link: string;
  /** Its team's key (Linear) or project's key (Jira). */
  team: string;
  /** Who gave it the label: the tracker's id for them and their name there. */
  person: MappedPerson;
  /** Its labels' names now. */
  labels: string[];
  /** Its labels' names before this change; null where it was just created. */
  labelsBefore: string[] | null;
}

/** What a tracker's delivery came to. */
export type TrackerAnswer =
  | { result: 'ignored'; why: string }
  | { result: 'refused'; why: string }
  | { result: 'taken' }
  | { result: 'started'; repo: string; issue: number; answer: AskAnswer };

export interface TrackerDoorDeps {
  /** The home repository, as the app's installation on it, and its default branch. */
  home: { ctx: RepoContext; defaultBranch: string };
  /** Says `text` on the tracker's issue (a comment there; with `marker`, Baton's one comment for the build). */
  say: (text: string, marker?: string) => Promise<void>;
  now: () => string;
  /** How a build is started in a repository (`startFromTracker`). */
  start: (ctx: RepoContext, defaultBranch: string) => StartBuild;
  /** The issue's children read from the tracker, where Baton can read them there (null: the tracker refused); none: no epic. */
  children?: () => Promise<EpicChildren | null>;
}

const NAMES: Record<Tracker, string> = { linear: 'Linear', jira: 'Jira' };

/** A tracker issue's change: asks for a build where it just got the door's label. */
export async function onTrackerIssue(
  issue: TrackerIssue,
  deps: TrackerDoorDeps,
): Promise<TrackerAnswer> {
  const { ctx: home, defaultBranch } = deps.home;
  const trackers = await trackersAt(home, defaultBranch);
  if (!trackers) return { result: 'ignored', why: `no readable trackers in ${CONFIG_PATH}` };
  const label = trackers[issue.tracker]?.label ?? 'baton';
  if (!justLabelled(issue, label)) return { result: 'ignored', why: 'not labelled for Baton now' };
  const mapping = mapTrackerAsk(trackers, {
    tracker: issue.tracker,
    team: issue.team,
    person: issue.person.id,
  });
  const refuse = async (why: string): Promise<TrackerAnswer> => {
    await deps.say(`Baton started nothing: ${why}.`);
    return { result: 'refused', why };
  };
  if (!mapping.ok) return refuse(mapping.why);
  const ctx: RepoContext = { ...home, repo: mapping.repo };
  const repository = `${ctx.owner}/${ctx.repo}`;
  const target = await withReason('event-read', () => defaultBranchOf(ctx));
  if (!target) return refuse(`Baton is not installed on ${repository}`);
  if (!(await hasWriteAccess(ctx, mapping.login, { ttlMs: 0 })))
    return refuse(
      `@${mapping.login}, whom you are mapped to, has no write access to ${repository}`,
    );
  const epic: EpicPlan = deps.children
    ? await readEpicPlan(ctx, { issue, trackers, sha: target.sha, children: deps.children })
    : { kind: 'alone' };
  if (epic.kind === 'refused') return refuse(epic.why);
  const guarded = await withReason('notice', () =>
    writeOnceByRef(
      ctx,
      { ref: trackerRef(issue.tracker, issue.key), sha: target.sha },
      async () => {
        const title = titleOf(issue);
        const { data: opened } = await ctx.octokit.rest.issues.create({
          owner: ctx.owner,
          repo: ctx.repo,
          title,
          body: mirrorBody(issue, mapping.login, epic),
        });
        if (epic.kind === 'sub-issues')
          await mirrorChildren(ctx, {
            parent: opened.number,
            tracker: issue.tracker,
            epic: issue.key,
            children: epic.children,
            sha: target.sha,
          });
        const answer = await askForBuild(
          ctx,
          {
            asker: mapping.login,
            issue: { number: opened.number, title },
            what: { kind: 'build', type: 'code' },
            how: { way: issue.tracker, key: issue.key },
            at: deps.now(),
            link: issue.link,
            mapped: issue.person,
            found: null,
          },
          deps.start(ctx, target.branch),
        );
        return { number: opened.number, url: opened.html_url, answer };
      },
    ),
  );
  if (guarded.taken) return { result: 'taken' };
  const { number, url, answer } = guarded.value;
  // The first text of the comment the build's echo keeps current (src/server/trackers/tracker-echo.ts).
  const lines = plannedEcho({ repository, issue: number, url, asker: mapping.login });
  await deps.say(lines.join('\n'), lines[0]);
  return { result: 'started', repo: repository, issue: number, answer };
}

/** Whether this change gave the issue the door's label (compared without case). */
function justLabelled(issue: TrackerIssue, label: string): boolean {
  const has = (names: string[]) => names.some((name) => name.toLowerCase() === label.toLowerCase());
  return has(issue.labels) && !(issue.labelsBefore && has(issue.labelsBefore));
}

/** The home repository's `trackers:` on its default branch; null where the file or the section is missing or broken. */
async function trackersAt(ctx: RepoContext, branch: string): Promise<Trackers | null> {
  const read = await withReason('event-read', () =>
    readFileAt(ctx, { ref: branch, path: CONFIG_PATH }),
  );
  if (read.kind !== 'file') return null;
  try {
    const doc = parse(read.content) as { trackers?: unknown } | null;
    const parsed = Trackers.safeParse(doc?.trackers ?? {});
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The repository's default branch and its head; null where the app cannot see the repository. */
async function defaultBranchOf(ctx: RepoContext): Promise<{ branch: string; sha: string } | null> {
  try {
    const { data: repo } = await ctx.octokit.rest.repos.get({ owner: ctx.owner, repo: ctx.repo });
    const { data: head } = await ctx.octokit.rest.git.getRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: `heads/${repo.default_branch}`,
    });
    return { branch: repo.default_branch, sha: head.object.sha };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/** The mirrored issue's title: the tracker's key and title, on one line. */
function titleOf(issue: TrackerIssue): string {
  const flat = issue.title.replace(/\s+/g, ' ').trim();
  return `${issue.key}: ${flat}`.slice(0, 200);
}

/**
 * The mirrored issue's text: Baton's marker and the line that says where the
 * ask came from and who asked, then the tracker's title and description quoted
 * as material (fenced, so no line of theirs reads as the issue's own).
 */
function mirrorBody(issue: TrackerIssue, login: string, epic: EpicPlan): string {
  const name = NAMES[issue.tracker];
  const parts = epic.kind === 'change-set' ? ['', changeSetSection(epic.parts)] : [];
  // A change set's list takes its share of GitHub's 65,536 characters from the epic's text.
  const chars = parts.length > 0 ? TEXT_CHARS - CHANGE_SET_SHARE : TEXT_CHARS;
  return [
    `<!-- baton:tracker ${issue.tracker} ${issue.key} -->`,
    `Asked from ${name}: ${issue.key} (${issue.link}), by @${login} (${name}: ${escapeText(issue.person.name)}).`,
    '',
    `Build what the ${name} issue below asks. Its title and description are the tracker's text, quoted as written.`,
    '',
    quoteMaterial(`${issue.title}\n\n${issue.description.slice(0, chars) || '(no description)'}`),
    ...parts,
  ].join('\n');
}
