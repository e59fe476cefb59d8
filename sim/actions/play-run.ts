/**
 * One run attempt of the Baton workflow on the simulated runner: its two jobs
 * in their folders, the artifact handed between them, the run's conclusion.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimJob, SimRun } from '../github/records.js';
import {
  type ActionsRunnerOptions,
  JOB_LIMIT_MS,
  type JobRecord,
} from './actions-runner-options.js';
import { checkout } from './checkout.js';
import { type JobDirs, type JobName, type JobWorld, jobEnv } from './job-env.js';
import { setUpJob } from './project-setup.js';
import { batonCommand, runStep, stepInputs } from './run-step.js';
import { sourceBundle } from './source-bundle.js';
import { canConfineSimJobs, removeSimToolUser, simToolUser } from './tool-user.js';

/** A repository's own setup, which the agent job runs before the session (docs/sessions.md). */
const SETUP_ACTION = '.github/actions/baton-setup/action.yml';

/**
 * One run attempt, as the workflow runs it: `agent`, its BATON_OUT handed on
 * as the artifact would be, then `publish` (which runs after a failed agent
 * too, `if: always()`), then the run's conclusion. A run cancelled meanwhile
 * keeps the conclusion the cancel gave it.
 */
export async function playRun({
  options,
  run,
  jobs,
  closing,
}: {
  options: ActionsRunnerOptions;
  run: SimRun;
  jobs: JobRecord[];
  /** True once the runner is closing: the run is stopped and cancelled. */
  closing: () => boolean;
}): Promise<void> {
  const { gh } = options;
  const attempt = run.runAttempt;
  run.status = 'in_progress';
  run.updatedAt = gh.now();
  gh.events.run('in_progress', run);
  const root = await mkdtemp(join(tmpdir(), `baton-sim-run-${run.id}-`));
  const cancelled = () => closing() || run.status === 'completed' || run.runAttempt !== attempt;
  // The attempt's jobs as the API lists them; `needs: agent` keeps publish queued until agent ends,
  // and a change set's plan session's views job (input `views`) comes first.
  const views = Boolean(run.inputs.views);
  const viewsJob: SimJob = { id: gh.nextId(), name: 'baton views', status: 'in_progress' };
  const agentJob: SimJob = {
    id: gh.nextId(),
    name: 'baton agent',
    status: views ? 'queued' : 'in_progress',
  };
  const publishJob: SimJob = { id: gh.nextId(), name: 'baton publish', status: 'queued' };
  run.jobs = views ? [viewsJob, agentJob, publishJob] : [agentJob, publishJob];
  // Plays one job to its end, and lists it as the API would.
  const play = async (job: JobName, listed: SimJob) => {
    listed.status = 'in_progress';
    const record = await playJob({ options, run, job, root, cancelled, checkRunId: listed.id });
    listed.status = 'completed';
    listed.conclusion = record.code === 0 ? 'success' : 'failure';
    jobs.push(record);
    return record;
  };
  try {
    if (views) {
      const fetched = await play('views', viewsJob);
      if (cancelled()) return;
      // `needs: views` with `if: !cancelled() && needs.views.result != 'failure'`.
      if (fetched.code !== 0) {
        agentJob.status = 'completed';
        agentJob.conclusion = 'skipped';
        await upload(root, 'out');
        await play('publish', publishJob);
        gh.finishRun(run.id, 'failure');
        return;
      }
      await upload(root, 'views');
    }
    const agent = await play('agent', agentJob);
    if (cancelled()) return;
    await upload(root, 'out');
    const publish = await play('publish', publishJob);
    if (cancelled()) return;
    gh.finishRun(run.id, agent.code === 0 && publish.code === 0 ? 'success' : 'failure');
  } finally {
    await endRun({ options, run, root, closing });
  }
}

/**
 * What ends every played run, whichever way it went: a run the runner's
 * closing stopped is cancelled, and its folders go unless kept.
 */
export async function endRun({
  options,
  run,
  root,
  closing,
}: {
  options: ActionsRunnerOptions;
  run: SimRun;
  root: string;
  closing: () => boolean;
}): Promise<void> {
  if (closing() && run.conclusion === null) options.gh.finishRun(run.id, 'cancelled');
  if (!options.keepFolders) await rm(root, { recursive: true, force: true });
}

async function playJob({
  options,
  run,
  job,
  root,
  cancelled,
  checkRunId,
}: {
  options: ActionsRunnerOptions;
  run: SimRun;
  job: JobName;
  root: string;
  cancelled: () => boolean;
  /** The job's id, which GitHub puts in its OIDC token as `check_run_id`. */
  checkRunId: number;
}): Promise<JobRecord> {
  const dirs: JobDirs = {
    workspace: join(root, job, 'workspace'),
    temp: join(root, job, 'temp'),
    home: join(root, job, 'home'),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  const record = { runId: run.id, attempt: run.runAttempt, job, summary: '' };
  try {
    await checkout({
      remote: options.gitUrl,
      branch: run.headBranch,
      sha: run.headSha,
      dir: dirs.workspace,
    });
  } catch (error) {
    return { ...record, code: 1, stdout: '', stderr: `checkout failed: ${String(error)}` };
  }
  if (job === 'publish') await download(root, { kind: 'out', temp: dirs.temp });
  if (job === 'agent') await download(root, { kind: 'views', temp: dirs.temp });
  // The workflow's "Set up your project" step, where the repository has a setup action.
  const setUp =
    job === 'agent' && existsSync(join(dirs.workspace, SETUP_ACTION))
      ? await setUpJob(dirs.workspace, 'npm', { copy: true })
      : {};
  const world: JobWorld = {
    ...options.world,
    repository: options.gh.fullName,
    repositoryId: options.gh.repositoryId,
    audience: options.world.audience ?? 'baton',
  };
  const grant =
    job === 'publish' || job === 'views'
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
  // The runner writes the event that started the run; sessions read the default branch from it.
  const eventPath = join(dirs.temp, 'event.json');
  await writeFile(
    eventPath,
    JSON.stringify({
      inputs: run.inputs,
      ref: `refs/heads/${run.headBranch}`,
      repository: {
        full_name: world.repository,
        default_branch: options.gh.defaultBranch,
        private: options.gh.visibility !== 'public',
        visibility: options.gh.visibility,
      },
      sender: { login: options.gh.botLogin },
    }),
  );
  const code = options.code ?? 'action';
  // As the workflow sets BATON_TOOL_USER on the agent step: confined, behind the egress rules.
  const toolUser =
    job === 'agent' && (options.toolUsers ?? canConfineSimJobs()) ? simToolUser() : null;
  const outcome = await runStep({
    command:
      code === 'source'
        ? [process.execPath, await sourceBundle('sim/actions/baton-cli.ts'), 'session', job]
        : batonCommand(job, code),
    cwd: dirs.workspace,
    env: {
      ...jobEnv({ job, run, dirs, world, ...(grant ? { grant } : {}) }),
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
  const summary = await readFile(join(dirs.temp, 'step-summary.md'), 'utf8').catch(() => '');
  return { ...record, ...outcome, summary };
}

/**
 * The artifacts a run's jobs hand on, each as its workflow names it: the agent
 * job's `baton-out` for the publish job, the views job's `baton-views` for the
 * agent job.
 */
const ARTIFACTS = {
  out: { name: 'artifact', job: 'agent', folder: 'baton-out' },
  views: { name: 'views-artifact', job: 'views', folder: 'baton-views' },
} as const;

/** `upload-artifact` with `if-no-files-found: warn`: an empty or missing folder uploads nothing. */
async function upload(root: string, kind: keyof typeof ARTIFACTS): Promise<void> {
  const { name, job, folder } = ARTIFACTS[kind];
  const out = join(root, job, 'temp', folder);
  const files = await readdir(out).catch(() => []);
  if (files.length > 0) await cp(out, join(root, name), { recursive: true });
}

/** `download-artifact` with `continue-on-error`: no artifact leaves BATON_OUT (BATON_VIEWS) missing. */
async function download(
  root: string,
  { kind, temp }: { kind: keyof typeof ARTIFACTS; temp: string },
): Promise<void> {
  const { name, folder } = ARTIFACTS[kind];
  const artifact = join(root, name);
  const present = await readdir(artifact).then(
    () => true,
    () => false,
  );
  if (present) await cp(artifact, join(temp, folder), { recursive: true });
}

/** What a run that broke inside the runner itself leaves in the jobs log. */
export function crashRecord(run: SimRun, error: unknown): JobRecord {
  return {
    runId: run.id,
    attempt: run.runAttempt,
    job: 'agent',
    code: 1,
    stdout: '',
    stderr: `the simulated runner failed: ${error instanceof Error ? error.stack : String(error)}`,
    summary: '',
  };
}
