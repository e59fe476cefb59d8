import { writeFileSync } from 'node:fs';
import type { BuildDetail } from '../core/overview/build-detail.js';
import type { BuildRead } from '../core/overview/build-read.js';
import { buildDetailFor, overviewOf } from '../core/overview/overview.js';
import { repositoryInstallationId } from '../github/client/installation.js';
import { messageOf } from '../github/client/types.js';
import { staticReport } from '../page/render/documents.js';
import { type AppCliOptions, type AppOctokit, appProbot } from './app-probot.js';
import { withDotEnv } from './dot-env.js';
import { argsOrExit, cliOutput } from './io.js';
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
  const io = cliOutput(options);
  const args = argsOrExit('baton status', USAGE, parseArgs(argv), io);
  if (typeof args === 'number') return args;
  const env = withDotEnv(source, options.cwd ?? process.cwd());
  if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
    io.err(
      "baton status: APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are not set: run it beside the app's .env, or export them (with nothing hosted, the app key of the repositories' BATON_APP_PRIVATE_KEY)",
    );
    return 2;
  }
  const probot = appProbot({ command: 'baton status', env, options, err: io.err });
  const now = options.now?.() ?? new Date().toISOString();
  try {
    const app = (await probot.auth()) as AppOctokit;
    const { data: self } = await app.request('GET /app');
    const botLogin = `${self?.slug ?? 'baton'}[bot]`;
    const found = await targets(app, args);
    if (typeof found === 'string') {
      io.err(
        `baton status: the app is not installed on ${found}, or there is no such repository: install the app there (${self?.html_url ?? "the app's page"}/installations/new), or check the name (owner/name, as in the repository's URL)`,
      );
      return 1;
    }
    const reads: BuildRead[] = [];
    for (const { installationId, repositories } of found) {
      const octokit = (await probot.auth(installationId)) as AppOctokit;
      for (const repository of await repositories(octokit)) {
        reads.push(...(await readRepositoryBuilds({ octokit, repository, botLogin, now })));
      }
    }
    const access = { kind: 'all' } as const;
    const overview = overviewOf({ reads, access, now });
    io.out(args.json ? terminalJson(overview) : renderStatusText(overview));
    if (args.html) {
      const details = reads
        .map((read) =>
          buildDetailFor({ reads, access, key: `${read.repository}/${read.snapshot.build}`, now }),
        )
        .filter((detail): detail is BuildDetail => detail !== null);
      writeFileSync(args.html, staticReport(overview, details));
      io.err(`baton status: wrote ${args.html}`);
    }
    return 0;
  } catch (error) {
    io.err(`baton status: GitHub did not answer as expected: ${messageOf(error)}; run it again`);
    return 1;
  }
}

/**
 * The installations to read, each with how to list its repositories; the
 * repository of `--repo` where the app is not installed on it.
 */
async function targets(
  app: AppOctokit,
  args: StatusArgs,
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
    if (arg === '--json') args.json = true;
    else if (arg === '--repo') args.repo = argv[++i] ?? '';
    else if (arg.startsWith('--repo=')) args.repo = arg.slice('--repo='.length);
    else if (arg === '--installation') args.installation = Number(argv[++i]);
    else if (arg === '--html') args.html = argv[++i] ?? '';
    else return `unknown argument "${arg}"`;
  }
  if ((args.repo === null) === (args.installation === null))
    return 'give --repo owner/name or --installation ID (one of them)';
  if (args.repo !== null && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(args.repo))
    return `--repo must be owner/name, not "${args.repo}"`;
  if (args.installation !== null && !(Number.isInteger(args.installation) && args.installation > 0))
    return "--installation takes the installation's id (a number)";
  if (args.html === '') return '--html takes a file to write';
  return args;
}
