import { integrationBranch } from '../../../src/core/vocabulary/ids.js';
import type { ReviewResult, SessionResult } from '../../../src/session/result.js';
import { ASKED, movedHeadReads } from '../moved-heads.js';
import { BUILD, makeResult } from './fixture.js';
import { type Harness, PULLS } from './harness.js';
import { WORKER_BRANCH } from './worker-paths.js';

/** The head a review session reviewed: PR #7's, unless a test moves it. */
export const REVIEWED = ASKED;

/** The build branch, PR #7's base. */
const BUILD_BRANCH = integrationBranch(BUILD);

/** The environment of a review session of PR #7. */
export const REVIEW_ENV = { BATON_ROLE: 'review', BATON_PR: '7' };

/** A review of `REVIEWED`: a body, a comment on a line of the diff and one off it. */
export function makeReview(overrides: Partial<ReviewResult> = {}): ReviewResult {
  return {
    verdict: 'changes-requested',
    body: 'The form works; two things to change.',
    commit_sha: REVIEWED,
    comments: [
      { path: 'src/login.ts', line: 2, side: 'RIGHT', body: 'Check the password length here.' },
      { path: 'src/app.ts', line: 1, side: 'RIGHT', body: 'This export is now unused.' },
    ],
    ...overrides,
  };
}

/** What a review session leaves for publish: its result with `review`. */
export function reviewResult(review: ReviewResult): SessionResult {
  return makeResult({ role: 'review', pr: 7, branch: null, review });
}

/**
 * PR #7 on the worker's branch at `head` (open unless `state` says), its diff
 * lines 1–3 of `src/login.ts`, no review yet; a head moved from `REVIEWED`
 * (test/session/moved-heads.ts) answers the reads of the gone-head check.
 */
export function servePull(
  h: Harness,
  {
    head = REVIEWED,
    state = 'open',
    merged = false,
  }: { head?: string; state?: 'open' | 'closed'; merged?: boolean } = {},
): void {
  h.github.routes.set(`GET ${PULLS}/7`, () => ({
    status: 200,
    body: {
      number: 7,
      state,
      merged,
      head: { sha: head, ref: WORKER_BRANCH },
      base: { ref: BUILD_BRANCH },
    },
  }));
  for (const [path, body] of Object.entries(
    movedHeadReads({ repository: 'acme/app', base: BUILD_BRANCH }),
  )) {
    h.github.routes.set(`GET ${path}`, () => ({ status: 200, body }));
  }
  h.github.routes.set(`GET ${PULLS}/7/files`, () => ({
    status: 200,
    body: [{ filename: 'src/login.ts', patch: '@@ -0,0 +1,3 @@\n+a\n+b\n+c' }],
  }));
  h.github.routes.set(`POST ${PULLS}/7/reviews`, () => ({ status: 200, body: { id: 99 } }));
  h.github.routes.set(`GET ${PULLS}/7/reviews`, () => ({ status: 200, body: [] }));
}

/** The review publish posted. */
export function postedReview(h: Harness): {
  commit_id: string;
  event: string;
  body: string;
  comments?: { path: string; line: number; side: string; body: string }[];
} {
  const call = h.github.api.find((entry) => entry.method === 'POST');
  return call?.body as ReturnType<typeof postedReview>;
}
