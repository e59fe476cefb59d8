import { integrationBranch, parseBatonBranch } from '../core/ids.js';
import type { ChecksInfo, PullInfo, ReviewInfo } from '../core/snapshot.js';
import { parseVerdictMarker } from '../core/verdict-marker.js';
import { ImmutableCache } from './immutable-cache.js';
import { REVIEW_CHECK_NAME } from './pulls.js';
import type { RepoContext } from './types.js';

const closedReviews = new ImmutableCache<ReviewInfo[]>();

/** Check runs that are Baton's own: its review verdict and its session jobs. */
function isBatonCheck(name: string): boolean {
  return name.startsWith('baton');
}

/** The worker pull requests of a build, with reviews, checks and merge state for the open ones. */
export async function readPulls(ctx: RepoContext, build: string): Promise<PullInfo[]> {
  const pulls = await ctx.octokit.paginate(ctx.octokit.rest.pulls.list, {
    owner: ctx.owner,
    repo: ctx.repo,
    base: integrationBranch(build),
    state: 'all',
    per_page: 100,
  });
  const workerPulls = pulls.flatMap((pull) => {
    const branch = parseBatonBranch(pull.head.ref);
    const sameRepo = pull.head.repo?.full_name === `${ctx.owner}/${ctx.repo}`;
    return branch?.kind === 'worker' && branch.build === build && sameRepo
      ? [{ pull, worker: branch.worker }]
      : [];
  });
  return Promise.all(
    workerPulls.map(async ({ pull, worker }): Promise<PullInfo> => {
      const state = pull.merged_at ? 'merged' : pull.state === 'open' ? 'open' : 'closed';
      const base = {
        number: pull.number,
        worker,
        headSha: pull.head.sha,
        state,
        labels: pull.labels.map((label) => label.name),
        url: pull.html_url,
        createdAt: pull.created_at,
      } as const;
      if (state !== 'open') {
        // A closed PR's reviews still carry what Baton's reviews cost; they rarely change.
        const reviews = await closedReviews.get(`${pull.id}@${pull.updated_at}`, () =>
          readReviews(ctx, pull.number),
        );
        return {
          ...base,
          mergeState: 'unknown',
          reviews,
          checks: { state: 'none', failedRuns: [] },
        };
      }
      const [mergeState, reviews, { checks, reviewCheck }] = await Promise.all([
        readMergeState(ctx, pull.number),
        readReviews(ctx, pull.number),
        readChecks(ctx, pull.head.sha),
      ]);
      // Only a head that no review covers can owe its verdict to an earlier head.
      const covered = reviews.some((review) => review.commitSha === pull.head.sha);
      const baseMergeOf =
        covered || reviews.length === 0
          ? null
          : await readBaseMergeOf(ctx, { build, sha: pull.head.sha });
      return { ...base, mergeState, reviews, checks, reviewCheck, baseMergeOf };
    }),
  );
}

async function readMergeState(ctx: RepoContext, number: number): Promise<PullInfo['mergeState']> {
  const { data } = await ctx.octokit.rest.pulls.get({
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: number,
  });
  switch (data.mergeable_state) {
    case 'clean':
    case 'has_hooks':
      return 'clean';
    case 'behind':
    case 'dirty':
    case 'blocked':
    case 'unstable':
      return data.mergeable_state;
    case 'draft':
      return 'blocked';
    default:
      return 'unknown';
  }
}

async function readReviews(ctx: RepoContext, number: number): Promise<ReviewInfo[]> {
  const reviews = await ctx.octokit.paginate(ctx.octokit.rest.pulls.listReviews, {
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: number,
    per_page: 100,
  });
  return reviews.flatMap((review): ReviewInfo[] => {
    const author = review.user?.login ?? '';
    const byBaton = author === ctx.botLogin;
    const marker = byBaton ? parseVerdictMarker(review.body ?? '') : null;
    const verdict = marker ? marker.verdict : humanVerdict(review.state);
    if (!verdict || !review.commit_id || (byBaton && !marker)) return [];
    return [
      {
        id: review.id,
        author,
        byBaton,
        verdict,
        commitSha: review.commit_id,
        submittedAt: review.submitted_at ?? '',
        ...(marker ? { costUsd: marker.costUsd } : {}),
      },
    ];
  });
}

function humanVerdict(state: string): ReviewInfo['verdict'] | null {
  if (state === 'APPROVED') return 'approve';
  if (state === 'CHANGES_REQUESTED') return 'changes-requested';
  if (state === 'COMMENTED') return 'comment';
  return null; // PENDING and DISMISSED reviews do not count.
}

interface ChecksRead {
  checks: ChecksInfo;
  reviewCheck: { sha: string; verdict: ReviewInfo['verdict'] } | null;
}

async function readChecks(ctx: RepoContext, sha: string): Promise<ChecksRead> {
  const runs = await ctx.octokit.paginate(ctx.octokit.rest.checks.listForRef, {
    owner: ctx.owner,
    repo: ctx.repo,
    ref: sha,
    filter: 'latest',
    per_page: 100,
  });
  const review = runs.find((run) => run.name === REVIEW_CHECK_NAME);
  const reviewCheck = review ? { sha, verdict: verdictOfCheck(review.conclusion) } : null;
  return {
    checks: await rollUp(
      ctx,
      runs.filter((run) => !isBatonCheck(run.name)),
    ),
    reviewCheck,
  };
}

function verdictOfCheck(conclusion: string | null): ReviewInfo['verdict'] {
  if (conclusion === 'success') return 'approve';
  if (conclusion === 'failure') return 'changes-requested';
  return 'comment';
}

async function rollUp(
  ctx: RepoContext,
  theirs: { status: string; conclusion: string | null; details_url?: string | null }[],
): Promise<ChecksInfo> {
  if (theirs.length === 0) return { state: 'none', failedRuns: [] };
  const failed = theirs.filter(
    (run) => run.conclusion && !['success', 'neutral', 'skipped'].includes(run.conclusion),
  );
  if (theirs.some((run) => run.status !== 'completed')) return { state: 'pending', failedRuns: [] };
  if (failed.length === 0) return { state: 'success', failedRuns: [] };
  const runIds = [...new Set(failed.flatMap((run) => actionsRunId(run.details_url)))];
  const failedRuns = await Promise.all(
    runIds.map(async (id) => {
      const { data } = await ctx.octokit.rest.actions.getWorkflowRun({
        owner: ctx.owner,
        repo: ctx.repo,
        run_id: id,
      });
      return { id, attempt: data.run_attempt ?? 1 };
    }),
  );
  return { state: 'failure', failedRuns };
}

/**
 * A head made by `update-branch` is a merge of the build branch into the
 * earlier head: its first parent is that head. Anything else is new work.
 */
async function readBaseMergeOf(
  ctx: RepoContext,
  { build, sha }: { build: string; sha: string },
): Promise<string | null> {
  const { data } = await ctx.octokit.rest.repos.getCommit({
    owner: ctx.owner,
    repo: ctx.repo,
    ref: sha,
    per_page: 1,
  });
  const [first, second] = data.parents;
  const mergesBuildBranch = data.commit.message.includes(integrationBranch(build));
  return first && second && mergesBuildBranch ? first.sha : null;
}

/** GitHub Actions check runs link to `…/actions/runs/<run id>/job/<job id>`. */
function actionsRunId(detailsUrl: string | null | undefined): number[] {
  const match = /\/actions\/runs\/(\d+)/.exec(detailsUrl ?? '');
  return match ? [Number(match[1])] : [];
}
