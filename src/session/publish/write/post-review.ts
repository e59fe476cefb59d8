import { z } from 'zod';
import { reviewRepeats } from '../../../core/memory/review-repeats.js';
import type { Usage } from '../../../core/records/completion.js';
import { renderVerdictMarker } from '../../../core/sessions/verdict-marker.js';
import { code } from '../../../core/vocabulary/markdown.js';
import { findBatonReviewOf, ListedReview, REVIEW_PAGES_MAX } from '../../baton-review.js';
import { type DiffLines, parseDiffLines } from '../../diff-lines.js';
import type { ReviewComment, ReviewResult } from '../../result.js';
import {
  CommitParents,
  Comparison,
  type GoneHead,
  goneHead,
  type HeadReads,
  PullState,
} from '../../review-head.js';
import { type GitHubApi, repoPath } from './github-api.js';
import { fitBody, neutralizeModelText } from './pull-body.js';

const Pull = PullState.extend({
  number: z.number(),
  head: z.object({ sha: z.string(), ref: z.string() }),
});
const PullFile = z.object({ filename: z.string(), patch: z.string().optional() });
const PostedReview = z.object({ id: z.number(), html_url: z.string().optional() });

/** GitHub lists at most 3,000 files of a pull request, 100 per page. */
const FILE_PAGES_MAX = 30;

/** The posted review and where its comments went, or why it was not posted. */
export type PostedReviewOutcome =
  | { ok: true; reviewId: number; inline: number; moved: number; again?: true; existing?: true }
  | { ok: true; gone: GoneHead }
  | { ok: false; problems: string[] };

/** The reads of the gone-head check (`goneHead`), made with publish's client. */
export function headReadsOf(api: GitHubApi, repository: string): HeadReads {
  const repo = repoPath(repository);
  return {
    compare: async (base, head) =>
      Comparison.parse(
        await api.request(
          'GET',
          `${repo}/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`,
        ),
      ),
    parentsOf: async (sha) =>
      CommitParents.parse(
        await api.request('GET', `${repo}/commits/${encodeURIComponent(sha)}`),
      ).parents.map((parent) => parent.sha),
  };
}

/**
 * Posts the session's review as ONE review (event COMMENT) on the reviewed
 * head. Comments on lines outside the diff's hunks would make GitHub refuse
 * the whole review, so they move into the body instead of being dropped.
 */
export async function postReview({
  api,
  repository,
  pr,
  branch,
  review,
  usage,
  runId,
  given,
  log = () => undefined,
}: {
  api: GitHubApi;
  repository: string;
  pr: number;
  branch: string;
  review: ReviewResult;
  usage: Usage;
  /** The Actions run; its marker lets a second try find the review the first one posted. */
  runId?: string | undefined;
  /** The slugs of the lessons the session was given (`lessons.read` of its result). */
  given: readonly string[];
  log?: ((line: string) => void) | undefined;
}): Promise<PostedReviewOutcome> {
  // What the review says of its lessons goes into its marker, checked again here as every field is.
  const memory = reviewRepeats({ given, verdict: review.verdict, comments: review.comments });
  if (!memory.ok) return { ok: false, problems: memory.problems };
  const base = `${repoPath(repository)}/pulls/${pr}`;
  const pull = Pull.parse(await api.request('GET', base));
  if (pull.head.ref !== branch) {
    return { ok: false, problems: [`pull request #${pr} is for ${pull.head.ref}, not ${branch}`] };
  }
  const runMarker = runId ? renderRunMarker(runId) : '';
  const reviews = await listReviews(api, base);
  const earlier = runMarker ? findRunReview(reviews, runMarker) : null;
  if (earlier !== null) return { ok: true, reviewId: earlier, inline: 0, moved: 0, again: true };
  // The pull request merged or closed while the session ran, or moved on only by the branch's update.
  const gone = await goneHead({
    pull,
    asked: review.commit_sha,
    reads: headReadsOf(api, repository),
    log,
  });
  if (gone !== null) return { ok: true, gone };
  // One Baton review per head: a twin run (another replica's dispatch) posted it already.
  const existing = findBatonReviewOf(reviews, review.commit_sha);
  if (existing !== null) {
    return { ok: true, reviewId: existing, inline: 0, moved: 0, existing: true };
  }
  // A head that moved on since the review has another diff: keep every comment in the body.
  const diff = pull.head.sha === review.commit_sha ? await getDiffLines(api, base) : new Map();
  const inline = review.comments.filter((comment) => isInDiff(comment, diff));
  const moved = review.comments.filter((comment) => !isInDiff(comment, diff));
  const body = fitBody(
    [neutralizeModelText(review.body), renderMoved(moved)].filter(Boolean).join('\n\n'),
    [
      renderVerdictMarker({
        verdict: review.verdict,
        costUsd: usage.cost_usd,
        memory: memory.memory ?? undefined,
      }),
      runMarker,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  const request: Record<string, unknown> = { commit_id: review.commit_sha, body, event: 'COMMENT' };
  if (inline.length > 0) {
    request.comments = inline.map((comment) => ({
      path: comment.path,
      line: comment.line,
      side: comment.side,
      body: neutralizeModelText(comment.body),
    }));
  }
  if (!runMarker) {
    const posted = PostedReview.parse(await api.request('POST', `${base}/reviews`, request));
    return { ok: true, reviewId: posted.id, inline: inline.length, moved: moved.length };
  }
  // A retried POST must not post the review twice: look for the run's marker between tries.
  const posted = await api.postOnce({
    path: `${base}/reviews`,
    body: request,
    find: async () => {
      const id = findRunReview(await listReviews(api, base), runMarker);
      return id === null ? null : { id };
    },
  });
  const reviewId = PostedReview.parse(posted.value).id;
  if (posted.found) return { ok: true, reviewId, inline: 0, moved: 0, again: true };
  return { ok: true, reviewId, inline: inline.length, moved: moved.length };
}

/** `<!-- baton:review-run 123 -->`: which run posted a review (models' text cannot carry it: neutralized). */
export function renderRunMarker(runId: string): string {
  return `<!-- baton:review-run ${runId.replace(/[^0-9A-Za-z_-]/g, '')} -->`;
}

/** The PR's reviews, up to `REVIEW_PAGES_MAX` pages. */
async function listReviews(api: GitHubApi, base: string): Promise<ListedReview[]> {
  const reviews: ListedReview[] = [];
  for (let page = 1; page <= REVIEW_PAGES_MAX; page++) {
    const listed = z
      .array(ListedReview)
      .parse(await api.request('GET', `${base}/reviews?per_page=100&page=${page}`));
    reviews.push(...listed);
    if (listed.length < 100) break;
  }
  return reviews;
}

/**
 * The review this run posted already, if a try whose answer was lost (a 502
 * after GitHub acted) or an earlier attempt of the job posted it: a bot's
 * review whose body carries the run's marker.
 */
function findRunReview(reviews: readonly ListedReview[], marker: string): number | null {
  const found = reviews.find(
    (posted) => posted.user?.type === 'Bot' && (posted.body ?? '').includes(marker),
  );
  return found?.id ?? null;
}

async function getDiffLines(api: GitHubApi, base: string): Promise<Map<string, DiffLines>> {
  const files = new Map<string, DiffLines>();
  for (let page = 1; page <= FILE_PAGES_MAX; page++) {
    const listed = z
      .array(PullFile)
      .parse(await api.request('GET', `${base}/files?per_page=100&page=${page}`));
    for (const file of listed) files.set(file.filename, parseDiffLines(file.patch));
    if (listed.length < 100) break;
  }
  return files;
}

function isInDiff(comment: ReviewComment, diff: Map<string, DiffLines>): boolean {
  return diff.get(comment.path)?.[comment.side].has(comment.line) ?? false;
}

/**
 * The comments that could not go on a line of the diff, in the body. A
 * comment's path is the model's text as much as its body (it names any file,
 * a changed one or not): a forged marker or a mention in it is neutralized too.
 */
function renderMoved(comments: ReviewComment[]): string {
  if (comments.length === 0) return '';
  const items = comments.map((comment) => {
    const path = neutralizeModelText(code(comment.path));
    const where = `${path} line ${comment.line}${comment.side === 'LEFT' ? ' (old side)' : ''}`;
    const quoted = neutralizeModelText(comment.body)
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    return `**${where}**\n\n${quoted}`;
  });
  return `### Comments outside the diff\n\n${items.join('\n\n')}`;
}
