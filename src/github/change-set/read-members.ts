import type { GatedPull, SetCheckState, SetMember } from '../../core/change-set/set-snapshot.js';
import { contractPath } from '../../core/plan/contract.js';
import { validationRefPrefix } from '../../core/plan/validation.js';
import { adaptationRefPrefix, adaptationsOf } from '../../core/records/adaptation.js';
import { usageRefPrefix } from '../../core/records/usage.js';
import { messageRefPrefix } from '../../core/sessions/messages.js';
import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { usageOf } from '../../core/snapshot/usage-ties.js';
import { validationsOf } from '../../core/snapshot/validation-ties.js';
import {
  buildDir,
  CHANGE_SET_CHECK_NAME,
  integrationBranch,
  planPath,
  revertBranch,
  WORKFLOW_PATH,
} from '../../core/vocabulary/ids.js';
import { contextOf, type RepoContext } from '../client/types.js';
import type { BuildQueryResult } from '../observe/build-query.js';
import { hiddenRefReadingFrom, readHiddenRecords } from '../observe/hidden-records.js';
import { branchesOf } from '../observe/observe-build.js';
import { withRestOfLists } from '../observe/read-build-graph.js';
import { collectComments, commentLists } from '../observe/read-comments.js';
import { readFinalPull } from '../observe/read-issue-state.js';
import { readPulls } from '../observe/read-pulls.js';
import { completionsOf, contractOf } from '../observe/read-record.js';
import { readRuns } from '../observe/read-runs.js';
import {
  type GraphGatedPull,
  type GraphMember,
  type MembersResult,
  SET_QUERY,
} from './set-query.js';

/**
 * How many repositories one `BatonMembers` call reads: each is about 7,900
 * possible nodes and 1.5 points, so five stay under 40,000 nodes and eight
 * points, within what every document of Baton is held to.
 */
export const MEMBERS_PER_CALL = 5;

/** A member repository to read: its name, GraphQL node id and default branch. */
export interface MemberRepository {
  name: string;
  nodeId: string;
  defaultBranch: string;
}

/**
 * Every member build of a change set, each as its own read would see it: one
 * `BatonMembers` call per five repositories (they share the build id, so one
 * fragment reads them all), then each one's later pages and run listing in
 * its own repository. `since`: when the set's issue was opened.
 */
export async function readMembers(
  ctx: RepoContext,
  {
    member,
    issue,
    since,
    repositories,
    freshFrom,
    read = new Map(),
  }: {
    member: string;
    issue: number;
    since: string;
    repositories: MemberRepository[];
    freshFrom?: number;
    /** Members read already, in the set build's own call (`BatonSet`), by node id. */
    read?: ReadonlyMap<string, GraphMember | null>;
  },
): Promise<SetMember[]> {
  const nodes = new Map(read);
  const unread = repositories.filter((repo) => !nodes.has(repo.nodeId));
  // A token minted for the set's repository alone reads no private member: the members' own.
  const reader =
    unread.length > 0 && ctx.membersReader
      ? await ctx.membersReader({
          home: `${ctx.owner}/${ctx.repo}`.toLowerCase(),
          repositories: unread.map((repo) => repo.name),
        })
      : ctx.octokit;
  for (let i = 0; i < unread.length; i += MEMBERS_PER_CALL) {
    const batch = unread.slice(i, i + MEMBERS_PER_CALL);
    const answer = await reader.graphql<MembersResult>(SET_QUERY, {
      operationName: 'BatonMembers',
      ids: batch.map((repo) => repo.nodeId),
      ...memberVariables(member),
    });
    for (const [index, repo] of batch.entries())
      nodes.set(repo.nodeId, answer.nodes[index] ?? null);
  }
  return Promise.all(
    repositories.map(async (repository) => {
      const node = nodes.get(repository.nodeId) ?? null;
      const there = await contextOf(ctx, repository.name);
      return observeMember(there, {
        member,
        issue,
        since,
        repository,
        node,
        ...(freshFrom === undefined ? {} : { freshFrom }),
      });
    }),
  );
}

/** The variables of `MemberRepository`, the fragment every member of a set is read by (`BatonMembers`, `BatonSet`). */
export function memberVariables(member: string) {
  const integration = integrationBranch(member);
  return {
    memberIntegration: integration,
    memberRefPrefix: `refs/heads/baton/${member}/`,
    memberPlanPath: `${integration}:${planPath(member)}`,
    memberCompletionsPath: `${integration}:${buildDir(member)}/completions`,
    workflowPath: `HEAD:${WORKFLOW_PATH}`,
    memberUsagePrefix: usageRefPrefix(member),
    memberAdaptPrefix: adaptationRefPrefix(member),
    memberMessagePrefix: messageRefPrefix(member),
    memberValidationPrefix: validationRefPrefix(member),
    memberContractPath: `${integration}:${contractPath(member)}`,
    revertBranch: revertBranch(member),
  };
}

/** One member build's truth, gathered as `observeBuild` gathers a build's, without its issue. */
async function observeMember(
  ctx: RepoContext,
  {
    member,
    issue,
    since,
    repository,
    node,
    freshFrom,
  }: {
    member: string;
    issue: number;
    since: string;
    repository: MemberRepository;
    node: GraphMember | null;
    freshFrom?: number;
  },
): Promise<SetMember> {
  const graph = asBuildRepository(await withLaterPages(ctx, member, node), repository);
  const branches = branchesOf(member, graph);
  const runsRead = await readRuns(ctx, {
    build: member,
    since,
    ...(freshFrom === undefined ? {} : { freshFrom }),
  });
  const runs = runsRead.installed ? runsRead.runs : [];
  const pulls = await readPulls(ctx, { build: member, pulls: graph.pullRequests.nodes });
  const comments = await collectComments(ctx, {
    build: member,
    lists: await commentLists(ctx, { issue, repository: graph }),
  });
  const hidden = await readHiddenRecords(ctx, {
    build: member,
    usage: graph.usageRefs.nodes,
    adapt: graph.adaptRefs?.nodes ?? [],
    messages: graph.messageRefs?.nodes ?? [],
    validation: graph.validationRefs?.nodes ?? [],
    reading: hiddenRefReadingFrom(process.env),
  });
  // Each member's own contract and validations (docs/change-sets.md): its milestones are validated in its repository.
  const contract = branches.integration ? contractOf(graph) : { kind: 'missing' as const };
  const defaultSha = node?.defaultBranchRef?.target.oid ?? '';
  const snapshot: BuildSnapshot = {
    build: member,
    issue: { number: issue, title: '', state: 'open', labels: [], url: '' },
    repo: { owner: ctx.owner, name: ctx.repo, defaultBranch: repository.defaultBranch, defaultSha },
    workflowInstalled: runsRead.installed && node?.workflow !== null,
    integration: branches.integration
      ? {
          sha: branches.integration,
          containsDefault: (node?.defaultBranchRef?.compare?.behindBy ?? 0) === 0,
        }
      : null,
    plan: { kind: 'missing' },
    completions: branches.integration ? completionsOf(graph) : {},
    branches: branches.workers,
    pulls,
    runs,
    commands: comments.commands,
    finalPull: await readFinalPull(ctx, {
      build: member,
      defaultBranch: repository.defaultBranch,
      repository: graph,
    }),
    statusComment: null,
    ...usageOf(member, hidden.usage, runs),
    adaptations: adaptationsOf(hidden.adapt),
    ...(hidden.messages.length > 0 ? { messageRefs: hidden.messages } : {}),
    ...(contract.kind === 'missing' ? {} : { contract }),
    ...validationsOf(member, hidden.validation, runs),
  };
  const own = (pull: GraphGatedPull) =>
    !pull.isCrossRepository && pull.baseRefName === repository.defaultBranch;
  return {
    repository: repository.name,
    snapshot,
    recorded: branches.integration !== null && node?.plan !== null && node?.plan !== undefined,
    final: gatedOf(node?.finalPulls.nodes.find(own), ctx.botLogin),
    revert: gatedOf(node?.revertPulls.nodes.find(own), ctx.botLogin),
  };
}

/** A member's lists read whole: its pull requests past the first page, its refs past a hundred. */
async function withLaterPages(
  ctx: RepoContext,
  member: string,
  node: GraphMember | null,
): Promise<GraphMember | null> {
  if (!node) return null;
  const variables = memberVariables(member);
  return withRestOfLists(
    ctx,
    {
      integration: variables.memberIntegration,
      refPrefix: variables.memberRefPrefix,
      usagePrefix: variables.memberUsagePrefix,
      adaptPrefix: variables.memberAdaptPrefix,
      messagePrefix: variables.memberMessagePrefix,
      validationPrefix: variables.memberValidationPrefix,
    },
    node,
  );
}

/**
 * A member read in the build query's shape, for the readers of a build to
 * gather from: no issue (the set's is in another repository), its final pull
 * requests those into its default branch.
 */
function asBuildRepository(
  node: GraphMember | null,
  repository: MemberRepository,
): BuildQueryResult['repository'] {
  const empty = { nodes: [] };
  return {
    issue: null,
    defaultRef: node?.defaultBranchRef ? { target: node.defaultBranchRef.target } : null,
    integrationRef: null,
    refs: node?.refs ?? empty,
    usageRefs: node?.usageRefs ?? empty,
    adaptRefs: node?.adaptRefs ?? empty,
    messageRefs: node?.messageRefs ?? empty,
    validationRefs: node?.validationRefs ?? empty,
    pullRequests: node?.pullRequests ?? empty,
    finalPulls: {
      nodes: (node?.finalPulls.nodes ?? [])
        .filter((pull) => pull.baseRefName === repository.defaultBranch)
        .map((pull) => ({ ...pull })),
    },
    plan: null,
    contract: node?.contract ?? null,
    workers: null,
    subIssueGraph: null,
    completions: node?.completions ?? null,
  };
}

/**
 * A gated pull request as the set reads it, with the app's own
 * `baton/change-set` on its head: a check run of that name another app made
 * (a workflow's job of that name, as GitHub Actions) is not Baton's, released
 * or not.
 */
function gatedOf(pull: GraphGatedPull | undefined, botLogin: string): GatedPull | null {
  if (!pull) return null;
  const head = pull.commits.nodes[0]?.commit;
  const slug = botLogin.replace(/\[bot\]$/, '');
  const check = (head?.statusCheckRollup?.contexts.nodes ?? []).find(
    (context) =>
      context.__typename === 'CheckRun' &&
      context.name === CHANGE_SET_CHECK_NAME &&
      context.checkSuite?.app?.slug === slug,
  );
  const state: SetCheckState =
    check?.__typename !== 'CheckRun'
      ? null
      : check.status === 'COMPLETED' && check.conclusion === 'SUCCESS'
        ? 'success'
        : 'pending';
  return {
    number: pull.number,
    url: pull.url,
    state: pull.merged ? 'merged' : pull.state === 'OPEN' ? 'open' : 'closed',
    sha: pull.headRefOid,
    check: head?.oid === pull.headRefOid ? state : null,
    mergeCommit: pull.mergeCommit?.oid ?? null,
  };
}
