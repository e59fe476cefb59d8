import { type DocumentNode, Kind, type OperationDefinitionNode, parse } from 'graphql';
import type { GitHubState } from '../github-state.js';
import { graphqlCost, graphqlRefusals } from '../graphql/graphql-cost.js';
import { applyWindows } from '../graphql/graphql-windows.js';
import type { SimComment, SimIssue, SimPull } from '../records.js';
import { type ApiResponse, json, type Router } from '../router.js';
import { refOfNodeId } from './routes-git.js';
import { answerProbeQuery } from './routes-probes.js';
import { headRepoOf } from './routes-pulls.js';
import { answerUpdateRefs } from './update-refs.js';

/**
 * GitHub's GraphQL endpoint, for the documents Baton sends: the build query
 * and its pages (src/github/observe/build-query.ts), a plan session's issue history,
 * the auto-merge mutation and `updateRefs` (update-refs.ts). As on GitHub, a
 * document is refused before it runs when a connection lacks `first`/`last`
 * or asks more than 100, or when it could request over 500,000 nodes; each
 * call is charged its points to the
 * installation's hourly budget (`gh.graphqlBudget`) with the `x-ratelimit-*`
 * headers of the `graphql` resource, and refused as rate limited once the
 * hour is spent (graphql-cost.ts, graphql-budget.ts). The answer is built
 * from the simulated state with every node of every connection, then cut to
 * the pages asked for (graphql-windows.ts). Anything else is an error.
 */
export function registerGraphqlRoutes(router: Router, gh: GitHubState): void {
  router.on('POST', '/graphql', (_, request) => {
    const {
      query = '',
      variables = {},
      operationName,
    } = (request.body ?? {}) as {
      query?: string;
      variables?: Record<string, unknown> | null;
      operationName?: string;
    };
    const vars = variables ?? {};
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (error) {
      return json(200, { errors: [{ message: (error as Error).message }] });
    }
    const operations = doc.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation = operationName
      ? operations.find((op) => op.name?.value === operationName)
      : operations.length === 1
        ? operations[0]
        : undefined;
    if (!operation)
      return json(200, {
        errors: [{ message: 'An operation name is required when a document holds several.' }],
      });
    const refusals = graphqlRefusals(
      { ...doc, definitions: [operation, ...fragmentsOf(doc)] },
      vars,
    );
    if (refusals.length > 0) return json(200, { errors: refusals });
    const name = operation.name?.value ?? '';
    const cost = graphqlCost({ ...doc, definitions: [operation, ...fragmentsOf(doc)] }, vars)[0];
    const charge = gh.graphqlBudget.charge(cost?.points ?? 1, Date.parse(gh.now()), name);
    if (!charge.allowed) {
      return {
        status: 200,
        headers: charge.headers,
        body: {
          errors: [
            {
              type: 'RATE_LIMITED',
              message: `API rate limit exceeded for installation ID ${gh.installationId}.`,
            },
          ],
        },
      };
    }
    if (rootFieldOf(operation) === 'updateRefs') {
      const grants = gh.grantsOfRequest(request);
      const answered = answerUpdateRefs(gh, { operation, variables: vars, grants });
      return withHeaders(json(200, answered), charge.headers);
    }
    const probe = answerProbeQuery(gh, query, vars);
    if (probe) return withHeaders(json(200, probe), charge.headers);
    const data = answer(gh, MUTATIONS[rootFieldOf(operation) ?? ''] ?? name, vars);
    if (!data)
      return withHeaders(
        json(200, { errors: [{ message: 'the simulator answers only the queries Baton sends' }] }),
        charge.headers,
      );
    return withHeaders(
      json(200, { data: applyWindows(doc, operation, data, vars) }),
      charge.headers,
    );
  });
}

/** The mutations the simulator plays, by their root field, as the operations `answer` knows. */
const MUTATIONS: Record<string, string> = {
  enablePullRequestAutoMerge: 'BatonAutoMerge',
  markPullRequestReadyForReview: 'BatonReadyForReview',
  convertPullRequestToDraft: 'BatonConvertToDraft',
};

/** The first field a mutation asks for: it names what the mutation does, whatever the operation's name. */
function rootFieldOf(operation: OperationDefinitionNode): string | null {
  if (operation.operation !== 'mutation') return null;
  const [first] = operation.selectionSet.selections;
  return first?.kind === Kind.FIELD ? first.name.value : null;
}

function fragmentsOf(doc: DocumentNode) {
  return doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
}

function withHeaders(response: ApiResponse, headers: Record<string, string>): ApiResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/** The whole answer (every node of every connection) to one of Baton's operations. */
function answer(
  gh: GitHubState,
  name: string,
  variables: Record<string, unknown>,
): Record<string, unknown> | null {
  switch (name) {
    case 'BatonBuild':
      return { repository: buildRepository(gh, variables) };
    case 'BatonBuildPulls':
      return { repository: { pullRequests: pullsNode(gh, String(variables.integration)) } };
    case 'BatonPullChecks': {
      const pull = gh.pulls.get(Number(variables.number));
      return { repository: { pullRequest: pull ? pullNode(gh, pull) : null } };
    }
    case 'BatonIssueStates': {
      const issue = gh.issues.get(Number(variables.issue));
      return { repository: { issue: issue ? { timelineItems: stateEventsNode(issue) } : null } };
    }
    case 'BatonBuildRefs':
    case 'BatonSessionRecords':
      return { repository: { refs: refsNode(gh, String(variables.prefix)) } };
    case 'BatonRecordCommits':
      return { nodes: (variables.ids as string[]).map((id) => refByNodeId(gh, id)) };
    case 'BatonIssueHistory':
      return { repository: { issue: issueHistory(gh, variables) } };
    case 'BatonAutoMerge': {
      const pull = [...gh.pulls.values()].find((p) => `PR_${p.number}` === variables.id);
      if (pull) pull.autoMerge = true;
      return { enablePullRequestAutoMerge: { clientMutationId: null } };
    }
    case 'BatonReadyForReview': {
      const pull = [...gh.pulls.values()].find((p) => `PR_${p.number}` === variables.id);
      if (!pull) return null;
      if (pull.draft) {
        pull.draft = false;
        gh.events.pull('ready_for_review', pull, gh.botLogin);
      }
      return { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } };
    }
    case 'BatonConvertToDraft': {
      const pull = [...gh.pulls.values()].find((p) => `PR_${p.number}` === variables.id);
      if (!pull) return null;
      if (!pull.draft) {
        pull.draft = true;
        gh.events.pull('converted_to_draft', pull, gh.botLogin);
      }
      return { convertPullRequestToDraft: { pullRequest: { isDraft: true } } };
    }
    default:
      return null;
  }
}

/**
 * A ref by its node id, with its commit (record reads). A hidden ref resolves
 * only where GraphQL is played as listing hidden refs: no documentation says
 * GitHub resolves either.
 */
function refByNodeId(gh: GitHubState, id: string) {
  const named = refOfNodeId(id);
  // Node ids are global: a ref of another repository of the installation resolves too.
  const owner = [gh, ...gh.installationPeers].find((one) => one.fullName === named?.repository);
  const ref = named?.ref;
  const oid = ref ? owner?.git.refs.get(ref) : undefined;
  if (!owner || !ref || !oid) return null;
  const hidden = !ref.startsWith('refs/heads/') && !ref.startsWith('refs/tags/');
  if (hidden && !owner.graphqlListsHiddenRefs) return null;
  const object = owner.git.objects.get(oid);
  return {
    __typename: 'Ref',
    target:
      object?.type === 'commit'
        ? {
            __typename: 'Commit',
            oid,
            message: object.message,
            committedDate: object.committedAt ?? null,
          }
        : null,
  };
}

/** A plan session's check of who changed the issue's text after it was asked for. */
function issueHistory(gh: GitHubState, variables: Record<string, unknown>) {
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
      nodes: [...labelled, ...renamed].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    },
  };
}

/**
 * Refs under a prefix in GitHub's order (alphabetical), each with its
 * commit's message when it points at a commit (usage and adaptation records).
 */
function refsNode(gh: GitHubState, prefix: string) {
  const hidden = !prefix.startsWith('refs/heads/') && !prefix.startsWith('refs/tags/');
  if (hidden && !gh.graphqlListsHiddenRefs) return { nodes: [] };
  return {
    nodes: [...gh.git.refs]
      .filter(([name]) => name.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, oid]) => {
        const object = gh.git.objects.get(oid);
        const message = object?.type === 'commit' ? object.message : undefined;
        return {
          name: name.slice(prefix.length),
          target: { __typename: object?.type === 'commit' ? 'Commit' : 'Blob', oid, message },
        };
      }),
  };
}

/** The pull requests into a base, oldest first (`orderBy: CREATED_AT ASC`). */
function pullsNode(gh: GitHubState, base: string) {
  return {
    nodes: [...gh.pulls.values()]
      .sort((a, b) => a.number - b.number)
      .filter((p) => p.base === base)
      .map((p) => pullNode(gh, p)),
  };
}

function buildRepository(gh: GitHubState, variables: Record<string, unknown>) {
  const issue = gh.issues.get(Number(variables.issue));
  const integration = String(variables.integration);
  const defaultBranch = String(variables.defaultBranch);
  const pulls = [...gh.pulls.values()].sort((a, b) => a.number - b.number);
  return {
    issue: issue
      ? {
          title: issue.title,
          state: issue.state === 'open' ? 'OPEN' : 'CLOSED',
          createdAt: issue.createdAt,
          url: `${gh.htmlUrl}/issues/${issue.number}`,
          labels: { nodes: issue.labels.map((name) => ({ name })) },
          comments: {
            nodes: gh.comments
              .filter((c) => c.issue === issue.number)
              .map((c) => commentNode(gh, c)),
          },
          timelineItems: {
            nodes: (issue.labelEvents ?? []).map((event) => ({
              __typename: 'LabeledEvent',
              createdAt: event.at ?? issue.createdAt,
              actor: actorNode(event.actor),
              label: { name: event.label },
            })),
          },
          stateEvents: stateEventsNode(issue),
        }
      : null,
    defaultRef: refNode(gh, defaultBranch),
    integrationRef: compareNode(gh, { base: integration, head: defaultBranch }),
    refs: refsNode(gh, String(variables.refPrefix)),
    usageRefs: refsNode(gh, String(variables.usagePrefix)),
    adaptRefs: refsNode(gh, String(variables.adaptPrefix)),
    messageRefs: refsNode(gh, String(variables.messagePrefix)),
    pullRequests: pullsNode(gh, integration),
    finalPulls: {
      nodes: pulls
        .filter((p) => p.head === integration && p.base === defaultBranch)
        .reverse()
        .map((p) => ({
          number: p.number,
          state: stateOf(p),
          merged: p.mergedAt !== null,
          url: `${gh.htmlUrl}/pull/${p.number}`,
          isCrossRepository: p.fork !== undefined,
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

/** An issue's `closed` and `reopened` timeline events, oldest first, as the build query reads them. */
function stateEventsNode(issue: SimIssue) {
  const closes = (issue.closedEvents ?? []).map((event) => ({
    __typename: 'ClosedEvent',
    createdAt: event.at,
    actor: actorNode(event.actor),
    closer: event.pull === undefined ? null : { __typename: 'PullRequest', number: event.pull },
  }));
  const reopens = (issue.reopenedEvents ?? []).map((event) => ({
    __typename: 'ReopenedEvent',
    createdAt: event.at,
    actor: actorNode(event.actor),
  }));
  // By time (the simulated clocks move per reading); of one instant, the close first.
  return {
    nodes: [...closes, ...reopens].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  };
}

function refNode(gh: GitHubState, branch: string) {
  const oid = gh.git.resolve(branch);
  return oid ? { target: { oid } } : null;
}

function compareNode(gh: GitHubState, { base, head }: { base: string; head: string }) {
  const baseSha = gh.git.resolve(base);
  const headSha = gh.git.resolve(head);
  if (!baseSha || !headSha) return null;
  const inBase = gh.git.ancestors(baseSha);
  const aheadBy = [...gh.git.ancestors(headSha)].filter((sha) => !inBase.has(sha)).length;
  return { compare: { aheadBy } };
}

function commentNode(gh: GitHubState, comment: SimComment) {
  const bot = comment.user.type === 'Bot';
  return {
    databaseId: comment.id,
    body: comment.body,
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt,
    author: {
      login: bot ? comment.user.login.replace(/\[bot\]$/, '') : comment.user.login,
      __typename: bot ? 'Bot' : 'User',
    },
    // GitHub lists a group for every emoji; one with no reactions has no `createdAt`.
    reactionGroups: REACTION_CONTENTS.map(([rest, content]) => {
      const given = comment.reactions.filter((r) => r.content === rest);
      return {
        content,
        createdAt: given.length > 0 ? comment.updatedAt : null,
        // The query runs as the app: the viewer is the app's bot (unless `viewerHasReactedIsApp` is off).
        viewerHasReacted: gh.viewerHasReactedIsApp && given.some((r) => r.login === gh.botLogin),
      };
    }),
  };
}

/** REST's reaction names and GraphQL's `ReactionContent`, in GitHub's order. */
const REACTION_CONTENTS = [
  ['+1', 'THUMBS_UP'],
  ['-1', 'THUMBS_DOWN'],
  ['laugh', 'LAUGH'],
  ['hooray', 'HOORAY'],
  ['confused', 'CONFUSED'],
  ['heart', 'HEART'],
  ['rocket', 'ROCKET'],
  ['eyes', 'EYES'],
] as const;

function actorNode(login: string) {
  const bot = login.endsWith('[bot]');
  return { login: login.replace(/\[bot\]$/, ''), __typename: bot ? 'Bot' : 'User' };
}

function stateOf(pull: SimPull): 'OPEN' | 'CLOSED' | 'MERGED' {
  if (pull.mergedAt) return 'MERGED';
  return pull.state === 'open' ? 'OPEN' : 'CLOSED';
}

function pullNode(gh: GitHubState, pull: SimPull) {
  const headSha = pull.fork?.sha ?? gh.git.resolve(pull.head) ?? '';
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
      pull.state !== 'open'
        ? 'UNKNOWN'
        : pull.draft
          ? 'DRAFT'
          : mergeStateStatus(gh, { headSha, baseSha, base: pull.base }),
    isDraft: pull.draft === true,
    headRepository: { nameWithOwner: headRepoOf(gh, pull) },
    labels: { nodes: (issue?.labels ?? []).map((name) => ({ name })) },
    reviews: {
      nodes: gh.reviews
        .filter((review) => review.pull === pull.number)
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
    comments: {
      nodes: gh.comments.filter((c) => c.issue === pull.number).map((c) => commentNode(gh, c)),
    },
    commits: {
      nodes:
        commit?.type === 'commit'
          ? [
              {
                commit: {
                  oid: headSha,
                  message: commit.message,
                  parents: { nodes: commit.parents.map((oid) => ({ oid })) },
                  author: commit.author ? { email: commit.author.email } : null,
                  // GitHub's signature of a commit it made itself; null for an unsigned one.
                  signature: commit.signedByGitHub
                    ? { __typename: 'GpgSignature', wasSignedByGitHub: true }
                    : null,
                  statusCheckRollup: rollupOn(gh, headSha),
                },
              },
            ]
          : [],
    },
  };
}

/**
 * GitHub's `Commit.statusCheckRollup`: the commit's check runs and its newest
 * status per context; null when it has neither. Which check runs a re-run
 * leaves in the rollup is not documented; the simulator keeps the newest of
 * each name, as GitHub's pull request page shows them.
 */
function rollupOn(gh: GitHubState, sha: string) {
  const runs = new Map<string, (typeof gh.checkRuns)[number]>();
  for (const run of gh.checkRuns) if (run.headSha === sha) runs.set(run.name, run);
  const statuses = new Map<string, (typeof gh.statuses)[number]>();
  for (const status of gh.statuses) if (status.sha === sha) statuses.set(status.context, status);
  if (runs.size === 0 && statuses.size === 0) return null;
  return {
    contexts: {
      nodes: [
        ...[...runs.values()].map((run) => ({
          __typename: 'CheckRun',
          name: run.name,
          status: run.status.toUpperCase(),
          conclusion: run.conclusion ? run.conclusion.toUpperCase() : null,
          detailsUrl: run.detailsUrl,
        })),
        ...[...statuses.values()].map((status) => ({
          __typename: 'StatusContext',
          context: status.context,
          state: status.state.toUpperCase(),
          targetUrl: status.targetUrl,
        })),
      ],
    },
  };
}

function mergeStateStatus(
  gh: GitHubState,
  { headSha, baseSha, base }: { headSha: string; baseSha: string; base: string },
): string {
  if (gh.git.conflicts(baseSha, headSha).length > 0) return 'DIRTY';
  if (gh.missingChecks({ base, headSha }).length > 0) return 'BLOCKED';
  if (gh.requireUpToDate && !gh.git.isAncestor(baseSha, headSha)) return 'BEHIND';
  return 'CLEAN';
}

/** `<branch>:<path>` as GitHub's `object(expression:)` reads it. */
function entryAt(gh: GitHubState, expression: string) {
  const colon = expression.indexOf(':');
  const sha = gh.git.resolve(expression.slice(0, colon));
  return sha ? { sha, path: expression.slice(colon + 1) } : null;
}

function blobAt(gh: GitHubState, expression: string) {
  const at = entryAt(gh, expression);
  const entry = at ? gh.git.entryAt(at.sha, at.path) : null;
  if (entry?.type !== 'blob') return null;
  return { oid: entry.sha, byteSize: entry.size, isTruncated: false, text: entry.content ?? '' };
}

function treeAt(gh: GitHubState, expression: string, withText: boolean) {
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
