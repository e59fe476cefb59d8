import { writeFileSync } from 'node:fs';
import type { BuildDetail } from '../core/overview/build-detail.js';
import type { BuildRead } from '../core/overview/build-read.js';
import { buildDetailFor, overviewOf } from '../core/overview/overview.js';
import { repositoryInstallationId } from '../github/client/installation.js';
import { messageOf } from '../github/client/types.js';
import { staticReport } from '../page/render/documents.js';
import { type AppCliOptions, type AppOctokit, appProbot } from './app-probot.js';
import { withDotEnv } from './dot-env.js';
import { argsOrExit, type CliOutput, cliOutput } from './io.js';
import {
  installationRepositories,
  readRepositoryBuilds,
  type StatusRepository,
} from './status-reads.js';
import { renderStatusText } from './status-text.js';
import { terminalJson } from './terminal-text.js';

const USAGE = `usage: baton status (--repo owner/name | --installation ID) [--json] [--html FILE]

Every build and change set of one repository, or of every repository of an
installation, as the page of the app shows them (docs/mission-control.md):
each build's state, waves and workers, what waits for a person (with the
command to post and where), the runaways, and the spend by day, repository,
engine, model and role. It reads GitHub with the app's credentials, from
.env (in the current folder) or the environment, as \`npm start\` reads them,
so it needs nothing hosted. It writes nothing to GitHub.

Options:
  --repo owner/name  the builds of this repository
  --installation ID  the builds of every repository of this installation
  --json             print the overview as JSON (the page's /api/baton/overview)
  --html FILE        also write the page as one static HTML file, every build's view in it
  -h, --help         print this help`;

interface StatusArgs {
  repo: string | null;
  installation: number | null;
  json: boolean;
  html: string | null;
}

/** `baton status`: answers the process exit code (0 read, 1 GitHub failed, 2 bad usage). */
export async function main(
  argv: readonly string[],
  source: Record<string, string | undefined>,
  options: AppCliOptions & { now?: () => string } = {},
): Promise<number> {
  const read = await readForCommand('baton status', {
    usage: USAGE,
    parsed: parseArgs(argv),
    source,
    options,
  });
  if (typeof read === 'number') return read;
  const { args, reads, io, now } = read;
  const access = { kind: 'all' } as const;
  const overview = overviewOf({ reads, access, now });
  io.out(args.json ? terminalJson(overview) : renderStatusText(overview));
  if (args.html) {
    const details = reads
      .map((one) =>
        buildDetailFor({ reads, access, key: `${one.repository}/${one.snapshot.build}`, now }),
      )
      .filter((detail): detail is BuildDetail => detail !== null);
    writeFileSync(args.html, staticReport(overview, details));
    io.err(`baton status: wrote ${args.html}`);
  }
  return 0;
}

/**
 * A command that reads builds with the app's credentials: its arguments
 * parsed (or its usage said), then the builds read (`readTargetBuilds`);
 * or the exit code.
 */
export async function readForCommand<T extends TargetArgs>(
  command: string,
  {
    usage,
    parsed,
    source,
    options,
    alsoRead,
  }: {
    usage: string;
    parsed: T | 'help' | string;
    source: Record<string, string | undefined>;
    options: AppCliOptions & { now?: () => string };
    /** What else the command reads of each repository, with its builds (`readTargetBuilds`). */
    alsoRead?: AlsoRead;
  },
): Promise<{ args: T; reads: BuildRead[]; io: CliOutput; now: string } | number> {
  const io = cliOutput(options);
  const args = argsOrExit(command, usage, parsed, io);
  if (typeof args === 'number') return args;
  const now = options.now?.() ?? new Date().toISOString();
  const also = alsoRead ? { alsoRead } : {};
  const reads = await readTargetBuilds(command, { args, source, options, io, now, ...also });
  return typeof reads === 'number' ? reads : { args, reads, io, now };
}

/** What a command reads of a repository besides its builds, with the installation's client. */
export type AlsoRead = (
  octokit: AppOctokit,
  repository: { owner: string; repo: string; reads: readonly BuildRead[] },
) => Promise<void>;

/** Which builds a command reads: one repository's, or every one of an installation's. */
export interface TargetArgs {
  repo: string | null;
  installation: number | null;
}

/**
 * The builds of `--repo` or `--installation`, read with the app's credentials
 * from .env or the environment (`readRepositoryBuilds`); or the exit code,
 * the problem said (2: no credentials, 1: GitHub failed or no such install).
 */
export async function readTargetBuilds(
  command: string,
  {
    args,
    source,
    options,
    io,
    now,
    alsoRead,
  }: {
    args: TargetArgs;
    source: Record<string, string | undefined>;
    options: AppCliOptions;
    io: CliOutput;
    now: string;
    alsoRead?: AlsoRead;
  },
): Promise<BuildRead[] | number> {
  const env = withDotEnv(source, options.cwd ?? process.cwd());
  if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
    io.err(
      `${command}: APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are not set: run it beside the app's .env, or export them (with nothing hosted, the app key of the repositories' BATON_APP_PRIVATE_KEY)`,
    );
    return 2;
  }
  const probot = appProbot({ command, env, options, err: io.err });
  try {
    const app = (await probot.auth()) as AppOctokit;
    const { data: self } = await app.request('GET /app');
    const botLogin = `${self?.slug ?? 'baton'}[bot]`;
    const found = await targets(app, args);
    if (typeof found === 'string') {
      io.err(
        `${command}: the app is not installed on ${found}, or there is no such repository: install the app there (${self?.html_url ?? "the app's page"}/installations/new), or check the name (owner/name, as in the repository's URL)`,
      );
      return 1;
    }
    const reads: BuildRead[] = [];
    for (const { installationId, repositories } of found) {
      const octokit = (await probot.auth(installationId)) as AppOctokit;
      for (const repository of await repositories(octokit)) {
        const builds = await readRepositoryBuilds({ octokit, repository, botLogin, now });
        await alsoRead?.(octokit, { ...repository, reads: builds });
        reads.push(...builds);
      }
    }
    return reads;
  } catch (error) {
    io.err(`${command}: GitHub did not answer as expected: ${messageOf(error)}; run it again`);
    return 1;
  }
}

/**
 * The installations to read, each with how to list its repositories; the
 * repository of `--repo` where the app is not installed on it.
 */
async function targets(
  app: AppOctokit,
  args: TargetArgs,
): Promise<
  | { installationId: number; repositories: (octokit: AppOctokit) => Promise<StatusRepository[]> }[]
  | string
> {
  if (args.installation !== null) {
    const installationId = args.installation;
    return [
      {
        installationId,
        repositories: (octokit) => installationRepositories(octokit, installationId),
      },
    ];
  }
  const [owner = '', repo = ''] = (args.repo ?? '').split('/');
  const installationId = await repositoryInstallationId(app, { owner, repo });
  if (installationId === null) return `${owner}/${repo}`;
  return [
    {
      installationId,
      repositories: async (octokit) => {
        const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
        return [
          {
            owner: data.owner.login,
            repo: data.name,
            defaultBranch: data.default_branch,
            installationId,
          },
        ];
      },
    },
  ];
}

function parseArgs(argv: readonly string[]): StatusArgs | 'help' | string {
  const args: StatusArgs = { repo: null, installation: null, json: false, html: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    const next = takeTargetArg(argv, i, args);
    if (next !== null) i = next;
    else if (arg === '--json') args.json = true;
    else if (arg === '--html') args.html = argv[++i] ?? '';
    else return `unknown argument "${arg}"`;
  }
  const problem = targetProblem(args);
  if (problem) return problem;
  if (args.html === '') return '--html takes a file to write';
  return args;
}

/** Takes `--repo` or `--installation` at `i` into `args`: the index of its last word, or null for another argument. */
export function takeTargetArg(argv: readonly string[], i: number, args: TargetArgs): number | null {
  const arg = argv[i] ?? '';
  if (arg === '--repo') args.repo = argv[i + 1] ?? '';
  else if (arg.startsWith('--repo=')) args.repo = arg.slice('--repo='.length);
  else if (arg === '--installation') args.installation = Number(argv[i + 1]);
  else return null;
  return arg.startsWith('--repo=') ? i : i + 1;
}

/** What is wrong with the builds asked for, or null. */
export function targetProblem(args: TargetArgs): string | null {
  if ((args.repo === null) === (args.installation === null))
    return 'give --repo owner/name or --installation ID (one of them)';
  if (args.repo !== null && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(args.repo))
    return `--repo must be owner/name, not "${args.repo}"`;
  if (args.installation !== null && !(Number.isInteger(args.installation) && args.installation > 0))
    return "--installation takes the installation's id (a number)";
  return null;
}
