import { Kind, type OperationDefinitionNode, valueFromASTUntyped } from 'graphql';
import type { GitHubState } from '../github-state.js';
import type { Grants } from '../permissions.js';
import { isValidRefName } from './routes-git.js';

/** Git's "no object": as `afterOid` it deletes, as `beforeOid` it says "must not exist". */
const NO_OBJECT = '0'.repeat(40);

interface RefUpdate {
  name?: unknown;
  beforeOid?: unknown;
  afterOid?: unknown;
  force?: unknown;
}

/** A GraphQL error as GitHub gives one: the mutation's field is null, the reason in `errors`. */
function refusal(type: string, message: string) {
  return {
    data: { updateRefs: null },
    errors: [{ type, path: ['updateRefs'], locations: [{ line: 2, column: 3 }], message }],
  };
}

/**
 * GitHub's `updateRefs` mutation, as its schema describes it: every update is
 * checked first and applied only if all pass (atomic); `beforeOid` must be
 * where the ref points now (all zeros: it must not exist); `afterOid` all
 * zeros deletes; any other must be a commit, reached by a fast-forward unless
 * `force`. It needs `contents: write` (a token without it is answered as
 * GitHub answers a field it may not use, `FORBIDDEN`). Whether it may touch
 * refs outside refs/heads and refs/tags is documented nowhere:
 * `gh.updateRefsTouchesHiddenRefs` says (false refuses them). GitHub's words
 * for its refusals are not documented either; these are the simulator's.
 * A branch it moves or creates is pushed with its webhooks; deletions send
 * none, as the simulator's REST ref deletion does not.
 */
export function answerUpdateRefs(
  gh: GitHubState,
  {
    operation,
    variables,
    grants,
  }: {
    operation: OperationDefinitionNode;
    variables: Record<string, unknown>;
    /** The request's token's permissions; null when the simulator does not check it. */
    grants: Grants | null;
  },
): Record<string, unknown> {
  if (grants && grants.contents !== 'write')
    return refusal('FORBIDDEN', 'Resource not accessible by integration');
  const [field] = operation.selectionSet.selections;
  const argument =
    field?.kind === Kind.FIELD
      ? field.arguments?.find((arg) => arg.name.value === 'input')
      : undefined;
  const input = (argument ? valueFromASTUntyped(argument.value, variables) : null) as {
    repositoryId?: unknown;
    refUpdates?: RefUpdate[];
  } | null;
  if (!input || input.repositoryId !== gh.nodeId) {
    return refusal(
      'NOT_FOUND',
      `Could not resolve to a node with the global id of '${String(input?.repositoryId)}'`,
    );
  }
  const updates = input.refUpdates ?? [];
  const names = new Set<string>();
  for (const update of updates) {
    const problem = problemOf(gh, update, grants);
    if (problem) return refusal('UNPROCESSABLE', problem);
    if (names.has(String(update.name)))
      return refusal('UNPROCESSABLE', `${String(update.name)} is updated twice`);
    names.add(String(update.name));
  }
  for (const update of updates) {
    const name = String(update.name);
    const after = String(update.afterOid);
    const branch = name.startsWith('refs/heads/') ? name.slice('refs/heads/'.length) : null;
    if (after === NO_OBJECT && branch) gh.deleteBranch(branch);
    else if (after === NO_OBJECT) gh.git.refs.delete(name);
    else if (branch) gh.setBranch(branch, after);
    else gh.git.refs.set(name, after);
  }
  return { data: { updateRefs: { clientMutationId: null } } };
}

/** Why GitHub would refuse this one update, or null. */
function problemOf(gh: GitHubState, update: RefUpdate, grants: Grants | null): string | null {
  const name = typeof update.name === 'string' ? update.name : '';
  const after = typeof update.afterOid === 'string' ? update.afterOid : '';
  const before = typeof update.beforeOid === 'string' ? update.beforeOid : null;
  if (!isValidRefName(name)) return `${name} is not a valid ref name`;
  if (!gh.updateRefsTouchesHiddenRefs && !/^refs\/(heads|tags)\//.test(name))
    return `${name}: only branches and tags can be updated`;
  const current = gh.git.refs.get(name);
  if (before !== null && before !== (current ?? NO_OBJECT))
    return `${name} expected to point to ${before}, but it points to ${current ?? 'nothing'}`;
  if (after === NO_OBJECT) return current ? null : `${name} does not exist`;
  if (gh.git.objects.get(after)?.type !== 'commit') return `${after} is not a commit`;
  if (current && update.force !== true && !gh.git.isAncestor(current, after))
    return `${name}: ${after} is not a fast-forward of ${current}`;
  if (name.startsWith('refs/heads/') && grants && grants.workflows !== 'write') {
    const changed = gh.workflowChangeOf(name, after);
    if (changed)
      return `refusing to allow a GitHub App to create or update workflow \`${changed}\` without \`workflows\` permission`;
  }
  return null;
}
