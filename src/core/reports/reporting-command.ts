/**
 * The contract's command made to write its runner's report as well
 * (docs/verification.md, "Fails before, passes after"): the runner's own
 * flags added to the part that runs it, parsed as the command's vetting parses
 * it (src/core/plan/contract-command.ts), directly, through `npx`, `uv run` …,
 * or a `package.json` script (`npm test`, `pnpm x`, `yarn x`) whose last part
 * runs it. A command whose runner cannot be made to report is run as it is and
 * judged by its exit status, and says why. Pure.
 */
import { type Part, runnerOf, splitCommand } from '../plan/contract-command.js';
import type { ReportFormat } from './check-outcome.js';

export type ReportingPlan =
  | { kind: 'report'; command: string; format: ReportFormat; runner: string }
  | { kind: 'exit-status'; command: string; why: string };

export interface ReportingInput {
  /** The contract's command. */
  command: string;
  /** Where the runner writes its report. */
  reportFile: string;
  /** Where Baton's reporter for Vitest lies (src/session/agent/roles/proof/vitest-reporter.ts). */
  vitestReporter: string;
  /** The repository's `package.json` scripts, for a command that runs one. */
  scripts: Readonly<Record<string, string>>;
  /** pytest's settings pinned: the flags added after its report's (`-c`, `--rootdir`, plugins turned off). */
  pytestFlags?: string;
}

/** A runner's flags, and whether they may follow its other words (a script's arguments are added at its end). */
interface Flags {
  format: ReportFormat;
  /** The text added at the part's end, or null where it must go after `--test`. */
  append: string | null;
  /** For `node --test`: the text added right after `--test`. */
  afterTest?: string;
  /** Why the flags cannot be added at a script's end, or null when they can. */
  notInScript: string | null;
}

function flagsOf(
  runner: string,
  { reportFile, vitestReporter, pytestFlags }: ReportingInput,
): Flags | null {
  const file = shellWord(reportFile);
  switch (runner) {
    case 'vitest':
      return {
        format: 'json',
        append: `--reporter=default --reporter=${shellWord(vitestReporter)}`,
        notInScript: null,
      };
    case 'jest':
      return { format: 'json', append: `--json --outputFile=${file}`, notInScript: null };
    case 'pytest':
    case 'py.test':
      return {
        format: 'junit',
        append: `--junitxml=${file}${pytestFlags ? ` ${pytestFlags}` : ''}`,
        notInScript: null,
      };
    case 'node --test':
      return {
        format: 'tap',
        append: null,
        afterTest: `--test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination=${file}`,
        notInScript: null,
      };
    case 'go test':
      return {
        format: 'go-json',
        append: `-json > ${file}`,
        notInScript: "a script's arguments cannot redirect `go test -json`'s output to a file",
      };
    default:
      return null;
  }
}

/** The command that also writes the report, or the command as it is and why its exit status decides. */
export function reportingCommand(input: ReportingInput): ReportingPlan {
  const planned = plan(input.command, input, 0, false);
  return typeof planned === 'string'
    ? { kind: 'exit-status', command: input.command, why: planned }
    : { kind: 'report', ...planned };
}

type Planned = { command: string; format: ReportFormat; runner: string };

/** `inScript`: the command is a script's text, whose arguments the script runner adds at its end. */
function plan(
  command: string,
  input: ReportingInput,
  depth: number,
  inScript: boolean,
): Planned | string {
  const parts = splitCommand(command);
  if (parts === null) return 'the command does not parse (an unclosed quote)';
  const runs = parts.filter((part) => runnerOf(part.words) !== null);
  if (runs.length !== 1)
    return runs.length === 0
      ? 'it runs no test runner Baton knows'
      : `it runs ${runs.length} test runners, and Baton reads one report`;
  const [part] = runs as [Part];
  const runner = runnerOf(part.words) ?? '';
  if (inScript && parts.at(-1) !== part)
    return `the script's last part does not run ${runner}, so the report's flags would not reach it`;
  const script = scriptNamed(runner, part.words);
  if (script !== null) {
    if (inScript || depth > 0) return 'its script runs another script';
    const body = input.scripts[script]?.trimEnd();
    if (body === undefined) return `package.json has no script ${JSON.stringify(script)}`;
    const inner = plan(body, input, depth + 1, true);
    if (typeof inner === 'string') return `its script ${JSON.stringify(script)}: ${inner}`;
    const flags = inner.command.slice(body.length).trim();
    const separator = runner.startsWith('npm ') && !part.words.includes('--') ? ' --' : '';
    return { ...inner, command: insertAt(command, part.end, `${separator} ${flags}`) };
  }
  const flags = flagsOf(runner, input);
  if (flags === null) return `${runner} writes no report Baton reads`;
  if (inScript && flags.notInScript) return flags.notInScript;
  if (flags.afterTest !== undefined) {
    // A script's arguments land at its end, after the script's own reporters: ours come last there.
    const own = nodeReporterFlags(part.words, flags.afterTest, input.reportFile, inScript);
    if (own === null)
      return "it names node's reporters with fewer destinations than reporters, so Baton's could not be matched to its own";
    flags.afterTest = own;
    const start = startOf(parts, part);
    const at = /(?:^|\s)--test(?=\s|$)/.exec(command.slice(start, part.end));
    if (!at) return '`node --test` is not written plainly';
    const after = start + at.index + at[0].length;
    if (inScript && part.words.slice(part.words.indexOf('--test') + 1).some(isFile))
      return "the script names files after `node --test`, and node reads a reporter's flags only before them";
    return {
      command: insertAt(command, inScript ? part.end : after, ` ${flags.afterTest}`),
      format: flags.format,
      runner,
    };
  }
  return { command: insertAt(command, part.end, ` ${flags.append}`), format: flags.format, runner };
}

/**
 * `node --test`'s reporter flags: the spec reporter on stdout and TAP to the
 * report where the command names none; where it names its own, TAP to the
 * report and each of its reporters still on stdout, ours before its own or,
 * `last` (added at a script's end), after them. Node pairs reporters and
 * destinations in order and refuses counts that differ: a command that names
 * some destinations but not all is left as it is (null).
 */
function nodeReporterFlags(
  words: readonly string[],
  plain: string,
  reportFile: string,
  last: boolean,
): string | null {
  const reporters = words.filter((word) => /^--test-reporter(=|$)/.test(word)).length;
  const destinations = words.filter((word) =>
    /^--test-reporter-destination(=|$)/.test(word),
  ).length;
  if (reporters === 0) return plain;
  if (destinations !== 0 && destinations !== reporters) return null;
  const ours = `--test-reporter=tap --test-reporter-destination=${shellWord(reportFile)}`;
  if (destinations === reporters) return ours;
  const theirs = Array.from({ length: reporters }, () => '--test-reporter-destination=stdout');
  return (last ? [...theirs, ours] : [ours, ...theirs]).join(' ');
}

/** A word after `node --test` that is not a flag: a file or folder node would run (or a flag's own value). */
function isFile(word: string): boolean {
  return !word.startsWith('-');
}

/** The `package.json` script a runner such as `npm test`, `npm run x` or `pnpm x` runs, or null. */
function scriptNamed(runner: string, words: readonly string[]): string | null {
  const [program, sub] = runner.split(' ');
  if (!program || !sub || !['npm', 'pnpm', 'yarn', 'bun'].includes(program)) return null;
  if (['test', 't', 'tst'].includes(sub)) return 'test';
  if (['run', 'run-script'].includes(sub)) {
    const at = words.findIndex((word) => word.replace(/^.*\//, '') === program);
    return words.slice(at + 2).find((word) => !word.startsWith('-')) ?? null;
  }
  return program === 'npm' ? null : sub;
}

function startOf(parts: readonly Part[], part: Part): number {
  const before = parts[parts.indexOf(part) - 1];
  return before ? before.end + (before.operator?.length ?? 0) : 0;
}

function insertAt(command: string, at: number, text: string): string {
  const head = command.slice(0, at);
  const trimmed = head.trimEnd();
  return `${trimmed}${text}${head.slice(trimmed.length)}${command.slice(at)}`;
}

/** A path as one shell word. */
export function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
