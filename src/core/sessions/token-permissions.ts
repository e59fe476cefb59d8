import type { SessionRole } from './session.js';

/** Installation permissions by name, as `POST /app/installations/{id}/access_tokens` takes them. */
export type SessionTokenPermissions = Record<string, 'read' | 'write'>;

/**
 * All that every `publish` needs: push branches (`contents`), open and update
 * PRs and post reviews (`pull_requests`). Nothing else by default: no issues,
 * checks, actions or administration.
 */
export const SESSION_TOKEN_PERMISSIONS = { contents: 'write', pull_requests: 'write' } as const;

/**
 * A doctor session's token (docs/doctor.md): its probes push and delete
 * throwaway refs, comment on and react to their commit (`contents`), and list
 * the runs a push started (`actions: read`). Never `workflows`: one probe asks
 * whether a hidden ref can be pushed without it.
 */
export const DOCTOR_TOKEN_PERMISSIONS = { contents: 'write', actions: 'read' } as const;

/**
 * The permissions of one session's token, least for its role:
 * - a `synthesis` posts its summary on the build's issue, which GitHub checks
 *   against `issues` (`pull_requests` covers comments on pull requests only);
 * - a `plan` reads the issue, its sub-issues, the `/replan` it answers and the
 *   issue's history (`issues: read`) to check who edited it after a writer asked
 *   for the plan (`checkPlanText`), as the agent job's token may not, and
 *   which workers' first attempts run (`actions: read`: their runs' names),
 *   whose briefs an adaptation may not change;
 * - `workflows: write` where the repository lets sessions change workflows, or
 *   for a `fix` whose merge of the build branch brings a workflow change, or a
 *   `work` session's first attempt whose commit changes a workflow since its merge base
 *   with the default branch (`mergeBringsWorkflows`): GitHub refuses an app's
 *   push that creates or updates a file under `.github/workflows/` relative to
 *   the ref's old state (a new ref's: its merge base) without it, even when the
 *   content comes from the build branch. Publish still refuses any workflow
 *   change whose content is not the build branch's.
 * A run whose name does not parse (`role` null) gets the base permissions.
 */
export function sessionTokenPermissions({
  role,
  allowWorkflowChanges,
  mergeBringsWorkflows,
}: {
  role: SessionRole | null;
  allowWorkflowChanges: boolean;
  mergeBringsWorkflows: boolean;
}): SessionTokenPermissions {
  // The contract's session writes checks only (docs/verification.md), a learn session lessons only
  // (docs/memory.md): never a workflow.
  const workflows =
    (allowWorkflowChanges && role !== 'contract' && role !== 'learn') ||
    ((role === 'fix' || role === 'work') && mergeBringsWorkflows);
  return {
    ...SESSION_TOKEN_PERMISSIONS,
    ...(role === 'synthesis' ? { issues: 'write' } : {}),
    ...(role === 'plan' ? { issues: 'read', actions: 'read' } : {}),
    ...(workflows ? { workflows: 'write' } : {}),
  };
}

/** How many files GitHub lists of a comparison (`GET …/compare/{basehead}`), at most. */
const COMPARE_FILES_LISTED = 300;

/**
 * Whether a comparison's files change a file under `.github/workflows/`:
 * null where GitHub may have left some out (it lists 300 at most), so that
 * the caller compares the folder's listings instead.
 */
export function comparisonChangesWorkflows(files: readonly { filename: string }[]): boolean | null {
  if (files.length >= COMPARE_FILES_LISTED) return null;
  return files.some((file) => file.filename.startsWith('.github/workflows/'));
}
