/**
 * What publish found in a worker's diff, left on its pull request for the app
 * (docs/verification.md): the files changed with their lines, whether the
 * contract was kept, and the claims of the body the diff did not bear out.
 * Publish writes it as a hidden marker at the end of the body it writes (no
 * model writes a `<!-- baton:` there: model text is neutralized first), and the
 * app believes it only on a pull request the app opened, from the last marker.
 * The app judges risk from these facts with its own settings; it never reads
 * the diff itself.
 */
import { z } from 'zod';

/** Files named one by one; the rest are counted in `more`. */
export const EVIDENCE_MAX_FILES = 300;

export const ChangeStatus = z.enum(['added', 'modified', 'deleted', 'renamed', 'type-changed']);
export type ChangeStatus = z.infer<typeof ChangeStatus>;

export const ChangedLines = z.strictObject({
  path: z.string().min(1).max(500),
  status: ChangeStatus,
  /** A renamed file's old path. */
  from: z.string().min(1).max(500).optional(),
  /** Lines added plus lines removed (0 for a binary file). */
  lines: z.number().int().nonnegative(),
  /** A symbolic link at the head: where it points, from the repository's root (`.github/workflows/ci.yml`). */
  link: z.string().min(1).max(500).optional(),
  /** Its added lines read a test runner's environment (`VITEST`, `JEST_WORKER_ID` …: src/core/verification/reach/test-aware.ts). */
  testAware: z.literal(true).optional(),
  /**
   * The contract's tree takes it from the contract's commit and the allowlist
   * cannot judge it (src/core/verification/work-paths.ts): it waits for a person.
   */
  runsContract: z.literal(true).optional(),
});
export type ChangedLines = z.infer<typeof ChangedLines>;

export const Evidence = z.strictObject({
  version: z.literal(1),
  /** The head publish judged: evidence of an older head says nothing of a newer one. */
  head: z.string().regex(/^[0-9a-f]{40}$/),
  files: z.array(ChangedLines).max(EVIDENCE_MAX_FILES),
  /**
   * Beyond the files named: how many more, and their lines. Publish classes the
   * whole diff and names the files with a class first, so padding cannot push a
   * risky path out of sight: `classes` are those of the files not named, and
   * `risky` how many of them have one (evidence that cannot name every risky
   * path waits for a person, src/core/verification/autonomy.ts).
   */
  more: z
    .strictObject({
      files: z.number().int().nonnegative(),
      lines: z.number().int().nonnegative(),
      classes: z.array(z.string().min(1).max(40)).max(20).optional(),
      risky: z.number().int().positive().optional(),
    })
    .optional(),
  /** `none`: the build has no contract; `kept`: no check touched; `changed`: changed by a worker the plan gives the contract. */
  contract: z.enum(['none', 'kept', 'changed']),
  /** The body's claims publish compared with the diff, and those it could not bear out (flagged in the body). */
  claims: z.strictObject({
    checked: z.number().int().nonnegative(),
    flagged: z.array(z.string().max(300)).max(20),
  }),
});
export type Evidence = z.infer<typeof Evidence>;

const MARKER = /<!-- baton:evidence ([A-Za-z0-9_-]+) -->/g;

/** The marker, its JSON in base64url so that no path can close the comment. */
export function renderEvidenceMarker(evidence: Evidence): string {
  const bytes = new TextEncoder().encode(JSON.stringify(evidence));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const encoded = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `<!-- baton:evidence ${encoded} -->`;
}

/** The last marker of a body, if it reads as evidence; anything else is none. */
export function parseEvidenceMarker(body: string): Evidence | null {
  const match = [...body.matchAll(MARKER)].at(-1);
  if (!match?.[1]) return null;
  try {
    const binary = atob(match[1].replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const parsed = Evidence.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
