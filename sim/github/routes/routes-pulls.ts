import { forkIdOf } from '../events.js';
import type { GitHubState } from '../github-state.js';
import { credentialIn } from '../github-state.js';
import type { SimPull, SimReview } from '../records.js';
import { json, notFound, type Router, unprocessable } from '../router.js';
import { installationOfToken, isReadOnlyToken } from '../tokens.js';
import { page } from './routes-issues.js';

/** The state GitHub gives a review submitted with each event; any other event is a comment. */
const REVIEW_STATES = new Map<string | undefined, SimReview['state']>([
  ['APPROVE', 'APPROVED'],
  ['REQUEST_CHANGES', 'CHANGES_REQUESTED'],
]);

/** Pull requests, reviews, merges and check runs. */
export function registerPullRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  const pullOf = (number: string | undefined) => gh.pulls.get(Number(number));
  router
    .on('GET', `${repoPath}/pulls`, (_, request) => {
      const { query } = request;
      const state = query.get('state') ?? 'open';
      // `head` is `user:ref-name`: the branch of that user's (or organization's) repository.
      const [headOwner, head] = query.get('head')?.split(/:(.*)/) ?? [];
      const pulls = [...gh.pulls.values()].filter(
        (pull) =>
          (state === 'all' || pull.state === state) &&
          (!query.get('base') || pull.base === query.get('base')) &&
          (!head || (pull.head === head && headRepoOf(gh, pull).split('/')[0] === headOwner)),
      );
      // GitHub sorts by creation; the simulator keeps creation order unless asked for newest first.
      if (query.get('direction') === 'desc') pulls.sort((a, b) => b.number - a.number);
      return page(
        pulls.map((pull) => pullBody(gh, pull)),
        query,
        request.path,
      );
    })
    .on('POST', `${repoPath}/pulls`, (_, request) => {
      const {
        title,
        body = '',
        head,
        base,
        draft = false,
      } = request.body as {
        title: string;
        body?: string;
        head: string;
        base: string;
        draft?: boolean;
      };
      if (!gh.git.resolve(head) || !gh.git.resolve(base))
        return unprocessable('Validation Failed: head or base does not exist');
      if (
        [...gh.pulls.values()].some(
          (p) => p.state === 'open' && p.head === head && p.base === base && !p.fork,
        )
      ) {
        return unprocessable(`A pull request already exists for ${gh.owner}:${head}.`);
      }
      const pull = gh.openPull({ title, body, head, base, user: gh.botLogin, draft });
      return json(201, pullBody(gh, pull));
    })
    .on('GET', `${repoPath}/activity`, (_, request) => {
      // Newest first, as GitHub lists them (`direction` defaults to `desc`).
      const { query } = request;
      const ref = query.get('ref');
      const full = ref && !ref.startsWith('refs/') ? `refs/heads/${ref}` : ref;
      const type = query.get('activity_type');
      const listed = gh.activities
        .filter((one) => (!full || one.ref === full) && (!type || one.activityType === type))
        .reverse()
        .map((one) => ({
          id: one.id,
          node_id: `RA_${one.id}`,
          before: one.before,
          after: one.after,
          ref: one.ref,
          timestamp: one.timestamp,
          activity_type: one.activityType,
          actor: actorOf(one.actor),
        }));
      return page(listed, query, request.path);
    })
    .on('GET', `${repoPath}/pulls/{pull_number}`, ({ pull_number }) => {
      const pull = pullOf(pull_number);
      return pull ? json(200, pullBody(gh, pull, { detail: true })) : notFound();
    })
    .on('PATCH', `${repoPath}/pulls/{pull_number}`, ({ pull_number }, request) => {
      const pull = pullOf(pull_number);
      if (!pull) return notFound();
      const update = request.body as Partial<{
        title: string;
        body: string;
        state: 'open' | 'closed';
      }>;
      const closing = update.state === 'closed' && pull.state === 'open';
      const { body, ...rest } = update;
      Object.assign(pull, rest);
      if (body !== undefined) editPullBody(gh, pull, body, editorOf(gh, request.headers));
      if (closing) gh.events.pull('closed', pull, gh.botLogin);
      return json(200, pullBody(gh, pull));
    })
    .on(
      'POST',
      `${repoPath}/pulls/{pull_number}/requested_reviewers`,
      ({ pull_number }, request) => {
        const pull = pullOf(pull_number);
        if (!pull) return notFound();
        const { reviewers = [] } = request.body as { reviewers?: string[] };
        // GitHub refuses to ask the PR's author for a review of their own PR.
        if (reviewers.includes(pull.user.login)) {
          return unprocessable('Review cannot be requested from pull request author.');
        }
        // Only the repository's collaborators can be asked, and one who is not refuses the whole
        // request (422): https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request
        if (reviewers.some((login) => !gh.permissions.has(login))) {
          return unprocessable(
            'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the repository.',
          );
        }
        pull.requestedReviewers = [...new Set([...(pull.requestedReviewers ?? []), ...reviewers])];
        return json(201, pullBody(gh, pull));
      },
    )
    .on('PUT', `${repoPath}/pulls/{pull_number}/merge`, ({ pull_number }, request) => {
      const pull = pullOf(pull_number);
      if (!pull) return notFound();
      const { sha, commit_title, commit_message, merge_method } = (request.body ?? {}) as {
        sha?: string;
        commit_title?: string;
        commit_message?: string;
        merge_method?: string;
      };
      const head = gh.git.resolve(pull.head) ?? '';
      if (pull.state !== 'open') return json(405, { message: 'Pull Request is not mergeable' });
      if (pull.draft) return json(405, { message: 'Pull Request is still a draft' });
      if (sha && sha !== head)
        return json(409, { message: 'Head branch was modified. Review and try the merge again.' });
      const base = gh.git.resolve(pull.base) ?? '';
      if (gh.git.conflicts(base, head).length > 0)
        return json(405, { message: 'Pull Request is not mergeable' });
      // A branch rule that asks for up-to-date PRs refuses one the base has moved past.
      if (gh.requireUpToDate && !gh.git.isAncestor(base, head))
        return json(405, { message: 'Pull Request is not mergeable' });
      // One that asks for status checks refuses a head without a successful run of each.
      const missing = gh.missingChecks({ base: pull.base, headSha: head });
      if (missing.length > 0)
        return json(405, { message: `Required status check "${missing[0]}" is expected.` });
      // One that asks for approvals refuses a pull request without them.
      const held = gh.reviewHold(pull);
      if (held) return json(405, { message: held });
      // A squash or a merge commit takes the title and message given (GitHub's title where none
      // is); a rebase makes no commit of its own and ignores both.
      const given = merge_method === 'rebase' ? {} : { title: commit_title, body: commit_message };
      const merged = mergePull(gh, pull, gh.botLogin, given);
      if (pull.base === gh.defaultBranch) closeLinkedIssues(gh, pull, gh.botLogin);
      return json(200, { sha: merged, merged: true, message: 'Pull Request successfully merged' });
    })
    .on('PUT', `${repoPath}/pulls/{pull_number}/update-branch`, ({ pull_number }, request) => {
      const pull = pullOf(pull_number);
      if (!pull) return notFound();
      const head = gh.git.resolve(pull.head) ?? '';
      const { expected_head_sha } = (request.body ?? {}) as { expected_head_sha?: string };
      if (expected_head_sha && expected_head_sha !== head)
        return unprocessable('expected head sha did not match');
      const base = gh.git.resolve(pull.base) ?? '';
      if (gh.git.conflicts(head, base).length > 0)
        return unprocessable('merge conflict between base and head');
      updatePullBranch(gh, pull);
      return json(202, { message: 'Updating pull request branch.' });
    })
    .on('GET', `${repoPath}/pulls/{pull_number}/reviews`, ({ pull_number }, request) =>
      page(
        gh.reviews.filter((r) => r.pull === Number(pull_number)).map((r) => reviewBody(gh, r)),
        request.query,
        request.path,
      ),
    )
    // A pull request's inline review comments, every review's, as GitHub lists them.
    .on('GET', `${repoPath}/pulls/{pull_number}/comments`, ({ pull_number }, request) =>
      page(
        gh.reviews
          .filter((r) => r.pull === Number(pull_number))
          .flatMap((r) =>
            r.comments.map((comment, index) => {
              const id = r.id * 1000 + index;
              return {
                id,
                pull_request_review_id: r.id,
                user: r.user,
                body: comment.body,
                path: comment.path,
                line: comment.line,
                side: comment.side,
                html_url: `${gh.htmlUrl}/pull/${r.pull}#discussion_r${id}`,
              };
            }),
          ),
        request.query,
        request.path,
      ),
    )
    .on('POST', `${repoPath}/pulls/{pull_number}/reviews`, ({ pull_number }, request) => {
      const pull = pullOf(pull_number);
      if (!pull) return notFound();
      const body = request.body as {
        body?: string;
        event?: string;
        commit_id?: string;
        comments?: SimReview['comments'];
      };
      const state = REVIEW_STATES.get(body.event) ?? 'COMMENTED';
      const review = gh.addReview({
        pull: pull.number,
        user: gh.botLogin,
        body: body.body ?? '',
        state,
        commitId: body.commit_id ?? gh.git.resolve(pull.head) ?? '',
        comments: body.comments ?? [],
      });
      return json(200, reviewBody(gh, review));
    })
    .on('GET', `${repoPath}/commits/{ref}/check-runs`, ({ ref = '' }, request) => {
      const sha = gh.git.resolve(ref) ?? ref;
      const all = gh.checksOn(sha);
      const paged = page(all, request.query, request.path);
      const runs = paged.body;
      return {
        ...paged,
        body: {
          total_count: all.length,
          check_runs: runs.map((run) => ({
            id: run.id,
            name: run.name,
            head_sha: run.headSha,
            status: run.status,
            conclusion: run.conclusion,
            details_url: run.detailsUrl,
          })),
        },
      };
    })
    // After check-runs: `{ref}` takes slashes, so the longer route must match first.
    .on('GET', `${repoPath}/commits/{ref}`, ({ ref = '' }) => {
      const sha = gh.git.resolve(ref);
      const commit = sha ? gh.git.objects.get(sha) : undefined;
      if (!sha || commit?.type !== 'commit') return notFound();
      return json(200, {
        sha,
        commit: { message: commit.message },
        parents: commit.parents.map((parent) => ({ sha: parent })),
      });
    })
    .on('POST', `${repoPath}/check-runs`, (_, request) => {
      const body = request.body as {
        name: string;
        head_sha: string;
        status?: string;
        conclusion?: string;
        output?: unknown;
      };
      const run = {
        id: gh.nextId(),
        headSha: body.head_sha,
        name: body.name,
        status: (body.status ?? 'queued') as 'completed',
        conclusion: body.conclusion ?? null,
        detailsUrl: '',
        output: body.output,
        // Only an app creates check runs; through the REST API here, the app's installation.
        app: gh.app,
      };
      gh.checkRuns.push(run);
      return json(201, {
        id: run.id,
        name: run.name,
        head_sha: run.headSha,
        status: run.status,
        conclusion: run.conclusion,
      });
    });
}

/** The repository a pull request's head is in (`owner/name`): a fork's, or this one. */
/**
 * Merges a pull request's head into its base as GitHub's merge button does: a merge
 * commit named for the pull request, the pull request closed as merged, its webhook (by
 * `by`), then the base moved. Returns the merge commit.
 */
export function mergePull(
  gh: GitHubState,
  pull: SimPull,
  by: string,
  { title, body }: { title?: string | undefined; body?: string | undefined } = {},
): string {
  const headline = title ?? `${pull.title} (#${pull.number})`;
  const merged = gh.git.merge({
    ours: gh.git.resolve(pull.base) ?? '',
    theirs: gh.git.resolve(pull.head) ?? '',
    message: body ? `${headline}\n\n${body}` : headline,
  });
  pull.state = 'closed';
  pull.mergedAt = gh.now();
  pull.mergeCommitSha = merged;
  pull.closedAt = pull.mergedAt;
  gh.events.pull('closed', pull, by);
  gh.setBranch(pull.base, merged);
  return merged;
}

export function headRepoOf(gh: GitHubState, pull: SimPull): string {
  return pull.fork?.fullName ?? gh.fullName;
}

export function pullBody(gh: GitHubState, pull: SimPull, { detail = false } = {}) {
  const headSha = pull.fork?.sha ?? gh.git.resolve(pull.head) ?? '';
  const baseSha = gh.git.resolve(pull.base) ?? '';
  const issue = gh.issues.get(pull.number);
  return {
    id: pull.number,
    node_id: `PR_${pull.number}`,
    number: pull.number,
    title: pull.title,
    body: pull.body,
    state: pull.state,
    merged_at: pull.mergedAt,
    closed_at: pull.closedAt ?? (pull.state === 'closed' ? pull.mergedAt : null),
    user: pull.user,
    labels: (issue?.labels ?? []).map((name) => ({ name })),
    created_at: pull.createdAt,
    html_url: `${gh.htmlUrl}/pull/${pull.number}`,
    head: {
      ref: pull.head,
      sha: headSha,
      repo: {
        id: pull.fork ? forkIdOf(pull.fork.fullName) : gh.repositoryId,
        full_name: headRepoOf(gh, pull),
      },
    },
    auto_merge: pull.autoMerge ? { merge_method: 'merge' } : null,
    draft: pull.draft === true,
    base: { ref: pull.base, sha: baseSha, repo: { id: gh.repositoryId, full_name: gh.fullName } },
    ...(detail
      ? { merged: pull.mergedAt !== null, mergeable_state: mergeableState(gh, pull) }
      : {}),
  };
}

function mergeableState(gh: GitHubState, pull: SimPull): string {
  if (pull.state !== 'open') return 'unknown';
  if (pull.draft) return 'draft';
  const head = gh.git.resolve(pull.head) ?? '';
  const base = gh.git.resolve(pull.base) ?? '';
  if (gh.git.conflicts(base, head).length > 0) return 'dirty';
  if (gh.missingChecks({ base: pull.base, headSha: head }).length > 0 || gh.reviewHold(pull))
    return 'blocked';
  if (gh.requireUpToDate && !gh.git.isAncestor(base, head)) return 'behind';
  return gh.checksPassOn(head) ? 'clean' : 'unstable';
}

/** A review as GitHub's REST API answers it. */
export function reviewBody(gh: GitHubState, review: SimReview) {
  return {
    id: review.id,
    user: review.user,
    body: review.body,
    state: review.state,
    commit_id: review.commitId,
    submitted_at: review.submittedAt,
    html_url: `${gh.htmlUrl}/pull/${review.pull}#pullrequestreview-${review.id}`,
  };
}

/**
 * What GitHub does when a pull request merges into the default branch: each
 * issue its body links with a closing keyword ("Closes #12", docs: "Linking a
 * pull request to an issue") is closed, in the name of whoever merged it, with
 * the pull request as the close event's `closer`.
 */
export function closeLinkedIssues(gh: GitHubState, pull: SimPull, mergedBy: string): void {
  const keyword = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+#(\d+)\b/gi;
  for (const match of pull.body.matchAll(keyword)) {
    const issue = gh.issues.get(Number(match[1]));
    if (issue && !issue.pull && issue.state === 'open')
      gh.setIssueState(issue.number, 'closed', { by: mergedBy, pull: pull.number });
  }
}

/** The simulated app's bot's user id: GitHub numbers every account, bots too. */
const BOT_USER_ID = 149_000_001;

/** The no-reply address GitHub gives an app's bot as a commit author: `<id>+<login>@users.noreply.github.com`. */
export function botNoReplyEmail(botLogin: string): string {
  return `${BOT_USER_ID}+${botLogin}@users.noreply.github.com`;
}

/**
 * A pull request's body replaced by `editor`, who GitHub then reports as its
 * `editor` (https://docs.github.com/en/graphql/reference/objects#pullrequest:
 * "The actor who edited this pull request's body"), with `pull_request.edited`.
 * Tests edit as a person, or as a workflow's token (`github-actions[bot]`).
 */
/**
 * What `update-branch` does for the app (the simulator's only caller of it): GitHub merges the
 * base into the head, the merge authored by the app's bot and signed with GitHub's key, its
 * message naming the base branch. Baton reads all three to carry a verdict over (`updatedFrom`
 * in src/github/observe/read-pulls.ts). Returns the new head.
 */
export function updatePullBranch(gh: GitHubState, pull: SimPull): string {
  const head = gh.git.resolve(pull.head) ?? '';
  const base = gh.git.resolve(pull.base) ?? '';
  const message = `Merge branch '${pull.base}' into ${pull.head}`;
  const author = { name: gh.botLogin, email: botNoReplyEmail(gh.botLogin) };
  const merged = gh.git.merge({ ours: head, theirs: base, message, author, signed: true });
  gh.setBranch(pull.head, merged);
  return merged;
}

export function editPullBody(gh: GitHubState, pull: SimPull, body: string, editor: string): void {
  const before = pull.body;
  pull.body = body;
  pull.editor = editor;
  if (before !== body) gh.events.pull('edited', pull, editor);
}

/**
 * Who a request's token acts as: an installation token (the app's, or one minted for a
 * session's publish) as the app's bot, an agent job's `GITHUB_TOKEN` as `github-actions[bot]`,
 * anything else as a person the test did not name.
 */
function editorOf(gh: GitHubState, headers: Record<string, string>): string {
  const token = credentialIn(headers);
  if (installationOfToken(token) !== null) return gh.botLogin;
  if (isReadOnlyToken(token)) return 'github-actions[bot]';
  return 'someone';
}

/** A login as REST's simple user: a bot's `type` is `Bot`, its login keeps `[bot]`. */
function actorOf(login: string) {
  return { login, id: 0, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}
