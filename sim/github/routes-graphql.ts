import type { FakeGitHub, SimComment, SimPull } from './fake-github.js';
import { json, type Router } from './router.js';

/**
 * GitHub's GraphQL endpoint, for the two documents Baton sends: the
 * `BatonBuild` query (src/github/build-query.ts, validated against GitHub's
 * schema in the tests) and the auto-merge mutation. The answer is built from
 * the simulated state in the shape GitHub gives; anything else is an error.
 */
export function registerGraphqlRoutes(router: Router, gh: FakeGitHub): void {
  router.on('POST', '/graphql', (_, request) => {
    const { query = '', variables = {} } = (request.body ?? {}) as {
      query?: string;
      variables?: Record<string, unknown>;
    };
    if (/query BatonBuild\b/.test(query))
      return json(200, { data: { repository: buildRepository(gh, variables) } });
    if (/query BatonRepoUsage\b/.test(query))
      return json(200, { data: { repository: { refs: repoUsageRefs(gh) } } });
    if (/query BatonIssueHistory\b/.test(query))
      return json(200, { data: { repository: { issue: issueHistory(gh, variables) } } });
    if (/enablePullRequestAutoMerge/.test(query)) {
      const pull = [...gh.pulls.values()].find((p) => `PR_${p.number}` === variables.id);
      if (pull) pull.autoMerge = true;
      return json(200, { data: { enablePullRequestAutoMerge: { clientMutationId: null } } });
    }
    return json(200, {
      errors: [{ message: 'the simulator answers only the queries Baton sends' }],
    });
  });
}

/** A plan session's check of who changed the issue's text after it was asked for. */
function issueHistory(gh: FakeGitHub, variables: Record<string, unknown>) {
  const issue = gh.issues.get(Number(variables.issue));
  if (!issue) return null;
  const labelled = (issue.labelEvents ?? []).map((event) => ({
    __typename: 'LabeledEvent',
    createdAt: event.at ?? issue.createdAt,
    actor: actorNode(event.actor),
    label: { name: event.label },
  }));
  const renamed = (issue.renames ?? []).map((rename) => ({
    __typename: 'RenamedTitleEvent',
    createdAt: rename.at,
    actor: actorNode(rename.actor),
  }));
  return {
    lastEditedAt: issue.lastEdit?.at ?? null,
    editor: issue.lastEdit ? actorNode(issue.lastEdit.editor) : null,
    timelineItems: {
      nodes: [...labelled, ...renamed]
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .slice(-100),
    },
  };
}

/** Hidden refs under a prefix, each with its commit's message (usage and adaptation records). */
function messageRefs(gh: FakeGitHub, prefix: string) {
  return {
    nodes: [...gh.git.refs]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, oid]) => {
        const object = gh.git.objects.get(oid);
        const message = object?.type === 'commit' ? object.message : undefined;
        return { name: name.slice(prefix.length), target: { message } };
      }),
  };
}

/** The newest 100 refs under refs/baton/, newest commit first, with message and date (BatonRepoUsage). */
function repoUsageRefs(gh: FakeGitHub) {
  const prefix = 'refs/baton/';
  const nodes = [...gh.git.refs]
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, oid]) => {
      const object = gh.git.objects.get(oid);
      const commit = object?.type === 'commit' ? object : undefined;
      return {
        name: name.slice(prefix.length),
        target: { message: commit?.message, committedDate: commit?.committedAt },
      };
    })
    .sort((a, b) => (b.target.committedDate ?? '').localeCompare(a.target.committedDate ?? ''));
  return { nodes: nodes.slice(0, 100) };
}

function buildRepository(gh: FakeGitHub, variables: Record<string, unknown>) {
  const issue = gh.issues.get(Number(variables.issue));
  const integration = String(variables.integration);
  const defaultBranch = String(variables.defaultBranch);
  const prefix = String(variables.refPrefix);
  const pulls = [...gh.pulls.values()].sort((a, b) => a.number - b.number);
  return {
    issue: issue
      ? {
          title: issue.title,
          state: issue.state === 'open' ? 'OPEN' : 'CLOSED',
          createdAt: issue.createdAt,
          url: `${gh.htmlUrl}/issues/${issue.number}`,
          labels: { nodes: issue.labels.map((name) => ({ name })) },
          comments: window(
            gh.comments.filter((c) => c.issue === issue.number).map((c) => commentNode(gh, c)),
          ),
          timelineItems: {
            nodes: (issue.labelEvents ?? []).slice(-20).map((event) => ({
              createdAt: event.at ?? issue.createdAt,
              actor: actorNode(event.actor),
              label: { name: event.label },
            })),
          },
        }
      : null,
    defaultRef: refNode(gh, defaultBranch),
    integrationRef: compareNode(gh, { base: integration, head: defaultBranch }),
    refs: {
      nodes: [...gh.git.refs]
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, oid]) => ({ name: name.slice(prefix.length), target: { oid } })),
    },
    usageRefs: messageRefs(gh, String(variables.usagePrefix)),
    adaptRefs: messageRefs(gh, String(variables.adaptPrefix)),
    pullRequests: {
      nodes: pulls.filter((p) => p.base === integration).map((p) => pullNode(gh, p)),
    },
    finalPulls: {
      nodes: pulls
        .filter((p) => p.head === integration && p.base === defaultBranch)
        .reverse()
        .slice(0, 1)
        .map((p) => ({
          number: p.number,
          state: stateOf(p),
          merged: p.mergedAt !== null,
          url: `${gh.htmlUrl}/pull/${p.number}`,
          autoMergeRequest: p.autoMerge ? { enabledAt: p.createdAt } : null,
        })),
    },
    plan: blobAt(gh, String(variables.planPath)),
    workers: treeAt(gh, String(variables.workersPath), false),
    completions: treeAt(gh, String(variables.completionsPath), true),
    subIssueGraph: variables.subIssuesPath ? blobAt(gh, String(variables.subIssuesPath)) : null,
    loops: variables.loopsPath ? treeAt(gh, String(variables.loopsPath), true) : null,
  };
}

function refNode(gh: FakeGitHub, branch: string) {
  const oid = gh.git.resolve(branch);
  return oid ? { target: { oid } } : null;
}

function compareNode(gh: FakeGitHub, { base, head }: { base: string; head: string }) {
  const baseSha = gh.git.resolve(base);
  const headSha = gh.git.resolve(head);
  if (!baseSha || !headSha) return null;
  const inBase = gh.git.ancestors(baseSha);
  const aheadBy = [...gh.git.ancestors(headSha)].filter((sha) => !inBase.has(sha)).length;
  return { compare: { aheadBy } };
}

function commentNode(gh: FakeGitHub, comment: SimComment) {
  const bot = comment.user.type === 'Bot';
  return {
    databaseId: comment.id,
    body: comment.body,
    createdAt: comment.createdAt,
    author: {
      login: bot ? comment.user.login.replace(/\[bot\]$/, '') : comment.user.login,
      __typename: bot ? 'Bot' : 'User',
    },
    // The query runs as the app: the viewer is the app's bot.
    reactionGroups: [...new Set(comment.reactions.map((r) => r.content))].map((content) => ({
      content: content.toUpperCase(),
      viewerHasReacted: comment.reactions.some(
        (r) => r.content === content && r.login === gh.botLogin,
      ),
    })),
  };
}

/** GraphQL's `last: 100` window over a connection. */
function actorNode(login: string) {
  const bot = login.endsWith('[bot]');
  return { login: login.replace(/\[bot\]$/, ''), __typename: bot ? 'Bot' : 'User' };
}

function window<T>(nodes: T[]) {
  return { totalCount: nodes.length, nodes: nodes.slice(-100) };
}

function stateOf(pull: SimPull): 'OPEN' | 'CLOSED' | 'MERGED' {
  if (pull.mergedAt) return 'MERGED';
  return pull.state === 'open' ? 'OPEN' : 'CLOSED';
}

function pullNode(gh: FakeGitHub, pull: SimPull) {
  const headSha = gh.git.resolve(pull.head) ?? '';
  const baseSha = gh.git.resolve(pull.base) ?? '';
  const commit = gh.git.objects.get(headSha);
  const issue = gh.issues.get(pull.number);
  return {
    databaseId: pull.number,
    number: pull.number,
    state: stateOf(pull),
    merged: pull.mergedAt !== null,
    url: `${gh.htmlUrl}/pull/${pull.number}`,
    createdAt: pull.createdAt,
    updatedAt: pull.createdAt,
    headRefName: pull.head,
    headRefOid: headSha,
    mergeStateStatus:
      pull.state !== 'open' ? 'UNKNOWN' : mergeStateStatus(gh, { headSha, baseSha }),
    headRepository: { nameWithOwner: gh.fullName },
    labels: { nodes: (issue?.labels ?? []).map((name) => ({ name })) },
    reviews: {
      nodes: gh.reviews
        .filter((review) => review.pull === pull.number)
        .slice(-100)
        .map((review) => ({
          databaseId: review.id,
          author: {
            login: review.user.login.replace(/\[bot\]$/, ''),
            __typename: review.user.type === 'Bot' ? 'Bot' : 'User',
          },
          state: review.state,
          body: review.body,
          submittedAt: review.submittedAt,
          commit: { oid: review.commitId },
        })),
    },
    comments: window(
      gh.comments.filter((c) => c.issue === pull.number).map((c) => commentNode(gh, c)),
    ),
    commits: {
      nodes:
        commit?.type === 'commit'
          ? [
              {
                commit: {
                  oid: headSha,
                  message: commit.message,
                  parents: { nodes: commit.parents.map((oid) => ({ oid })) },
                  checkSuites: { nodes: [{ checkRuns: { nodes: checkRunsOn(gh, headSha) } }] },
                  status: statusOn(gh, headSha),
                },
              },
            ]
          : [],
    },
  };
}

function checkRunsOn(gh: FakeGitHub, sha: string) {
  return gh.checkRuns
    .filter((run) => run.headSha === sha)
    .map((run) => ({
      name: run.name,
      status: run.status.toUpperCase(),
      conclusion: run.conclusion ? run.conclusion.toUpperCase() : null,
      detailsUrl: run.detailsUrl,
    }));
}

/** GitHub's `Commit.status`: the newest status per context, or null when there is none. */
function statusOn(gh: FakeGitHub, sha: string) {
  const newest = new Map<string, (typeof gh.statuses)[number]>();
  for (const status of gh.statuses) if (status.sha === sha) newest.set(status.context, status);
  if (newest.size === 0) return null;
  return {
    contexts: [...newest.values()].map((status) => ({
      context: status.context,
      state: status.state.toUpperCase(),
      targetUrl: status.targetUrl,
    })),
  };
}

function mergeStateStatus(
  gh: FakeGitHub,
  { headSha, baseSha }: { headSha: string; baseSha: string },
): string {
  if (gh.git.conflicts(baseSha, headSha).length > 0) return 'DIRTY';
  if (gh.requireUpToDate && !gh.git.isAncestor(baseSha, headSha)) return 'BEHIND';
  return 'CLEAN';
}

/** `<branch>:<path>` as GitHub's `object(expression:)` reads it. */
function entryAt(gh: FakeGitHub, expression: string) {
  const colon = expression.indexOf(':');
  const sha = gh.git.resolve(expression.slice(0, colon));
  return sha ? { sha, path: expression.slice(colon + 1) } : null;
}

function blobAt(gh: FakeGitHub, expression: string) {
  const at = entryAt(gh, expression);
  const entry = at ? gh.git.entryAt(at.sha, at.path) : null;
  if (entry?.type !== 'blob') return null;
  return { oid: entry.sha, byteSize: entry.size, isTruncated: false, text: entry.content ?? '' };
}

function treeAt(gh: FakeGitHub, expression: string, withText: boolean) {
  const at = entryAt(gh, expression);
  if (!at || gh.git.entryAt(at.sha, at.path)?.type !== 'tree') return null;
  return {
    entries: gh.git.listDir(at.sha, at.path).map((child) => {
      const blob = child.type === 'blob' ? gh.git.objects.get(child.sha) : undefined;
      const text = blob?.type === 'blob' ? blob.content : null;
      return {
        name: child.name,
        object:
          child.type === 'blob'
            ? { oid: child.sha, byteSize: child.size, ...(withText ? { text } : {}) }
            : null,
      };
    }),
  };
}
