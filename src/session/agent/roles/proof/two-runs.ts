/**
 * The contract's command run twice, each run writing its runner's report
 * (docs/verification.md, "Fails before, passes after"): on the contract's
 * commit (the first-parent commit of the build branch that brought
 * `contract.json`: its checks before any work), then on the contract's tree
 * for the validated head (contract-tree.ts: the contract's commit with the
 * work alone brought in), in the same sandbox, whose copy of the checkout is
 * moved there and back. The run on the contract's commit is made once per
 * contract: a later validation reuses its outcomes from the record of the run
 * that made it (reuse-before.ts). Each check is judged from the two reports
 * (src/core/verification/check-proof.ts); the failures are per check, not the
 * exit status. A command whose runner cannot be made to report, or a red run
 * without a report, is left to the exit status and the model, and says why.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Contract } from '../../../../core/plan/contract.js';
import { contractPath, criteriaOf } from '../../../../core/plan/contract.js';
import { type DueAt, dueOnBranch } from '../../../../core/plan/due-criteria.js';
import { Plan } from '../../../../core/plan/plan.js';
import type { ReportedCheck, RunnerReport } from '../../../../core/reports/check-outcome.js';
import { reportingCommand, shellWord } from '../../../../core/reports/reporting-command.js';
import { judgeChecks, withReached } from '../../../../core/verification/check-proof.js';
import { completionsDir, planPath, reportedWorkersIn } from '../../../../core/vocabulary/ids.js';
import { readScripts } from '../../../publish/checks/contract/contract-command.js';
import { MAX_VALIDATION_FAILURES, type ValidationResult } from '../../../result.js';
import type { AgentContext } from '../../agent-context.js';
import { gitRaw } from '../../git/git.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import {
  failuresFromProofs,
  readRunReport,
  recordedChecks,
  reportFiles,
  reportPaths,
} from './check-outcomes.js';
import { contractCommitsOf } from './contract-commit.js';
import { type ContractTree, enterContractTree, leaveContractTree } from './contract-tree.js';
import { pytestPin } from './pytest-pin.js';
import { type ReusedBefore, reusedBefore } from './reuse-before.js';
import { checkoutIn, gitInSandbox } from './sandbox-git.js';

/** What the contract's command did, as the session's code ran it. */
export interface ContractRun {
  exitCode: number | null;
  tail: string;
}

/** The run on the head, and what the reports judged of each check (null: they judged nothing). */
export interface TwoRuns {
  run: ContractRun;
  judged: Pick<ValidationResult, 'failures' | 'checks' | 'contract_commit' | 'before_from'> | null;
  /** Why the reports judged nothing, where they did not. */
  report: string | null;
  /** The contract's tree the head's run ran in. */
  tree: ContractTree;
}

/** How the role runs a command in its sandbox (validate-role.ts's `runContract`). */
export type RunCommand = (command: string) => Promise<ContractRun>;

/**
 * Runs the contract's command on the contract's commit (or takes its outcomes
 * from the record of the run that did), then in the contract's tree for the
 * head, each writing its report, and judges each check; where no report can
 * judge them, the tree's run alone, as the command is. The contract's commit
 * runs first, before any code of the work has run in the sandbox: what the
 * work's code leaves in the checkout when it runs (an untracked runner setting,
 * a file a check looks for) could otherwise rig that run so that a check that
 * passed before the work reads as failing then, and so as proven. A problem
 * where the contract's tree cannot be built (the runner's world is not the
 * contract's): nothing is judged.
 */
export async function runContractTwice(
  ctx: AgentContext,
  sandbox: Sandbox,
  {
    build,
    milestone,
    contract,
    runCommand,
    workPaths,
  }: {
    build: string;
    milestone: number;
    contract: Contract;
    runCommand: RunCommand;
    /** `verification.workPaths`: what else the contract's tree brings from the head. */
    workPaths: readonly string[];
  },
): Promise<TwoRuns | { problem: string }> {
  const sealedAt = (await contractCommitsOf(ctx, build)).commits[0] ?? null;
  const paths = reportPaths(sandbox.workDir, 'after');
  const planned = reportingCommand({
    command: contract.command,
    reportFile: paths.report,
    vitestReporter: paths.vitestReporter,
    scripts: sealedAt === null ? {} : await scriptsAt(ctx, sealedAt),
  });
  const inTree = async <T>(run: (tree: ContractTree) => Promise<T>) => {
    const entered = await enterContractTree(ctx, sandbox, { build, contract, workPaths });
    if (!entered.ok) return { problem: entered.problem };
    try {
      return { value: await run(entered.tree), tree: entered.tree };
    } finally {
      await leaveContractTree(ctx, sandbox);
    }
  };
  if (planned.kind === 'exit-status') {
    const report = `the exit status decides: ${planned.why}`;
    ctx.log(`no runner's report for the contract's command (${planned.why}): ${report}`);
    const ran = await inTree(() => runCommand(contract.command));
    if ('problem' in ran) return { problem: ran.problem };
    return { run: ran.value, judged: null, report, tree: ran.tree };
  }
  const contractCommit = await contractCommitOf(ctx, build);
  const reused =
    contractCommit === null || sealedAt === null
      ? null
      : await reusedBefore(ctx, { build, contractCommit, sealedAt, checks: contract.checks });
  const beforeReport: RunnerReport =
    contractCommit === null
      ? { ok: false, reason: "the contract's commit is not in the checkout's history" }
      : reused !== null
        ? reusedReport(contract, reused)
        : await runBefore(ctx, sandbox, { contract, contractCommit, runCommand });
  // Written only now, at the paths the command names: nothing the first run left there stays.
  const ran = await inTree(async () => {
    const { files: after, planned: command } = await reportingHere(sandbox, contract, 'after');
    const run = await runCommand(command.command);
    const format = command.kind === 'report' ? command.format : null;
    const report: RunnerReport =
      format === null
        ? { ok: false, reason: command.kind === 'exit-status' ? command.why : '' }
        : await readRunReport(after.report, format);
    return { run, report };
  });
  if ('problem' in ran) return { problem: ran.problem };
  const { run, report: afterReport } = ran.value;
  const tree = ran.tree;
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
        tree,
      };
    }
    return { run, judged: null, report: afterReport.reason, tree };
  }
  if (!beforeReport.ok) ctx.log(`no report on the contract's commit: ${beforeReport.reason}`);
  const { guards, due } = await planOf(ctx, build, milestone);
  // A check whose run reached the work's test-aware code proves nothing of the code in use.
  const proofs = withReached(
    judgeChecks({
      checks: contract.checks,
      guards,
      due,
      before: beforeReport.ok ? beforeReport.checks : null,
      after: afterReport.checks,
    }),
    tree.reached,
  );
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
      ...(reused ? { before_from: reused.runId } : {}),
    },
    report: beforeReport.ok ? null : `no report on the contract's commit: ${beforeReport.reason}`,
    tree,
  };
}

/** The reused outcomes as the report they came from: each check by its name, a missing one left out. */
function reusedReport(contract: Contract, reused: ReusedBefore): RunnerReport {
  const checks: ReportedCheck[] = contract.checks.flatMap((check, index) => {
    const outcome = reused.before[index];
    return outcome === undefined || outcome === 'missing'
      ? []
      : [{ name: check.name, file: check.file, outcome }];
  });
  return { ok: true, format: 'json', checks };
}

/**
 * The run on the contract's commit: the sandbox's checkout moved there and the
 * command run with its report. The checkout is left there: the contract's tree
 * is built from another commit next, or the role moves it back to the head.
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
    return { ok: false, reason: `the contract's checks could not be put there: ${rewritten}` };
  }
  return reportAt(ctx, sandbox, { contract, contractCommit, runCommand }).catch(
    (error: unknown): RunnerReport => ({
      ok: false,
      reason: error instanceof Error ? error.message : String(error),
    }),
  );
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
  const { files: before, planned } = await reportingHere(sandbox, contract, 'before');
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
  const newest = (await contractCommitsOf(ctx, ctx.env.BATON_BUILD)).commits[0] ?? null;
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

/**
 * The report's files for run `which`, made afresh, and the command that writes
 * them where the copy stands: with the scripts that tree holds, pytest pinned
 * to its settings.
 */
async function reportingHere(sandbox: Sandbox, contract: Contract, which: 'before' | 'after') {
  const files = await reportFiles(sandbox.workDir, which);
  const planned = reportingCommand({
    command: contract.command,
    reportFile: files.report,
    vitestReporter: files.vitestReporter,
    scripts: await packageScripts(sandbox.workDir),
    pytestFlags: await pytestPin(sandbox.workDir),
  });
  return { files, planned };
}

/** The scripts of `package.json` at a commit of the checkout's history; none without one. */
async function scriptsAt(ctx: AgentContext, commit: string): Promise<Record<string, string>> {
  const text = await gitRaw({ root: ctx.root, env: ctx.toolEnv }, [
    'cat-file',
    'blob',
    `${commit}:package.json`,
  ]).catch(() => null);
  return readScripts(text);
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
