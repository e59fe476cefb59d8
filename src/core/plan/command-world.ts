/**
 * The contract's command may not make its own world (docs/verification.md,
 * "The contract's command"): validation runs it with the environment's
 * allowlist, pytest pinned to the contract's settings, in the contract's
 * tree, and a command that sets a variable (`NODE_OPTIONS=… npm test`,
 * `export`, `env X=1 pytest`), moves where it runs (`cd`), or hands its runner
 * a flag that moves the runner's root or settings, loads code, or narrows
 * which tests run (`--root elsewhere`, `-c other.ini`, `--ignore`, `-k`,
 * `--require`) would put back what validation takes away. An allowlist would
 * name every flag of every runner; these are refused by what they do, for
 * every runner alike, wherever they stand in a runner's part or after `--`.
 * Pure.
 */

/** A part of the command as `splitCommand` reads it: its words. */
interface Part {
  words: readonly string[];
}

/** Programs that set the environment, or where and how the rest runs. */
const WORLD_PROGRAMS = new Set([
  'env',
  'export',
  'set',
  'unset',
  'declare',
  'typeset',
  'local',
  'readonly',
  'source',
  '.',
  'eval',
  'exec',
  'cd',
  'pushd',
  'popd',
  'alias',
  'sudo',
  'chroot',
]);

/** Runners' flags (any runner's: the names hardly collide) that move a root or settings, load code, or pick tests. */
const WORLD_FLAGS = new Set([
  // Where it runs and which settings it reads.
  '--root',
  '-r',
  '--dir',
  '--rootDir',
  '--roots',
  '--rootdir',
  '--config',
  '-c',
  '--config-file',
  '--confcutdir',
  '--override-ini',
  '-o',
  '--prefix',
  '-C',
  '--workspace',
  '-w',
  '--workspaces',
  '--project',
  '--projects',
  '--selectProjects',
  '--userconfig',
  '--globalconfig',
  '--node-options',
  '--script-shell',
  '--modfile',
  '-modfile',
  '-mod',
  '-overlay',
  '--manifest-path',
  '--env-file',
  '--conditions',
  '--import-mode',
  '--pyargs',
  '--noconftest',
  '--preset',
  // Code loaded before the tests.
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--setupFiles',
  '--setupFilesAfterEnv',
  '--globalSetup',
  '--globalTeardown',
  '--setup',
  '--environment',
  '--testEnvironment',
  '--testRunner',
  '--runner',
  '--resolver',
  '--transform',
  '--moduleNameMapper',
  '--modulePaths',
  '--moduleDirectories',
  '--file',
  '--ui',
  '-p',
  '-exec',
  '-toolexec',
  '-ldflags',
  '-gcflags',
  '-tags',
  // Which tests run.
  '--exclude',
  '--ignore',
  '--ignore-glob',
  '--deselect',
  '-k',
  '-m',
  '-t',
  '--testNamePattern',
  '--test-name-pattern',
  '--test-skip-pattern',
  '--testPathIgnorePatterns',
  '--testPathPattern',
  '--testMatch',
  '--testRegex',
  '--modulePathIgnorePatterns',
  '--passWithNoTests',
  '--lf',
  '--last-failed',
  '--ff',
  '--failed-first',
  '--sw',
  '--stepwise',
  '--nf',
  '--skip',
  '-skip',
  '-run',
  '--continue-on-collection-errors',
]);

/** Flags that load a module: harmless where it is an installed package's (`--import tsx`), never a file of the tree. */
const PACKAGE_FLAGS = new Set([
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--environment',
  '--testEnvironment',
  '--ui',
  '--preset',
]);
/** A package specifier: a name, a scope, a subpath; never `.`, `/` or `..` at its start. */
const PACKAGE = /^(?:@[\w-][\w.-]*\/)?[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/;

/**
 * A flag's value that leaves it harmless: pytest's `-p no:<plugin>` turns a
 * plugin off, `--rootdir=.` is the root, and a module flag naming an installed
 * package loads what the contract's lock file installed.
 */
function harmless(flag: string, value: string | undefined): boolean {
  if (flag === '-p') return value?.startsWith('no:') === true;
  if (flag === '--rootdir') return value === '.' || value === './';
  if (PACKAGE_FLAGS.has(flag)) return value !== undefined && PACKAGE.test(value);
  return false;
}

/**
 * Why the command's parts make their own world, or null: a variable set, a
 * program that sets them or moves where the rest runs, or a runner's flag of
 * WORLD_FLAGS. `runs` says which parts run a test runner (their flags are read).
 */
export function commandWorldProblem<P extends Part>(
  parts: readonly P[],
  runs: (part: P) => boolean,
): string | null {
  for (const part of parts) {
    const [first = ''] = part.words;
    const assigned = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first)?.[1];
    if (assigned !== undefined) {
      return `sets ${assigned} for what it runs, and validation runs the contract's command with the environment's allowlist`;
    }
    const program = first.replace(/^.*\//, '');
    if (WORLD_PROGRAMS.has(program)) {
      return program === 'cd' || program === 'pushd' || program === 'popd'
        ? `moves where it runs (\`${program}\`): the contract's checks run from the repository's root`
        : `calls \`${program}\`, which sets what its programs run with: validation runs the contract's command with the environment's allowlist`;
    }
    if (!runs(part)) continue;
    for (const [index, word] of part.words.entries()) {
      const [flag = '', inline] = word.split(/=(.*)/s);
      if (!WORLD_FLAGS.has(flag)) continue;
      // `python -m pytest`: the interpreter's `-m` names the runner.
      if (flag === '-m' && /^python[\d.]*$/.test(part.words[index - 1]?.replace(/^.*\//, '') ?? ''))
        continue;
      if (harmless(flag, inline ?? part.words[index + 1])) continue;
      return `passes its runner \`${flag}\`, which moves the runner's root or settings, loads code before the tests, or picks which tests run: the contract's settings decide those`;
    }
  }
  return null;
}
