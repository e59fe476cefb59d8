import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CONTRACT_MAX_BYTES, Contract, contractPath } from '../../../core/plan/contract.js';
import { dueOnBranch, notDue } from '../../../core/plan/due-criteria.js';
import { Plan } from '../../../core/plan/plan.js';
import { FailedCheck, validationRef } from '../../../core/plan/validation.js';
import { isSessionTrigger, parseTrigger } from '../../../core/sessions/session.js';
import { buildDir, parseMilestoneSubject, planPath } from '../../../core/vocabulary/ids.js';
import { MAX_VALIDATION_FAILURES, type ValidationResult } from '../../result.js';
import type { AgentContext } from '../agent-context.js';
import { converse, readOnlyParts } from '../agent-context.js';
import { renderValidatePrompt } from '../prompts/validate-prompt.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { runBashCommand } from '../tools/bash-tool.js';
import { createReadOnlyTools } from '../tools/read-only-tools.js';
import { createSubmitTool } from '../tools/submit-tool.js';
import { tailOf } from './hand-in/test-run.js';
import { recordedReach } from './proof/check-outcomes.js';
import { type CheckProcess, openCheckProcess } from './proof/check-process.js';
import { neutralEnv } from './proof/neutral-env.js';
import { type ContractRun, runContractTwice } from './proof/two-runs.js';
import { failedOutcome, type RoleOutcome } from './role-outcome.js';
import { openRoleSandbox } from './role-sandbox.js';

const ValidationSubmission = z.strictObject({
  failures: z
    .array(
      z.strictObject({
        check: FailedCheck.describe(
          "The failing check's criterion id from the contract (W1.2:1, build:1), or `command` when no check ran.",
        ),
        brief: z
          .string()
          .trim()
          .min(1)
          .max(4000)
          .describe(
            'For the fix worker: which check fails, what the output says, where the cause likely is.',
          ),
      }),
    )
    .min(1)
    .max(MAX_VALIDATION_FAILURES),
});
type ValidationSubmission = z.infer<typeof ValidationSubmission>;

/**
 * `validate` (docs/verification.md): a session that wrote none of the build's
 * code, on the build branch, read-only like a review. Its code runs the
 * contract's command in the sandbox and keeps the exit status and the output's
 * tail: exit 0 is a pass, and no model is asked. Otherwise the model reads the
 * output and the contract and names the failing checks, each with a brief for
 * its fix; a failure it cannot place is the check `command`. It commits nothing:
 * publish records the validation and appends the fix workers to the plan.
 * A twin run (two replicas dispatched it: the dispatch takes no lock ref, and
 * the workflow's concurrency group runs the twins in turn) finds the first's
 * record and ends before it runs the command or asks the model.
 */
export async function runValidateRole(ctx: AgentContext): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const milestone = parseMilestoneSubject(ctx.env.BATON_WORKER);
  if (milestone === null) {
    return failedOutcome('BATON_WORKER must name the milestone (M1, M2 …) for a validate session');
  }
  const recorded = await recordedAlready(ctx, build, milestone);
  if (recorded !== null) {
    ctx.log(`the validation of M${milestone} is recorded at ${recorded} already: nothing to run`);
    return { status: 'complete', reason: null, head: null, existingValidation: { ref: recorded } };
  }
  const contract = await readContract(ctx.root, build);
  if (!contract.ok) return failedOutcome(contract.problem);
  // Baton's setup of the check's process, in a folder the command reads and cannot change.
  const checks = await openCheckProcess();
  const sandbox = await openRoleSandbox(ctx, { readOnly: [checks.dir] });
  if (sandbox instanceof Error) {
    await checks.close();
    return failedOutcome(sandbox.message);
  }
  try {
    // Run on the contract's commit, then in the contract's tree (its commit, the head's work
    // alone brought in), each check judged by the runner's reports.
    const ran = await runContractTwice(ctx, sandbox, {
      build,
      milestone,
      contract: contract.contract,
      runCommand: (command) => runContract(ctx, sandbox, checks, command),
      workPaths: ctx.config.verification.workPaths,
    });
    if ('problem' in ran) return failedOutcome(ran.problem);
    const { run, judged, report, tree } = ran;
    const result = (failures: ValidationResult['failures']): RoleOutcome => ({
      status: 'complete',
      reason: null,
      head: null,
      validation: {
        milestone,
        head: ctx.base,
        command: contract.contract.command,
        exit_code: run.exitCode,
        tail: run.tail,
        failures,
        ...(judged?.checks ? { checks: judged.checks } : {}),
        ...(judged?.contract_commit ? { contract_commit: judged.contract_commit } : {}),
        ...(judged?.before_from ? { before_from: judged.before_from } : {}),
        contract_commits: tree.contractCommits,
        ...(tree.reverted.length > 0 ? { reverted: tree.reverted } : {}),
        ...(report ? { report } : {}),
        // With no check judged, the test-aware code the run reached stands for them all.
        ...(!judged?.checks && tree.reached[0] ? { reached: recordedReach(tree.reached[0]) } : {}),
      },
    });
    // The reports name the failures per check, whatever the exit status; without them, a pass asks
    // no model. A red exit the reports place in no check (every due check passed: something else
    // the command runs fails) is the model's to place from the output, as without reports.
    const unplaced =
      run.exitCode !== 0 &&
      (judged?.failures ?? []).every((failure) => failure.check === 'command');
    if (judged && !unplaced) return result(judged.failures);
    if (run.exitCode === 0) return result([]);
    const named = await nameFailures(ctx, {
      build,
      milestone,
      contract: contract.contract,
      run,
      sandbox,
    });
    if (!named.ok) return failedOutcome(named.reason);
    return result(named.failures);
  } finally {
    await sandbox.close();
    await checks.close();
  }
}

/**
 * The record of this milestone's validation, when a twin run left it: at the
 * head the dispatch asked for (`head-<sha>`), or at the head checked out
 * (publish records the one it validated). One listing of the milestone's
 * records (GitHub lists the refs that start with the name, none as `[]`:
 * https://docs.github.com/en/rest/git/refs#list-matching-references); a listing that fails tells nothing, and the validation runs (publish
 * still leaves a record that exists as it is).
 */
async function recordedAlready(
  ctx: AgentContext,
  build: string,
  milestone: number,
): Promise<string | null> {
  const trigger = ctx.env.BATON_TRIGGER;
  const asked =
    trigger && isSessionTrigger(trigger) && parseTrigger(trigger).kind === 'head'
      ? parseTrigger(trigger).id
      : null;
  const wanted = new Set(
    [asked, ctx.base].flatMap((head) => (head ? [validationRef(build, milestone, head)] : [])),
  );
  const prefix = validationRef(build, milestone, '').replace(/^refs\//, '');
  try {
    const listed = await ctx.github.listRefsIfChanged(prefix, null);
    return listed?.refs.find((ref) => wanted.has(ref)) ?? null;
  } catch (error) {
    ctx.log(
      `could not list the records of M${milestone} (${error instanceof Error ? error.message : String(error)}): validating`,
    );
    return null;
  }
}

/** `contract.json` from the checkout (the build branch), or why there is none to run. */
async function readContract(
  root: string,
  build: string,
): Promise<{ ok: true; contract: Contract } | { ok: false; problem: string }> {
  const file = contractPath(build);
  const text = await readFile(path.join(root, file), 'utf8').catch(() => null);
  if (text === null)
    return { ok: false, problem: `${file} is missing: a validation needs the build's contract` };
  if (Buffer.byteLength(text) > CONTRACT_MAX_BYTES) {
    return { ok: false, problem: `${file} is over ${CONTRACT_MAX_BYTES} bytes` };
  }
  try {
    const parsed = Contract.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, contract: parsed.data };
    return {
      ok: false,
      problem: `${file} is not a valid contract: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    };
  } catch {
    return { ok: false, problem: `${file} is not JSON` };
  }
}

/**
 * Runs the contract's command as the model's commands run (sandbox, time limit), in the
 * contract's tree, with the environment's allowlist (neutral-env.ts) and Baton's setup of
 * the check's process named in it.
 */
async function runContract(
  ctx: AgentContext,
  sandbox: Sandbox,
  checks: CheckProcess,
  command: string,
): Promise<ContractRun> {
  const timeoutMs = Math.max(
    60_000,
    Math.min(ctx.limits.commandTimeoutMs, ctx.limits.deadline - ctx.now() - 120_000),
  );
  ctx.log(`running the contract's command: ${command}`);
  const run = await runBashCommand({
    command,
    sandbox,
    env: checks.env(
      neutralEnv(ctx.toolEnv, { sandbox: sandbox.env, trees: [ctx.root, sandbox.workDir] }),
    ),
    timeoutMs,
    maxOutputChars: 20_000,
  });
  const exitCode = run.timedOut ? null : (run.exitCode ?? null);
  const ending =
    exitCode === null
      ? `[killed after ${Math.round(timeoutMs / 1000)} s]`
      : `[exit code ${exitCode}]`;
  ctx.log(`the contract's command ${ending}`);
  return { exitCode, tail: exitCode === 0 ? '' : tailOf(`${run.output.trimEnd()}\n${ending}`) };
}

/** The model names each failing check, by a criterion id the contract holds, with a brief for its fix. */
async function nameFailures(
  ctx: AgentContext,
  {
    build,
    milestone,
    contract,
    run,
    sandbox,
  }: { build: string; milestone: number; contract: Contract; run: ContractRun; sandbox: Sandbox },
): Promise<{ ok: true; failures: ValidationResult['failures'] } | { ok: false; reason: string }> {
  const criteria = new Set(contract.checks.map((check) => check.criterion));
  const parts = readOnlyParts(ctx, {
    models: 'review',
    role: 'validate',
    submit: 'submit_validation',
  });
  const named = ctx.config.verification.validation.model;
  const outcome = await converse(ctx, {
    ...parts,
    ...(named ? { model: named, named } : {}),
    prompt: renderValidatePrompt({
      build,
      milestone,
      head: ctx.base,
      contract,
      exitCode: run.exitCode,
      tail: run.tail,
      skipped: await skippedCriteria(
        { root: ctx.root, build, repository: ctx.env.GITHUB_REPOSITORY },
        milestone,
        contract,
      ),
    }),
    tools: createReadOnlyTools({ root: ctx.root, maxOutputChars: ctx.limits.maxToolOutputChars }),
    submit: createSubmitTool({
      name: 'submit_validation',
      description:
        'Hand in each failing check by its criterion id, with a short brief for its fix.',
      schema: ValidationSubmission,
    }),
    verify: async (value: ValidationSubmission) => unknownChecks(value, criteria),
    sandbox,
    memory: { paths: null },
  });
  if (outcome.kind === 'failed') return { ok: false, reason: outcome.reason };
  return { ok: true, failures: outcome.value.failures };
}

/**
 * The contract's criteria not due as their workers were skipped
 * (src/core/plan/due-criteria.ts): workers of the milestone's waves whose
 * report the checkout (the build branch) does not hold. Publish leaves a
 * failure of theirs out; the model is told, so that it names one by its id
 * rather than as `command`.
 */
async function skippedCriteria(
  { root, build, repository }: { root: string; build: string; repository: string },
  milestone: number,
  contract: Contract,
): Promise<string[]> {
  const text = await readFile(path.join(root, planPath(build)), 'utf8').catch(() => null);
  const plan = text === null ? null : Plan.safeParse(parseJsonOrNull(text));
  if (!plan?.success) return [];
  const reports = await readdir(path.join(root, buildDir(build), 'completions')).catch(() => []);
  const reported = new Set(
    reports.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -5)),
  );
  const at = dueOnBranch({
    plan: plan.data,
    build,
    repository,
    milestone,
    reported,
  });
  return [...new Set(contract.checks.map((check) => check.criterion))].filter(
    (criterion) => notDue(criterion, at) === 'skipped',
  );
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Why a submission is sent back: a check that is not one of the contract's criteria. */
export function unknownChecks(
  value: ValidationSubmission,
  criteria: ReadonlySet<string>,
): string | null {
  const unknown = value.failures.filter((f) => f.check !== 'command' && !criteria.has(f.check));
  if (unknown.length === 0) return null;
  return `${unknown.map((f) => f.check).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a criterion of the contract's checks (${[...criteria].join(', ')}); name each failing check by one of those, or \`command\` when no check ran. Call submit_validation again.`;
}
