import type { FakeGitHub } from '../github/fake-github.js';
import { countChanges, unifiedDiff } from '../github/git/unified-diff.js';
import { json, notFound, type Router } from '../github/router.js';
import { page } from '../github/routes/routes-issues.js';
import { reviewBody } from '../github/routes/routes-pulls.js';

/**
 * The reads a session's agent job makes (src/session/reads/github-reads.ts)
 * that the app itself never makes: a pull request's changed files with their
 * patches (review), a review and its inline comments (fix), and one issue
 * comment (`/retry` and `/replan` feedback).
 */
export function registerSessionReadRoutes(router: Router, gh: FakeGitHub): void {
  const repoPath = '/repos/{owner}/{repo}';
  const reviewOf = (pull: string | undefined, id: string | undefined) =>
    gh.reviews.find((review) => review.pull === Number(pull) && review.id === Number(id));
  router
    .on('GET', `${repoPath}/pulls/{pull_number}/files`, ({ pull_number }, request) => {
      const pull = gh.pulls.get(Number(pull_number));
      const head = pull && gh.git.resolve(pull.head);
      const base = pull && gh.git.resolve(pull.base);
      if (!head || !base) return notFound();
      return page(changedFiles(gh, gh.git.mergeBase(base, head) ?? base, head), request.query);
    })
    .on(
      'GET',
      `${repoPath}/pulls/{pull_number}/reviews/{review_id}`,
      ({ pull_number, review_id }) => {
        const review = reviewOf(pull_number, review_id);
        if (!review) return notFound();
        return json(200, reviewBody(gh, review));
      },
    )
    .on(
      'GET',
      `${repoPath}/pulls/{pull_number}/reviews/{review_id}/comments`,
      ({ pull_number, review_id }, request) => {
        const review = reviewOf(pull_number, review_id);
        if (!review) return notFound();
        const comments = review.comments.map((comment, index) => ({
          id: review.id * 100 + index,
          pull_request_review_id: review.id,
          path: comment.path,
          line: comment.line,
          original_line: comment.line,
          side: comment.side,
          body: comment.body,
          user: review.user,
          commit_id: review.commitId,
        }));
        return page(comments, request.query);
      },
    )
    .on('GET', `${repoPath}/issues/comments/{comment_id}`, ({ comment_id }) => {
      const comment = gh.comments.find((c) => c.id === Number(comment_id));
      if (!comment) return notFound();
      return json(200, {
        id: comment.id,
        body: comment.body,
        user: comment.user,
        created_at: comment.createdAt,
        updated_at: comment.updatedAt,
      });
    });
}

/** What a three-dot compare shows: every file that differs between the merge base and the head. */
function changedFiles(gh: FakeGitHub, base: string, head: string) {
  const before = gh.git.filesOf(base);
  const after = gh.git.filesOf(head);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.flatMap((filename) => {
    const old = before.get(filename) ?? null;
    const now = after.get(filename) ?? null;
    if (old === now) return [];
    const patch = unifiedDiff(old, now);
    const { additions, deletions } = countChanges(patch);
    const status = old === null ? 'added' : now === null ? 'removed' : 'modified';
    return [{ filename, status, additions, deletions, changes: additions + deletions, patch }];
  });
}
