/**
 * What a worker's change may not do to what runs the contract
 * (docs/verification.md, "Workers cannot weaken the contract"): the
 * `package.json` scripts its command runs, a test runner's settings, and the
 * workflow lines that run it. Pure: each judge takes a file's text before and
 * after the change.
 */
import { quotedValue } from '../../../../core/vocabulary/quoted-value.js';
import type { ContractBreach } from './contract-breach.js';

/** A command that fails made to succeed anyway; a setting's match runs to the end of its value, which a refusal quotes whole. */
const SUPPRESSIONS = [
  /\|\|\s*true\b/,
  /\|\|\s*exit\s+0\b/,
  /;\s*exit\s+0\b/,
  /\|\|\s*:(?:\s|$)/,
  /continue-on-error\s*:\s*(?!\s*false\b)\S.*/,
  /\bif\s*:\s*(?:false\b|\$\{\{\s*false\s*\}\})/,
];

function suppression(text: string): string | null {
  for (const pattern of SUPPRESSIONS) {
    const found = pattern.exec(text);
    if (found) return found[0].trim();
  }
  return null;
}

/** Subcommands of a package manager that are not a script's name. */
const BUILTINS = new Set([
  'add',
  'audit',
  'ci',
  'dlx',
  'exec',
  'i',
  'install',
  'remove',
  'x',
  'why',
  'up',
  'update',
]);

/**
 * The `package.json` scripts a command runs directly: `npm test`, `npm run x`,
 * `pnpm x`, `yarn run x` … (not the scripts those run in turn).
 */
export function scriptsNamedBy(command: string): string[] {
  const names: string[] = [];
  for (const segment of command.split(/&&|\|\||[;|\n]/)) {
    const words = segment
      .trim()
      .split(/\s+/)
      .filter((word) => word && !/^\w+=/.test(word));
    const [tool, ...rest] = words;
    const args = rest.filter((word) => !word.startsWith('-'));
    const [first, second] = args;
    if (!tool || !first) continue;
    const program = tool.replace(/^.*\//, '');
    if (program === 'npm') {
      if (['test', 't', 'tst'].includes(first)) names.push('test');
      else if (['start', 'stop', 'restart'].includes(first)) names.push(first);
      else if (['run', 'run-script', 'rum', 'urn'].includes(first) && second) names.push(second);
    } else if (program === 'pnpm' || program === 'yarn' || program === 'bun') {
      if (first === 'run' && second) names.push(second);
      else if (first === 't') names.push('test');
      else if (program !== 'bun' && !BUILTINS.has(first)) names.push(first);
    }
  }
  return names;
}

/** The scripts a command runs, and those they run in turn, with their `pre` and `post` scripts. */
export function scriptsRunBy(command: string, scripts: Record<string, string>): Set<string> {
  const seen = new Set<string>();
  const queue = scriptsNamedBy(command);
  while (queue.length > 0) {
    const name = queue.shift() ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    for (const hook of [`pre${name}`, `post${name}`]) if (hook in scripts) queue.push(hook);
    const body = scripts[name];
    if (body !== undefined) queue.push(...scriptsNamedBy(body));
  }
  return seen;
}

/** `package.json`'s scripts, or none when it is absent or not JSON. */
export function readScripts(text: string | null): Record<string, string> {
  if (text === null) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    const scripts =
      parsed && typeof parsed === 'object' ? (parsed as { scripts?: unknown }).scripts : undefined;
    if (!scripts || typeof scripts !== 'object') return {};
    return Object.fromEntries(
      Object.entries(scripts).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    return {};
  }
}

/** A `package.json`'s scripts before and after: the contract's command must run what it ran. */
export function judgePackageScripts({
  path,
  command,
  before,
  after,
}: {
  path: string;
  command: string;
  before: string | null;
  after: string | null;
}): ContractBreach[] {
  const old = readScripts(before);
  const now = readScripts(after);
  const run = new Set([...scriptsRunBy(command, old), ...scriptsRunBy(command, now)]);
  const breaches: ContractBreach[] = [];
  const names = new Set([...Object.keys(old), ...Object.keys(now)]);
  for (const name of [...names].sort()) {
    const added = suppression(now[name] ?? '');
    const guarded = run.has(name) || /test|check|ci/i.test(name);
    if (guarded && added && !suppression(old[name] ?? '')) {
      breaches.push({
        file: path,
        rule: `the script ${quotedValue(name)} gains ${quotedValue(added)}, so a failing test passes`,
      });
    } else if (run.has(name) && old[name] !== now[name]) {
      breaches.push({
        file: path,
        rule: `the script ${quotedValue(name)} changes, and the contract's command (${quotedValue(command)}) runs it`,
      });
    }
  }
  return breaches;
}

/** A test runner's settings, by file name. */
const RUNNER_CONFIG =
  /(?:^|\/)(?:(?:vitest|vite|jest|playwright|cypress|ava|web-test-runner)\.config\.[cm]?[jt]s|vitest\.workspace\.[cm]?[jt]s|jest\.config\.json|\.mocharc(?:\.[\w]+)?|karma\.conf\.[cm]?js|pytest\.ini|pyproject\.toml|setup\.cfg|tox\.ini|conftest\.py|pom\.xml|build\.gradle(?:\.kts)?|Cargo\.toml|\.nycrc(?:\.json)?)$/;

/** Settings files of many tools: only their test runner's section counts. */
const SECTIONED = /\.(?:toml|cfg|ini)$/;

/** Words of a runner's settings that leave tests out. */
const LEAVES_OUT =
  /\b(?:exclude|ignore|skip|deselect|norecursedirs|testPathIgnorePatterns|modulePathIgnorePatterns|testIgnore|only)\w*/i;

/** Whether a changed path is a test runner's settings file. */
export function isRunnerConfig(path: string): boolean {
  return RUNNER_CONFIG.test(path);
}

/** Lines of `after` that `before` lacks (each line counted as often as it occurs). */
export function addedLines(before: string | null, after: string | null): string[] {
  const left = new Map<string, number>();
  for (const line of (before ?? '').split('\n')) {
    const key = line.trim();
    left.set(key, (left.get(key) ?? 0) + 1);
  }
  const added: string[] = [];
  for (const line of (after ?? '').split('\n')) {
    const key = line.trim();
    const count = left.get(key) ?? 0;
    if (count > 0) left.set(key, count - 1);
    else if (key) added.push(key);
  }
  return added;
}

/** The lines of a TOML, INI or cfg file that lie in a section about pytest. */
function pytestSectionLines(text: string | null): Set<string> {
  const lines = new Set<string>();
  let inside = false;
  for (const line of (text ?? '').split('\n')) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) inside = /pytest/i.test(header[1] ?? '');
    else if (inside) lines.add(line.trim());
  }
  return lines;
}

/** A runner's settings may not gain a line that leaves tests out or names a contract file. */
export function judgeRunnerConfig({
  path,
  before,
  after,
  contractFiles,
}: {
  path: string;
  before: string | null;
  after: string | null;
  contractFiles: readonly string[];
}): ContractBreach | null {
  let added = addedLines(before, after);
  if (SECTIONED.test(path)) {
    const section = pytestSectionLines(after);
    added = added.filter((line) => section.has(line));
  }
  for (const line of added) {
    const named = contractFiles.find(
      (file) => line.includes(file) || line.includes(file.replace(/^.*\//, '')),
    );
    if (named) {
      return { file: path, rule: `the test runner's settings now name the contract's ${named}` };
    }
    const word = LEAVES_OUT.exec(line);
    if (word) {
      return {
        file: path,
        rule: `the test runner's settings gain ${quotedValue(word[0])}, which leaves tests out`,
      };
    }
  }
  return null;
}

/**
 * A workflow may not gain a suppression (`|| true`, `continue-on-error`), nor
 * lose or change a line that runs the contract's command or a script it runs.
 */
export function judgeWorkflow({
  path,
  before,
  after,
  command,
  scripts,
}: {
  path: string;
  before: string | null;
  after: string | null;
  command: string;
  /** The `package.json` scripts the command runs. */
  scripts: ReadonlySet<string>;
}): ContractBreach | null {
  for (const line of addedLines(before, after)) {
    const added = suppression(line);
    if (added) {
      return { file: path, rule: `a step gains ${quotedValue(added)}, so a failing test passes` };
    }
  }
  const removed = addedLines(after, before);
  const runs = removed.find(
    (line) =>
      line.includes(command.trim()) ||
      scriptsNamedBy(line.replace(/^-?\s*run:\s*/, '')).some((name) => scripts.has(name)),
  );
  return runs
    ? {
        file: path,
        rule: `the line ${quotedValue(runs)}, which runs the contract's command, is changed or removed`,
      }
    : null;
}
