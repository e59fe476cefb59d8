import { defaultConfig } from '../core/config/config.js';
import { batonLabels } from '../core/config/labels.js';
import {
  classifyGitHubFailure,
  describeGitHubFailure,
  reachFix,
} from '../core/doctor/github-failure.js';
import { repositoryInstallationId } from '../github/client/installation.js';
import { messageOf, type RepoContext } from '../github/client/types.js';
import { ensureLabels } from '../github/setup/ensure-labels.js';
import { ensureSetupPull } from '../github/setup/ensure-setup-pull.js';
import { loadSetupTemplates } from '../github/setup/setup-templates.js';
import { cliCommand, findBatonSource } from '../github/setup/source-ref.js';
import { loadConfig } from '../read-config.js';
import { readStartEnv } from '../server/start-env.js';
import { type AppCliOptions, type AppOctokit, appProbot } from './app-probot.js';
import { argsOrExit, cliOutput } from './io.js';

const USAGE = `usage: baton setup --repo owner/name [--serverless]
       baton setup --private-key

Opens the "Set up Baton" pull request on a repository the app is installed
on, and creates Baton's labels there, as the app does when it is installed,
from where you registered the app (its .env, or the environment).

Options:
  --repo owner/name  the repository to set up
  --serverless       run Baton there with nothing hosted: the pull request also
                     adds the conductor workflow, and publish mints its token
                     from the app's key (docs/serverless.md)
  --private-key      print the app's private key (PRIVATE_KEY from .env) as a
                     PEM, for \`| gh secret set BATON_APP_PRIVATE_KEY --repo owner/name\`
  -h, --help         print this help`;

/** `baton setup`: answers the process exit code (0 done, 1 GitHub refused, 2 bad usage). */
export async function main(
  argv: readonly string[],
  source: Record<string, string | undefined>,
  options: AppCliOptions = {},
): Promise<number> {
  const io = cliOutput(options);
  const { out, err } = io;
  const args = argsOrExit('baton setup', USAGE, parseArgs(argv), io);
  if (typeof args === 'number') return args;
  const { env } = readStartEnv(source, options.cwd ?? process.cwd());
  if (!env.APP_ID || !env.PRIVATE_KEY) {
    err(
      'baton setup: APP_ID and PRIVATE_KEY are not set: run it where you registered the app (beside the .env `npm start` wrote), or export them',
    );
    return 2;
  }
  if (args.kind === 'private-key') {
    out(env.PRIVATE_KEY.trim());
    return 0;
  }
  const found = findBatonSource(env, options.checkoutRoot);
  if (!found.ok) {
    err(`baton setup: ${found.reason.replace(/^onboarding is off: /, '')}`);
    return 2;
  }
  const probot = appProbot({ command: 'baton setup', env, options, err });
  const [owner = '', repo = ''] = args.repo.split('/');
  try {
    const app = (await probot.auth()) as AppOctokit;
    // Not retried: a person waits at the prompt, and a GitHub that does not
    // answer the first request would make each try wait out its back-off.
    const { data: self } = await app.request('GET /app', { request: { retries: 0 } });
    const installationId = await repositoryInstallationId(app, { owner, repo });
    if (installationId === null) {
      err(
        `baton setup: the app is not installed on ${args.repo}: install it there (${self?.html_url ?? "the app's page"}/installations/new), then run this again`,
      );
      return 1;
    }
    const octokit = (await probot.auth(installationId)) as AppOctokit;
    const ctx: RepoContext = { octokit, owner, repo, botLogin: `${self?.slug ?? 'baton'}[bot]` };
    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    const config = await loadConfig(octokit, { owner, repo });
    await ensureLabels(ctx, batonLabels(config.ok ? config.config : defaultConfig()));
    const templates = loadSetupTemplates(found.source, { serverless: args.serverless });
    const pull = await ensureSetupPull(ctx, {
      defaultBranch: repository.default_branch,
      templates,
      askedAgain: true,
    });
    out(
      pull
        ? `The "Set up Baton" pull request: ${pull.url}`
        : `${args.repo} has Baton's files already: nothing to set up.`,
    );
    out(nextSteps({ repo: args.repo, serverless: args.serverless, appId: env.APP_ID }));
    return 0;
  } catch (error) {
    err(`baton setup: ${describeSetupFailure(error)}`);
    return 1;
  }
}

/**
 * Why setup stopped, in the doctor's words (`classifyGitHubFailure`): GitHub
 * not reached and what to check, or GitHub's refusal with its status.
 */
function describeSetupFailure(error: unknown): string {
  const failure = classifyGitHubFailure(error);
  switch (failure.kind) {
    case 'unreachable':
      return `${describeGitHubFailure(failure)}: ${reachFix(failure.layer)}`;
    case 'refused':
      return describeGitHubFailure(failure);
    case 'other':
      return `GitHub did not answer as expected: ${messageOf(error)}`;
    default: {
      const _exhaustive: never = failure;
      return _exhaustive;
    }
  }
}

/** What to do next, as commands a person can paste (the `gh` CLI), in order. */
function nextSteps({
  repo,
  serverless,
  appId,
}: {
  repo: string;
  serverless: boolean;
  appId: string;
}): string {
  const cli = cliCommand();
  const steps = serverless
    ? [
        `gh secret set ANTHROPIC_API_KEY --repo ${repo}`,
        `gh variable set BATON_APP_ID --body ${appId} --repo ${repo}`,
        `${cli} setup --private-key | gh secret set BATON_APP_PRIVATE_KEY --repo ${repo}`,
      ]
    : [
        `gh secret set ANTHROPIC_API_KEY --repo ${repo}`,
        `gh variable set BATON_APP_URL --body https://<the app's public URL> --repo ${repo}`,
      ];
  return [
    '',
    'Next:',
    ...steps.map((step, i) => `  ${i + 1}. ${step}`),
    `  ${steps.length + 1}. merge the pull request`,
    `  ${steps.length + 2}. ${cli} doctor --repo ${repo}`,
    ...(serverless
      ? [
          '',
          'Anyone who can push a workflow to the repository can read BATON_APP_PRIVATE_KEY: keep the app installed on the repositories that run it only (docs/security.md, "Server-less mode").',
        ]
      : []),
  ].join('\n');
}

function parseArgs(
  argv: readonly string[],
):
  | { kind: 'setup'; repo: string; serverless: boolean }
  | { kind: 'private-key' }
  | 'help'
  | string {
  let repo: string | undefined;
  let serverless = false;
  let privateKey = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--serverless') serverless = true;
    else if (arg === '--private-key') privateKey = true;
    else if (arg === '--repo') repo = argv[++i];
    else if (arg.startsWith('--repo=')) repo = arg.slice('--repo='.length);
    else return `unknown argument "${arg}"`;
  }
  if (privateKey)
    return repo || serverless ? '--private-key takes no other option' : { kind: 'private-key' };
  if (!repo) return '--repo owner/name is required';
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
    return `--repo must be owner/name, not "${repo}"`;
  return { kind: 'setup', repo, serverless };
}
