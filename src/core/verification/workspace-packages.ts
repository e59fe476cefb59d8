/**
 * The workspace packages a check reaches by a bare specifier (docs/verification.md,
 * "The seal"): `import { expected } from '@greet/testkit'` is resolved as Node
 * resolves it in an npm, Yarn or pnpm workspace, to a package of the root
 * `package.json`'s `workspaces` by its own `package.json`'s `name`, then to the
 * files its `exports` (every condition's) or `main` name. What is resolved is
 * judged as a relative import is: a helper where the test conventions call it a
 * test's, the code under test otherwise. A package is a test's where its
 * folder or its name reads as one (`test`, `tests`, `testing`, `testkit`,
 * `test-utils`, `spec`, `e2e`, `fixtures`, `mocks` …), as `test/` does for a
 * folder: `@greet/testkit` is the checks' helper, `@greet/core` the code under
 * test. Pure.
 */

/** One package of the workspace, as its `package.json` names it. */
export interface WorkspacePackage {
  /** Its `package.json`'s `name`. */
  name: string;
  /** Its folder from the repository's root. */
  dir: string;
  /** Its `package.json`'s path. */
  manifest: string;
  /** Its `exports` field as written (absent: none). */
  exports?: unknown;
  /** Its `main` field, where a string. */
  main?: string;
}

/** The globs of the root `package.json`'s `workspaces` (an array, or Yarn's `{ packages }`). */
export function workspaceGlobs(rootManifest: string | null): string[] {
  const parsed = parseObject(rootManifest);
  const field = parsed?.workspaces;
  const list = Array.isArray(field)
    ? field
    : field &&
        typeof field === 'object' &&
        Array.isArray((field as { packages?: unknown }).packages)
      ? (field as { packages: unknown[] }).packages
      : [];
  return list.filter((glob): glob is string => typeof glob === 'string' && !glob.startsWith('!'));
}

/** The `package.json` paths of the tree's folders that the globs name (not the root's). */
export function workspaceManifests(globs: readonly string[], files: ReadonlySet<string>): string[] {
  if (globs.length === 0) return [];
  return [...files]
    .filter((path) => path.endsWith('/package.json') && !path.split('/').includes('node_modules'))
    .filter((path) => {
      const dir = path.slice(0, -'/package.json'.length);
      return globs.some((glob) => globMatchesDir(glob, dir));
    })
    .sort();
}

/** A workspace package from its `package.json`'s text; null where it names no package. */
export function readWorkspacePackage(
  manifest: string,
  text: string | null,
): WorkspacePackage | null {
  const parsed = parseObject(text);
  if (!parsed || typeof parsed.name !== 'string' || parsed.name === '') return null;
  return {
    name: parsed.name,
    dir: manifest.split('/').slice(0, -1).join('/'),
    manifest,
    ...(parsed.exports !== undefined ? { exports: parsed.exports } : {}),
    ...(typeof parsed.main === 'string' ? { main: parsed.main } : {}),
  };
}

/** What a bare specifier reaches in the workspace: its package, and the files it may load. */
export interface WorkspaceReach {
  package: WorkspacePackage;
  /** Every file its `exports` (each condition) or `main` names for the specifier, that the tree holds. */
  files: string[];
  /** The package is a test's, so what it holds is the checks' helper (`isTestPackage`). */
  helper: boolean;
}

/** The workspace package a bare specifier names (`@scope/name`, `@scope/name/sub`), and what it loads. */
export function resolveWorkspaceImport(
  specifier: string,
  packages: readonly WorkspacePackage[],
  resolve: (path: string) => string | null,
): WorkspaceReach | null {
  const found = packages.find(
    (one) => specifier === one.name || specifier.startsWith(`${one.name}/`),
  );
  if (!found) return null;
  const subpath = `.${specifier.slice(found.name.length)}`;
  const targets =
    found.exports !== undefined
      ? exportTargets(found.exports, subpath)
      : [subpath === '.' ? (found.main ?? 'index.js') : subpath];
  const files = [
    ...new Set(
      targets.flatMap((target) => {
        const path = joinInside(found.dir, target);
        const resolved = path === null ? null : resolve(path);
        return resolved === null ? [] : [resolved];
      }),
    ),
  ];
  return { package: found, files, helper: isTestPackage(found) };
}

const TEST_WORDS = /^(?:tests?|testing|testkit|testutils?|specs?|e2e|fixtures?|mocks?)$/i;

/** Whether a package is a test's: its folder's name or its name's last part has a test word. */
export function isTestPackage(pkg: Pick<WorkspacePackage, 'name' | 'dir'>): boolean {
  const names = [pkg.dir.split('/').at(-1) ?? '', pkg.name.split('/').at(-1) ?? ''];
  return names.some((name) => name.split(/[-_.]+/).some((word) => TEST_WORDS.test(word)));
}

/** The targets `exports` gives a subpath: every string under it, whatever the condition. */
function exportTargets(exports: unknown, subpath: string): string[] {
  if (typeof exports === 'string' || Array.isArray(exports))
    return subpath === '.' ? strings(exports) : [];
  if (!exports || typeof exports !== 'object') return [];
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  if (!keys.some((key) => key.startsWith('.'))) return subpath === '.' ? strings(map) : [];
  if (subpath in map) return strings(map[subpath]);
  return keys.flatMap((key) => {
    const star = key.indexOf('*');
    if (star < 0) return [];
    const [head, tail] = [key.slice(0, star), key.slice(star + 1)];
    if (!subpath.startsWith(head) || !subpath.endsWith(tail) || subpath.length < key.length - 1)
      return [];
    const middle = subpath.slice(head.length, subpath.length - tail.length);
    return strings(map[key]).map((target) => target.replaceAll('*', middle));
  });
}

/** Every string a value of `exports` holds (conditions, fallbacks), nested. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** `target` from the package's folder, or null where it leaves it. */
function joinInside(dir: string, target: string): string | null {
  const out = dir === '' ? [] : dir.split('/');
  const depth = out.length;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length <= depth) return null;
      out.pop();
    } else out.push(part);
  }
  return out.length > depth ? out.join('/') : null;
}

/**
 * A workspace glob against a folder, folder name by folder name: `*` within
 * one name, `**` for any number of names, anchored at the root. No regular
 * expression is built from the glob, so none can take long on any input.
 */
function globMatchesDir(glob: string, dir: string): boolean {
  const pattern = glob
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .split('/');
  const names = dir.split('/');
  const memo = new Map<string, boolean>();
  const match = (p: number, n: number): boolean => {
    const key = `${p},${n}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const part = pattern[p];
    const result =
      part === undefined
        ? n === names.length
        : part === '**'
          ? match(p + 1, n) || (n < names.length && match(p, n + 1))
          : n < names.length && wildcard(part, names[n] ?? '') && match(p + 1, n + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

/** A folder name against a glob's name (`*` any run of characters, `?` one), in linear time. */
function wildcard(part: string, name: string): boolean {
  let [p, n, star, mark] = [0, 0, -1, 0];
  while (n < name.length) {
    if (p < part.length && (part[p] === '?' || part[p] === name[n])) {
      p++;
      n++;
    } else if (p < part.length && part[p] === '*') {
      [star, mark] = [p++, n];
    } else if (star >= 0) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (part[p] === '*') p++;
  return p === part.length;
}

function parseObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
