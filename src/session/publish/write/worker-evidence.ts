import {
  type ChangedLines,
  EVIDENCE_MAX_FILES,
  type Evidence,
  renderEvidenceMarker,
} from '../../../core/sessions/evidence.js';
import { flaggedLine, type JudgedClaims } from '../checks/claims/claim-rules.js';

/**
 * The most characters the evidence marker takes of a body (GitHub's limit is
 * 65,536 for all of it): past that, fewer files are named and the rest counted.
 */
export const EVIDENCE_MARKER_MAX_CHARS = 24_000;

/**
 * The evidence publish leaves on a worker's pull request (docs/verification.md):
 * the head it judged, the diff's files (at most `EVIDENCE_MAX_FILES` named, and
 * as many as fit `EVIDENCE_MARKER_MAX_CHARS`, the rest counted), whether the
 * contract was kept, and the claims it flagged.
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
  // A path the contract names, or one inside a folder it names.
  const touched = (path: string | undefined) =>
    path !== undefined &&
    (guarded ?? []).some((each) => path === each || path.startsWith(`${each}/`));
  const judged = {
    version: 1 as const,
    head,
    contract:
      guarded === null
        ? ('none' as const)
        : diff.some((file) => touched(file.path) || touched(file.from))
          ? ('changed' as const)
          : ('kept' as const),
    claims: {
      checked: claims.checked,
      flagged: claims.flagged.slice(0, 20).map(flaggedLine),
    },
  };
  let named = Math.min(diff.length, EVIDENCE_MAX_FILES);
  for (;;) {
    const rest = diff.slice(named);
    const evidence: Evidence = {
      ...judged,
      files: diff.slice(0, named).map(clipped),
      ...(rest.length > 0
        ? {
            more: {
              files: rest.length,
              lines: rest.reduce((sum, file) => sum + file.lines, 0),
            },
          }
        : {}),
    };
    if (named === 0 || renderEvidenceMarker(evidence).length <= EVIDENCE_MARKER_MAX_CHARS) {
      return evidence;
    }
    named = Math.floor(named / 2);
  }
}

/** Paths past the schema's length are cut (the evidence names them; git's own limit is higher). */
function clipped(file: ChangedLines): ChangedLines {
  return {
    ...file,
    path: file.path.slice(0, 500),
    ...(file.from !== undefined ? { from: file.from.slice(0, 500) } : {}),
  };
}
