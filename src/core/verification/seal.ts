/**
 * The seal (docs/verification.md, "The seal"): what decides how the contract's
 * checks run, taken when the contract is published, so that a worker not given
 * the contract cannot change what runs the checks, and a milestone's
 * validation runs them as the contract left them. Pure: the session reads the
 * tree and the files; this module says which paths are sealed and why.
 *
 * Sealed, each with its blob and mode, or as absent: the runners' settings
 * whole, the setup and preload files they name, `package.json`, the package
 * manager's settings, every `conftest.py` on the way to a contract file, and
 * the helper modules and fixtures the contract's files import, transitively,
 * among test files only (code outside them is the code under test, the
 * workers'), a test's workspace package by its name too
 * (workspace-packages.ts). The contract's files themselves are kept as
 * contract files: a worker turns its own criteria's checks into plain ones, so
 * they are judged by the contract's rules rather than restored byte for byte.
 */
import { z } from 'zod';
import { buildDir } from '../vocabulary/ids.js';
import { isTestPath } from './risk.js';
import {
  isTestPackage,
  resolveWorkspaceImport,
  type WorkspacePackage,
} from './workspace-packages.js';

/** Where the seal lies on the build branch, beside `contract.json`. */
export function sealPath(build: string): string {
  return `${buildDir(build)}/seal.json`;
}

/** The largest `seal.json` a session reads or writes. */
export const SEAL_MAX_BYTES = 256 * 1024;
/** The most paths a seal holds: past it, publish seals none and says so. */
export const SEAL_MAX_FILES = 1000;

const SealedPath = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (path) => !path.startsWith('/') && !path.split('/').some((p) => p === '..' || p === ''),
    'a sealed path is relative to the repository root, without ..',
  );

/**
 * One sealed path: `contract` (a contract file, judged), `sealed` (restored as
 * it is) or `manifest` (the root's `package.json`: all but its dependency lists,
 * which stay the workers'); absent with a null blob.
 */
export const SealEntry = z.strictObject({
  path: SealedPath,
  kind: z.enum(['contract', 'sealed', 'manifest']),
  mode: z.enum(['100644', '100755', '120000']).nullable(),
  blob: z
    .string()
    .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/)
    .nullable(),
});
export type SealEntry = z.infer<typeof SealEntry>;

/** `seal.json`. */
export const Seal = z.strictObject({
  version: z.literal(1),
  files: z.array(SealEntry).max(SEAL_MAX_FILES),
});
export type Seal = z.infer<typeof Seal>;

/** A regular file or link in a commit's tree. */
export interface TreeFile {
  mode: '100644' | '100755' | '120000';
  blob: string;
  /** Its size in bytes, where the listing gave it (`git ls-tree -l`). */
  size?: number;
}

/** The runners' settings, by file name, wherever they are (Vitest reads `vite.config.*`). */
const RUNNER_SETTINGS =
  /^(?:(?:vitest\.config|vite\.config|vitest\.workspace|vitest\.projects|jest\.config|babel\.config|playwright\.config)\.(?:[cm]?[jt]s|json)|\.babelrc(?:\.[cm]?js|\.json)?|\.mocharc(?:\.[cm]?js|\.json|\.jsonc|\.ya?ml)?|pytest\.ini|pyproject\.toml|setup\.cfg|tox\.ini|conftest\.py)$/;

/** The package manager's settings and the manifest, at the root. */
const PACKAGE_FILES = [
  'package.json',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  'bunfig.toml',
  '.pnpmfile.cjs',
];

/** The runners' settings sealed as absent at the root, so that one added later is a change to the seal. */
const ROOT_SETTINGS = [
  ...['vitest.config', 'vite.config', 'vitest.workspace', 'jest.config', 'babel.config'].flatMap(
    (name) => ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'].map((ext) => `${name}.${ext}`),
  ),
  ...['js', 'cjs', 'json', 'yml', 'yaml', 'jsonc'].map((ext) => `.mocharc.${ext}`),
  '.mocharc',
  '.babelrc',
  'pytest.ini',
  'pyproject.toml',
  'setup.cfg',
  'tox.ini',
];

/** Whether a path is a runner's settings file, by its name. */
export function isRunnerSettings(path: string): boolean {
  return RUNNER_SETTINGS.test(path.split('/').at(-1) ?? '') || path === 'package.json';
}

/**
 * The paths a seal starts from: the contract's files (a folder's every file),
 * the runners' settings present anywhere, and the root's and the contract
 * folders' settings, present or not. `files` is every path of the tree.
 */
export function sealStart(
  contractFiles: readonly string[],
  files: ReadonlySet<string>,
): { contract: string[]; sealed: string[] } {
  const contract = new Set<string>();
  for (const named of contractFiles) {
    if (files.has(named)) contract.add(named);
    for (const path of files) if (path.startsWith(`${named}/`)) contract.add(path);
  }
  const sealed = new Set<string>([...PACKAGE_FILES, ...ROOT_SETTINGS, 'conftest.py']);
  for (const path of files)
    if (RUNNER_SETTINGS.test(path.split('/').at(-1) ?? '')) sealed.add(path);
  for (const path of [...contractFiles, ...contract]) {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      sealed.add(`${folder}/conftest.py`);
      sealed.add(`${folder}/package.json`);
    }
  }
  for (const path of contract) sealed.delete(path);
  return { contract: [...contract].sort(), sealed: [...sealed].sort() };
}

/** Settings that name files a runner loads before the tests: setup, preload, global set-up. */
const NAMING_KEYS =
  /["']?\b(?:setupFiles|setupFilesAfterEnv|globalSetup|globalTeardown|require|import|preload|snapshotSerializer|testEnvironment)\b["']?\s*[:=]\s*(\[[^\]]*\]|"[^"\n]*"|'[^'\n]*'|`[^`\n]*`)/g;
const STRING = /"([^"\n]*)"|'([^'\n]*)'|`([^`$\n]*)`/g;

/** The string literals a runner's settings give its setup and preload keys, as written. */
export function namedBySettings(text: string): string[] {
  const named: string[] = [];
  for (const match of text.matchAll(NAMING_KEYS)) {
    for (const literal of (match[1] ?? '').matchAll(STRING)) {
      const value = literal[1] ?? literal[2] ?? literal[3] ?? '';
      if (value) named.push(value);
    }
  }
  return named;
}

const JS_IMPORT =
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"\n]+)\1|\bimport\s*(['"])([^'"\n]+)\3|\b(?:require|import)\s*\(\s*(['"])([^'"\n]+)\5\s*\)/g;
const PY_IMPORT = /^\s*(?:from\s+(\.*[\w.]*)\s+import\s+([\w, ]+)|import\s+([\w.]+))/gm;

/** What a test file imports, as written: relative specifiers for JS/TS, module names for Python. */
export function importsOf(path: string): (text: string) => string[] {
  if (path.endsWith('.py')) {
    return (text) =>
      [...text.matchAll(PY_IMPORT)].flatMap((m) =>
        m[3]
          ? [m[3]]
          : m[1]
            ? [
                m[1],
                ...(m[2] ?? '')
                  .split(',')
                  .map((name) => `${m[1]}${m[1]?.endsWith('.') ? '' : '.'}${name.trim()}`),
              ]
            : [],
      );
  }
  return (text) =>
    [...text.matchAll(JS_IMPORT)]
      .map((m) => m[2] ?? m[4] ?? m[6] ?? '')
      .filter((spec) => spec.startsWith('.'));
}

const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

/**
 * The files of the tree a specifier may name from `from` (a file's path, or
 * a settings file for what it names): relative to its folder, a settings
 * file's also from the root, with the extensions a resolver tries
 * (`./helpers.js` may be `helpers.ts`); a Python module by its dotted name.
 */
export function resolveNamed(
  from: string,
  specifier: string,
  files: ReadonlySet<string>,
): string | null {
  const folder = from.split('/').slice(0, -1);
  if (from.endsWith('.py') && !specifier.includes('/')) {
    const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
    const names = specifier.slice(dots).split('.').filter(Boolean);
    const bases = dots > 0 ? [folder.slice(0, folder.length - (dots - 1))] : [[], folder];
    for (const base of bases) {
      const stem = [...base, ...names].join('/');
      for (const candidate of [`${stem}.py`, `${stem}/__init__.py`]) {
        if (files.has(candidate)) return candidate;
      }
    }
    return null;
  }
  const starts = specifier.startsWith('.') ? [folder] : [folder, []];
  for (const start of starts) {
    const joined = normalise([...start, ...specifier.split('/')]);
    if (joined === null) continue;
    const stem = joined.replace(/\.(?:[cm]?js|jsx)$/, '');
    const candidates = [
      joined,
      ...JS_EXTENSIONS.map((ext) => `${joined}${ext}`),
      ...JS_EXTENSIONS.map((ext) => `${stem}${ext}`),
      ...JS_EXTENSIONS.map((ext) => `${joined}/index${ext}`),
    ];
    const found = candidates.find((candidate) => files.has(candidate));
    if (found) return found;
  }
  return null;
}

function normalise(parts: readonly string[]): string | null {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.length > 0 ? out.join('/') : null;
}

/**
 * What a sealed or contract file brings into the seal: a runner's settings,
 * the files its setup and preload keys name (whatever they are: a runner
 * loads them before any test); a test file, the test files it imports, by a
 * relative path or by a workspace package's name (`packages`): where the
 * package is a test's, its `package.json` and the files its name loads.
 */
export function broughtBy(
  path: string,
  text: string,
  files: ReadonlySet<string>,
  packages: readonly WorkspacePackage[] = [],
): { path: string; named: boolean }[] {
  const brought: { path: string; named: boolean }[] = [];
  if (isRunnerSettings(path)) {
    for (const named of namedBySettings(text)) {
      const found = resolveNamed(path, named, files);
      if (found) brought.push({ path: found, named: true });
    }
  }
  const helper = (file: string) =>
    isTestPath(file) ||
    packages.some((one) => file.startsWith(`${one.dir}/`) && isTestPackage(one));
  for (const spec of importsOf(path)(text)) {
    const found = resolveNamed(path, spec, files);
    if (found && helper(found)) brought.push({ path: found, named: false });
  }
  if (path.endsWith('.py')) return brought;
  for (const spec of bareImportsOf(text)) {
    const reached = resolveWorkspaceImport(spec, packages, (file) =>
      resolveNamed(MANIFEST, file, files),
    );
    if (!reached?.helper) continue;
    brought.push({ path: reached.package.manifest, named: false });
    for (const file of reached.files) brought.push({ path: file, named: false });
  }
  return brought;
}

/** What a JavaScript or TypeScript file imports by a bare name (`@greet/testkit`, `lodash/fp`). */
function bareImportsOf(text: string): string[] {
  return [...text.matchAll(JS_IMPORT)]
    .map((m) => m[2] ?? m[4] ?? m[6] ?? '')
    .filter(
      (spec) => /^(?:@[\w.-]+\/)?[\w.-]/.test(spec) && !spec.startsWith('.') && !spec.includes(':'),
    );
}

/** The manifest sealed with the contract, the root's `package.json`. */
export const MANIFEST = 'package.json';

/** The fields of `package.json` a worker may still change: what the code under test depends on. */
const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bundleDependencies',
  'bundledDependencies',
];

type Manifest = Record<string, unknown>;

function parseManifest(text: string): Manifest | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Manifest)
      : null;
  } catch {
    return null;
  }
}

/**
 * Whether two texts of `package.json` differ outside their dependency lists
 * (the scripts, a `jest` block, `type`, `imports` … decide how the checks run);
 * a text that is not a JSON object differs from any other.
 */
export function manifestDiffers(sealed: string, now: string): boolean {
  const [before, after] = [parseManifest(sealed), parseManifest(now)];
  if (before === null || after === null) return sealed !== now;
  const outside = (manifest: Manifest) =>
    JSON.stringify(
      Object.entries(manifest)
        .filter(([key]) => !DEPENDENCY_FIELDS.includes(key))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  return outside(before) !== outside(after);
}

/** The sealed `package.json` with the dependency lists of `now` (the sealed text itself where `now` is none or no JSON object). */
export function manifestWithDependencies(sealed: string, now: string | null): string {
  const [before, after] = [parseManifest(sealed), now === null ? null : parseManifest(now)];
  if (before === null || after === null) return sealed;
  const kept = Object.fromEntries(
    Object.entries(before).filter(([key]) => !DEPENDENCY_FIELDS.includes(key)),
  );
  const dependencies = Object.fromEntries(
    DEPENDENCY_FIELDS.flatMap((key) => (after && key in after ? [[key, after[key]]] : [])),
  );
  return `${JSON.stringify({ ...kept, ...dependencies }, null, 2)}\n`;
}

/** A refusal's words for a change to a sealed path: the file, the rule, what to do instead. */
export function describeSealed(path: string, absent: boolean): string {
  const rule = absent
    ? 'it is sealed as absent with the contract (a file here would change how the checks run)'
    : path === MANIFEST
      ? 'it is sealed with the contract but for its dependency lists (its scripts and settings decide how the contract’s checks run)'
      : 'it is sealed with the contract (it decides how the contract’s checks run)';
  return `${path} changes the build's seal: ${rule}. Workers may not change what runs the contract (docs/verification.md, "The seal"); change the code under test; a change to the seal goes through \`/replan\``;
}

/** Whether a seal entry is the tree's file as it is now (null: absent). */
export function matchesSeal(entry: SealEntry, now: TreeFile | null): boolean {
  if (entry.blob === null) return now === null;
  return now !== null && now.blob === entry.blob && now.mode === entry.mode;
}
