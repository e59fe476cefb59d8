import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batonCommand, type CodeSource, stepInputs } from '../sim/actions/run-step.js';
import { listenLocally } from '../test/support/local-server.js';
import { stopAtFirstRequest } from './first-request.js';

/**
 * Baton's own part of a session job's start-up: from the moment the job's
 * Baton step starts (the process is spawned, checkout already done) to the
 * first request it sends, the agent's to the model or GitHub and publish's to
 * the OIDC token endpoint or GitHub. Every URL of the job's environment
 * points at one local server that notes the time of the first request and
 * answers 503, so the process stops soon after. Measured for the session
 * action's bundle (what sessions run) and, for comparison, the sources
 * through tsx. The old workflow's clone + `npm install` + `tsc` is measured
 * separately (bench/results.md says how).
 */
export interface StartupReport {
  samples: number;
  /** code → job → median and max ms from spawn to the first request. */
  jobs: Array<{ code: CodeSource; job: BenchJob; medianMs: number; maxMs: number }>;
}

/** A session's two jobs, and the conductor's two steps (server-less mode; the action only). */
type BenchJob = 'agent' | 'publish' | 'route' | 'conduct';

export async function measureStartup({ samples = 5 } = {}): Promise<StartupReport> {
  const jobs: StartupReport['jobs'] = [];
  for (const code of ['action', 'source'] as const) {
    const measured: BenchJob[] =
      code === 'action' ? ['agent', 'publish', 'route', 'conduct'] : ['agent', 'publish'];
    for (const job of measured) {
      const times: number[] = [];
      for (let i = 0; i < samples; i += 1) times.push(await firstRequestMs(code, job));
      times.sort((a, b) => a - b);
      jobs.push({
        code,
        job,
        medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN,
        maxMs: times.at(-1) ?? Number.NaN,
      });
    }
  }
  return { samples, jobs };
}

async function firstRequestMs(code: CodeSource, job: BenchJob): Promise<number> {
  let first: number | null = null;
  // Until `timing`, requests are the preparing agent's, answered 400 so it stops at once.
  let timing = false;
  const server = createServer((req, res) => {
    if (timing) first ??= performance.now();
    req.resume();
    res.writeHead(timing ? 503 : 400, {
      'content-type': 'application/json',
      'retry-after': '3600',
    });
    res.end('{"message":"bench"}');
  });
  const url = await listenLocally(server);
  const root = await mkdtemp(join(tmpdir(), 'baton-bench-startup-'));
  try {
    const workspace = join(root, 'workspace');
    const out = join(root, 'baton-out');
    await mkdir(workspace);
    await mkdir(out);
    execFileSync('git', ['init', '-q', '-b', 'baton/1-x', workspace]);
    execFileSync('git', ['-C', workspace, 'commit', '-q', '--allow-empty', '-m', 'x'], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'b',
        GIT_AUTHOR_EMAIL: 'b@b',
        GIT_COMMITTER_NAME: 'b',
        GIT_COMMITTER_EMAIL: 'b@b',
      },
    });
    await writeFile(join(root, 'summary.md'), '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: root,
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: url,
      GITHUB_SERVER_URL: url,
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_REPOSITORY_ID: '1',
      GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REF: 'refs/heads/baton/1-x',
      GITHUB_SHA: execFileSync('git', ['-C', workspace, 'rev-parse', 'HEAD'], {
        encoding: 'utf8',
      }).trim(),
      GITHUB_STEP_SUMMARY: join(root, 'summary.md'),
      RUNNER_TEMP: root,
      BATON_ROLE: 'plan',
      BATON_BUILD: '1-x',
      BATON_ISSUE: '1',
      BATON_OUT: out,
      ...(job === 'agent'
        ? { GITHUB_TOKEN: 'bench', ANTHROPIC_API_KEY: 'bench', ANTHROPIC_BASE_URL: url }
        : job === 'publish'
          ? {
              BATON_APP_URL: url,
              BATON_OIDC_AUDIENCE: 'baton',
              ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/idtoken`,
              ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bench',
            }
          : await conductorEnv(root, job)),
      ...(job === 'route' || job === 'conduct' ? { INPUT_COMMAND: job } : stepInputs(job, code)),
    };
    if (job === 'publish') {
      // Publish needs the agent's output: a failed agent's result.json, as a session with a broken model leaves.
      const [agentFile = process.execPath, ...agentArgs] = batonCommand('agent', 'action');
      const agentEnv = {
        ...env,
        GITHUB_TOKEN: 'bench',
        ANTHROPIC_API_KEY: 'bench',
        ANTHROPIC_BASE_URL: url,
        ...stepInputs('agent', 'action'),
      };
      const agent = spawn(agentFile, agentArgs, { cwd: workspace, env: agentEnv, stdio: 'ignore' });
      await new Promise((resolve) => agent.on('close', resolve));
    }
    timing = true;
    const [file = process.execPath, ...args] =
      job === 'route' || job === 'conduct'
        ? batonCommand('agent', 'action')
        : batonCommand(job, code);
    const started = performance.now();
    const child = spawn(file, args, { cwd: workspace, env, stdio: 'ignore' });
    await stopAtFirstRequest(child, () => first !== null);
    if (first === null) throw new Error(`${code} ${job} made no request`);
    return (first as number) - started;
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The conductor's step environment: a label event (the route reads the config, its first
 * request) and, for `conduct`, the app's id and a key (its first request is `GET /app`).
 */
async function conductorEnv(
  root: string,
  job: 'route' | 'conduct',
): Promise<Record<string, string>> {
  const event = join(root, 'event.json');
  await writeFile(
    event,
    JSON.stringify({
      action: 'labeled',
      issue: { number: 1 },
      label: { name: 'orchestrate' },
      sender: { type: 'User' },
      repository: { id: 1, default_branch: 'main' },
    }),
  );
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    GITHUB_EVENT_NAME: 'issues',
    GITHUB_EVENT_PATH: event,
    GITHUB_OUTPUT: join(root, 'output.txt'),
    GITHUB_TOKEN: 'bench',
    ...(job === 'conduct' ? { BATON_APP_ID: '1', BATON_APP_PRIVATE_KEY: privateKey } : {}),
  };
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(await measureStartup()));
}
