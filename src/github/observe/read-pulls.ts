import type { Evidence } from '../../core/sessions/evidence.js';
import { parseEvidenceMarker } from '../../core/sessions/evidence.js';
import { parseVerdictMarker } from '../../core/sessions/verdict-marker.js';
import type { ChecksInfo, PullInfo, ReviewInfo } from '../../core/snapshot/snapshot.js';
import { evidenceForHead } from '../../core/verification/risk.js';
import {
  integrationBranch,
  parseBatonBranch,
  REVIEW_CHECK_NAME,
} from '../../core/vocabulary/ids.js';
import { remembered } from '../../process-memory.js';
import { ImmutableCache } from '../client/immutable-cache.js';
import { type RepoContext, statusOf } from '../client/types.js';
import {
  type GraphCheckRun,
  type GraphPull,
  type GraphStatusContext,
  loginOf,
} from './build-query.js';
import { hasWriteAccess } from './permissions.js';
import { headPusher } from './read-pusher.js';

/**
 * Check runs (and commit statuses) that are Baton's own: its review verdict
 * and its session jobs (`baton agent`, `baton publish`).
 */
function isBatonCheck(name: string): boolean {
  return name.startsWith('baton');
}

/** The worker PRs of a build, as the build query read them. */
export async function readPulls(
  ctx: RepoContext,
  { build, pulls }: { build: string; pulls: GraphPull[] },
): Promise<PullInfo[]> {
  const mine = pulls.flatMap((pull) => {
    const branch = parseBatonBranch(pull.headRefName);
    const sameRepo = pull.headRepository?.nameWithOwner === `${ctx.owner}/${ctx.repo}`;
    return branch?.kind === 'worker' && branch.build === build && sameRepo
      ? [{ pull, worker: branch.worker }]
      : [];
  });
  const infos = await Promise.all(
    mine.map(({ pull, worker }) => toPullInfo(ctx, { build, pull, worker })),
  );
  return Promise.all(infos.map((info, index) => withPusher(ctx, info, mine[index]?.pull)));
}

/**
 * An open pull request whose head no evidence speaks for, with who pushed that
 * head: merge autonomy lets it go on as read only where a person pushed it
 * (src/core/verification/autonomy.ts). A head that only merged the build branch
 * in (Baton's updates, `updatedFrom`) holds nothing of its own: who pushed the
 * head the first update was made on speaks for it. One activity read per such head, once.
 */
async function withPusher(
  ctx: RepoContext,
  info: PullInfo,
  pull: GraphPull | undefined,
): Promise<PullInfo> {
  if (!pull || info.state !== 'open' || evidenceForHead(info)) return info;
  const sha = info.updatedFrom?.at(-1) ?? info.headSha;
  return { ...info, headPusher: await headPusher(ctx, { branch: pull.headRefName, sha }) };
}

async function toPullInfo(
  ctx: RepoContext,
  { build, pull, worker }: { build: string; pull: GraphPull; worker: string },
): Promise<PullInfo> {
  const state = pull.merged ? 'merged' : pull.state === 'OPEN' ? 'open' : 'closed';
  const head = pull.commits.nodes[0]?.commit;
  const contexts = head?.statusCheckRollup?.contexts.nodes ?? [];
  const runs = contexts.filter((c): c is GraphCheckRun => c.__typename === 'CheckRun');
  const statuses = contexts.filter(
    (c): c is GraphStatusContext => c.__typename === 'StatusContext',
  );
  const review = runs.find((run) => run.name === REVIEW_CHECK_NAME);
  const open = state === 'open';
  const own = open ? ownChecksOf(runs) : null;
  const decision = open ? reviewDecisionOf(pull.reviewDecision) : null;
  const evidence = evidenceOf(ctx, pull);
  return {
    number: pull.number,
    worker,
    headSha: pull.headRefOid,
    state,
    mergeState: open ? mergeStateOf(pull.mergeStateStatus) : 'unknown',
    ...(open && pull.isDraft ? { draft: true } : {}),
    reviews: await reviewsOf(ctx, pull),
    checks: open
      ? await rollUp(ctx, {
          head: pull.headRefOid,
          runs: runs.filter((run) => !isBatonCheck(run.name)),
          statuses: statuses.filter((status) => !isBatonCheck(status.context)),
        })
      : { state: 'none', failedRuns: [] },
    ...(own ? { ownChecks: own } : {}),
    ...(decision ? { reviewDecision: decision } : {}),
    labels: pull.labels.nodes.map((label) => label.name),
    url: pull.url,
    createdAt: pull.createdAt,
    ...(state === 'merged' && pull.mergedAt ? { mergedAt: pull.mergedAt } : {}),
    ...(state === 'merged' && pull.mergeCommit ? { mergeSha: pull.mergeCommit.oid } : {}),
    reviewCheck: review
      ? { sha: pull.headRefOid, verdict: verdictOfCheck(review.conclusion) }
      : null,
    ...(head ? await updatedFrom(ctx, { build, head, open, judged: evidence.evidence?.head }) : {}),
    ...evidence,
  };
}

/**
 * Publish's evidence, believed only on a pull request the app's bot opened, as
 * the verdict marker only on the app's reviews: anyone may open a pull request
 * from a branch named like a worker's and write a marker in its body. And only
 * from a body Baton's own identity last wrote: a writer, or code a worker added
 * to CI running with a token that may edit pull requests, can replace the body
 * and its marker (a `kept` contract, no risky file). GitHub's `editor` says who
 * last edited the body, null when no one has since it was opened (the author
 * wrote it); publish edits as the app. A body anyone else last edited has no
 * evidence, and its head is judged as one without (src/core/verification/autonomy.ts).
 */
function evidenceOf(ctx: RepoContext, pull: GraphPull): { evidence?: Evidence } {
  if (!pull.body || loginOf(pull.author ?? null) !== ctx.botLogin) return {};
  if (pull.editor && loginOf(pull.editor) !== ctx.botLogin) return {};
  const evidence = parseEvidenceMarker(pull.body);
  return evidence ? { evidence } : {};
}

/**
 * Baton's own session jobs on a head (its `baton/review` verdict left out), as
 * GitHub counts them in the merge state: one running, one that ended red, or
 * all passed; null where there are none.
 */
function ownChecksOf(runs: GraphCheckRun[]): PullInfo['ownChecks'] | null {
  const own = runs.filter((run) => isBatonCheck(run.name) && run.name !== REVIEW_CHECK_NAME);
  if (own.length === 0) return null;
  if (own.some((run) => run.status !== 'COMPLETED')) return 'pending';
  return own.every((run) => run.conclusion && PASSING.has(run.conclusion)) ? 'success' : 'failure';
}

/** GitHub's `reviewDecision`, where a rule asks for reviews; null where none does. */
function reviewDecisionOf(decision: string | null | undefined): PullInfo['reviewDecision'] | null {
  switch (decision) {
    case 'APPROVED':
      return 'approved';
    case 'CHANGES_REQUESTED':
      return 'changes-requested';
    case 'REVIEW_REQUIRED':
      return 'review-required';
    default:
      return null;
  }
}

export function mergeStateOf(status: string): PullInfo['mergeState'] {
  switch (status) {
    case 'CLEAN':
    case 'HAS_HOOKS':
      return 'clean';
    case 'BEHIND':
    case 'DIRTY':
    case 'BLOCKED':
    case 'UNSTABLE':
      return status.toLowerCase() as PullInfo['mergeState'];
    case 'DRAFT':
      return 'blocked';
    default:
      return 'unknown';
  }
}

/**
 * The reviews of a PR as `decide` weighs them. Only Baton's marked reviews and
 * reviews by people with write, maintain or admin permission carry a verdict;
 * anyone else's review is kept as a mere comment, so it neither approves,
 * blocks nor starts a fix session (whose prompt would quote it).
 */
async function reviewsOf(ctx: RepoContext, pull: GraphPull): Promise<ReviewInfo[]> {
  const permitted = await permittedReviewers(ctx, pull);
  return pull.reviews.nodes.flatMap((review): ReviewInfo[] => {
    const author = loginOf(review.author);
    const byBaton = author === ctx.botLogin;
    const marker = byBaton ? parseVerdictMarker(review.body) : null;
    const stated = marker ? marker.verdict : humanVerdict(review.state);
    if (!stated || !review.commit || (byBaton && !marker)) return [];
    const verdict = byBaton || permitted.has(author) ? stated : 'comment';
    return [
      {
        id: review.databaseId,
        author,
        byBaton,
        verdict,
        commitSha: review.commit.oid,
        submittedAt: review.submittedAt ?? '',
        ...(marker ? { costUsd: marker.costUsd } : {}),
        ...(marker?.memory ? { memory: marker.memory } : {}),
      },
    ];
  });
}

/** The authors of decisive reviews on this PR who may steer the build (asked once each, cached). */
async function permittedReviewers(ctx: RepoContext, pull: GraphPull): Promise<Set<string>> {
  const authors = new Set(
    pull.reviews.nodes
      .filter((review) => review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED')
      .map((review) => loginOf(review.author))
      // Other apps' reviews never steer: only Baton and people do.
      .filter((author) => author !== '' && author !== ctx.botLogin && !author.endsWith('[bot]')),
  );
  const permitted = new Set<string>();
  for (const author of authors) {
    if (await hasWriteAccess(ctx, author)) permitted.add(author);
  }
  return permitted;
}

function humanVerdict(state: string): ReviewInfo['verdict'] | null {
  if (state === 'APPROVED') return 'approve';
  if (state === 'CHANGES_REQUESTED') return 'changes-requested';
  if (state === 'COMMENTED') return 'comment';
  return null; // PENDING and DISMISSED reviews do not count.
}

function verdictOfCheck(conclusion: string | null): ReviewInfo['verdict'] {
  if (conclusion === 'SUCCESS') return 'approve';
  if (conclusion === 'FAILURE') return 'changes-requested';
  return 'comment';
}

const PASSING = new Set(['SUCCESS', 'NEUTRAL', 'SKIPPED']);
const STATUS_PENDING = new Set<GraphStatusContext['state']>(['PENDING', 'EXPECTED']);
const STATUS_FAILED = new Set<GraphStatusContext['state']>(['FAILURE', 'ERROR']);

/**
 * Check runs and commit statuses are both CI (Jenkins, Vercel and older
 * CircleCI report through statuses): anything pending waits, anything red
 * fails. Only failed Actions runs can be re-run; a red status goes straight
 * to a fix session.
 */
async function rollUp(
  ctx: RepoContext,
  {
    head,
    runs: theirs,
    statuses,
  }: { head: string; runs: GraphCheckRun[]; statuses: GraphStatusContext[] },
): Promise<ChecksInfo> {
  if (theirs.length === 0 && statuses.length === 0) return { state: 'none', failedRuns: [] };
  const pending =
    theirs.some((run) => run.status !== 'COMPLETED') ||
    statuses.some((status) => STATUS_PENDING.has(status.state));
  if (pending) return { state: 'pending', failedRuns: [] };
  const failed = theirs.filter((run) => run.conclusion && !PASSING.has(run.conclusion));
  const red = statuses.some((status) => STATUS_FAILED.has(status.state));
  if (failed.length === 0 && !red) return { state: 'success', failedRuns: [] };
  // One failed job's link per Actions run: jobs are new in every attempt, so the link names the attempt.
  const jobs = new Map<number, string>();
  for (const run of failed) {
    const id = actionsRunId(run.detailsUrl);
    if (id !== null && !jobs.has(id)) jobs.set(id, run.detailsUrl ?? '');
  }
  // A check's link is whatever the app that made it wrote: only a run the Actions API
  // shows for this head, in this repository, is one Baton may re-run.
  const read = await Promise.all([...jobs].map(([id, job]) => actionsRun(ctx, { id, job })));
  const failedRuns = read.flatMap((run) =>
    run && run.headSha === head && run.repository === `${ctx.owner}/${ctx.repo}`
      ? [{ id: run.id, attempt: run.attempt }]
      : [],
  );
  return { state: 'failure', failedRuns };
}

interface ActionsRun {
  id: number;
  attempt: number;
  headSha: string;
  /** The repository the run's head is in, `owner/name`. */
  repository: string;
}

/** Which run and attempt a failed job belongs to never changes. */
const actionsRuns = remembered(new ImmutableCache<ActionsRun | null>());

function actionsRun(
  ctx: RepoContext,
  { id, job }: { id: number; job: string },
): Promise<ActionsRun | null> {
  return actionsRuns.get(`${ctx.owner}/${ctx.repo}:${job}`, async () => {
    const data = await ctx.octokit.rest.actions
      .getWorkflowRun({ owner: ctx.owner, repo: ctx.repo, run_id: id })
      .then(
        (answer) => answer.data,
        (error: unknown) => {
          // A link to a run this repository does not have names nothing to re-run.
          if (statusOf(error) === 404) return null;
          throw error;
        },
      );
    if (!data) return null;
    return {
      id: data.id,
      attempt: data.run_attempt ?? 1,
      headSha: data.head_sha,
      repository: data.head_repository?.full_name ?? '',
    };
  });
}

/**
 * A head made by Baton's `update-branch` (`update-pull-branch`) merges the
 * build branch into the earlier head, its first parent, and keeps the verdicts
 * given on it. Only a merge GitHub made for Baton counts: two parents, GitHub's
 * message naming the build branch, authored by the app's bot (GitHub names the
 * caller of `update-branch` as the author) and signed with GitHub's own key, so
 * that author and parents are GitHub's record and not what a push claims.
 * A merge a person made, in GitHub's "Resolve conflicts" editor (signed by
 * GitHub, authored by them) or on their machine, is new work whatever its
 * message, as is a session's: Baton reviews it.
 *
 * The second parent is not compared with the build branch's head: that moves
 * on as siblings merge, and the merge was made of the head it had then.
 *
 * A pull request that waits while its siblings merge is updated again and
 * again, each update on the one before: an open one's heads beneath are read
 * down the first parents, one commit a request (`BatonCommitOrigin`, read once:
 * a commit never changes), to the head the first update was made on, or to the
 * head its evidence judged. At most `MOST_UPDATES` in a row are read: a longer
 * chain stops there, on a head no evidence speaks for, so the pull request
 * waits for a person rather than for a guess.
 */
async function updatedFrom(
  ctx: RepoContext,
  {
    build,
    head,
    open,
    judged,
  }: { build: string; head: CommitOrigin; open: boolean; judged: string | undefined },
): Promise<Pick<PullInfo, 'updatedFrom'>> {
  const beneath: string[] = [];
  for (let at: CommitOrigin | null = head; at && beneath.length < MOST_UPDATES; ) {
    const earlier = updateOf({ build, botLogin: ctx.botLogin }, at);
    if (!earlier) break;
    beneath.push(earlier);
    if (!open || earlier === judged) break;
    at = await commitOrigin(ctx, earlier);
  }
  return beneath.length > 0 ? { updatedFrom: beneath } : {};
}

/** How many of Baton's updates in a row are read down at most. */
const MOST_UPDATES = 20;

/** The head a commit of Baton's `update-branch` was made on (its first parent); null for any other commit. */
function updateOf(
  { build, botLogin }: { build: string; botLogin: string },
  commit: CommitOrigin,
): string | null {
  const [first, second] = commit.parents.nodes;
  if (!first || !second || !commit.message.includes(integrationBranch(build))) return null;
  if (commit.signature?.wasSignedByGitHub !== true) return null;
  return isAppAuthor(commit.author?.email ?? null, botLogin) ? first.oid : null;
}

/** Where a commit comes from: its parents, the author it names, whether GitHub signed it. */
type CommitOrigin = Pick<
  GraphPull['commits']['nodes'][number]['commit'],
  'oid' | 'message' | 'parents' | 'author' | 'signature'
>;

export const COMMIT_ORIGIN_QUERY = /* GraphQL */ `
  query BatonCommitOrigin($owner: String!, $repo: String!, $oid: GitObjectID!) {
    repository(owner: $owner, name: $repo) {
      object(oid: $oid) {
        ... on Commit {
          oid
          message
          parents(first: 2) { nodes { oid } }
          author { email }
          signature { wasSignedByGitHub }
        }
      }
    }
  }
`;

/** Commits' origins by `owner/repo@sha`: a commit never changes. */
const origins = remembered(new ImmutableCache<CommitOrigin>(5_000));

/** A commit's origin, read once it is found; null where GitHub answers none (not kept: it may show later). */
async function commitOrigin(ctx: RepoContext, oid: string): Promise<CommitOrigin | null> {
  const key = `${ctx.owner}/${ctx.repo}@${oid}`;
  const known = origins.peek(key);
  if (known) return known;
  const answer = await ctx.octokit.graphql<{
    repository: { object: CommitOrigin | null } | null;
  }>(COMMIT_ORIGIN_QUERY, { owner: ctx.owner, repo: ctx.repo, oid });
  const object = answer.repository?.object;
  if (object?.oid !== oid) return null;
  origins.set(key, object);
  return object;
}

/**
 * Whether a commit's author address is the app's bot's: GitHub's no-reply
 * address for it, `<id>+<login>@users.noreply.github.com` (the id-less form too).
 */
function isAppAuthor(email: string | null, botLogin: string): boolean {
  if (!email) return false;
  const address = email.toLowerCase();
  const own = `${botLogin.toLowerCase()}@users.noreply.github.com`;
  const plus = address.indexOf('+');
  return (
    address === own ||
    (plus > 0 && /^\d+$/.test(address.slice(0, plus)) && address.slice(plus + 1) === own)
  );
}

/** GitHub Actions check runs link to `…/actions/runs/<run id>/job/<job id>`. */
function actionsRunId(detailsUrl: string | null | undefined): number | null {
  const match = /\/actions\/runs\/(\d+)/.exec(detailsUrl ?? '');
  return match ? Number(match[1]) : null;
}
