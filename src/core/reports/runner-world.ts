/**
 * The runner's packages proven the contract's (docs/verification.md, "The
 * runner's world"): the job's setup installed what the validated head's
 * manifests and lock files name, so a head that swaps the runner or its
 * assertion library (`"vitest": "file:./tools/vitest"`, a lock entry's
 * `resolved`, a `go.mod` `replace`, a pytest plugin pinned elsewhere) would
 * have its own program run the contract's checks. The contract's tree takes a
 * head's package files only where the packages a runner of the command's
 * ecosystem resolves are what the contract's commit resolved: npm's lock entries
 * of every known runner and assertion library and all they depend on, the
 * same; Go's requirements only added to, nothing replaced, excluded or
 * retracted, no toolchain or `go` line changed, and every checksum kept;
 * pytest's and its plugins' requirement lines and lock entries the same.
 * Anything else of a runner's ecosystem that changed is no proof. Pure.
 */

import { runnerOf, splitCommand } from '../plan/contract-command.js';

/** The ecosystems whose packages a command's runners come from. */
export type Ecosystem = 'npm' | 'python' | 'go' | 'rust';

/**
 * The ecosystems of the runners the contract's command runs, directly or
 * through a `package.json` script (every script is read: which one a runner's
 * script calls is no matter, a stricter proof is still one).
 */
export function ecosystemsOf(
  command: string,
  scripts: Readonly<Record<string, string>>,
): Set<Ecosystem> {
  const found = new Set<Ecosystem>();
  const texts = [command, ...Object.values(scripts)];
  for (const text of texts) {
    for (const part of splitCommand(text) ?? []) {
      const runner = runnerOf(part.words);
      if (runner === null) continue;
      const [program = ''] = runner.split(' ');
      if (runner === 'go test') found.add('go');
      else if (program === 'cargo') found.add('rust');
      else if (['pytest', 'py.test', 'tox', 'nox'].includes(runner)) found.add('python');
      // node:test and node:assert come with Node; a package script's runner is npm's.
      else if (runner !== 'node --test') found.add('npm');
    }
  }
  return found;
}

/** Root packages of the JS runners and their assertion libraries, by name. */
const NPM_RUNNERS =
  /^(?:vitest|vite|@vitest\/.+|@vitejs\/.+|vite-plugin-.+|jest|jest-.+|@jest\/.+|babel-jest|ts-jest|@swc\/jest|@babel\/.+|babel-.+|expect|mocha|chai|chai-.+|sinon|ava|@ava\/.+|tap|@tapjs\/.+|@playwright\/test|playwright|playwright-core|ts-node|tsx|esbuild|@esbuild\/.+)$/;
/** pytest, its plugins and what it loads them with. */
const PYTHON_RUNNERS = /^(?:pytest|pytest-.+|_pytest|pluggy|iniconfig|py)$/;

/** The lock files of each ecosystem, by base name, that are not `package-lock.json` or Go's. */
const OTHER_LOCKS: Record<Ecosystem, readonly string[]> = {
  npm: ['npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'],
  python: ['poetry.lock', 'uv.lock', 'pdm.lock', 'pipfile.lock'],
  go: [],
  rust: ['cargo.lock', 'cargo.toml'],
};

/** The ecosystem of a package file, by its name; null for any other file. */
export function packageFileEcosystem(path: string): Ecosystem | null {
  const base = (path.split('/').at(-1) ?? '').toLowerCase();
  if (base === 'package-lock.json' || base === 'package.json' || OTHER_LOCKS.npm.includes(base)) {
    return 'npm';
  }
  if (base === 'go.mod' || base === 'go.sum') return 'go';
  if (
    OTHER_LOCKS.python.includes(base) ||
    /^requirements.*\.(?:txt|in)$/.test(base) ||
    base === 'constraints.txt'
  )
    return 'python';
  if (OTHER_LOCKS.rust.includes(base)) return 'rust';
  return null;
}

/**
 * Why a head's version of a package file is not proven to leave the runner's
 * packages the contract's (`before` the contract's commit's text, `after` the
 * head's; null where absent), or null when it is. Only files of an ecosystem
 * the command runs are judged; any other is the work's.
 */
export function runnerWorldProblem({
  path,
  before,
  after,
  ecosystems,
  since = "the contract's commit",
}: {
  path: string;
  before: string | null;
  after: string | null;
  ecosystems: ReadonlySet<Ecosystem>;
  /** What `before` is, as the answer says it. */
  since?: string;
}): string | null {
  const ecosystem = packageFileEcosystem(path);
  if (ecosystem === null || !ecosystems.has(ecosystem) || before === after) return null;
  const base = (path.split('/').at(-1) ?? '').toLowerCase();
  const changed = `${path} changed since ${since}`;
  if (base === 'package.json') {
    const differs = manifestRunnerDifference(before, after);
    return differs ? `${changed}, and what it declares of the runner with it: ${differs}` : null;
  }
  if (base === 'package-lock.json') {
    const differs = npmRunnerDifference(before, after);
    return differs ? `${changed}, and the runner's packages with it: ${differs}` : null;
  }
  if (base === 'go.mod') {
    const differs = goModDifference(before ?? '', after ?? '');
    return differs ? `${changed}: ${differs}` : null;
  }
  if (base === 'go.sum') {
    const kept = new Set((after ?? '').split('\n').map((line) => line.trim()));
    const lost = (before ?? '').split('\n').find((line) => line.trim() && !kept.has(line.trim()));
    return lost ? `${changed}: it no longer holds the checksum \`${lost.trim()}\`` : null;
  }
  if (/^requirements.*\.(?:txt|in)$/.test(base) || base === 'constraints.txt') {
    const [was, now] = [runnerRequirements(before ?? ''), runnerRequirements(after ?? '')];
    return was === now ? null : `${changed}, and its lines for pytest and its plugins with it`;
  }
  if (base.endsWith('.lock') && base !== 'pipfile.lock' && ecosystem === 'python') {
    const [was, now] = [tomlLockRunners(before ?? ''), tomlLockRunners(after ?? '')];
    return was === now ? null : `${changed}, and its entries for pytest and its plugins with it`;
  }
  return `${changed}, and Baton proves the runner's packages the same only from \`package-lock.json\`, \`go.mod\`, \`go.sum\`, requirements files and \`uv.lock\`, \`poetry.lock\` or \`pdm.lock\``;
}

/** A manifest's lists that declare packages by name, and those that override what resolves. */
const DECLARED = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
const OVERRIDES = ['overrides', 'resolutions'];

/**
 * The first runner package whose declaration differs between two manifests
 * (its version range in a dependency list, or an override or resolution that
 * reaches it, at any depth), said; null where none does. The lock decides what
 * is installed; this answers a changed declaration by its own name.
 */
function manifestRunnerDifference(before: string | null, after: string | null): string | null {
  const [was, now] = [declaredRunners(before), declaredRunners(after)];
  if (was === null || now === null) return 'a manifest Baton cannot read';
  for (const key of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const [one, other] = [was.get(key), now.get(key)];
    if (one !== other) {
      const said = (spec: string | undefined) => (spec === undefined ? 'absent' : `\`${spec}\``);
      return `${key} was ${said(one)}, and is ${said(other)}`;
    }
  }
  return null;
}

/** Each runner package's declaration in a manifest, by where it is (`devDependencies.vitest`). */
function declaredRunners(text: string | null): Map<string, string> | null {
  const found = new Map<string, string>();
  if (text === null) return found;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(manifest)) return null;
  const pnpm = isRecord(manifest.pnpm) ? manifest.pnpm : {};
  const lists: Array<[string, unknown]> = [
    ...DECLARED.map((list): [string, unknown] => [list, manifest[list]]),
    ...OVERRIDES.map((list): [string, unknown] => [list, manifest[list]]),
    ['pnpm.overrides', pnpm.overrides],
  ];
  for (const [list, entries] of lists) {
    if (!isRecord(entries)) continue;
    const visit = (at: string, value: unknown, names: string[]) => {
      if (isRecord(value)) {
        for (const [key, inner] of Object.entries(value))
          visit(`${at}.${key}`, inner, [...names, key]);
      } else if (names.some(namesRunner)) {
        found.set(at, typeof value === 'string' ? value : JSON.stringify(value));
      }
    };
    for (const [key, value] of Object.entries(entries)) visit(`${list}.${key}`, value, [key]);
  }
  return found;
}

/**
 * Whether a key of a dependency list or an override names a runner package:
 * `vitest`, `vitest@4`, `**\/vitest`, `a>vitest`, `@vitest/expect@^4`.
 */
function namesRunner(key: string): boolean {
  const last = key.split('>').at(-1) ?? key;
  const name = /((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?$/.exec(last)?.[1] ?? last;
  return NPM_RUNNERS.test(name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface LockEntry {
  version?: unknown;
  resolved?: unknown;
  integrity?: unknown;
  link?: unknown;
  dependencies?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
  peerDependencies?: Record<string, unknown>;
}

/** The first package of the runners' closure whose entry differs between the two locks, said; null where none does. */
function npmRunnerDifference(before: string | null, after: string | null): string | null {
  const [was, now] = [lockPackages(before), lockPackages(after)];
  if (was === null || now === null) return 'a lock file Baton cannot read (lockfileVersion 2 or 3)';
  const closure = new Set([...runnerClosure(was), ...runnerClosure(now)]);
  for (const at of [...closure].sort()) {
    const [one, other] = [was.get(at), now.get(at)];
    if (entryOf(one) !== entryOf(other)) {
      const name = at.replace(/^.*node_modules\//, '');
      return `${name} (${at}) was ${describe(one)}, and is ${describe(other)}`;
    }
  }
  return null;
}

function lockPackages(text: string | null): Map<string, LockEntry> | null {
  if (text === null) return new Map();
  try {
    const parsed = JSON.parse(text) as { packages?: Record<string, LockEntry> };
    if (!parsed.packages || typeof parsed.packages !== 'object') return null;
    return new Map(Object.entries(parsed.packages));
  } catch {
    return null;
  }
}

/** Every lock path the runners' root packages reach through their dependencies, as npm resolves them. */
function runnerClosure(packages: ReadonlyMap<string, LockEntry>): Set<string> {
  const queue = [...packages.keys()].filter((at) => {
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(at)?.[1];
    return name !== undefined && NPM_RUNNERS.test(name);
  });
  const reached = new Set<string>(queue);
  // The queue grows as it is read: each path once, in the order it was reached.
  for (const at of queue) {
    const entry = packages.get(at);
    const linked =
      entry?.link === true && typeof entry.resolved === 'string' ? entry.resolved : null;
    const next = (found: string) => {
      if (!reached.has(found)) queue.push(found);
      reached.add(found);
    };
    if (linked !== null) next(linked);
    const names = Object.keys({
      ...entry?.dependencies,
      ...entry?.optionalDependencies,
      ...entry?.peerDependencies,
    });
    for (const name of names) {
      const found = resolveFrom(packages, at, name);
      if (found !== null) next(found);
    }
  }
  return reached;
}

/** Where npm finds `name` for the package at `from`: its own `node_modules`, then each one above. */
function resolveFrom(
  packages: ReadonlyMap<string, LockEntry>,
  from: string,
  name: string,
): string | null {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages.has(candidate)) return candidate;
    if (!base) return null;
    const up = base.lastIndexOf('/node_modules/');
    base = up < 0 ? '' : base.slice(0, up);
  }
}

function entryOf(entry: LockEntry | undefined): string {
  if (entry === undefined) return 'absent';
  return JSON.stringify([entry.version, entry.resolved, entry.integrity, entry.link === true]);
}

function describe(entry: LockEntry | undefined): string {
  if (entry === undefined) return 'absent';
  if (entry.link === true) return `a link to ${String(entry.resolved)}`;
  return `${String(entry.version ?? '?')} from ${String(entry.resolved ?? 'the registry')}`;
}

/** What changed in `go.mod` beyond requirements added, or null. */
function goModDifference(before: string, after: string): string | null {
  const [was, now] = [goMod(before), goMod(after)];
  if (was.other !== now.other) {
    return 'a line other than a requirement changed (a `replace`, `exclude`, `retract`, `toolchain`, `godebug` or `go` line)';
  }
  for (const [module, version] of was.requires) {
    if (now.requires.get(module) !== version) {
      return `the requirement of ${module} ${version} is ${now.requires.get(module) ?? 'gone'}`;
    }
  }
  return null;
}

/** `go.mod` read as requirements (module to version) and every other line, comments and blank lines apart. */
function goMod(text: string): { requires: Map<string, string>; other: string } {
  const requires = new Map<string, string>();
  const other: string[] = [];
  let block: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    if (block !== null) {
      if (line === ')') block = null;
      else if (block === 'require') addRequire(requires, line);
      else other.push(`${block} ${line}`);
      continue;
    }
    const opened = /^(\w+)\s*\($/.exec(line);
    if (opened) {
      block = opened[1] ?? '';
      continue;
    }
    if (line.startsWith('require ')) addRequire(requires, line.slice('require '.length));
    else other.push(line.replace(/\s+/g, ' '));
  }
  return { requires, other: other.join('\n') };
}

function addRequire(requires: Map<string, string>, line: string): void {
  const [module, version] = line.split(/\s+/);
  if (module && version) requires.set(module, version);
}

/** The requirement lines naming pytest or a plugin of it, normalised, in order. */
function runnerRequirements(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => {
      const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
      return name !== undefined && PYTHON_RUNNERS.test(name.toLowerCase().replace(/_/g, '-'));
    })
    .join('\n');
}

/** The `[[package]]` entries of a TOML lock (uv, Poetry, PDM) for pytest and its plugins, as written. */
function tomlLockRunners(text: string): string {
  return text
    .split(/^\[\[package\]\]\s*$/m)
    .filter((entry) => {
      const name = /^name\s*=\s*"([^"]+)"/m.exec(entry)?.[1];
      return name !== undefined && PYTHON_RUNNERS.test(name.toLowerCase().replace(/_/g, '-'));
    })
    .join('[[package]]');
}
