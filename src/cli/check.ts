import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { findListCircle } from '../core/config/change-set-lists.js';
import { parseConfig } from '../core/config/config.js';
import { parsePackageRepository } from '../github/setup/source-ref.js';
import { CONFIG_PATH, checkConfigText } from '../read-config.js';
import { checkUnderPolicy } from './check-policy.js';
import { type CliOptions, cliOutput } from './io.js';

const USAGE = `usage: baton check [FILE]
       baton check [--repo owner/name] FILE [--repo owner/name] FILE …
       baton check --policy POLICY [--effective] [FILE …]

Checks a Baton config offline, as the app would read it: valid YAML, every key
a Baton setting (with the nearest one when a key is misspelt), every value
allowed. FILE defaults to ${CONFIG_PATH} in the current folder. An _extends
base is not followed (it lives in another repository). With several files
(each repository's), it also finds change-set lists that come back round
(acme/a lists acme/b, which lists acme/a). --repo names the repository of the
FILE after it; without it, the file's checkout's origin does. --policy
checks each FILE under an organisation's baton-policy.yml (the checkout of its
.github repository): a setting that loosens one of its limits is a problem;
--effective prints every setting in effect and where it came from (the
repository's file, the policy and its commit, a limit, Baton's default).
Exit 0 when all is valid, 1 when not, 2 when a file cannot be read.`;

/** One file to check, and the repository it is the configuration of, where known. */
interface Target {
  file: string;
  repository: string | null;
}

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
  const policyAt = argv.indexOf('--policy');
  const effective = argv.includes('--effective');
  const policyFile = policyAt >= 0 ? argv[policyAt + 1] : undefined;
  if (policyAt >= 0 && (!policyFile || policyFile.startsWith('-'))) {
    err(`baton check: --policy names the organisation's baton-policy.yml\n\n${USAGE}`);
    return 2;
  }
  if (effective && !policyFile) {
    err(`baton check: --effective needs --policy\n\n${USAGE}`);
    return 2;
  }
  if (policyFile) {
    const rest = argv.filter(
      (arg, i) => arg !== '--effective' && i !== policyAt && i !== policyAt + 1,
    );
    const cwd = options.cwd ?? process.cwd();
    return checkUnderPolicy({ policyFile, files: parseTargets(rest), effective, cwd, out, err });
  }
  const targets = parseTargets(argv);
  if (typeof targets === 'string') {
    err(`baton check: ${targets}\n\n${USAGE}`);
    return 2;
  }
  const cwd = options.cwd ?? process.cwd();
  const lists = new Map<string, string[]>();
  let failed = false;
  for (const target of targets) {
    let text: string;
    try {
      text = await readFile(resolve(cwd, target.file), 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      err(
        code === 'ENOENT'
          ? `baton check: ${target.file} does not exist: run it at the root of a repository, or name the file (baton check path/to/baton.yml)`
          : `baton check: cannot read ${target.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 2;
    }
    const problems = checkConfigText(text);
    if (problems.length === 0) out(`${target.file}: a valid Baton config`);
    else {
      failed = true;
      out(`${target.file}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`);
      for (const problem of problems) {
        const where = problem.line === undefined ? '' : `line ${problem.line}: `;
        const field = problem.field === '(file)' ? 'the file' : problem.field;
        const value = problem.value === undefined ? '' : ` (${problem.value})`;
        out(`  ${where}${field}${value} ${problem.message}`);
      }
    }
    if (targets.length < 2) continue;
    const repository = target.repository ?? originOf(resolve(cwd, target.file));
    const parsed = problems.length === 0 ? parseConfig(parse(text) ?? {}) : null;
    if (repository && parsed?.ok) lists.set(repository, parsed.config.changeSets.repositories);
    else if (!repository)
      out(
        `${target.file}: its repository is unknown (no --repo before it, and no origin remote): its change-set list is left out`,
      );
  }
  const circle = findListCircle(lists);
  if (circle) {
    failed = true;
    out(
      `changeSets.repositories come back round: ${circle.join(' → ')}. Each repository listed may be changed by a change set that starts in the one listing it, and receives its text, so every repository on the circle may change, and send its text to, every other one through it (docs/change-sets.md): list repositories from the one changes start in.`,
    );
  }
  return failed ? 1 : 0;
}

/** The files and their repositories, or what is wrong with the arguments. */
function parseTargets(argv: readonly string[]): Target[] | string {
  const targets: Target[] = [];
  let repository: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--repo') {
      const name = argv[++i] ?? '';
      if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(name) || /\.git$/i.test(name))
        return `--repo must be owner/name, not "${name}"`;
      repository = name.toLowerCase();
    } else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else {
      targets.push({ file: arg, repository });
      repository = null;
    }
  }
  if (repository) return '--repo names the repository of the FILE after it: give the file';
  return targets.length > 0 ? targets : [{ file: CONFIG_PATH, repository: null }];
}

/** `owner/name` of the `origin` remote of the checkout the file is in; null where there is none. */
function originOf(path: string): string | null {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd: dirname(path),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5_000,
    }).trim();
    return parsePackageRepository(url)?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}
