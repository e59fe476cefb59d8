/**
 * The work's paths (docs/verification.md, "The contract's tree"): a milestone's
 * validation runs the contract's checks in a tree built from the contract's
 * commit, into which only the work is brought from the validated head. What is
 * the work is an allowlist, never a list of what is bad: a file of a source or
 * document language, outside the test folders and the tools' folders, named as
 * no runner's or tool's settings, not a link, not held by the seal, plus the
 * paths a repository adds (`verification.workPaths`). Everything else stays as
 * the contract's commit holds it, and publish judges a worker's change to it:
 * refused where it decides how the checks run, let through and kept out of the
 * proof where it is a worker's own test, waiting for a person where the
 * allowlist cannot judge it. Pure.
 */
import { matchesAny } from './path-glob.js';
import { isTestPath } from './risk.js';

/**
 * - `work`: brought from the head into the contract's tree.
 * - `package`: a manifest or lock file, the work's dependencies: brought only where the
 *   runner's own packages are proven the contract's (src/core/reports/runner-world.ts); its change is the
 *   `dependency` class.
 * - `test`: a worker's own test or test data (a test folder or a test's name, not the
 *   contract's): it runs in the project's CI, never in the proof, which takes the contract's
 *   commit's. Test data the contract's commit holds is `refused`: its checks may read it.
 * - `refused`: it decides how the checks run; publish refuses a worker's change to it.
 * - `waits`: the allowlist cannot judge it; publish lets it through and it waits for a person.
 * - `other`: Baton's records and GitHub's workflows (`.baton/`, `.github/`), which publish's
 *   other rules judge (the `workflow` class, `session.allowWorkflowChanges`): no runner reads
 *   them, so the tree takes them as the head has them (`brought`), tests, links and settings apart.
 */
export type WorkPath =
  | { kind: 'work' }
  | { kind: 'package' }
  | { kind: 'test' }
  | { kind: 'refused'; why: string }
  | { kind: 'waits'; why: string }
  | { kind: 'other'; brought: boolean };

/** What a path is judged against: the contract's files, the seal's paths, the repository's additions. */
export interface WorkPathRules {
  /** `contract.json`'s files (a folder names every file in it). */
  contractFiles: readonly string[];
  /** The paths the seal holds whole (settings, setup files, helpers, the manifest); none without a seal. */
  sealed: ReadonlySet<string>;
  /** `verification.workPaths` of the default branch's `.github/baton.yml`. */
  workPaths: readonly string[];
  /**
   * Whether the contract's commit holds `path`: a Python module outside a
   * package it held could shadow a module the runner imports.
   */
  heldByContract: (path: string) => boolean;
}

/** Code, by extension: the languages' sources, their styles and markup. */
const SOURCE = new Set(
  (
    'ts tsx mts cts js jsx mjs cjs vue svelte astro py pyi go rs java kt scala groovy rb php ' +
    'cs fs vb c h cc cpp cxx hpp hh m mm swift dart ex exs erl hrl hs lua r jl clj cljs elm ml mli ' +
    'zig nim sql graphql gql proto css scss sass less styl html htm'
  ).split(' '),
);
/** Documents and images: what a page or a product shows, which no runner reads as settings. */
const DOCUMENT = new Set('md mdx rst adoc png jpg jpeg gif svg webp ico'.split(' '));

/** A file name's or path's extension, lower case; empty where it has none. */
function extensionOf(path: string): string {
  return /\.([^./]+)$/.exec(path.toLowerCase())?.[1] ?? '';
}

/** Whether a path is a document or an image of the allowlist, by its extension. */
export function isDocumentPath(path: string): boolean {
  return DOCUMENT.has(extensionOf(path));
}

/** Folders of tools and of others' code, at any depth: what a runner, a package manager or an editor keeps. */
const TOOL_FOLDERS = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  '__pycache__',
  'site-packages',
  'venv',
  'vendor',
  'third_party',
]);
/**
 * An installed package's metadata (`x-1.0.dist-info`, `x.egg-info`): pytest
 * loads the plugins its `entry_points.txt` names from wherever it is found.
 */
const PACKAGE_METADATA = /\.(?:dist|egg)-info$/i;
/** Fixtures, snapshots and mocks, which checks read and runners substitute (Jest takes `__mocks__` by itself). */
const TEST_DATA_FOLDERS = new Set([
  'fixtures',
  '__fixtures__',
  '__snapshots__',
  '__mocks__',
  'testdata',
  'test-data',
  'test_data',
]);

/** The settings of runners, compilers and bundlers a test run loads, by their tools' names. */
const TOOL_CONFIG =
  /^(?:vitest|vite|jest|babel|playwright|cypress|webpack|rollup|esbuild|rspack|swc|tsup|karma|wdio|ava|nyc|mocha|c8|postcss|tailwind|svelte|astro|next|nuxt|remix|metro|stryker|turbo|nx|eslint|prettier)\.(?:config|workspace|projects|setup)(?:\.[\w-]+)*\.(?:[cm]?[jt]sx?|json|ya?ml|toml)$/i;
/** Settings by their exact names, in any folder. */
const SETTINGS_NAMES = new Set([
  // Node and TypeScript
  '.babelrc',
  '.swcrc',
  '.nycrc',
  '.c8rc',
  'jsconfig.json',
  'deno.json',
  'deno.jsonc',
  '.env',
  '.envrc',
  // Python
  'pytest.ini',
  '.pytest.ini',
  'pytest.toml',
  '.pytest.toml',
  'pyproject.toml',
  'setup.cfg',
  'setup.py',
  'tox.ini',
  'conftest.py',
  'noxfile.py',
  'sitecustomize.py',
  'usercustomize.py',
  '.coveragerc',
  // Go and Rust
  'go.work',
  'go.work.sum',
  'build.rs',
  'rust-toolchain',
  'rust-toolchain.toml',
  // Build tools that run the tests
  'makefile',
  'gnumakefile',
  'justfile',
  'rakefile',
  '.rspec',
  'phpunit.xml',
  'phpunit.xml.dist',
  'cmakelists.txt',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'settings.gradle.kts',
  'gradle.properties',
]);
/** Patterns of settings names: `.babelrc.json`, `.mocharc.yml`, `tsconfig.build.json`, `x.pth`. */
const SETTINGS_PATTERNS = [
  /^\.babelrc\.[\w.]+$/i,
  /^\.(?:mocharc|nycrc|c8rc|swcrc)(?:\.[\w.]+)?$/i,
  /^(?:tsconfig|jsconfig)(?:\.[\w-]+)*\.json$/i,
  /^\.env\.[\w.-]+$/i,
  /\.pth$/i,
];
/** A package manager's own settings: they run programs and pick registries. */
const PACKAGE_SETTINGS = new Set([
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
  'bunfig.toml',
  'pip.conf',
  '.pypirc',
]);
/** Manifests and lock files: a dependency change, which a person approves. */
const PACKAGE_FILES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'bun.lock',
  'bun.lockb',
  'pipfile',
  'pipfile.lock',
  'poetry.lock',
  'uv.lock',
  'pdm.lock',
  'constraints.txt',
  'go.mod',
  'go.sum',
  'cargo.toml',
  'cargo.lock',
  'gemfile',
  'gemfile.lock',
  'composer.json',
  'composer.lock',
]);

const CHANGES_RUN = "it decides how the contract's checks run";

/**
 * One path of a worker's change (or of the validated head), judged: `mode`
 * is git's at the head (`120000` a link), null where the head deleted it.
 */
export function judgeWorkPath(path: string, mode: string | null, rules: WorkPathRules): WorkPath {
  const parts = path.split('/');
  const folders = parts.slice(0, -1);
  const base = parts.at(-1) ?? '';
  const lower = base.toLowerCase();
  if (parts[0] === '.baton' || parts[0] === '.github') {
    const settings = isSettingsName(base) || PACKAGE_SETTINGS.has(lower);
    return { kind: 'other', brought: mode !== '120000' && !settings && !isTestPath(path) };
  }
  if (isContractPath(path, rules.contractFiles)) {
    return { kind: 'refused', why: "it is one of the contract's files" };
  }
  if (mode === '120000') return { kind: 'refused', why: 'it is a symbolic link' };
  if (mode === '160000') return { kind: 'refused', why: 'it is a submodule' };
  const tool = folders.find(
    (folder) => TOOL_FOLDERS.has(folder) || folder.startsWith('.') || PACKAGE_METADATA.test(folder),
  );
  if (tool !== undefined) {
    return { kind: 'refused', why: `it is under \`${tool}/\`, a tool's folder` };
  }
  if (rules.sealed.has(path)) {
    return { kind: 'refused', why: 'the seal holds it (it decides how the checks run)' };
  }
  if (PACKAGE_SETTINGS.has(lower)) {
    return { kind: 'refused', why: `it is a package manager's settings: ${CHANGES_RUN}` };
  }
  if (isSettingsName(base)) {
    return { kind: 'refused', why: `it is a runner's or tool's settings: ${CHANGES_RUN}` };
  }
  const data =
    folders.some((folder) => TEST_DATA_FOLDERS.has(folder.toLowerCase())) ||
    lower.endsWith('.snap');
  if (data && rules.heldByContract(path)) {
    return {
      kind: 'refused',
      why: "it is test data the contract's commit holds (a fixture, a snapshot or a mock), which the checks may read",
    };
  }
  if (data || isTestPath(path)) return { kind: 'test' };
  if (PACKAGE_FILES.has(lower) || /^requirements.*\.(?:txt|in)$/.test(lower)) {
    return { kind: 'package' };
  }
  const extension = extensionOf(lower);
  const listed = SOURCE.has(extension) || DOCUMENT.has(extension);
  if (!listed && !matchesAny(rules.workPaths, path)) {
    return {
      kind: 'waits',
      why: 'no source or document language of the allowlist, nor `verification.workPaths`, names it',
    };
  }
  if (/\.(?:config|setup)\.[^.]+$/i.test(base) && !matchesAny(rules.workPaths, path)) {
    return { kind: 'waits', why: "it is named as a tool's settings (`x.config.*`, `x.setup.*`)" };
  }
  if (extension === 'py' && mode !== null && !pythonInPackage(path, rules)) {
    return {
      kind: 'waits',
      why: "a new Python module outside a package the contract's commit holds: it could stand in for a module the runner imports",
    };
  }
  return { kind: 'work' };
}

/**
 * A Python file the runner cannot mistake for one of its own modules: one the
 * contract's commit held, or one in a folder whose package (`__init__.py`)
 * it held. A new top-level module (`ast.py` where `python -m pytest` puts the
 * root first on `sys.path`) could stand in for what the runner imports.
 */
function pythonInPackage(path: string, rules: WorkPathRules): boolean {
  if (rules.heldByContract(path)) return true;
  const folder = path.split('/').slice(0, -1).join('/');
  return folder !== '' && rules.heldByContract(`${folder}/__init__.py`);
}

/** A runner's or tool's settings by the file's name. */
function isSettingsName(base: string): boolean {
  return (
    SETTINGS_NAMES.has(base.toLowerCase()) ||
    TOOL_CONFIG.test(base) ||
    SETTINGS_PATTERNS.some((pattern) => pattern.test(base))
  );
}

/** A path the contract names, or one inside a folder it names. */
export function isContractPath(path: string, contractFiles: readonly string[]): boolean {
  return contractFiles.some((file) => path === file || path.startsWith(`${file}/`));
}
