/**
 * One run of a workflow file on this machine, as Actions would run it
 * ("Using jobs in a workflow", "Workflow syntax for GitHub Actions",
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax):
 * its jobs in the order `needs` gives them, each skipped or run by its `if:`
 * (`success()` of its needs unless a status function says otherwise; a job
 * whose needs failed or were skipped is skipped), its steps' `if:`, `env:` and
 * `with:` from the file's own expressions (sim/actions/expressions.ts), each
 * `run:` in `bash -e` with `$GITHUB_OUTPUT` read back into `steps.<id>.outputs`,
 * its outputs for the jobs after it. A job naming an `environment:` whose
 * deployment branches leave the run's branch out fails, as GitHub refuses it.
 * What a `uses:` does is the caller's (`actions`, by action name): the
 * simulator plays no action's own code.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluateCondition, interpolate } from './expressions.js';

interface StepSpec {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface JobSpec {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: StepSpec[];
}

export type JobResult = 'success' | 'failure' | 'skipped';

/** A job as it ended: its result, outputs and what its steps printed. */
export interface PlayedJob {
  result: JobResult;
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

async function playJob(
  name: string,
  spec: JobSpec,
  played: Record<string, PlayedJob>,
  options: PlayWorkflowOptions,
): Promise<PlayedJob> {
  const needs = Object.fromEntries(
    needsOf(spec).map((need) => [
      need,
      { result: played[need]?.result, outputs: played[need]?.outputs },
    ]),
  );
  const ok = needsOf(spec).every((need) => played[need]?.result === 'success');
  const given = {
    github: options.github,
    vars: options.vars ?? {},
    secrets: options.secrets ?? {},
  };
  if (!passes(spec.if, ok, { ...given, needs })) return { result: 'skipped', outputs: {}, log: '' };
  const environment =
    typeof spec.environment === 'string' ? spec.environment : (spec.environment?.name ?? null);
  const branches = environment ? options.environments?.[environment]?.branches : undefined;
  if (branches && !branches.includes(String(options.github.ref_name))) {
    const log = `Branch "${String(options.github.ref_name)}" is not allowed to deploy to ${environment} due to environment protection rules.`;
    return { result: 'failure', outputs: {}, log };
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
  const jobEnv = { ...(await options.jobEnv?.(job)) };
  const steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  let failed = false;
  let log = '';
  for (const [index, step] of spec.steps.entries()) {
    const contexts = { ...base, needs, steps, runner: { temp: job.temp }, env: jobEnv };
    if (!passes(step.if, !failed, contexts)) continue;
    const values = (record: Record<string, unknown> = {}) =>
      Object.fromEntries(
        Object.entries(record).map(([key, value]) => [key, interpolate(String(value), contexts)]),
      );
    let outputs: Record<string, string> = {};
    let code = 0;
    if (step.uses) {
      const action = options.actions[step.uses.split('@')[0] ?? ''];
      if (!action) throw new Error(`the simulator plays no ${step.uses}`);
      try {
        outputs = await action({ with: values(step.with), job });
      } catch (error) {
        code = 1;
        log += `${step.uses}: ${error instanceof Error ? error.message : String(error)}\n`;
      }
    } else if (step.run !== undefined) {
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
      code = ran.code;
      log += ran.output;
      outputs = parseOutputs(await readFile(output, 'utf8'));
    }
    if (step.id) steps[step.id] = { outputs, outcome: code === 0 ? 'success' : 'failure' };
    if (code !== 0) failed = true;
  }
  const outputs = Object.fromEntries(
    Object.entries(spec.outputs ?? {}).map(([key, value]) => [
      key,
      interpolate(value, { ...base, needs, steps }),
    ]),
  );
  return { result: failed ? 'failure' : 'success', outputs, log };
}

/** `$GITHUB_OUTPUT`'s lines: `name=value`, or `name<<DELIMITER` … `DELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const many = /^([\w-]+)<<(.+)$/.exec(line);
    if (many?.[1] && many[2]) {
      const end = lines.indexOf(many[2], i + 1);
      outputs[many[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else {
      const at = line.indexOf('=');
      if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
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
