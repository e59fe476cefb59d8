/**
 * One run of the conductor workflow on the simulated runner, played from the
 * workflow file the run was started with: its `route` job (when its `if:`
 * holds), the route's output, then its `conduct` job in the concurrency group
 * that output names (one at a time per group, in order, none dropped:
 * `queue: max`), each step's `env:` filled from the run's `vars` and
 * `secrets` as Actions fills them. Each job is a real process on Baton's
 * action bundle, as the workflow's `uses:` step runs it.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { SimJob, SimRun } from '../github/records.js';
import { readOnlyToken } from '../github/tokens.js';
import {
  type ActionsRunnerOptions,
  JOB_LIMIT_MS,
  type JobRecord,
} from './actions-runner-options.js';
import { evaluateCondition, interpolate } from './expressions.js';
import { endRun } from './play-run.js';
import { ACTION_BUNDLE, REPO_ROOT, runStep } from './run-step.js';
import { sourceBundle } from './source-bundle.js';
import { parseOutputs } from './step-outputs.js';

interface WorkflowJob {
  name?: string;
  if?: string;
  outputs?: Record<string, string>;
  concurrency?: { group: string };
  steps: { id?: string; with?: { command?: string }; env?: Record<string, string> }[];
}

/** One at a time per concurrency group, first come first served (`queue: max`). */
export class ConcurrencyGroups {
  readonly #tails = new Map<string, Promise<void>>();

  /** Waits for the group; answers what releases it. */
  async acquire(group: string): Promise<() => void> {
    const key = group.toLowerCase();
    const before = this.#tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => mine);
    this.#tails.set(key, tail);
    await before;
    return () => {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}

export async function playConductorRun({
  options,
  run,
  jobs,
  closing,
  groups,
}: {
  options: ActionsRunnerOptions;
  run: SimRun;
  jobs: JobRecord[];
  closing: () => boolean;
  groups: ConcurrencyGroups;
}): Promise<void> {
  const { gh } = options;
  run.status = 'in_progress';
  run.updatedAt = gh.now();
  const text = gh.git.filesOf(run.headSha).get(`.github/workflows/${run.workflow}`) ?? '';
  const workflow = yaml.load(text) as { jobs: { route: WorkflowJob; conduct: WorkflowJob } };
  const routeJob: SimJob = { id: gh.nextId(), name: 'baton route', status: 'queued' };
  const conductJob: SimJob = { id: gh.nextId(), name: 'baton conduct', status: 'queued' };
  run.jobs = [routeJob, conductJob];
  const root = await mkdtemp(join(tmpdir(), `baton-sim-conductor-${run.id}-`));
  const contexts: Record<string, unknown> = {
    github: {
      event_name: run.event,
      event: run.payload ?? {},
      ref: `refs/heads/${run.headBranch}`,
      ref_name: run.headBranch,
      repository: gh.fullName,
      token: readOnlyToken(run.id, gh.repositoryId),
      run_id: String(run.id),
    },
    vars: Object.fromEntries(gh.variables),
    secrets: Object.fromEntries(gh.secrets),
  };
  const skip = (job: SimJob) => Object.assign(job, { status: 'completed', conclusion: 'skipped' });
  // A job that ran: listed as the API would, its record kept.
  const ended = (job: SimJob, record: JobRecord) => {
    Object.assign(job, {
      status: 'completed',
      conclusion: record.code === 0 ? 'success' : 'failure',
    });
    jobs.push(record);
  };
  try {
    if (!evaluateCondition(workflow.jobs.route.if ?? 'true', contexts)) {
      skip(routeJob);
      skip(conductJob);
      gh.finishRun(run.id, 'skipped');
      return;
    }
    routeJob.status = 'in_progress';
    const routed = await playJob({
      options,
      run,
      job: 'route',
      def: workflow.jobs.route,
      root,
      contexts,
    });
    ended(routeJob, routed.record);
    const needs = { route: { outputs: routed.outputs, result: routeJob.conclusion } };
    const withNeeds = { ...contexts, needs };
    const conduct = workflow.jobs.conduct;
    if (routed.record.code !== 0 || !evaluateCondition(conduct.if ?? 'true', withNeeds)) {
      skip(conductJob);
      if (!closing()) gh.finishRun(run.id, routed.record.code === 0 ? 'success' : 'failure');
      return;
    }
    const group = interpolate(conduct.concurrency?.group ?? `run-${run.id}`, withNeeds);
    const release = await groups.acquire(group);
    try {
      if (closing()) return;
      conductJob.status = 'in_progress';
      const conducted = await playJob({
        options,
        run,
        job: 'conduct',
        def: conduct,
        root,
        contexts: withNeeds,
      });
      ended(conductJob, conducted.record);
      if (!closing()) gh.finishRun(run.id, conducted.record.code === 0 ? 'success' : 'failure');
    } finally {
      release();
    }
  } finally {
    await endRun({ options, run, root, closing });
  }
}

async function playJob({
  options,
  run,
  job,
  def,
  root,
  contexts,
}: {
  options: ActionsRunnerOptions;
  run: SimRun;
  job: 'route' | 'conduct';
  def: WorkflowJob;
  root: string;
  contexts: Record<string, unknown>;
}): Promise<{ record: JobRecord; outputs: Record<string, string> }> {
  const { gh } = options;
  const dir = join(root, job);
  await mkdir(join(dir, 'temp'), { recursive: true });
  const eventPath = join(dir, 'temp', 'event.json');
  await writeFile(eventPath, JSON.stringify(run.payload ?? {}));
  const outputPath = join(dir, 'temp', 'output.txt');
  await writeFile(outputPath, '');
  const [step] = def.steps;
  const stepEnv = Object.fromEntries(
    Object.entries(step?.env ?? {}).map(([name, value]) => [name, interpolate(value, contexts)]),
  );
  const command = step?.with?.command ?? job;
  const code = options.code ?? 'action';
  const outcome = await runStep({
    command:
      code === 'action'
        ? [process.execPath, ACTION_BUNDLE]
        : [process.execPath, await sourceBundle('sim/actions/baton-conductor-cli.ts')],
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: options.world.apiUrl,
      GITHUB_SERVER_URL: options.world.serverUrl,
      GITHUB_GRAPHQL_URL: options.world.apiUrl.replace(/\/v3$/, '/graphql'),
      GITHUB_REPOSITORY: gh.fullName,
      GITHUB_REPOSITORY_ID: String(gh.repositoryId),
      GITHUB_RUN_ID: String(run.id),
      GITHUB_RUN_ATTEMPT: String(run.runAttempt),
      GITHUB_EVENT_NAME: run.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REF: `refs/heads/${run.headBranch}`,
      GITHUB_SHA: run.headSha,
      GITHUB_OUTPUT: outputPath,
      GITHUB_WORKFLOW: 'Baton conductor',
      GITHUB_JOB: job,
      RUNNER_TEMP: join(dir, 'temp'),
      LOG_FORMAT: 'json',
      LOG_LEVEL: options.conductorLogLevel ?? 'info',
      INPUT_COMMAND: command,
      ...options.world.extraEnv,
      ...stepEnv,
    },
    timeoutMs: options.jobTimeoutMs ?? JOB_LIMIT_MS,
    cancelled: () => false,
  });
  const written = await readFile(outputPath, 'utf8').catch(() => '');
  const outputs = parseOutputs(written);
  const jobOutputs = Object.fromEntries(
    Object.entries(def.outputs ?? {}).map(([name, value]) => [
      name,
      interpolate(value, { ...contexts, steps: { [step?.id ?? job]: { outputs } } }),
    ]),
  );
  return {
    record: { runId: run.id, attempt: run.runAttempt, job, summary: '', ...outcome },
    outputs: jobOutputs,
  };
}
