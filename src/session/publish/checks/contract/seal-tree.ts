/**
 * The seal read from and taken of a commit's tree (docs/verification.md, "The
 * seal"): publish takes it where the contract is published and reads it from
 * the build branch to refuse a worker's change to it; validation reads it from
 * the contract's commit and restores it. Git only, through whichever runner
 * the caller has (publish's scratch repository, the session's checkout).
 */
import {
  broughtBy,
  MANIFEST,
  SEAL_MAX_BYTES,
  SEAL_MAX_FILES,
  Seal,
  type SealEntry,
  sealPath,
  sealStart,
  type TreeFile,
} from '../../../../core/verification/seal.js';
import {
  readWorkspacePackage,
  type WorkspacePackage,
  workspaceGlobs,
  workspaceManifests,
} from '../../../../core/verification/workspace-packages.js';
import { FILE_MAX_BYTES } from '../size-limits.js';

/** Runs git with `args`; a non-zero exit is a value. */
export type GitRun = (args: string[]) => Promise<{ code: number; stdout: string }>;

/** Every regular file and link of `commit`'s tree, by path. */
export async function readTree(git: GitRun, commit: string): Promise<Map<string, TreeFile>> {
  const listed = await git(['ls-tree', '-r', '-l', '-z', '--full-tree', commit]);
  const tree = new Map<string, TreeFile>();
  if (listed.code !== 0) return tree;
  for (const line of listed.stdout.split('\0')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    // `mode type blob size`, the size padded with spaces.
    const [mode = '', type = '', blob = '', size = ''] = line.slice(0, tab).split(/ +/);
    if (type !== 'blob') continue;
    if (mode === '100644' || mode === '100755' || mode === '120000') {
      tree.set(line.slice(tab + 1), { mode, blob, size: Number(size) });
    }
  }
  return tree;
}

/**
 * A blob's text, or null past the size limit or when git cannot read it. A
 * file of a listing (`readTree`) comes with its size, which git is not asked again.
 */
export async function blobText(git: GitRun, file: string | TreeFile): Promise<string | null> {
  const [blob, listed] = typeof file === 'string' ? [file, undefined] : [file.blob, file.size];
  const size = Number.isSafeInteger(listed) ? (listed as number) : await sizeOf(git, blob);
  if (size === null || size > FILE_MAX_BYTES) return null;
  const read = await git(['cat-file', 'blob', blob]);
  return read.code === 0 ? read.stdout : null;
}

async function sizeOf(git: GitRun, blob: string): Promise<number | null> {
  const size = await git(['cat-file', '-s', blob]);
  return size.code === 0 ? Number(size.stdout.trim()) : null;
}

/**
 * The seal of `commit` for a contract whose files are `contractFiles`: the
 * starting paths (`sealStart`), then what each brings (`broughtBy`), until
 * nothing new is brought. An error when it would be past SEAL_MAX_FILES.
 */
export async function takeSeal(
  git: GitRun,
  commit: string,
  contractFiles: readonly string[],
): Promise<Seal | Error> {
  const tree = await readTree(git, commit);
  const files = new Set(tree.keys());
  const packages = await workspacePackagesOf(git, tree);
  const start = sealStart(contractFiles, files);
  const kinds = new Map<string, SealEntry['kind']>([
    ...start.sealed.map(
      (path) => [path, path === MANIFEST && tree.has(path) ? 'manifest' : 'sealed'] as const,
    ),
    ...start.contract.map((path) => [path, 'contract'] as const),
  ]);
  const queue = [...kinds.keys()].filter((path) => tree.has(path));
  const read = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift() ?? '';
    if (read.has(path)) continue;
    read.add(path);
    const file = tree.get(path);
    if (!file || file.mode === '120000') continue;
    const text = await blobText(git, file);
    if (text === null) continue;
    for (const brought of broughtBy(path, text, files, packages)) {
      if (!kinds.has(brought.path)) kinds.set(brought.path, 'sealed');
      queue.push(brought.path);
    }
    if (kinds.size > SEAL_MAX_FILES) {
      return new Error(
        `the contract's checks reach more than ${SEAL_MAX_FILES} files (settings, setup files, helpers): name fewer files in contract.json`,
      );
    }
  }
  const entries = [...kinds]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, kind]): SealEntry => {
      const file = tree.get(path);
      return { path, kind, mode: file?.mode ?? null, blob: file?.blob ?? null };
    });
  return { version: 1, files: entries };
}

/** The packages of the root `package.json`'s `workspaces` in a tree, each by its own `package.json`. */
async function workspacePackagesOf(
  git: GitRun,
  tree: ReadonlyMap<string, TreeFile>,
): Promise<WorkspacePackage[]> {
  const text = async (path: string) => {
    const file = tree.get(path);
    return file && file.mode !== '120000' ? blobText(git, file) : null;
  };
  const globs = workspaceGlobs(await text(MANIFEST));
  const packages: WorkspacePackage[] = [];
  for (const manifest of workspaceManifests(globs, new Set(tree.keys())).slice(0, SEAL_MAX_FILES)) {
    const read = readWorkspacePackage(manifest, await text(manifest));
    if (read) packages.push(read);
  }
  return packages;
}

/** `seal.json`'s text as publish commits it. */
export function sealText(seal: Seal): string {
  return `${JSON.stringify(seal, null, 1)}\n`;
}

/** The seal `commit` holds for `build`: none when it has no `seal.json`, an error when it is not one. */
export async function readSealAt(
  git: GitRun,
  commit: string,
  build: string,
): Promise<Seal | null | Error> {
  const file = sealPath(build);
  const size = await git(['cat-file', '-s', `${commit}:${file}`]);
  if (size.code !== 0) return null;
  if (Number(size.stdout.trim()) > SEAL_MAX_BYTES) {
    return new Error(`${file} is over ${SEAL_MAX_BYTES} bytes`);
  }
  const text = await git(['cat-file', 'blob', `${commit}:${file}`]);
  try {
    const parsed = Seal.safeParse(JSON.parse(text.stdout));
    if (parsed.success) return parsed.data;
    return new Error(
      `${file} is not a valid seal: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  } catch {
    return new Error(`${file} is not JSON`);
  }
}

/**
 * Whether `commit` is the seal's commit on `head` as publish makes it: its one
 * parent `head`, and a build's `seal.json` all it changes (a publish run again
 * finds it on the branch it pushed).
 */
export async function isSealOn(git: GitRun, commit: string, head: string): Promise<boolean> {
  const parents = await git(['rev-list', '--parents', '-n', '1', commit]);
  if (parents.code !== 0 || parents.stdout.trim() !== `${commit} ${head}`) return false;
  const changed = await git(['diff', '--name-only', '-z', head, commit]);
  const paths = changed.stdout.split('\0').filter(Boolean);
  return (
    changed.code === 0 &&
    paths.length === 1 &&
    /^\.baton\/builds\/[^/]+\/seal\.json$/.test(paths[0] ?? '')
  );
}
