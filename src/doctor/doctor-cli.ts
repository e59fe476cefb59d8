import { type AppCliOptions, type AppOctokit, appProbot } from '../cli/app-probot.js';
import { withDotEnv } from '../cli/dot-env.js';
import { argsOrExit, cliOutput } from '../cli/io.js';
import { terminalJson } from '../cli/terminal-text.js';
import { doctorExitCode, renderDoctor } from '../core/doctor/doctor.js';
import { messageOf } from '../github/client/types.js';
import { readAppManifest } from './app-manifest.js';
import { runDoctor } from './run-doctor.js';

const USAGE = `usage: baton doctor --repo owner/name [--json] [--no-session] [--timeout SECONDS]

Checks that Baton works on a repository before its first build, one line each:
the app authenticates and is installed there with every permission and event
app.yml asks for; the session workflow is Baton's and pins a commit its source
has; .github/baton.yml parses; the variable BATON_APP_URL is the app's.
The app's credentials come from .env (in the current folder) or the
environment, as \`npm start\` reads them. When those pass, it dispatches a
doctor session (the workflow with role doctor): its agent job checks the model
key and models, its publish job trades its token at the app and probes GitHub.
Exit 0 only when every check passes.

Options:
  --repo owner/name  the repository to check
  --json             print the checks as JSON
  --no-session       only the checks that need no dispatch
  --timeout SECONDS  how long to wait for the doctor session (default 300)
  -h, --help         print this help

See docs/doctor.md.`;

/** Overrides for tests: those of every command that acts as the app, and how often the doctor session is looked at. */
export interface DoctorCliOptions extends AppCliOptions {
  /** Between two looks at the doctor session's run (tests shorten it). */
  pollMs?: number;
}

/** `baton doctor`: answers the process exit code (0 all ok, 1 a check failed, 2 bad usage). */
export async function main(
  argv: readonly string[],
  source: Record<string, string | undefined>,
  options: DoctorCliOptions = {},
): Promise<number> {
  const io = cliOutput(options);
  const { out, err } = io;
  const args = argsOrExit('baton doctor', USAGE, parseArgs(argv), io);
  if (typeof args === 'number') return args;
  const env = withDotEnv(source, options.cwd ?? process.cwd());
  if (!env.APP_ID || !(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
    err(
      'baton doctor: APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are not set: run it where the app runs, beside its .env, or export them',
    );
    return 2;
  }
  // The app's code is not the code its sessions run: said first, as a warning, not a failed check.
  const probot = appProbot({ command: 'baton doctor', env, options, err });
  const [owner = '', repo = ''] = args.repo.split('/');
  try {
    const checks = await runDoctor(
      {
        app: (await probot.auth()) as AppOctokit,
        installation: async (id) => (await probot.auth(id)) as AppOctokit,
        env,
        manifest: readAppManifest(),
        serverUrl: env.GHE_HOST
          ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}`
          : 'https://github.com',
        session: args.session
          ? { timeoutMs: args.timeoutSeconds * 1000, pollMs: options.pollMs ?? 3_000 }
          : null,
      },
      { owner, repo },
    );
    out(
      args.json ? terminalJson({ ok: doctorExitCode(checks) === 0, checks }) : renderDoctor(checks),
    );
    return doctorExitCode(checks);
  } catch (error) {
    err(`baton doctor: GitHub did not answer as expected: ${messageOf(error)}; run it again`);
    return 1;
  }
}

function parseArgs(
  argv: readonly string[],
): { repo: string; json: boolean; session: boolean; timeoutSeconds: number } | 'help' | string {
  let repo: string | undefined;
  let json = false;
  let session = true;
  let timeoutSeconds = 300;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') json = true;
    else if (arg === '--no-session') session = false;
    else if (arg === '--timeout') {
      timeoutSeconds = Number(argv[++i]);
      if (!(timeoutSeconds > 0)) return '--timeout takes a number of seconds';
    } else if (arg === '--repo') repo = argv[++i];
    else if (arg.startsWith('--repo=')) repo = arg.slice('--repo='.length);
    else return `unknown argument "${arg}"`;
  }
  if (!repo) return '--repo owner/name is required';
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
    return `--repo must be owner/name, not "${repo}"`;
  return { repo, json, session, timeoutSeconds };
}
