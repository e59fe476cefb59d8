/**
 * Workers cannot change the seal (docs/verification.md, "The seal"): publish
 * of a worker not given the contract refuses a change to a path the build
 * branch's seal holds whole (a runner's settings, a setup file, `.npmrc`, a
 * helper the checks import; `package.json` but for its dependency lists), or the adding of one it seals as
 * absent. An allowlist read from the build branch, not words looked for: the
 * contract's files themselves are judged by the contract's rules.
 */
import {
  describeSealed,
  manifestDiffers,
  matchesSeal,
  type SealEntry,
} from '../../../../core/verification/seal.js';
import type { ScratchRepo } from '../../scratch-repo.js';
import type { ChangedFile } from '../check-changes.js';
import { HEAD_REF } from '../read-pushed-commits.js';
import { blobText, readSealAt, readTree } from './seal-tree.js';

/** The refusals, and the paths they name (which the contract's word rules need not judge again). */
export interface SealBreaches {
  problems: string[];
  paths: ReadonlySet<string>;
}

export async function checkSeal({
  repo,
  commit,
  build,
  changes,
}: {
  repo: ScratchRepo;
  /** The build branch as fetched, whose seal holds. */
  commit: string;
  build: string;
  changes: readonly ChangedFile[];
}): Promise<SealBreaches> {
  const git = (args: string[]) => repo.run({ args });
  const seal = await readSealAt(git, commit, build);
  if (seal === null) return { problems: [], paths: new Set() };
  if (seal instanceof Error) {
    return {
      problems: [
        `${seal.message} on the build branch, so what runs the contract is unknown; /replan the build`,
      ],
      paths: new Set(),
    };
  }
  const changed = new Set(changes.map((change) => change.path));
  const touched = seal.files.filter(
    (entry) =>
      entry.kind !== 'contract' &&
      (changed.has(entry.path) || [...changed].some((path) => entry.path.startsWith(`${path}/`))),
  );
  if (touched.length === 0) return { problems: [], paths: new Set() };
  const head = await readTree(git, HEAD_REF);
  const broken: SealEntry[] = [];
  for (const entry of touched) {
    const now = head.get(entry.path) ?? null;
    if (matchesSeal(entry, now)) continue;
    if (entry.kind === 'manifest' && entry.blob && now?.mode === entry.mode) {
      // The manifest's dependency lists stay the workers': only the rest is sealed.
      const [sealed, after] = [await blobText(git, entry.blob), await blobText(git, now)];
      if (sealed !== null && after !== null && !manifestDiffers(sealed, after)) continue;
    }
    broken.push(entry);
  }
  return {
    problems: broken.map((entry) => describeSealed(entry.path, entry.blob === null)),
    paths: new Set(broken.map((entry) => entry.path)),
  };
}
