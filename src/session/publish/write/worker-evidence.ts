import {
  type ChangedLines,
  EVIDENCE_MAX_FILES,
  type Evidence,
} from '../../../core/sessions/evidence.js';
import { flaggedLine, type JudgedClaims } from '../checks/claims/claim-rules.js';

/**
 * The evidence publish leaves on a worker's pull request (docs/verification.md):
 * the head it judged, the diff's files (the first `EVIDENCE_MAX_FILES` named,
 * the rest counted), whether the contract was kept, and the claims it flagged.
 */
export function workerEvidence({
  head,
  diff,
  guarded,
  claims,
}: {
  head: string;
  diff: readonly ChangedLines[];
  /** The contract's paths; null when the build has no contract. */
  guarded: readonly string[] | null;
  claims: JudgedClaims;
}): Evidence {
  const named = diff.slice(0, EVIDENCE_MAX_FILES).map(clipped);
  const rest = diff.slice(EVIDENCE_MAX_FILES);
  const touched = (path: string | undefined) => path !== undefined && guarded?.includes(path);
  return {
    version: 1,
    head,
    files: named,
    ...(rest.length > 0
      ? {
          more: {
            files: rest.length,
            lines: rest.reduce((sum, file) => sum + file.lines, 0),
          },
        }
      : {}),
    contract:
      guarded === null
        ? 'none'
        : diff.some((file) => touched(file.path) || touched(file.from))
          ? 'changed'
          : 'kept',
    claims: {
      checked: claims.checked,
      flagged: claims.flagged.slice(0, 20).map(flaggedLine),
    },
  };
}

/** Paths past the schema's length are cut (the evidence names them; git's own limit is higher). */
function clipped(file: ChangedLines): ChangedLines {
  return {
    ...file,
    path: file.path.slice(0, 500),
    ...(file.from !== undefined ? { from: file.from.slice(0, 500) } : {}),
  };
}
