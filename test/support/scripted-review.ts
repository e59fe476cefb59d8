import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull, SimReview, SimRun } from '../../sim/github/records.js';
import type { ReviewedInRun } from '../../src/core/sessions/session.js';
import { renderVerdictMarker } from '../../src/core/sessions/verdict-marker.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';
import { bump, countersOf } from './scripted-counters.js';
import { recordUsage } from './scripted-records.js';
import type { SessionScript } from './scripted-sessions.js';

/**
 * Baton's review of a worker's pull request in scripted sessions
 * (test/support/scripted-sessions.ts), in both places the workflow runs one: a
 * `review` run the app dispatched, and the review jobs of the run whose work,
 * contract or fix session pushed the head (templates/workflows/baton.yml,
 * `review` and `review-publish`), which need no dispatch of their own.
 */

/** How a review ended: its verdict posted, a twin's found (nothing posted), or no review at all. */
export type ReviewEnd = 'posted' | 'twin' | 'failed';

/**
 * The review a run owes after its session: that session delivered a pull request ready for
 * review (not a draft), so the run's review jobs review its head before the run completes.
 */
export interface InRunReview {
  run: SimRun;
  /** The role of the session the review follows in the run. */
  after: ReviewedInRun;
  worker: string;
  pull: number;
}

/**
 * Reviews a worker's pull request at its head now, as a review session's publish posts it:
 * Baton's bot, the verdict marker. A twin (Baton's review of that head is there already)
 * posts nothing and counts no round; `fail` (the script's verdict) posts nothing either.
 */
export function reviewPull(
  gh: FakeGitHub,
  script: Pick<SessionScript, 'review'>,
  { pull, worker }: { pull: SimPull | undefined; worker: string },
): ReviewEnd {
  const head = pull ? (gh.git.resolve(pull.head) ?? '') : '';
  const twin = gh.reviews.some(
    (r) => r.pull === pull?.number && r.user.login === gh.botLogin && r.commitId === head,
  );
  if (twin) return 'twin';
  const round = bump(countersOf(gh).reviews, worker);
  const verdict = script.review?.(worker, round) ?? 'approve';
  if (verdict === 'fail') return 'failed';
  if (pull) {
    gh.addReview({
      pull: pull.number,
      user: gh.botLogin,
      body: `Review of ${worker}.\n${renderVerdictMarker({ verdict, costUsd: 0.01 })}`,
      state: 'COMMENTED',
      commitId: head,
      comments: [],
    });
  }
  return 'posted';
}

/**
 * The review jobs of a run whose session delivered (`InRunReview`): the review of the
 * pull request's head, its usage record at `<run>-<attempt>-review` when the script
 * leaves records, then the run completes. Its conclusion is the session's, a success:
 * the jobs continue on error, so a review that failed (nothing posted) fails no run.
 */
export function playReviewInRun(
  gh: FakeGitHub,
  script: Pick<SessionScript, 'build' | 'review' | 'usageUsd'>,
  owed: InRunReview,
): void {
  const end = reviewPull(gh, script, { pull: gh.pulls.get(owed.pull), worker: owed.worker });
  if (script.usageUsd) {
    recordUsage(gh, script, owed.run, {
      after: owed.after,
      outcome: end === 'failed' ? 'failed' : 'complete',
    });
  }
  gh.finishRun(owed.run.id, 'success');
}

/** Baton's reviews of a worker's pull requests, oldest first, whichever run made them. */
export function batonReviewsOf(gh: FakeGitHub, build: string, worker: string): SimReview[] {
  const branch = workerBranch(build, worker);
  const pulls = new Set(
    [...gh.pulls.values()].filter((p) => p.head === branch).map((p) => p.number),
  );
  return gh.reviews.filter((r) => pulls.has(r.pull) && r.user.login === gh.botLogin);
}
