import { isMoneyLimit } from '../../core/records/usage.js';
import { isWorkRole, type SessionRole } from '../../core/sessions/session.js';
import type { SessionEnv } from '../env.js';
import type { SessionResult } from '../result.js';
import { appendStepSummary } from '../step-summary.js';
import { type AgentContext, openContext, type RunAgentOptions } from './agent-context.js';
import { git } from './git/git.js';
import { renderJobSummary } from './job-summary.js';
import { runLearnRole } from './learn/learn-role.js';
import {
  createUsageMeter,
  describeUnpriced,
  toUsage,
  type UsageMeter,
} from './model/usage-meter.js';
import { runContractRole } from './roles/contract-role.js';
import { runResearchRole, runSummaryRole } from './roles/loop-roles.js';
import { runPlanRole } from './roles/plan-role.js';
import { runReviewRole } from './roles/review-role.js';
import { failedOutcome, type RoleOutcome } from './roles/role-outcome.js';
import { runSynthesisRole } from './roles/synthesis-role.js';
import { runValidateRole } from './roles/validate-role.js';
import { runWorkRole } from './roles/work-role.js';
import { ensureToolUser } from './sandbox/sandbox-setup.js';
import { writeSessionResult } from './session-output.js';

/** Options of runAgent (test and simulation seams). */
export type { RunAgentOptions } from './agent-context.js';

const MAX_REASON = 4000;

/**
 * `baton session agent`: runs the session's role and leaves `result.json` (and
 * `commits.bundle` when it committed) in BATON_OUT. Whatever happens (a limit,
 * a model error after retries, an exception) the result is written with the
 * usage spent so far, so the publish job can always report, and the job's
 * summary page says how it went. Answers 1 for a failed session (its job shows
 * red in Actions; the publish job runs anyway) or when not even the result
 * could be written; 0 otherwise.
 */
export async function runAgent(env: SessionEnv, options: RunAgentOptions = {}): Promise<number> {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => process.stderr.write(`baton: ${line}\n`));
  const session: RunningSession = { ctx: null, cancellation: [] };
  const stopListening = onCancel(() => {
    log('the run is being cancelled: the model stops, and what the session did is kept');
    session.ctx?.modelProxy.interrupt('the run was cancelled before the session finished');
    for (const listener of session.cancellation) void listener();
  }, options.cancelSignal);
  try {
    return await runAndRecord({ env, options: { ...options, now, log }, session });
  } finally {
    stopListening();
  }
}

/** The session under way: its context once open, and what stops its work when the run is cancelled. */
interface RunningSession {
  ctx: AgentContext | null;
  cancellation: (() => void | Promise<void>)[];
}

async function runAndRecord({
  env,
  options,
  session,
}: {
  env: SessionEnv;
  options: RunAgentOptions & { now: () => number; log: (line: string) => void };
  session: RunningSession;
}): Promise<number> {
  const { now, log } = options;
  const startedAt = now();
  const meter = createUsageMeter();
  let outcome: RoleOutcome;
  try {
    // The roles that run commands check the sandbox first, or fail saying what the runner needs.
    const commands = isWorkRole(env.BATON_ROLE) || env.BATON_ROLE === 'fix';
    if (commands && env.BATON_TOOL_USER)
      await ensureToolUser(env.BATON_TOOL_USER, { network: 'host' });
    session.ctx = await openContext({
      env,
      options: { ...options, cancellation: session.cancellation },
      meter,
      startedAt,
    });
    outcome = await runRole(session.ctx);
  } catch (error) {
    outcome = failedOutcome(describeFailure(error));
  } finally {
    await session.ctx?.modelProxy.close();
  }
  const { ctx } = session;
  const result = sessionResult({ env, ctx, outcome, meter, seconds: (now() - startedAt) / 1000 });
  log(`${env.BATON_ROLE} session ${result.status}${result.reason ? `: ${result.reason}` : ''}`);
  await writeJobSummary({ ctx, result, meter, path: options.stepSummaryPath, log });
  try {
    await writeSessionResult(env.BATON_OUT, result);
    return result.status === 'failed' ? 1 : 0;
  } catch (error) {
    log(`could not write the result to ${env.BATON_OUT}: ${describeFailure(error)}`);
    return 1;
  }
}

/**
 * A cancelled run's step gets SIGINT, and SIGTERM 7.5 s later, before it is
 * killed 2.5 s after that (GitHub's "Workflow cancellation reference"): the
 * session stops its model and its commands at the first, and writes its
 * result with what it committed, which the publish job (`if: always()`)
 * hands in. Answers what stops the listening.
 */
function onCancel(cancelled: () => void, signal?: AbortSignal): () => void {
  let once = false;
  const handle = () => {
    if (once) return;
    once = true;
    cancelled();
  };
  if (signal) {
    signal.addEventListener('abort', handle, { once: true });
    return () => signal.removeEventListener('abort', handle);
  }
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return () => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
  };
}

/** The job's summary page; a summary that cannot be written is only logged. */
async function writeJobSummary({
  ctx,
  result,
  meter,
  path,
  log,
}: {
  ctx: AgentContext | null;
  result: SessionResult;
  meter: UsageMeter;
  path: string | undefined;
  log: (line: string) => void;
}): Promise<void> {
  try {
    const changed =
      ctx && result.base && result.head
        ? await git({ root: ctx.root, env: ctx.toolEnv }, [
            'diff',
            '--name-only',
            '-z',
            result.base,
            result.head,
          ])
        : null;
    const files = changed === null ? null : changed.split('\0').filter(Boolean);
    await appendStepSummary(
      path ?? process.env.GITHUB_STEP_SUMMARY,
      renderJobSummary({ result, meter, files, refused: ctx?.modelProxy.refused() ?? [] }),
    );
  } catch (error) {
    log(`could not write the job summary: ${describeFailure(error)}`);
  }
}

/** Each role's run; work and fix run the same worker's loop, told which they are. */
const ROLE_RUNS: Record<SessionRole, (ctx: AgentContext) => Promise<RoleOutcome>> = {
  plan: runPlanRole,
  work: (ctx) => runWorkRole(ctx, 'work'),
  fix: (ctx) => runWorkRole(ctx, 'fix'),
  contract: runContractRole,
  review: runReviewRole,
  synthesis: runSynthesisRole,
  research: runResearchRole,
  summary: runSummaryRole,
  validate: runValidateRole,
  learn: runLearnRole,
};

function runRole(ctx: AgentContext): Promise<RoleOutcome> {
  return ROLE_RUNS[ctx.env.BATON_ROLE](ctx);
}

function sessionResult({
  env,
  ctx,
  outcome,
  meter,
  seconds,
}: {
  env: SessionEnv;
  ctx: AgentContext | null;
  outcome: RoleOutcome;
  meter: UsageMeter;
  seconds: number;
}): SessionResult {
  const notes = [outcome.reason, ...(ctx?.configProblems ?? []), describeUnpriced(meter)].filter(
    (note): note is string => !!note,
  );
  const pr = Number(env.BATON_PR);
  return {
    role: env.BATON_ROLE,
    build: env.BATON_BUILD,
    worker: env.BATON_WORKER ?? null,
    pr: pr > 0 ? pr : null,
    status: outcome.status,
    ...stopOf(ctx, outcome),
    messages: outcome.messages ?? [],
    reason: notes.length ? notes.join('; ').slice(0, MAX_REASON) : null,
    branch: ctx?.branch ?? null,
    base: ctx?.base ?? null,
    head: outcome.head,
    usage: toUsage(meter, seconds),
    tools: ctx?.modelProxy.toolCalls() ?? [],
    engine: ctx?.engine ?? (env.BATON_ENGINE as SessionResult['engine'] | undefined) ?? 'baton',
    completion: outcome.completion ?? null,
    plan: outcome.plan ?? null,
    review: outcome.review ?? null,
    existing_review: outcome.existingReview ?? null,
    gone_head: outcome.goneHead ?? null,
    synthesis: outcome.synthesis ?? null,
    validation: outcome.validation ?? null,
    existing_validation: outcome.existingValidation ?? null,
    moved_head: outcome.movedHead ?? null,
    twin_went_first: outcome.twinWentFirst ?? null,
    blocked: outcome.blocked ?? [],
    lessons: ctx?.lessons ? { read: ctx.lessons.read, stale: ctx.lessons.stale } : null,
  };
}

/**
 * The limit a session stopped at, whatever its role: its role's word, or the
 * model proxy's, which refused its request (a role need not carry it through),
 * so that a session the budget stopped is recorded as such, never as one that
 * did nothing. With the budget or the day's cap, what it had to spend and, where
 * the proxy refused a request, what it needed (docs/costs.md).
 */
function stopOf(
  ctx: AgentContext | null,
  outcome: RoleOutcome,
): Pick<SessionResult, 'limit' | 'limit_usd' | 'needed_usd'> {
  const stopped = outcome.status === 'complete' ? null : (ctx?.modelProxy.stoppedAt() ?? null);
  const limit = outcome.limit ?? stopped;
  if (!isMoneyLimit(limit) || !ctx)
    return { limit: limit ?? null, limit_usd: null, needed_usd: null };
  return {
    limit,
    limit_usd: ctx.limits.maxUsd,
    needed_usd: stopped === null ? null : ctx.modelProxy.neededUsd(),
  };
}

/** An exception as a reason a person can act on; messages of our own errors already say what to do. */
function describeFailure(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}
