import type { VerificationSettings } from '../../../core/config/verification-settings.js';
import {
  type ChangedLines,
  EVIDENCE_MAX_FILES,
  type Evidence,
  renderEvidenceMarker,
} from '../../../core/sessions/evidence.js';
import { fileClasses, RISK_ORDER } from '../../../core/verification/risk.js';
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
 * contract was kept, and the claims it flagged. Publish classes the whole diff
 * itself (`fileClasses`, with the paths it read from the default branch) and
 * names the files with a class first, each group in path order: the app
 * classes only what the evidence names, and a worker that adds hundreds of
 * files whose paths sort first must not push a workflow or a manifest out of
 * it. What still cannot be named is counted with its classes (`more.classes`,
 * `more.risky`), and waits for a person.
 */
export function workerEvidence({
  head,
  diff,
  guarded,
  claims,
  paths = NO_PATHS,
}: {
  head: string;
  diff: readonly ChangedLines[];
  /** `verification.securityPaths` and `interfacePaths` as publish read them; none where it could not. */
  paths?: Pick<VerificationSettings, 'securityPaths' | 'interfacePaths'>;
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
  const classed = diff.map((file) => ({ file, classes: fileClasses(file, paths) }));
  const ordered = [
    ...classed.filter((one) => one.classes.length > 0),
    ...classed.filter((one) => one.classes.length === 0),
  ];
  let named = Math.min(ordered.length, EVIDENCE_MAX_FILES);
  for (;;) {
    const rest = ordered.slice(named);
    const evidence: Evidence = {
      ...judged,
      files: ordered.slice(0, named).map((one) => clipped(one.file)),
      ...(rest.length > 0 ? { more: moreOf(rest) } : {}),
    };
    if (named === 0 || renderEvidenceMarker(evidence).length <= EVIDENCE_MARKER_MAX_CHARS) {
      return evidence;
    }
    named = Math.floor(named / 2);
  }
}

const NO_PATHS = { securityPaths: [], interfacePaths: [] };

/** The files not named: counted, with their lines, classes and how many have one. */
function moreOf(rest: { file: ChangedLines; classes: string[] }[]): NonNullable<Evidence['more']> {
  const found = new Set(rest.flatMap((one) => one.classes));
  const risky = rest.filter((one) => one.classes.length > 0).length;
  return {
    files: rest.length,
    lines: rest.reduce((sum, one) => sum + one.file.lines, 0),
    ...(found.size > 0 ? { classes: RISK_ORDER.filter((risk) => found.has(risk)) } : {}),
    ...(risky > 0 ? { risky } : {}),
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
