import type { GitHubState } from '../github-state.js';
import type { SimPull } from '../records.js';
import { blobAt, pullsNode, refsNode, rollupOn, stateOf, treeAt } from './build-nodes.js';

/**
 * One repository of a change set as `BatonMembers` and `BatonSet` read it through
 * `nodes(ids:)`: node ids are global, so any repository of the installation
 * resolves (null for one the app is not installed on, as GitHub answers a node
 * the token cannot see).
 */
export function memberNode(gh: GitHubState, id: string, variables: Record<string, unknown>) {
  const one = [gh, ...gh.installationPeers].find((repo) => repo.nodeId === id && repo.installed);
  if (!one) return null;
  const integration = String(variables.memberIntegration);
  const revert = String(variables.revertBranch);
  const defaultSha = one.git.resolve(one.defaultBranch);
  const pulls = [...one.pulls.values()].sort((a, b) => b.number - a.number);
  return {
    __typename: 'Repository',
    nameWithOwner: one.fullName,
    defaultBranchRef: defaultSha
      ? { name: one.defaultBranch, target: { oid: defaultSha }, compare: behind(one, integration) }
      : null,
    workflow: blobAt(one, String(variables.workflowPath)),
    refs: refsNode(one, String(variables.memberRefPrefix)),
    usageRefs: refsNode(one, String(variables.memberUsagePrefix)),
    adaptRefs: refsNode(one, String(variables.memberAdaptPrefix)),
    messageRefs: refsNode(one, String(variables.memberMessagePrefix)),
    validationRefs: refsNode(one, String(variables.memberValidationPrefix)),
    pullRequests: pullsNode(one, integration),
    finalPulls: { nodes: pulls.filter((p) => p.head === integration).map((p) => gated(one, p)) },
    revertPulls: { nodes: pulls.filter((p) => p.head === revert).map((p) => gated(one, p)) },
    plan: blobAt(one, String(variables.memberPlanPath)),
    contract: blobAt(one, String(variables.memberContractPath)),
    completions: treeAt(one, String(variables.memberCompletionsPath), true),
  };
}

/** `behindBy`: the default branch's commits the member build branch lacks. */
function behind(gh: GitHubState, integration: string) {
  const head = gh.git.resolve(integration);
  const base = gh.git.resolve(gh.defaultBranch);
  if (!head || !base) return null;
  const inHead = gh.git.ancestors(head);
  return { behindBy: [...gh.git.ancestors(base)].filter((sha) => !inHead.has(sha)).length };
}

/** A final or revert pull request with its head's checks and its merge's commit. */
function gated(gh: GitHubState, pull: SimPull) {
  const headSha = gh.git.resolve(pull.head) ?? '';
  return {
    number: pull.number,
    state: stateOf(pull),
    merged: pull.mergedAt !== null,
    url: `${gh.htmlUrl}/pull/${pull.number}`,
    isCrossRepository: pull.fork !== undefined,
    baseRefName: pull.base,
    headRefOid: headSha,
    autoMergeRequest: pull.autoMerge ? { enabledAt: pull.createdAt } : null,
    mergeCommit: pull.mergeCommitSha ? { oid: pull.mergeCommitSha } : null,
    commits: { nodes: [{ commit: { oid: headSha, statusCheckRollup: rollupOn(gh, headSha) } }] },
  };
}
