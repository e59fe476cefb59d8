/**
 * What the "Set up Baton" pull request should change (docs/design-notes.md, "Onboarding"):
 * each file Baton ships is compared with what the default branch holds.
 * Shipped versions are recognised by fingerprint (a hash the adapter computes,
 * since the core does no hashing), so a file someone edited is never taken
 * for an old version of Baton's.
 */

/**
 * - `missing`: the default branch lacks it; the PR adds it.
 * - `current`: identical to Baton's current version; nothing to do.
 * - `outdated`: an earlier version Baton shipped; the PR updates it.
 * - `customised`: matches no version Baton shipped; left alone and listed.
 * - `pinned`: a customised workflow whose session action pins only are
 *   moved to Baton's current commit; every other line is kept.
 */
export type SetupFileState = 'missing' | 'current' | 'outdated' | 'customised' | 'pinned';

/** What the default branch holds at a template's path. */
export type ExistingFile =
  | { kind: 'absent' }
  /** `fingerprint` is computed the same way as the shipped ones. */
  | { kind: 'file'; content: string; fingerprint: string }
  /** A folder, a symlink, a submodule, or a file too large to read: never Baton's. */
  | { kind: 'other' };

export interface SetupFileInput {
  /** Where the file goes, relative to the repository root. */
  path: string;
  /** Baton's current version, exactly as it would be installed. */
  content: string;
  existing: ExistingFile;
  /** Fingerprints of every version Baton has shipped at `path`, the current one included. */
  shipped: readonly string[];
}

export interface SetupFile {
  path: string;
  state: SetupFileState;
  /** Baton's current version: what the PR writes when the state is `missing` or `outdated`. */
  content: string;
}

/** Classifies one file; total over every input. */
export function classifySetupFile({ content, existing, shipped }: SetupFileInput): SetupFileState {
  switch (existing.kind) {
    case 'absent':
      return 'missing';
    case 'other':
      return 'customised';
    case 'file':
      if (existing.content === content) return 'current';
      return shipped.includes(existing.fingerprint) ? 'outdated' : 'customised';
    default: {
      const _exhaustive: never = existing;
      return _exhaustive;
    }
  }
}

/** Every template with its state, in the order given. */
export function planSetup(files: readonly SetupFileInput[]): SetupFile[] {
  return files.map((file) => ({
    path: file.path,
    state: classifySetupFile(file),
    content: file.content,
  }));
}

/** Whether the setup PR writes this file. */
export function isSetupChange(file: SetupFile): boolean {
  return file.state === 'missing' || file.state === 'outdated' || file.state === 'pinned';
}
