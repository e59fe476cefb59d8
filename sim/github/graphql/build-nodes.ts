/**
 * The nodes the simulated GraphQL endpoint answers Baton's build queries
 * with, built from the simulated state: a build's repository, its pull
 * requests with their reviews, comments and checks, refs, blobs and trees.
 */
import type { GitHubState } from '../github-state.js';
import type { SimComment, SimIssue, SimPull } from '../records.js';
import { headRepoOf } from '../routes/routes-pulls.js';

/**
 * Refs under a prefix in GitHub's order (alphabetical), each with its
 * commit's message when it points at a commit (usage and adaptation records).
 */
export function refsNode(gh: GitHubState, prefix: string) {
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
export function pullsNode(gh: GitHubState, base: string) {
  return {
    nodes: [...gh.pulls.values()]
      .sort((a, b) => a.number - b.number)
      .filter((p) => p.base === base)
      .map((p) => pullNode(gh, p)),
  };
}

export function buildRepository(gh: GitHubState, variables: Record<string, unknown>) {
  const issue = gh.issues.get(Number(variables.issue));
  const integration = String(variables.integration);
  const defaultBranch = String(variables.defaultBranch);
  const pulls = [...gh.pulls.values()].sort((a, b) => a.number - b.number);
  return {
    issue: issue
      ? {
          ...threadOf(gh, issue),
          title: issue.title,
          createdAt: issue.createdAt,
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
    integrationRef: integrationRefNode(gh, { base: integration, head: defaultBranch }),
    refs: refsNode(gh, String(variables.refPrefix)),
    usageRefs: refsNode(gh, String(variables.usagePrefix)),
    adaptRefs: refsNode(gh, String(variables.adaptPrefix)),
    messageRefs: refsNode(gh, String(variables.messagePrefix)),
    validationRefs: variables.validationPrefix
      ? refsNode(gh, String(variables.validationPrefix))
      : { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
    pullRequests: pullsNode(gh, integration),
    finalPulls: pullsInto(gh, pulls, { head: integration, base: defaultBranch }, (p) => ({
      autoMergeRequest: p.autoMerge ? { enabledAt: p.createdAt } : null,
      mergeStateStatus: finalMergeState(gh, p),
    })),
    memoryPulls: pullsInto(
      gh,
      pulls,
      { head: String(variables.memoryBranch), base: defaultBranch },
      (p) => ({ changedFiles: changedFiles(gh, p) }),
    ),
    plan: blobAt(gh, String(variables.planPath)),
    contract: variables.contractPath ? blobAt(gh, String(variables.contractPath)) : null,
    workers: treeAt(gh, String(variables.workersPath), false),
    completions: treeAt(gh, String(variables.completionsPath), true),
    subIssueGraph: variables.subIssuesPath ? blobAt(gh, String(variables.subIssuesPath)) : null,
    loops: variables.loopsPath ? treeAt(gh, String(variables.loopsPath), true) : null,
  };
}

/** How many paths a pull request changes from where its head left its base (GitHub's `changedFiles`). */
/**
 * The pull requests from `head` into `base`, newest first: what the final and
 * the learn pull requests' lists both read of each, and what `more` adds.
 */
function pullsInto(
  gh: GitHubState,
  pulls: SimPull[],
  { head, base }: { head: string; base: string },
  more: (pull: SimPull) => Record<string, unknown>,
) {
  return {
    nodes: pulls
      .filter((p) => p.head === head && p.base === base)
      .reverse()
      .map((p) => ({
        number: p.number,
        state: stateOf(p),
        merged: p.mergedAt !== null,
        url: `${gh.htmlUrl}/pull/${p.number}`,
        isCrossRepository: p.fork !== undefined,
        ...more(p),
      })),
  };
}

function changedFiles(gh: GitHubState, pull: SimPull): number {
  const head = gh.git.resolve(pull.head);
  const base = gh.git.resolve(pull.base);
  const from = head && base ? gh.git.mergeBase(base, head) : null;
  if (!head || !from) return 0;
  const before = gh.git.filesOf(from);
  const after = gh.git.filesOf(head);
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).length;
}

/**
 * What `issueOrPullRequest` answers of its type: an issue's `state` and address, or
 * a pull request's (its state `pullState`, as the build query asks it, and `MERGED`).
 */
export function threadOf(gh: GitHubState, issue: SimIssue) {
  if (!issue.pull)
    return {
      __typename: 'Issue',
      state: issue.state === 'open' ? 'OPEN' : 'CLOSED',
      url: `${gh.htmlUrl}/issues/${issue.number}`,
    };
  const pull = gh.pulls.get(issue.number);
  const state = pull?.mergedAt
    ? 'MERGED'
    : (pull?.state ?? issue.state) === 'open'
      ? 'OPEN'
      : 'CLOSED';
  return { __typename: 'PullRequest', pullState: state, url: `${gh.htmlUrl}/pull/${issue.number}` };
}

/** An issue's `closed` and `reopened` timeline events, oldest first, as the build query reads them. */
export function stateEventsNode(issue: SimIssue) {
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
  return oid ? { target: { __typename: 'Commit', oid } } : null;
}

function integrationRefNode(gh: GitHubState, { base, head }: { base: string; head: string }) {
  const baseSha = gh.git.resolve(base);
  const headSha = gh.git.resolve(head);
  if (!baseSha || !headSha) return null;
  const inBase = gh.git.ancestors(baseSha);
  const aheadBy = [...gh.git.ancestors(headSha)].filter((sha) => !inBase.has(sha)).length;
  // The rules of rulesets that apply to the ref; branch protection's are not among them.
  const strict = gh.requireUpToDate && gh.upToDateRuleIn === 'ruleset';
  const rules = strict
    ? [
        {
          parameters: {
            __typename: 'RequiredStatusChecksParameters',
            strictRequiredStatusChecksPolicy: true,
          },
        },
      ]
    : [];
  return { compare: { aheadBy }, rules: { nodes: rules } };
}

export function commentNode(gh: GitHubState, comment: SimComment) {
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

export function actorNode(login: string) {
  const bot = login.endsWith('[bot]');
  return { login: login.replace(/\[bot\]$/, ''), __typename: bot ? 'Bot' : 'User' };
}

export function stateOf(pull: SimPull): 'OPEN' | 'CLOSED' | 'MERGED' {
  if (pull.mergedAt) return 'MERGED';
  return pull.state === 'open' ? 'OPEN' : 'CLOSED';
}

export function pullNode(gh: GitHubState, pull: SimPull) {
  const headSha = pull.fork?.sha ?? gh.git.resolve(pull.head) ?? '';
  const baseSha = gh.git.resolve(pull.base) ?? '';
  const commit = gh.git.objects.get(headSha);
  const issue = gh.issues.get(pull.number);
  return {
    databaseId: pull.number,
    number: pull.number,
    state: stateOf(pull),
    merged: pull.mergedAt !== null,
    mergedAt: pull.mergedAt,
    // `PullRequest.mergeCommit`: the commit the merge made, null until it is merged.
    mergeCommit: pull.mergeCommitSha ? { oid: pull.mergeCommitSha } : null,
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
          : mergeStateStatus(gh, { headSha, baseSha, pull }),
    reviewDecision: gh.reviewDecision(pull),
    isDraft: pull.draft === true,
    // `PullRequest.author` and `body` (https://docs.github.com/en/graphql/reference/objects#pullrequest):
    // who opened it, and the body as last edited (`PATCH …/pulls/{n}`, which only the author and
    // writers may make, replaces it: https://docs.github.com/en/rest/pulls/pulls#update-a-pull-request).
    author: actorNode(pull.user.login),
    body: pull.body,
    // `PullRequest.editor`: who last edited the body, null when no one has since it was opened.
    editor: pull.editor ? actorNode(pull.editor) : null,
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
          ? [{ commit: { ...commitNode(gh, headSha), statusCheckRollup: rollupOn(gh, headSha) } }]
          : [],
    },
  };
}

/** A commit as GraphQL's `Commit` reads it: its parents, the author it names, GitHub's signature; null for no commit. */
export function commitNode(gh: GitHubState, sha: string) {
  const commit = gh.git.objects.get(sha);
  if (commit?.type !== 'commit') return null;
  return {
    __typename: 'Commit',
    oid: sha,
    message: commit.message,
    parents: { nodes: commit.parents.map((oid) => ({ oid })) },
    author: commit.author ? { email: commit.author.email } : null,
    // GitHub's signature of a commit it made itself; null for an unsigned one.
    signature: commit.signedByGitHub
      ? { __typename: 'GpgSignature', wasSignedByGitHub: true }
      : null,
  };
}

/**
 * GitHub's `Commit.statusCheckRollup`: the commit's check runs and its newest
 * status per context; null when it has neither. Which check runs a re-run
 * leaves in the rollup is not documented; the simulator keeps the newest of
 * each name of each app (each app's runs are a check suite of its own), as
 * GitHub's pull request page shows them, with the app that made it.
 */
export function rollupOn(gh: GitHubState, sha: string) {
  const runs = new Map<string, (typeof gh.checkRuns)[number]>();
  for (const run of gh.checksOn(sha)) runs.set(`${run.app.id} ${run.name}`, run);
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
          checkSuite: { app: { slug: run.app.slug, databaseId: run.app.id } },
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

/** A final pull request's `mergeStateStatus`, as a worker pull request's is judged. */
function finalMergeState(gh: GitHubState, pull: SimPull): string {
  if (pull.state !== 'open') return 'UNKNOWN';
  const headSha = gh.git.resolve(pull.head) ?? '';
  const baseSha = gh.git.resolve(pull.base) ?? '';
  return mergeStateStatus(gh, { headSha, baseSha, pull });
}

function mergeStateStatus(
  gh: GitHubState,
  { headSha, baseSha, pull }: { headSha: string; baseSha: string; pull: SimPull },
): string {
  const { base } = pull;
  if (gh.git.conflicts(baseSha, headSha).length > 0) return 'DIRTY';
  if (gh.missingChecks({ base, headSha }).length > 0 || gh.reviewHold(pull)) return 'BLOCKED';
  if (gh.requireUpToDate && !gh.git.isAncestor(baseSha, headSha)) return 'BEHIND';
  return gh.checksPassOn(headSha) ? 'CLEAN' : 'UNSTABLE';
}

/** `<branch>:<path>` as GitHub's `object(expression:)` reads it. */
export function entryAt(gh: GitHubState, expression: string) {
  const colon = expression.indexOf(':');
  const ref = expression.slice(0, colon);
  const sha = gh.git.resolve(ref === 'HEAD' ? gh.defaultBranch : ref);
  return sha ? { sha, path: expression.slice(colon + 1) } : null;
}

export function blobAt(gh: GitHubState, expression: string) {
  const at = entryAt(gh, expression);
  const entry = at ? gh.git.entryAt(at.sha, at.path) : null;
  if (entry?.type !== 'blob') return null;
  return {
    __typename: 'Blob',
    oid: entry.sha,
    byteSize: entry.size,
    isTruncated: false,
    text: entry.content ?? '',
  };
}

export function treeAt(gh: GitHubState, expression: string, withText: boolean) {
  const at = entryAt(gh, expression);
  if (!at || gh.git.entryAt(at.sha, at.path)?.type !== 'tree') return null;
  return {
    __typename: 'Tree',
    entries: gh.git.listDir(at.sha, at.path).map((child) => {
      const blob = child.type === 'blob' ? gh.git.objects.get(child.sha) : undefined;
      const text = blob?.type === 'blob' ? blob.content : null;
      return {
        name: child.name,
        object:
          child.type === 'blob'
            ? {
                __typename: 'Blob',
                oid: child.sha,
                byteSize: child.size,
                ...(withText ? { text } : {}),
              }
            : null,
      };
    }),
  };
}
