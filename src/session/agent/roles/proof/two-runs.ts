/**
 * The contract's command run twice, each run writing its runner's report
 * (docs/verification.md, "Fails before, passes after"): on the contract's
 * commit (the first-parent commit of the build branch that brought
 * `contract.json`: its checks before any work), then on the head validated, in
 * the same sandbox, whose copy of the checkout is moved there and back. Each check is
 * judged from the two reports (src/core/verification/check-proof.ts); the
 * failures are per check, not the exit status. A command whose runner cannot
 * be made to report, or a red run without a report, is left to the exit status
 * and the model, as before, and says why.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Contract } from '../../../../core/plan/contract.js';
import { contractPath, criteriaOf } from '../../../../core/plan/contract.js';
import { type DueAt, dueOnBranch } from '../../../../core/plan/due-criteria.js';
import { Plan } from '../../../../core/plan/plan.js';
import type { RunnerReport } from '../../../../core/reports/check-outcome.js';
import { reportingCommand, shellWord } from '../../../../core/reports/reporting-command.js';
import { judgeChecks } from '../../../../core/verification/check-proof.js';
import { completionsDir, planPath, reportedWorkersIn } from '../../../../core/vocabulary/ids.js';
import { readScripts } from '../../../publish/checks/contract/contract-command.js';
import { MAX_VALIDATION_FAILURES, type ValidationResult } from '../../../result.js';
import type { AgentContext } from '../../agent-context.js';
import { gitRaw } from '../../git/git.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { runBashCommand } from '../../tools/bash-tool.js';
import {
  failuresFromProofs,
  readRunReport,
  recordedChecks,
  reportFiles,
  reportPaths,
} from './check-outcomes.js';
import { checkoutGit, contractCommit as newestContractCommit } from './contract-commit.js';

/** What the contract's command did, as the session's code ran it. */
export interface ContractRun {
  exitCode: number | null;
  tail: string;
}

/** The run on the head, and what the reports judged of each check (null: they judged nothing). */
export interface TwoRuns {
  run: ContractRun;
  judged: Pick<ValidationResult, 'failures' | 'checks' | 'contract_commit'> | null;
  /** Why the reports judged nothing, where they did not. */
  report: string | null;
}

/** How the role runs a command in its sandbox (validate-role.ts's `runContract`). */
export type RunCommand = (command: string) => Promise<ContractRun>;

/**
 * Runs the contract's command on the contract's commit, then on the head, each
 * writing its report, and judges each check; where no report can judge them,
 * the head's run alone, as the command is. The contract's commit runs first,
 * before any code of the work has run in the sandbox: what the work's code
 * leaves in the checkout when it runs (an untracked runner setting, a file a
 * check looks for) could otherwise rig that run so that a check that passed
 * before the work reads as failing then, and so as proven. `reseal` puts the
 * seal back over the head before it runs (the move there and back undid it).
 */
export async function runContractTwice(
  ctx: AgentContext,
  sandbox: Sandbox,
  {
    build,
    milestone,
    contract,
    runCommand,
    reseal,
  }: {
    build: string;
    milestone: number;
    contract: Contract;
    runCommand: RunCommand;
    reseal: () => Promise<void>;
  },
): Promise<TwoRuns> {
  const scripts = await packageScripts(sandbox.workDir);
  const paths = reportPaths(sandbox.workDir, 'after');
  const planned = reportingCommand({
    command: contract.command,
    reportFile: paths.report,
    vitestReporter: paths.vitestReporter,
    scripts,
  });
  if (planned.kind === 'exit-status') {
    const report = `the exit status decides: ${planned.why}`;
    ctx.log(`no runner's report for the contract's command (${planned.why}): ${report}`);
    return { run: await runCommand(contract.command), judged: null, report };
  }
  const contractCommit = await contractCommitOf(ctx, build);
  const beforeReport =
    contractCommit === null
      ? ({ ok: false, reason: "the contract's commit is not in the checkout's history" } as const)
      : await runBefore(ctx, sandbox, { contract, contractCommit, runCommand });
  if (contractCommit !== null) await reseal();
  // Written only now, at the paths the command names: nothing the first run left there stays.
  const after = await reportFiles(sandbox.workDir, 'after');
  const run = await runCommand(planned.command);
  const afterReport = await readRunReport(after.report, planned.format);
  if (!afterReport.ok) {
    ctx.log(`no report on the head: ${afterReport.reason}`);
    // A green exit with no report proves nothing of any check.
    if (run.exitCode === 0) {
      return {
        run,
        judged: {
          failures: [
            {
              check: 'command',
              brief: `The contract's command \`${contract.command}\` exited 0, but its test runner's report could not be read (${afterReport.reason}), so no check is shown to pass. Make the command run the contract's checks with its runner as written, so that its report is written whole.`,
            },
          ],
        },
        report: afterReport.reason,
      };
    }
    return { run, judged: null, report: afterReport.reason };
  }
  if (!beforeReport.ok) ctx.log(`no report on the contract's commit: ${beforeReport.reason}`);
  const { guards, due } = await planOf(ctx, build, milestone);
  const proofs = judgeChecks({
    checks: contract.checks,
    guards,
    due,
    before: beforeReport.ok ? beforeReport.checks : null,
    after: afterReport.checks,
  });
  const failures = failuresFromProofs({
    proofs,
    exitCode: run.exitCode,
    command: contract.command,
  }).slice(0, MAX_VALIDATION_FAILURES);
  return {
    run,
    judged: {
      failures,
      checks: recordedChecks(proofs),
      ...(contractCommit ? { contract_commit: contractCommit } : {}),
    },
    report: beforeReport.ok ? null : `no report on the contract's commit: ${beforeReport.reason}`,
  };
}

/**
 * The run on the contract's commit: the sandbox's checkout moved there, the
 * command run with its report, and the checkout moved back to the head,
 * whatever the run did (it must be there for the model, where one is asked).
 */
async function runBefore(
  ctx: AgentContext,
  sandbox: Sandbox,
  {
    contract,
    contractCommit,
    runCommand,
  }: {
    contract: Contract;
    contractCommit: string;
    runCommand: RunCommand;
  },
): Promise<RunnerReport> {
  const moved = await checkoutIn(ctx, sandbox, contractCommit);
  if (moved !== null) return { ok: false, reason: `the checkout could not move there: ${moved}` };
  const rewritten = await rewrittenChecksIn(ctx, sandbox, { contract, contractCommit });
  if (rewritten !== null) {
    await checkoutIn(ctx, sandbox, ctx.base);
    return { ok: false, reason: `the contract's checks could not be put there: ${rewritten}` };
  }
  const report = await reportAt(ctx, sandbox, { contract, contractCommit, runCommand }).catch(
    (error: unknown): RunnerReport => ({
      ok: false,
      reason: error instanceof Error ? error.message : String(error),
    }),
  );
  const back = await checkoutIn(ctx, sandbox, ctx.base);
  if (back !== null) throw new Error(`the checkout could not move back to ${ctx.base}: ${back}`);
  return report;
}

/** The command run with its report where the checkout stands (the contract's commit), with the scripts that tree holds. */
async function reportAt(
  ctx: AgentContext,
  sandbox: Sandbox,
  {
    contract,
    contractCommit,
    runCommand,
  }: { contract: Contract; contractCommit: string; runCommand: RunCommand },
): Promise<RunnerReport> {
  const before = await reportFiles(sandbox.workDir, 'before');
  const planned = reportingCommand({
    command: contract.command,
    reportFile: before.report,
    vitestReporter: before.vitestReporter,
    scripts: await packageScripts(sandbox.workDir),
  });
  if (planned.kind === 'exit-status') return { ok: false, reason: planned.why };
  ctx.log(`running the contract's command on the contract's commit ${contractCommit.slice(0, 7)}`);
  await runCommand(planned.command);
  return readRunReport(before.report, planned.format);
}

/**
 * Where the contract was published again after its first commit (a contract
 * fix rewrote a check that passed before the work, docs/verification.md), its
 * checks as that newest publish holds them are put over the first commit's
 * tree: the checks as they stand now, run on the code before any work. Null
 * when they were put there, or there was nothing to put.
 */
async function rewrittenChecksIn(
  ctx: AgentContext,
  sandbox: Sandbox,
  { contract, contractCommit }: { contract: Contract; contractCommit: string },
): Promise<string | null> {
  const newest = await newestContractCommit(checkoutGit(ctx), ctx.env.BATON_BUILD, ctx.base);
  if (newest === null || newest === contractCommit) return null;
  ctx.log(
    `the contract was published again at ${newest.slice(0, 7)}: its checks run on the contract's first commit`,
  );
  return gitInSandbox(
    ctx,
    sandbox,
    `checkout --quiet ${newest} -- ${contract.files.map(shellWord).join(' ')}`,
  );
}

/** Moves the sandbox's checkout to `commit`, leaving untracked files (installed packages) be; null when it did. */
async function checkoutIn(
  ctx: AgentContext,
  sandbox: Sandbox,
  commit: string,
): Promise<string | null> {
  // No `git clean`: without a sandbox the copy is the checkout itself, whose untracked files are not Baton's to remove.
  return gitInSandbox(ctx, sandbox, `checkout --quiet --force --detach ${commit}`);
}

/** Git run in the sandbox's copy of the checkout (`args` as shell words); null when it succeeded, else what it said. */
async function gitInSandbox(
  ctx: AgentContext,
  sandbox: Sandbox,
  args: string,
): Promise<string | null> {
  const run = await runBashCommand({
    command: `git -c safe.directory='*' ${args}`,
    sandbox,
    env: { ...ctx.toolEnv, ...sandbox.env },
    timeoutMs: 120_000,
    maxOutputChars: 2_000,
  });
  return run.exitCode === 0 && !run.timedOut ? null : run.output.trim() || 'git failed';
}

/** The first-parent commit of the build branch that brought `contract.json`, from the checkout's history. */
async function contractCommitOf(ctx: AgentContext, build: string): Promise<string | null> {
  const listed = await gitRaw({ root: ctx.root, env: ctx.toolEnv }, [
    'log',
    '--first-parent',
    '--diff-filter=A',
    '--format=%H',
    ctx.base,
    '--',
    contractPath(build),
  ]).catch(() => '');
  return listed.trim().split('\n').filter(Boolean).at(-1) ?? null;
}

/** The criteria the plan marks guards, and which are due at the milestone. */
async function planOf(
  ctx: AgentContext,
  build: string,
  milestone: number,
): Promise<{ guards: Set<string>; due: DueAt }> {
  const text = await readFile(path.join(ctx.root, planPath(build)), 'utf8').catch(() => '');
  const plan = Plan.safeParse(parseOrNull(text));
  if (!plan.success)
    return { guards: new Set(), due: { milestone, last: milestone, skipped: new Set() } };
  const reported = await gitRaw({ root: ctx.root, env: ctx.toolEnv }, [
    'ls-tree',
    '--name-only',
    `${ctx.base}:${completionsDir(build)}`,
  ]).catch(() => '');
  return {
    guards: new Set(
      criteriaOf(plan.data)
        .filter((criterion) => criterion.guard)
        .map((criterion) => criterion.id),
    ),
    due: dueOnBranch({
      plan: plan.data,
      build,
      repository: ctx.env.GITHUB_REPOSITORY,
      milestone,
      reported: reportedWorkersIn(reported),
    }),
  };
}

/** The scripts of `package.json` in `root`, read as publish reads them; none without one. */
async function packageScripts(root: string): Promise<Record<string, string>> {
  return readScripts(await readFile(path.join(root, 'package.json'), 'utf8').catch(() => null));
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
