import { auditTrail, type BudgetRaise, isAuditDate } from '../core/audit/audit-trail.js';
import { raiseWindows } from '../core/audit/resume-events.js';
import type { AppCliOptions } from './app-probot.js';
import { readBudgetRaises } from './budget-raises.js';
import {
  type AlsoRead,
  readForCommand,
  type TargetArgs,
  takeTargetArg,
  targetProblem,
} from './status.js';

const USAGE = `usage: baton audit (--repo owner/name | --installation ID) [--since DATE]

Every decision of Baton's that wrote or spent, one JSON object a line, oldest
first (docs/governance.md): a build asked for, a session dispatched and what it
cost, a command taken, a pull request merged with who approved it and on what
evidence, and what Baton said: a hold for a person, a stop for money, a
failure, a refusal, the final pull request; a session started again after a
stop for money, a change set's revert. Derived from what GitHub holds
(status comments, notices, runs, usage records, commands, pull requests), as \`baton status\` reads it, with the app's
credentials from .env or the environment. It writes nothing to GitHub.

Options:
  --repo owner/name  the builds of this repository
  --installation ID  the builds of every repository of this installation
  --since DATE       only events at or after DATE (ISO 8601: 2026-03-01 or 2026-03-01T12:00:00Z)
  -h, --help         print this help`;

/** The builds to read, and `--since`. */
type AuditArgs = TargetArgs & { since: string | null };

/** `baton audit`: answers the process exit code (0 read, 1 GitHub failed, 2 bad usage). */
export async function main(
  argv: readonly string[],
  source: Record<string, string | undefined>,
  options: AppCliOptions & { now?: () => string } = {},
): Promise<number> {
  const parsed = parseArgs(argv);
  // Who raised a cap: the commits of `.github/baton.yml` around each session started again after one.
  const raises: (BudgetRaise & { repository: string })[] = [];
  const alsoRead: AlsoRead = async (octokit, { owner, repo, reads }) => {
    for (const window of reads.flatMap((one) => raiseWindows(one.snapshot))) {
      const found = await readBudgetRaises(octokit, { owner, repo, ...window });
      raises.push(...found.map((raise) => ({ ...raise, repository: `${owner}/${repo}` })));
    }
  };
  const read = await readForCommand('baton audit', {
    usage: USAGE,
    parsed,
    source,
    options,
    alsoRead,
  });
  if (typeof read === 'number') return read;
  const since = read.args.since ? { since: read.args.since } : {};
  const trail = auditTrail({ reads: read.reads, access: { kind: 'all' }, raises, ...since });
  for (const event of trail) read.io.out(JSON.stringify(event));
  return 0;
}

function parseArgs(argv: readonly string[]): AuditArgs | 'help' | string {
  const args: AuditArgs = { repo: null, installation: null, since: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    const next = takeTargetArg(argv, i, args);
    if (next !== null) i = next;
    else if (arg === '--since') args.since = argv[++i] ?? '';
    else if (arg.startsWith('--since=')) args.since = arg.slice('--since='.length);
    else return `unknown argument "${arg}"`;
  }
  const problem = targetProblem(args);
  if (problem) return problem;
  if (args.since !== null && !isAuditDate(args.since))
    return `--since takes a date (2026-03-01 or 2026-03-01T12:00:00Z), not "${args.since}"`;
  return args;
}
