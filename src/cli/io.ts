import { terminalText } from './terminal-text.js';

/** Where a command's output goes: the process's streams, or a test's own. */
export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** What tests may override of a command: where output goes, and the folder whose .env is read. */
export interface CliOptions extends Partial<CliOutput> {
  /** The folder whose .env is read; default the current one. */
  cwd?: string;
}

/**
 * Where a command prints: every line through `terminalText`, since lines carry
 * text from GitHub and models (titles, notes, GitHub's own messages).
 */
export function cliOutput(options: Partial<CliOutput>): CliOutput {
  const out = options.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const err = options.err ?? ((text: string) => process.stderr.write(`${text}\n`));
  return {
    out: (text) => out(terminalText(text)),
    err: (text) => err(terminalText(text)),
  };
}

/**
 * The arguments a command parsed, or the exit code it ends with: `--help`
 * prints the usage (0); a problem with the arguments is printed above the
 * usage (2).
 */
export function argsOrExit<T extends object>(
  command: string,
  usage: string,
  args: T | 'help' | string,
  { out, err }: CliOutput,
): T | number {
  if (args === 'help') {
    out(usage);
    return 0;
  }
  if (typeof args === 'string') {
    err(`${command}: ${args}\n\n${usage}`);
    return 2;
  }
  return args;
}
