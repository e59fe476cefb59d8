/**
 * One run of a workflow file on this machine, as Actions would run it
 * ("Using jobs in a workflow", "Workflow syntax for GitHub Actions",
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax):
 * its jobs in the order `needs` gives them, each skipped or run by its `if:`
 * (`success()` of its needs unless a status function says otherwise; a job
 * whose needs failed or were skipped is skipped), its `env:`, its steps' `if:`,
 * `env:` and `with:` from the file's own expressions (sim/actions/expressions.ts,
 * with the `inputs`, `needs` and `steps` contexts), each `run:` in `bash -e`
 * with `$GITHUB_OUTPUT` read back into `steps.<id>.outputs`, its `outputs:`
 * for the jobs after it. `continue-on-error` on a step leaves its job going
 * (`steps.<id>.outcome` failure, `.conclusion` success); on a job it leaves
 * the run's conclusion alone, and the jobs after it see its result as
 * `success`, as GitHub shows them (actions/runner#1161), while the job itself
 * ended `failure`. A job naming an `environment:` whose deployment branches
 * leave the run's branch out fails, as GitHub refuses it. What a `uses:` does
 * is the caller's (`actions`, by action name): the simulator plays no action's
 * own code.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluateCondition, interpolate } from './expressions.js';
import { parseOutputs } from './step-outputs.js';

interface StepSpec {
  id?: string;
  if?: string;
  'continue-on-error'?: boolean | string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface JobSpec {
  needs?: string | string[];
  if?: string;
  'continue-on-error'?: boolean | string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: StepSpec[];
}

export type JobResult = 'success' | 'failure' | 'skipped';

/** A job as it ended: its result, outputs and what its steps printed. */
export interface PlayedJob {
  /** How the job ended, as its check run and the run's jobs listing show it. */
  result: JobResult;
  /**
   * What the jobs after it see as `needs.<job>.result`, and what counts for the
   * run's conclusion: `success` for a failed job with `continue-on-error`.
   */
  needsResult: JobResult;
  outputs: Record<string, string>;
  log: string;
}

/** What a job is, as its `uses:` handlers and its environment see it. */
export interface JobContext {
  name: string;
  workspace: string;
  temp: string;
  permissions: Record<string, string>;
  environment: string | null;
}

/** What a `uses:` step does, with its `with:` interpolated; answers its outputs. */
export type ActionPlay = (step: {
  with: Record<string, string>;
  job: JobContext;
}) => Promise<Record<string, string>>;

export interface PlayWorkflowOptions {
  /** The workflow file's text. */
  text: string;
  /** The `github` context: `sha`, `ref`, `ref_name`, `repository`, … */
  github: Record<string, unknown>;
  /** The `inputs` context: a dispatch's inputs. */
  inputs?: Record<string, string>;
  /** A job's `github.token`, by what its permissions allow. */
  tokenFor?: (job: JobContext) => string;
  /** `run:` texts the caller stands in for, by their text, with what runs instead. */
  stand?: Record<string, string>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Every step's environment before the job's own (PATH, npm's settings, …). */
  env: NodeJS.ProcessEnv;
  /** What each job adds to its steps' environment: a token, an OIDC grant. */
  jobEnv?: (job: JobContext) => Record<string, string> | Promise<Record<string, string>>;
  /** Where the run's jobs get their folders; removed by the caller. */
  folder: string;
  actions: Record<string, ActionPlay>;
  /** Each environment's deployment branches; an environment not listed takes any branch. */
  environments?: Record<string, { branches: string[] }>;
}

const STATUS_FUNCTIONS = /\b(success|failure|always|cancelled)\(\)/;

/** Plays every job of the workflow once; answers each job's end by name. */
export async function playWorkflow(
  options: PlayWorkflowOptions,
): Promise<Record<string, PlayedJob>> {
  const jobs = (parse(options.text) as { jobs: Record<string, JobSpec> }).jobs;
  const played: Record<string, PlayedJob> = {};
  const waiting = Object.keys(jobs);
  while (waiting.length > 0) {
    const name = waiting.find((one) => needsOf(jobs[one]).every((need) => played[need]));
    if (!name) throw new Error(`the jobs ${waiting.join(', ')} need each other`);
    waiting.splice(waiting.indexOf(name), 1);
    played[name] = await playJob(name, jobs[name] as JobSpec, played, options);
  }
  return played;
}

/**
 * The run's conclusion once its jobs ended: `failure` when a job failed that
 * had no `continue-on-error`, `success` otherwise (skipped jobs included).
 */
export function runConclusion(played: Record<string, PlayedJob>): 'success' | 'failure' {
  return Object.values(played).some((job) => job.needsResult === 'failure') ? 'failure' : 'success';
}

function needsOf(job: JobSpec | undefined): string[] {
  const needs = job?.needs ?? [];
  return typeof needs === 'string' ? [needs] : needs;
}

/** A condition with its status functions answered: none in it means `success() && (…)`. */
function passes(condition: string | undefined, ok: boolean, contexts: Record<string, unknown>) {
  const text = condition ?? 'success()';
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text;
  if (!STATUS_FUNCTIONS.test(inner) && !ok) return false;
  const answered = inner
    .replace(/\bsuccess\(\)/g, String(ok))
    .replace(/\bfailure\(\)/g, String(!ok))
    .replace(/\balways\(\)/g, 'true')
    .replace(/\bcancelled\(\)/g, 'false');
  return evaluateCondition(answered, contexts);
}

/** `continue-on-error: true`, written as a boolean or as an expression's text. */
function continuesOnError(value: boolean | string | undefined, contexts: Record<string, unknown>) {
  if (typeof value === 'string') return evaluateCondition(value, contexts);
  return value === true;
}

/** A job's end, with what the jobs after it see: a failure it continues on is a success to them. */
function ended(
  result: JobResult,
  rest: { outputs: Record<string, string>; log: string; continueOnError?: boolean },
): PlayedJob {
  const needsResult = result === 'failure' && rest.continueOnError ? 'success' : result;
  return { result, needsResult, outputs: rest.outputs, log: rest.log };
}

async function playJob(
  name: string,
  spec: JobSpec,
  played: Record<string, PlayedJob>,
  options: PlayWorkflowOptions,
): Promise<PlayedJob> {
  // `needs.<job>.result` is what the job continued as; its outputs are there even when it failed.
  const needs = Object.fromEntries(
    needsOf(spec).map((need) => [
      need,
      { result: played[need]?.needsResult, outputs: played[need]?.outputs },
    ]),
  );
  const ok = needsOf(spec).every((need) => played[need]?.needsResult === 'success');
  const given = {
    github: options.github,
    inputs: options.inputs ?? {},
    vars: options.vars ?? {},
    secrets: options.secrets ?? {},
    needs,
  };
  if (!passes(spec.if, ok, given)) return ended('skipped', { outputs: {}, log: '' });
  const continueOnError = continuesOnError(spec['continue-on-error'], given);
  const environment =
    typeof spec.environment === 'string' ? spec.environment : (spec.environment?.name ?? null);
  const branches = environment ? options.environments?.[environment]?.branches : undefined;
  if (branches && !branches.includes(String(options.github.ref_name))) {
    const log = `Branch "${String(options.github.ref_name)}" is not allowed to deploy to ${environment} due to environment protection rules.`;
    return ended('failure', { outputs: {}, log, continueOnError });
  }
  const root = join(options.folder, name);
  const job: JobContext = {
    name,
    workspace: join(root, 'workspace'),
    temp: join(root, 'temp'),
    permissions: spec.permissions ?? {},
    environment,
  };
  const base = { ...given, github: { ...options.github, token: options.tokenFor?.(job) ?? '' } };
  await rm(root, { recursive: true, force: true });
  await mkdir(job.workspace, { recursive: true });
  await mkdir(job.temp, { recursive: true });
  // The job's `env:` (its contexts: github, inputs, needs, vars, secrets) over what the caller adds.
  const jobEnv = {
    ...(await options.jobEnv?.(job)),
    ...Object.fromEntries(
      Object.entries(spec.env ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value), given),
      ]),
    ),
  };
  const { failed, steps, log } = await playSteps(spec.steps, { job, base, jobEnv, options });
  const outputs = Object.fromEntries(
    Object.entries(spec.outputs ?? {}).map(([key, value]) => [
      key,
      interpolate(value, { ...base, steps, env: jobEnv }),
    ]),
  );
  return ended(failed ? 'failure' : 'success', { outputs, log, continueOnError });
}

/** What a step left for the steps after it: `steps.<id>.outputs`, `.outcome` and `.conclusion`. */
interface StepEnd {
  outputs: Record<string, string>;
  outcome: string;
  conclusion: string;
}

/**
 * A job's steps in order, each run or skipped by its `if:`; a failed step fails the job
 * unless it has `continue-on-error`, and the steps after see `success()` as the job stands.
 */
async function playSteps(
  specs: StepSpec[],
  {
    job,
    base,
    jobEnv,
    options,
  }: {
    job: JobContext;
    base: Record<string, unknown>;
    jobEnv: Record<string, string>;
    options: PlayWorkflowOptions;
  },
): Promise<{ failed: boolean; steps: Record<string, StepEnd>; log: string }> {
  const steps: Record<string, StepEnd> = {};
  let failed = false;
  let log = '';
  for (const [index, step] of specs.entries()) {
    const contexts = { ...base, steps, runner: { temp: job.temp }, env: jobEnv };
    if (!passes(step.if, !failed, contexts)) continue;
    const ran = await playStep(step, { index, job, contexts, jobEnv, options });
    log += ran.log;
    const outcome = ran.code === 0 ? 'success' : 'failure';
    const goesOn = outcome === 'failure' && continuesOnError(step['continue-on-error'], contexts);
    const conclusion = goesOn ? 'success' : outcome;
    if (step.id) steps[step.id] = { outputs: ran.outputs, outcome, conclusion };
    if (conclusion === 'failure') failed = true;
  }
  return { failed, steps, log };
}

/** One step: its action (the caller's play of it) or its `run:`; its exit code, outputs and log. */
async function playStep(
  step: StepSpec,
  {
    index,
    job,
    contexts,
    jobEnv,
    options,
  }: {
    index: number;
    job: JobContext;
    contexts: Record<string, unknown>;
    jobEnv: Record<string, string>;
    options: PlayWorkflowOptions;
  },
): Promise<{ code: number; outputs: Record<string, string>; log: string }> {
  const values = (record: Record<string, unknown> = {}) =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [key, interpolate(String(value), contexts)]),
    );
  if (step.uses) {
    const action = options.actions[step.uses.split('@')[0] ?? ''];
    if (!action) throw new Error(`the simulator plays no ${step.uses}`);
    try {
      return { code: 0, outputs: await action({ with: values(step.with), job }), log: '' };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { code: 1, outputs: {}, log: `${step.uses}: ${message}\n` };
    }
  }
  if (step.run === undefined) return { code: 0, outputs: {}, log: '' };
  const output = join(job.temp, `output-${index}`);
  await writeFile(output, '');
  const ran = await runStep({
    script: options.stand?.[step.run.trim()] ?? interpolate(step.run, contexts),
    cwd: job.workspace,
    env: {
      ...options.env,
      ...jobEnv,
      ...values(step.env),
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: job.temp,
      GITHUB_WORKSPACE: job.workspace,
    },
  });
  return {
    code: ran.code,
    outputs: parseOutputs(await readFile(output, 'utf8')),
    log: ran.output,
  };
}

/** One `run:` as Actions runs it on Linux when no shell is named: `bash -e {0}`. */
function runStep({
  script,
  cwd,
  env,
}: {
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-c', script], { cwd, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
