import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CONFIG_PATH, checkConfigText } from '../config.js';
import { type CliOptions, cliOutput } from './io.js';

const USAGE = `usage: baton check [FILE]

Checks a Baton config offline, as the app would read it: valid YAML, every key
a Baton setting (with the nearest one when a key is misspelt), every value
allowed. FILE defaults to ${CONFIG_PATH} in the current folder. An _extends
base is not followed (it lives in another repository). Exit 0 when it is
valid, 1 when it is not, 2 when it cannot be read.`;

/** Where `baton check` writes, and the folder FILE is read from; tests pass their own. */
export type CheckCliOptions = CliOptions;

/** `baton check [FILE]`: answers the process exit code. */
export async function main(
  argv: readonly string[],
  _source: Record<string, string | undefined>,
  options: CheckCliOptions = {},
): Promise<number> {
  const { out, err } = cliOutput(options);
  if (argv.some((arg) => arg === '-h' || arg === '--help')) {
    out(USAGE);
    return 0;
  }
  const unknown = argv.find((arg) => arg.startsWith('-'));
  if (unknown || argv.length > 1) {
    err(`baton check: ${unknown ? `unknown option ${unknown}` : 'one file at most'}\n\n${USAGE}`);
    return 2;
  }
  const file = argv[0] ?? CONFIG_PATH;
  let text: string;
  try {
    text = await readFile(resolve(options.cwd ?? process.cwd(), file), 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    err(
      code === 'ENOENT'
        ? `baton check: ${file} does not exist: run it at the root of a repository, or name the file (baton check path/to/baton.yml)`
        : `baton check: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  const problems = checkConfigText(text);
  if (problems.length === 0) {
    out(`${file}: a valid Baton config`);
    return 0;
  }
  out(`${file}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`);
  for (const problem of problems) {
    const where = problem.line === undefined ? '' : `line ${problem.line}: `;
    const field = problem.field === '(file)' ? 'the file' : problem.field;
    const value = problem.value === undefined ? '' : ` (${problem.value})`;
    out(`  ${where}${field}${value} ${problem.message}`);
  }
  return 1;
}
