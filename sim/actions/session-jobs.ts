/**
 * The jobs of one run attempt of the Baton workflow, in the order its `needs:`
 * and `if:` play them, listed as GitHub's API lists them, and the run's
 * conclusion. Which job runs when is decided here; how one job runs is the
 * caller's (`play`, a real process in play-run.ts), so the order can be
 * tested without one.
 */
import type { GitHubState } from '../github/github-state.js';
import type { SimJob, SimRun } from '../github/records.js';
import type { JobName, ReviewHead } from './job-env.js';

/** How a job's step ended: its exit code and what it wrote to `$GITHUB_OUTPUT`. */
export interface JobEnd {
  code: number;
  outputs: Record<string, string>;
}

/**
 * Plays one job to its end. `checkRunId` is the job's id as listed (GitHub's `check_run_id`
 * of its OIDC token); `review` is what the review jobs review.
 */
export type PlayJob = (
  job: JobName,
  at: { checkRunId: number; review?: ReviewHead },
) => Promise<JobEnd>;

/** Each job's `name:` in the workflow: what the API lists and the check runs are called. */
export const JOB_NAMES: Record<JobName, string> = {
  views: 'baton views',
  agent: 'baton agent',
  publish: 'baton publish',
  review: 'baton review',
  'review-publish': 'baton review publish',
};

/**
 * The run's jobs as the workflow plays them: a change set's plan session's
 * `views` first; `agent` (skipped when views failed); `publish`, after a
 * failed agent too (`if: always()`); then, when publish's outputs name a head
 * (`review-head`), `review` (after a publish that succeeded) and
 * `review-publish` (`always()`), and both skipped otherwise. The review jobs
 * have `continue-on-error`: the run's conclusion is the session's own jobs'
 * alone, given once the review jobs have ended. A run cancelled meanwhile
 * keeps the conclusion the cancel gave it.
 */
export async function playSessionJobs({
  gh,
  run,
  cancelled,
  play,
  reviewJobs = true,
}: {
  gh: Pick<GitHubState, 'nextId' | 'finishRun'>;
  run: SimRun;
  cancelled: () => boolean;
  play: PlayJob;
  /** False: a workflow from before the review jobs, which has none to list or play. */
  reviewJobs?: boolean;
}): Promise<void> {
  const listed = listJobs(gh, run, reviewJobs);
  const skip = (job: JobName) =>
    Object.assign(listed[job] ?? {}, { status: 'completed', conclusion: 'skipped' });
  const playListed = async (job: JobName, review?: ReviewHead): Promise<JobEnd> => {
    const entry = Object.assign(listed[job] as SimJob, { status: 'in_progress' });
    const end = await play(job, { checkRunId: entry.id, ...(review ? { review } : {}) });
    // A job the run's cancel ended meanwhile stays `cancelled`, as the cancel listed it.
    if (entry.status !== 'completed') {
      entry.status = 'completed';
      entry.conclusion = end.code === 0 ? 'success' : 'failure';
    }
    return end;
  };
  const session = await playSession(run, { cancelled, skip, play: playListed });
  if (!session) return;
  if (reviewJobs) await playReview(session.publish, { cancelled, skip, play: playListed });
  if (cancelled()) return;
  gh.finishRun(run.id, session.ok ? 'success' : 'failure');
}

/** What the review jobs review: publish's `review-pr` and `review-head`; null when it names no head. */
export function reviewOf(outputs: Record<string, string>): ReviewHead | null {
  const head = outputs['review-head'] ?? '';
  return head === '' ? null : { pr: outputs['review-pr'] ?? '', head };
}

/**
 * The attempt's jobs as `GET …/attempts/{n}/jobs` lists them from the start: the first
 * running, those that wait on `needs` queued.
 */
function listJobs(
  gh: Pick<GitHubState, 'nextId'>,
  run: SimRun,
  reviewJobs: boolean,
): Partial<Record<JobName, SimJob>> {
  const views = Boolean(run.inputs.views);
  const order: JobName[] = [
    ...(views ? (['views'] as const) : []),
    'agent',
    'publish',
    ...(reviewJobs ? (['review', 'review-publish'] as const) : []),
  ];
  const jobs = order.map(
    (job, index): SimJob => ({
      id: gh.nextId(),
      name: JOB_NAMES[job],
      status: index === 0 ? 'in_progress' : 'queued',
    }),
  );
  run.jobs = jobs;
  return Object.fromEntries(order.map((job, index) => [job, jobs[index]]));
}

interface Moves {
  cancelled: () => boolean;
  skip: (job: JobName) => void;
  play: (job: JobName, review?: ReviewHead) => Promise<JobEnd>;
}

/**
 * The session's own jobs: views (when listed), agent, publish. Answers whether
 * they all succeeded and how publish ended; null when the run was cancelled.
 */
async function playSession(
  run: SimRun,
  { cancelled, skip, play }: Moves,
): Promise<{ ok: boolean; publish: JobEnd } | null> {
  if (run.inputs.views) {
    const views = await play('views');
    if (cancelled()) return null;
    // `needs: views` with `if: !cancelled() && needs.views.result != 'failure'`.
    if (views.code !== 0) {
      skip('agent');
      const publish = await play('publish');
      return cancelled() ? null : { ok: false, publish };
    }
  }
  const agent = await play('agent');
  if (cancelled()) return null;
  const publish = await play('publish');
  if (cancelled()) return null;
  return { ok: agent.code === 0 && publish.code === 0, publish };
}

/**
 * The review jobs, by publish's outputs: `review`'s `if:` has no status function, so it
 * needs publish to have succeeded; `review-publish`'s has `always()`.
 */
async function playReview(publish: JobEnd, { cancelled, skip, play }: Moves): Promise<void> {
  const review = reviewOf(publish.outputs);
  if (!review) {
    skip('review');
    skip('review-publish');
    return;
  }
  if (publish.code === 0) await play('review', review);
  else skip('review');
  if (cancelled()) return;
  await play('review-publish', review);
}
