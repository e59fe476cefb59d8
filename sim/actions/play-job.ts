/**
 * One job of a session's run on the simulated runner, as the workflow runs
 * it: its own folders, its checkout, the artifact it downloads, its Baton step
 * as a real process with the environment the workflow gives it, the artifact
 * it uploads, and the outputs its step wrote to `$GITHUB_OUTPUT`.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimRun } from '../github/records.js';
import { readOnlyToken } from '../github/tokens.js';
import {
  type ActionsRunnerOptions,
  JOB_LIMIT_MS,
  type JobRecord,
} from './actions-runner-options.js';
import { checkout } from './checkout.js';
import {
  asksTheApp,
  type JobDirs,
  type JobName,
  type JobWorld,
  jobEnv,
  type ReviewHead,
  runsTheModel,
} from './job-env.js';
import { setUpJob } from './project-setup.js';
import { batonCommand, runStep, sessionCommand, stepInputs } from './run-step.js';
import { sourceBundle } from './source-bundle.js';
import { parseOutputs } from './step-outputs.js';
import { canConfineSimJobs, removeSimToolUser, simToolUser } from './tool-user.js';

/** A repository's own setup, which the jobs that run the model run first (docs/sessions.md). */
const SETUP_ACTION = '.github/actions/baton-setup/action.yml';

/** A job as it ended: its record for the runner's log, and its step's outputs. */
export interface EndedJob {
  record: JobRecord;
  outputs: Record<string, string>;
}

/** One job of a run attempt, as the runner plays it. */
interface JobCall {
  options: ActionsRunnerOptions;
  run: SimRun;
  job: JobName;
  cancelled: () => boolean;
  /** The job's id, which GitHub puts in its OIDC token as `check_run_id`. */
  checkRunId: number;
  /** What the review jobs review: the head they check out, and their session's env. */
  review?: ReviewHead | undefined;
}

export async function playJob({
  options,
  run,
  job,
  root,
  cancelled,
  checkRunId,
  review,
}: JobCall & {
  /** The run's folder: each job's folders, and the artifacts, are under it. */
  root: string;
}): Promise<EndedJob> {
  const dirs: JobDirs = {
    workspace: join(root, job, 'workspace'),
    temp: join(root, job, 'temp'),
    home: join(root, job, 'home'),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  const record = { runId: run.id, attempt: run.runAttempt, job, summary: '' };
  try {
    // The review jobs check out the head publish pushed (`ref: <sha>`), the others the run's commit.
    await checkout({
      remote: options.gitUrl,
      token: readOnlyToken(run.id, options.gh.repositoryId),
      branch: run.headBranch,
      sha: review?.head ?? run.headSha,
      dir: dirs.workspace,
      detached: review !== undefined,
    });
  } catch (error) {
    const stderr = `checkout failed: ${String(error)}`;
    return { record: { ...record, code: 1, stdout: '', stderr }, outputs: {} };
  }
  await download(root, { job, temp: dirs.temp });
  const outcome = await runBatonStep({ options, run, job, dirs, cancelled, checkRunId, review });
  const summary = await readFile(join(dirs.temp, 'step-summary.md'), 'utf8').catch(() => '');
  const written = await readFile(join(dirs.temp, 'github-output'), 'utf8').catch(() => '');
  await upload(root, { job, ok: outcome.code === 0 });
  return { record: { ...record, ...outcome, summary }, outputs: parseOutputs(written) };
}

/**
 * The job's Baton step (`uses: <baton>/action`, its `command:` by the job), after the
 * repository's setup where the job has it, with the job's environment, its OIDC token
 * request where it asks the app, and a throwaway tools user where it runs the model.
 */
async function runBatonStep({
  options,
  run,
  job,
  dirs,
  cancelled,
  checkRunId,
  review,
}: JobCall & { dirs: JobDirs }) {
  // The workflow's "Set up your project" step, where the repository has a setup action.
  const setUp =
    runsTheModel(job) && existsSync(join(dirs.workspace, SETUP_ACTION))
      ? await setUpJob(dirs.workspace, 'npm', { copy: true })
      : {};
  const world: JobWorld = {
    ...options.world,
    repository: options.gh.fullName,
    repositoryId: options.gh.repositoryId,
    audience: options.world.audience ?? 'baton',
  };
  // Each job's token names the run's commit and branch (GITHUB_SHA), whatever it checked out.
  const grant = asksTheApp(job)
    ? options.issuer.grant({
        repository: world.repository,
        repositoryId: world.repositoryId,
        ref: run.headBranch,
        sha: run.headSha,
        runId: run.id,
        runAttempt: run.runAttempt,
        actor: options.gh.botLogin,
        checkRunId,
      })
    : undefined;
  const eventPath = await writeEvent(options, run, dirs.temp);
  await writeFile(join(dirs.temp, 'github-output'), '');
  const code = options.code ?? 'action';
  // As the workflow sets BATON_TOOL_USER on the model's step: confined, behind the egress rules.
  const toolUser =
    runsTheModel(job) && (options.toolUsers ?? canConfineSimJobs()) ? simToolUser() : null;
  return runStep({
    command:
      code === 'source'
        ? [
            process.execPath,
            await sourceBundle('sim/actions/baton-cli.ts'),
            'session',
            sessionCommand(job),
          ]
        : batonCommand(job, code),
    cwd: dirs.workspace,
    env: {
      ...jobEnv({
        job,
        run,
        dirs,
        world,
        ...(grant ? { grant } : {}),
        ...(review ? { review } : {}),
      }),
      GITHUB_EVENT_PATH: eventPath,
      ...setUp,
      ...stepInputs(job, code),
      ...(toolUser ? { BATON_TOOL_USER: toolUser } : {}),
    },
    timeoutMs: options.jobTimeoutMs ?? JOB_LIMIT_MS,
    cancelled,
  }).finally(async () => {
    if (toolUser) await removeSimToolUser(toolUser);
  });
}

/** The event that started the run, as the runner writes it; sessions read the default branch from it. */
async function writeEvent(options: ActionsRunnerOptions, run: SimRun, temp: string) {
  const { gh } = options;
  const eventPath = join(temp, 'event.json');
  await writeFile(
    eventPath,
    JSON.stringify({
      inputs: run.inputs,
      ref: `refs/heads/${run.headBranch}`,
      repository: {
        full_name: gh.fullName,
        default_branch: gh.defaultBranch,
        private: gh.visibility !== 'public',
        visibility: gh.visibility,
      },
      sender: { login: gh.botLogin },
    }),
  );
  return eventPath;
}

/**
 * The artifacts a run's jobs hand on, as the workflow names them: each uploaded from one
 * job's folder under RUNNER_TEMP (`from`; after a failure too where its upload step has
 * `if: always()`) for one job after it (`to`), into the same folder there. The review's
 * is an artifact of its own, which its publish takes by id: never the agent's.
 */
const ARTIFACTS = [
  { name: 'baton-views', from: 'views', to: 'agent', folder: 'baton-views', always: false },
  { name: 'baton-out', from: 'agent', to: 'publish', folder: 'baton-out', always: true },
  {
    name: 'baton-review-out',
    from: 'review',
    to: 'review-publish',
    folder: 'baton-out',
    always: true,
  },
] as const;

/** `upload-artifact` with `if-no-files-found: warn`: an empty or missing folder uploads nothing. */
async function upload(root: string, { job, ok }: { job: JobName; ok: boolean }): Promise<void> {
  for (const { name, from, folder, always } of ARTIFACTS) {
    if (from !== job || !(ok || always)) continue;
    const out = join(root, job, 'temp', folder);
    const files = await readdir(out).catch(() => []);
    if (files.length > 0) await cp(out, join(root, 'artifacts', name), { recursive: true });
  }
}

/** `download-artifact` with `continue-on-error`: no artifact leaves the folder (BATON_OUT, BATON_VIEWS) missing. */
async function download(root: string, { job, temp }: { job: JobName; temp: string }) {
  for (const { name, to, folder } of ARTIFACTS) {
    if (to !== job) continue;
    const artifact = join(root, 'artifacts', name);
    if (existsSync(artifact)) await cp(artifact, join(temp, folder), { recursive: true });
  }
}
