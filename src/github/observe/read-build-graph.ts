import type { RepoContext } from '../client/types.js';
import {
  BUILD_QUERY,
  type BuildPullsResult,
  type BuildQueryResult,
  type BuildRefsResult,
  type GraphPull,
  type GraphRefs,
  type IssueStatesResult,
  type PullChecksResult,
} from './build-query.js';

/** What each later page of the build query's lists answers, by its operation. */
interface BuildPages {
  BatonBuildPulls: BuildPullsResult;
  BatonBuildRefs: BuildRefsResult;
  BatonPullChecks: PullChecksResult;
  BatonIssueStates: IssueStatesResult;
}

/** A later page of one of the build query's lists, in this repository: the document, naming its operation. */
export function readBuildPage<O extends keyof BuildPages>(
  ctx: RepoContext,
  operationName: O,
  variables: Record<string, unknown>,
): Promise<BuildPages[O]> {
  return ctx.octokit.graphql<BuildPages[O]>(BUILD_QUERY, {
    operationName,
    owner: ctx.owner,
    repo: ctx.repo,
    ...variables,
  });
}

export interface BuildGraphVariables {
  owner: string;
  repo: string;
  issue: number;
  integration: string;
  defaultBranch: string;
  refPrefix: string;
  planPath: string;
  workersPath: string;
  completionsPath: string;
  subIssuesPath: string;
  loopsPath: string;
  usagePrefix: string;
  adaptPrefix: string;
  messagePrefix: string;
  validationPrefix: string;
  contractPath: string;
  /** The learn session's branch, `baton/<build>/memory`. */
  memoryBranch: string;
}

/**
 * The build query with every list it pages read whole: the worker PRs past
 * the first page, the branch, usage and adaptation refs past the first
 * hundred, and an open PR head's CI past its first hundred check runs and
 * statuses, each by its own query following `pageInfo`. A build of twenty PRs
 * or fewer and under a hundred records is one request of one point.
 */
export async function readBuildGraph(
  ctx: RepoContext,
  variables: BuildGraphVariables,
  alongside?: ReadAlongside,
): Promise<BuildQueryResult & { alongside?: unknown[] }> {
  // Repositories ride along in the same call (a change set's members, `BatonSet`): their first pages only.
  const { repository, nodes } = alongside
    ? await ctx.octokit.graphql<BuildQueryResult & { nodes: unknown[] }>(alongside.document, {
        operationName: alongside.operationName,
        ...variables,
        ...alongside.variables,
        ids: alongside.ids,
      })
    : {
        ...(await ctx.octokit.graphql<BuildQueryResult>(BUILD_QUERY, {
          operationName: 'BatonBuild',
          ...variables,
        })),
        nodes: undefined,
      };
  return {
    repository: await withRestOfLists(ctx, variables, repository),
    ...(nodes ? { alongside: nodes } : {}),
  };
}

/** The lists of a build's repository that a first read may leave unfinished. */
interface BuildLists {
  pullRequests: BuildQueryResult['repository']['pullRequests'];
  refs: GraphRefs;
  usageRefs: GraphRefs;
  adaptRefs?: GraphRefs;
  messageRefs?: GraphRefs;
  validationRefs?: GraphRefs;
}

/**
 * A build's lists read whole (a build's own, or a change set's member's): its
 * pull requests into the build branch past the first page, each kind of its
 * refs past a hundred; a kind the first read did not ask for stays unread.
 */
export async function withRestOfLists<T extends BuildLists>(
  ctx: RepoContext,
  prefixes: Pick<
    BuildGraphVariables,
    | 'integration'
    | 'refPrefix'
    | 'usagePrefix'
    | 'adaptPrefix'
    | 'messagePrefix'
    | 'validationPrefix'
  >,
  lists: T,
): Promise<T> {
  const rest = (prefix: string, first: GraphRefs | undefined) =>
    first ? restOfRefs(ctx, prefix, first) : Promise.resolve(undefined);
  const [pullRequests, refs, usageRefs, adaptRefs, messageRefs, validationRefs] = await Promise.all(
    [
      restOfPulls(ctx, prefixes, lists.pullRequests),
      restOfRefs(ctx, prefixes.refPrefix, lists.refs),
      restOfRefs(ctx, prefixes.usagePrefix, lists.usageRefs),
      rest(prefixes.adaptPrefix, lists.adaptRefs),
      rest(prefixes.messagePrefix, lists.messageRefs),
      rest(prefixes.validationPrefix, lists.validationRefs),
    ],
  );
  return {
    ...lists,
    pullRequests,
    refs,
    usageRefs,
    ...(adaptRefs ? { adaptRefs } : {}),
    ...(messageRefs ? { messageRefs } : {}),
    ...(validationRefs ? { validationRefs } : {}),
  };
}

/**
 * Repositories read in the build's own call, by their node ids, with the
 * variables of the fragment that reads them (a change set's members, whose
 * build read is `readMembers`'): what the caller makes of them is its own.
 * The caller's document holds the build query and its own operation, which
 * reads the build as `BatonBuild` does and `nodes(ids: $ids)` beside it
 * (`SET_QUERY`, src/github/change-set/set-query.ts).
 */
export interface ReadAlongside {
  document: string;
  operationName: string;
  ids: string[];
  variables: Record<string, string>;
}

/** The worker PRs past the first page, and each open one's CI past its first hundred, in `ctx`'s repository. */
async function restOfPulls(
  ctx: RepoContext,
  variables: { integration: string },
  first: BuildQueryResult['repository']['pullRequests'],
): Promise<BuildQueryResult['repository']['pullRequests']> {
  const nodes = [...first.nodes];
  let page = first.pageInfo;
  while (page?.hasNextPage && page.endCursor) {
    const { repository } = await readBuildPage(ctx, 'BatonBuildPulls', {
      integration: variables.integration,
      after: page.endCursor,
    });
    nodes.push(...repository.pullRequests.nodes);
    page = repository.pullRequests.pageInfo;
  }
  await Promise.all(nodes.map((pull) => restOfChecks(ctx, pull)));
  return { pageInfo: { hasNextPage: false, endCursor: page?.endCursor ?? null }, nodes };
}

/** An open PR's head CI read whole; a head that moved meanwhile is left to the next reconcile. */
async function restOfChecks(ctx: RepoContext, pull: GraphPull): Promise<void> {
  const head = pull.commits.nodes[0]?.commit;
  const contexts = head?.statusCheckRollup?.contexts;
  if (pull.state !== 'OPEN' || !head || !contexts) return;
  let page = contexts.pageInfo;
  while (page?.hasNextPage && page.endCursor) {
    const { repository } = await readBuildPage(ctx, 'BatonPullChecks', {
      number: pull.number,
      after: page.endCursor,
    });
    const commit = repository.pullRequest?.commits.nodes[0]?.commit;
    const more = commit?.statusCheckRollup?.contexts;
    if (!commit || commit.oid !== head.oid || !more) return;
    contexts.nodes.push(...more.nodes);
    contexts.pageInfo = more.pageInfo;
    page = more.pageInfo;
  }
}

/** The refs under `prefix` past the first hundred, in `ctx`'s repository. */
async function restOfRefs(ctx: RepoContext, prefix: string, first: GraphRefs): Promise<GraphRefs> {
  const nodes = [...first.nodes];
  let page = first.pageInfo;
  while (page?.hasNextPage && page.endCursor) {
    const { repository } = await readBuildPage(ctx, 'BatonBuildRefs', {
      prefix,
      after: page.endCursor,
    });
    nodes.push(...repository.refs.nodes);
    page = repository.refs.pageInfo;
  }
  return { pageInfo: { hasNextPage: false, endCursor: page?.endCursor ?? null }, nodes };
}
