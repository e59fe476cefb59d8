import type { GitHubState } from '../github-state.js';
import type { SimCommitComment } from '../records.js';
import { json, notFound, type Router } from '../router.js';
import { runBody } from '../run-body.js';

/**
 * What `baton doctor`'s probes ask beyond the rest of the simulator: commit
 * comments (made, read, edited) and their reactions, the repository's run listing (by `head_sha`
 * and `event`) and a run's jobs (the agent job's read-only token asking a
 * collaborator's permission is in routes-issues.ts). GitHub behaviours no documentation settles
 * are switches on `gh` (`graphqlListsHiddenRefs`, `viewerHasReactedIsApp`,
 * `readOnlyTokenReadsPermissions`, `pushToHiddenRefsStartsWorkflows`,
 * `editTagAnswersRead`).
 */
export function registerProbeRoutes(router: Router, gh: GitHubState): void {
  const repoPath = '/repos/{owner}/{repo}';
  router
    .on('POST', `${repoPath}/commits/{commit_sha}/comments`, ({ commit_sha = '' }, request) => {
      if (gh.git.objects.get(commit_sha)?.type !== 'commit') return notFound();
      const comment: SimCommitComment = {
        id: gh.nextId(),
        sha: commit_sha,
        body: String((request.body as { body?: string }).body ?? ''),
        login: gh.botLogin,
        reactions: [],
      };
      gh.commitComments.push(comment);
      return json(201, commitCommentBody(comment));
    })
    .on('GET', `${repoPath}/comments/{comment_id}`, ({ comment_id }) => {
      const comment = gh.commitComments.find((c) => c.id === Number(comment_id));
      return comment ? json(200, commitCommentBody(comment)) : notFound();
    })
    .on('PATCH', `${repoPath}/comments/{comment_id}`, ({ comment_id }, request) => {
      const comment = gh.commitComments.find((c) => c.id === Number(comment_id));
      if (!comment) return notFound();
      comment.body = String((request.body as { body?: string }).body ?? '');
      return json(200, commitCommentBody(comment));
    })
    .on('DELETE', `${repoPath}/comments/{comment_id}`, ({ comment_id }) => {
      const index = gh.commitComments.findIndex((c) => c.id === Number(comment_id));
      if (index < 0) return notFound();
      gh.commitComments.splice(index, 1);
      return json(204);
    })
    .on('POST', `${repoPath}/comments/{comment_id}/reactions`, ({ comment_id }, request) => {
      const comment = gh.commitComments.find((c) => c.id === Number(comment_id));
      if (!comment) return notFound();
      const content = String((request.body as { content?: string }).content ?? '');
      comment.reactions.push({ login: gh.botLogin, content });
      return json(201, { id: gh.nextId(), content, user: gh.user(gh.botLogin) });
    })
    .on('GET', `${repoPath}/actions/runs`, (_, { query }) => {
      const runs = gh.runs
        .filter((run) => !query.get('event') || run.event === query.get('event'))
        .filter((run) => !query.get('head_sha') || run.headSha === query.get('head_sha'))
        .sort((a, b) => b.id - a.id);
      const perPage = Number(query.get('per_page') ?? 30);
      return json(200, {
        total_count: runs.length,
        workflow_runs: runs.slice(0, perPage).map((run) => runBody(gh, run)),
      });
    })
    .on('GET', `${repoPath}/actions/runs/{run_id}/jobs`, ({ run_id }) => {
      const run = gh.runs.find((r) => r.id === Number(run_id));
      if (!run) return notFound();
      const jobs = run.jobs ?? [];
      return json(200, {
        total_count: jobs.length,
        jobs: jobs.map((job) => ({ ...job, conclusion: job.conclusion ?? null, run_id: run.id })),
      });
    });
}

/** Answers the doctor's GraphQL documents; null for any other. */
export function answerProbeQuery(
  gh: GitHubState,
  query: string,
  variables: Record<string, unknown>,
): { data: Record<string, unknown> } | null {
  if (/query BatonDoctorRefs\b/.test(query)) {
    const prefix = String(variables.prefix);
    const hidden = !prefix.startsWith('refs/heads/') && !prefix.startsWith('refs/tags/');
    const nodes =
      hidden && !gh.graphqlListsHiddenRefs
        ? []
        : [...gh.git.refs.keys()]
            .filter((name) => name.startsWith(prefix))
            .map((name) => ({ name: name.slice(prefix.length) }));
    return { data: { repository: { refs: { nodes } } } };
  }
  if (/query BatonDoctorReaction\b/.test(query)) {
    const comment = gh.commitComments.find((c) => `CC_${c.id}` === variables.id);
    if (!comment) return { data: { node: null } };
    const contents = [...new Set(comment.reactions.map((r) => r.content))];
    return {
      data: {
        node: {
          reactionGroups: contents.map((content) => ({
            content: content === 'eyes' ? 'EYES' : content.toUpperCase(),
            // The query runs as the app: the viewer is the app's bot.
            viewerHasReacted:
              gh.viewerHasReactedIsApp &&
              comment.reactions.some((r) => r.content === content && r.login === gh.botLogin),
          })),
        },
      },
    };
  }
  return null;
}

function commitCommentBody(comment: SimCommitComment) {
  return {
    id: comment.id,
    node_id: `CC_${comment.id}`,
    commit_id: comment.sha,
    body: comment.body,
    user: { login: comment.login, type: 'Bot' },
  };
}
