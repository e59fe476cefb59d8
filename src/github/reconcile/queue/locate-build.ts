import {
  issueBranchPrefix,
  parseBatonBranch,
  parseBuildId,
  parseMemberBuildId,
} from '../../../core/vocabulary/ids.js';
import type { RepoContext } from '../../client/types.js';
import { listMatchingRefs } from '../../observe/hidden-records.js';

/** A build found from an event: its id and its issue. */
export interface BuildRef {
  build: string;
  issue: number;
}

/** The build of an issue, found by its build branch (the slug may differ from today's title). */
export async function findBuildForIssue(ctx: RepoContext, issue: number): Promise<BuildRef | null> {
  const refs = await listMatchingRefs(ctx, `heads/${issueBranchPrefix(issue)}`);
  for (const ref of refs) {
    const branch = parseBatonBranch(ref.ref);
    if (branch?.kind === 'integration' && parseBuildId(branch.build)?.issue === issue) {
      return { build: branch.build, issue };
    }
  }
  return null;
}

/** The build a Baton branch belongs to, from its name alone (no request). */
export function buildOfBranch(ref: string | null | undefined): BuildRef | null {
  const branch = parseBatonBranch(ref ?? '');
  if (!branch) return null;
  const parsed = parseBuildId(branch.build);
  return parsed ? { build: branch.build, issue: parsed.issue } : null;
}

/**
 * A change set's build that a member build's id names (docs/change-sets.md):
 * the set's build, its issue and the repository it lives in, read off the id
 * alone. Only a hint, as every branch or run name: the set's read takes a
 * member only where the set's plan names its repository.
 */
export function setOfMember(
  build: string | null | undefined,
): (BuildRef & { home: string }) | null {
  const member = parseMemberBuildId(build ?? '');
  return member ? { build: member.build, issue: member.issue, home: member.home } : null;
}
