/**
 * Dependencies a change adds, read from the lines it adds to the manifests and
 * lock files of common ecosystems, so a reviewer sees them without reading
 * every lock file. A heuristic over added lines, not a resolver: it lists what
 * looks like a new entry, and names every manifest the change touches.
 */

/** One manifest or lock file a change touches, and the entries its added lines name. */
export interface DependencyChange {
  path: string;
  names: string[];
}

type Reader = (line: string) => string | null;

const VERSION = /^(?:[\^~<>=*]|\d|v\d|latest|next|workspace:|npm:|file:|link:|git|https?:|github:)/;
/** package.json fields that hold a string and are no dependency. */
const PACKAGE_FIELDS = new Set([
  'name',
  'version',
  'description',
  'main',
  'module',
  'types',
  'typings',
  'license',
  'type',
  'homepage',
  'packageManager',
  'node',
  'npm',
]);
/** Cargo.toml and pyproject.toml keys that are no dependency. */
const TOML_FIELDS = new Set([
  'name',
  'version',
  'edition',
  'description',
  'license',
  'readme',
  'repository',
  'homepage',
  'documentation',
  'authors',
  'python',
  'requires-python',
  'rust-version',
  'build-backend',
  'publish',
]);

const npmManifest: Reader = (line) => {
  const found = /^\s*"(@?[\w.-]+(?:\/[\w.-]+)?)"\s*:\s*"([^"]*)"/.exec(line);
  if (!found?.[1] || PACKAGE_FIELDS.has(found[1]) || !VERSION.test(found[2] ?? '')) return null;
  return found[1];
};
const npmLock: Reader = (line) =>
  /^\s*"(?:[^"]*\/)?node_modules\/(@?[\w.-]+(?:\/[\w.-]+)?)"\s*:\s*\{/.exec(line)?.[1] ?? null;
const yarnLock: Reader = (line) => /^"?(@?[^@\s",]+)@/.exec(line)?.[1] ?? null;
const pnpmLock: Reader = (line) => /^ {2}['"]?\/?(@?[^@\s'"(]+)@/.exec(line)?.[1] ?? null;
const requirements: Reader = (line) => {
  if (/^\s*(?:#|-)/.test(line)) return null;
  return /^\s*([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@]|$)/.exec(line)?.[1] ?? null;
};
const tomlTable: Reader = (line) => {
  const quoted = /^\s*"([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@][^"]*)?",?\s*$/.exec(
    line,
  );
  if (quoted?.[1]) return quoted[1];
  const key = /^\s*([A-Za-z0-9][\w-]*)\s*=\s*(?:"|\{)/.exec(line)?.[1];
  return key && !TOML_FIELDS.has(key) ? key : null;
};
const lockName: Reader = (line) => /^name\s*=\s*"([^"]+)"/.exec(line)?.[1] ?? null;
const goMod: Reader = (line) =>
  /^\s*(?:require\s+)?([\w-]+(?:\.[\w-]+)+(?:\/[\w.~-]+)*)\s+v\d/.exec(line)?.[1] ?? null;
const goSum: Reader = (line) => /^([^\s]+)\s+v[^\s/]+\s+h1:/.exec(line)?.[1] ?? null;
const gemfile: Reader = (line) => /^\s*gem\s+['"]([\w.-]+)['"]/.exec(line)?.[1] ?? null;
const gemLock: Reader = (line) => /^ {4}([\w.-]+) \(/.exec(line)?.[1] ?? null;
const pom: Reader = (line) => /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(line)?.[1] ?? null;
const gradle: Reader = (line) =>
  /^\s*(?:implementation|api|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|annotationProcessor|kapt)\s*\(?\s*['"]([^'"]+)['"]/.exec(
    line,
  )?.[1] ?? null;

const READERS: [RegExp, Reader][] = [
  [/(?:^|\/)package\.json$/, npmManifest],
  [/(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/, npmLock],
  [/(?:^|\/)yarn\.lock$/, yarnLock],
  [/(?:^|\/)pnpm-lock\.yaml$/, pnpmLock],
  [/(?:^|\/)(?:requirements[\w.-]*\.txt|constraints\.txt)$/, requirements],
  [/(?:^|\/)(?:pyproject\.toml|Pipfile|Cargo\.toml)$/, tomlTable],
  [/(?:^|\/)(?:poetry\.lock|Cargo\.lock|uv\.lock|Pipfile\.lock)$/, lockName],
  [/(?:^|\/)go\.mod$/, goMod],
  [/(?:^|\/)go\.sum$/, goSum],
  [/(?:^|\/)(?:Gemfile|[\w.-]+\.gemspec)$/, gemfile],
  [/(?:^|\/)Gemfile\.lock$/, gemLock],
  [/(?:^|\/)pom\.xml$/, pom],
  [/(?:^|\/)build\.gradle(?:\.kts)?$/, gradle],
];

/** Whether a path is a manifest or lock file this reads. */
export function isDependencyFile(path: string): boolean {
  return READERS.some(([pattern]) => pattern.test(path));
}

/** At most this many names per file: a lock file can add thousands. */
const NAMES_MAX = 50;

/** The manifests a change touches and the entries its added lines name, in path order. */
export function findAddedDependencies(
  files: { path: string; added: string[] }[],
): DependencyChange[] {
  const changes: DependencyChange[] = [];
  for (const { path, added } of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const reader = READERS.find(([pattern]) => pattern.test(path))?.[1];
    if (!reader) continue;
    const names = [...new Set(added.map(reader).filter((name) => name !== null))];
    changes.push({ path, names });
  }
  return changes;
}

/** The changes as plain lines (`package.json: left-pad, zod`), names capped per file. */
export function renderDependencyLines(changes: DependencyChange[]): string[] {
  return changes.map(({ path, names }) => {
    if (names.length === 0) return `${path}: changed, no new entry recognised`;
    const shown = names.slice(0, NAMES_MAX).join(', ');
    const more = names.length > NAMES_MAX ? ` and ${names.length - NAMES_MAX} more` : '';
    return `${path}: ${shown}${more}`;
  });
}

/** The lines a unified diff's patch adds (`+` lines, not the `+++` header). */
export function addedLinesOf(patch: string): string[] {
  return patch
    .split('\n')
    .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
    .map((line) => line.slice(1));
}
