import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Contract, isContractWorker } from '../../../core/plan/contract.js';
import { Plan } from '../../../core/plan/plan.js';
import { type BriefFrontMatter, parseBrief } from '../../../core/records/brief.js';
import type { Completion, Usage } from '../../../core/records/completion.js';
import { nameableCriteria } from '../../../core/records/impossible.js';
import { isSessionTrigger, parseTrigger } from '../../../core/sessions/session.js';
import {
  briefPath,
  completionPath,
  planPath,
  STYLE_GUIDE_PATH,
  skillPath,
} from '../../../core/vocabulary/ids.js';
import type { AgentContext } from '../agent-context.js';
import { converse } from '../agent-context.js';
import { readBuildScope, scopeLines, skillFor } from '../build-scope.js';
import { git } from '../git/git.js';
import { briefPaths } from '../memory/brief-paths.js';
import { webTools } from '../model/model-features.js';
import type { LoopOutcome } from '../model/model-loop.js';
import { addUsage, toUsage } from '../model/usage-meter.js';
import { renderSystemPrompt, withWebRule } from '../prompts/system-prompt.js';
import { renderWorkPrompt } from '../prompts/work-prompt.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { commitSession } from '../session-output.js';
import { findTestCommand } from '../test-command.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { createBashTool } from '../tools/bash-tool.js';
import { createTextEditorTool } from '../tools/text-editor-tool.js';
import {
  type CompletionSubmission,
  completionOf,
  completionText,
  createCompletionTool,
  type PlanFacts,
  readCompletion,
} from './hand-in/completion-submission.js';
import {
  type ContractTool,
  contractFile,
  contractPromptLines,
  createContractTool,
  readPlannedCriteria,
} from './hand-in/contract-submission.js';
import {
  commentFeedback,
  type FixFeedback,
  findConflictMarkers,
  gatherFixFeedback,
} from './hand-in/fix-feedback.js';
import { changesWork, stoppedCompletion } from './hand-in/partial-work.js';
import { createTestGate } from './hand-in/test-gate.js';
import { openWorkMessages, type WorkMessages } from './hand-in/work-messages.js';
import { existsIn, failedOutcome, type RoleOutcome } from './role-outcome.js';
import { openRoleSandbox } from './role-sandbox.js';
import { twinWentFirst } from './twin-work.js';

/**
 * `work` and `fix`: the model works in the session's copy of the checkout
 * with bash and the editor, hands in its report; Baton commits the copy with
 * `completions/<id>.json`, also when the session failed, so that no work and no usage is lost.
 * `contract` (contract-role.ts) is the contract's worker's first session, the same way.
 */
export async function runWorkRole(
  ctx: AgentContext,
  kind: 'work' | 'fix' | 'contract',
): Promise<RoleOutcome> {
  const { BATON_BUILD: build, BATON_WORKER: worker } = ctx.env;
  if (!worker) return failedOutcome(`BATON_WORKER is required for the ${kind} role`);
  const pr = Number(ctx.env.BATON_PR);
  if (kind === 'fix' && !(pr > 0)) return failedOutcome('BATON_PR is required for the fix role');
  const moved = kind === 'fix' ? await fixedHeadMoved(ctx, pr) : null;
  if (moved) {
    ctx.log(
      `#${pr} is at ${moved.head.slice(0, 7)}, no longer at ${moved.asked.slice(0, 7)}, whose checks this fix was asked for: nothing to fix`,
    );
    return { status: 'complete', reason: null, head: null, movedHead: moved };
  }
  const twin = kind === 'fix' ? null : await twinWentFirst(ctx, worker);
  if (twin) {
    ctx.log(`${twin.branch} is there already: a twin run of this first attempt went first`);
    return { status: 'complete', reason: null, head: null, twinWentFirst: twin };
  }
  const text = await readFile(path.join(ctx.root, briefPath(build, worker)), 'utf8').catch(
    () => '',
  );
  const brief = parseBrief(text);
  if (!brief.ok) {
    const problems = brief.problems.join('; ');
    return failedOutcome(
      `the brief ${briefPath(build, worker)} is missing or invalid: ${problems}`,
    );
  }
  const previous = kind === 'fix' ? await readCompletion(ctx.root, build, worker) : null;
  const feedback = kind === 'fix' ? await gatherFixFeedback(ctx, pr) : null;
  // A new attempt that a `/retry` comment asked for follows that person's instructions.
  const retryId =
    kind !== 'fix' ? /^comment-(\d+)$/.exec(ctx.env.BATON_TRIGGER ?? '')?.[1] : undefined;
  const retry = retryId ? await commentFeedback(ctx, retryId) : null;
  // The model works in a copy in the sandbox; the repository and its .git stay the job's.
  const sandbox = await openRoleSandbox(ctx);
  if (sandbox instanceof Error) return failedOutcome(sandbox.message);
  const messages = await openWorkMessages(ctx, {
    worker,
    submit:
      ctx.engine === 'baton'
        ? `call ${isContractWorker(worker) ? 'submit_contract' : 'submit_completion'}`
        : 'write your hand-in (the JSON file your instructions name)',
  });
  try {
    const outcome = await converseAndCommit({
      ctx,
      kind,
      sandbox,
      worker,
      brief: brief.frontMatter,
      pr,
      feedback,
      previous,
      retry,
      messages,
    });
    const blocked = sandbox.blocked();
    const taken = { ...outcome, messages: messages.receipts() };
    return blocked.length > 0 ? { ...taken, blocked } : taken;
  } finally {
    messages.interjections.stop();
    await sandbox.close();
  }
}

/**
 * A fix of a head's red checks (`checks-<sha>`) whose pull request has moved
 * past that head: a twin run went first (the dispatch takes no lock ref, and
 * the workflow's concurrency group runs the twins in turn), or someone pushed.
 * The checkout is the head the dispatch saw, so the pull request is asked. The
 * session ends before the model is asked; a new head's red checks are a fix of
 * their own. A read that fails tells nothing, and the fix runs (publish's push
 * is leased to the head it started from).
 */
async function fixedHeadMoved(
  ctx: AgentContext,
  pr: number,
): Promise<{ asked: string; head: string } | null> {
  const trigger = ctx.env.BATON_TRIGGER;
  if (!trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id: asked } = parseTrigger(trigger);
  if (kind !== 'checks') return null;
  try {
    const pull = await ctx.github.getPull(pr);
    return pull.head.sha === asked ? null : { asked, head: pull.head.sha };
  } catch (error) {
    ctx.log(
      `could not read #${pr} (${error instanceof Error ? error.message : String(error)}): fixing`,
    );
    return null;
  }
}

async function converseAndCommit({
  ctx,
  kind,
  sandbox,
  worker,
  brief,
  pr,
  feedback,
  previous,
  retry,
  messages,
}: {
  ctx: AgentContext;
  kind: 'work' | 'fix' | 'contract';
  sandbox: Sandbox;
  worker: string;
  brief: BriefFrontMatter;
  pr: number;
  feedback: FixFeedback | null;
  previous: Completion | null;
  retry: string | null;
  messages: WorkMessages;
}): Promise<RoleOutcome> {
  const scope = await readBuildScope(ctx.root, ctx.env.BATON_BUILD, worker);
  // The contract's checks fail until the workers write the code: its sessions are not held to green tests.
  const contract = isContractWorker(worker) ? await contractOf(ctx, sandbox, worker) : null;
  const tests = createTestGate({
    ctx,
    sandbox,
    // Read from the dispatched checkout, never from the model's copy.
    command:
      scope.type === 'code' && !contract ? await findTestCommand(ctx.root, ctx.config) : null,
  });
  // Research workers answer questions with sources: the web is theirs to read, where it is on.
  const serverTools = scope.type === 'research' ? webTools(ctx.config, ctx.visibility) : [];
  const outcome = await converse(ctx, {
    kind: brief.complexity,
    model: ctx.config.models[brief.complexity],
    features: {
      thinkingBudget: ctx.config.models.thinking[brief.complexity],
      serverTools,
    },
    system: withWebRule(
      renderSystemPrompt({
        role: kind,
        repository: ctx.env.GITHUB_REPOSITORY,
        root: sandbox.workDir,
        submit: contract ? 'submit_contract' : 'submit_completion',
        shell: true,
        commandTimeoutSeconds: Math.round(ctx.limits.commandTimeoutMs / 1000),
      }),
      serverTools,
    ),
    prompt: await workPrompt({
      ctx,
      worker,
      frontMatter: brief,
      fix: feedback && { pr, feedback, previous },
      retry,
      messages: messages.waiting,
      contract: contract?.lines ?? null,
    }),
    tools: workTools(ctx, sandbox),
    submit: contract?.tool ?? createCompletionTool(worker, await readPlanFacts(ctx, worker)),
    verify: tests.verify,
    sandbox,
    interjections: messages.interjections,
    // Lessons are for code builds; the contract's worker writes checks for every criterion, so every path.
    ...(scope.type === 'code'
      ? {
          memory: {
            paths: contract ? null : await briefPaths(ctx.root, ctx.env.BATON_BUILD, worker),
          },
        }
      : {}),
  });
  const usage = toUsage(ctx.meter, (ctx.now() - ctx.startedAt) / 1000);
  const completion = { ...completionOf({ worker, outcome, previous, usage }), tests: tests.last() };
  const message =
    kind !== 'fix'
      ? `${worker}: ${brief.title}`
      : `${worker}: answer ${ctx.env.BATON_TRIGGER ?? 'feedback'}`;
  const finished = await finishWork({
    ctx,
    sandbox,
    completion,
    message,
    outcome,
    conflicts: feedback?.conflicts ?? [],
    record: contract?.tool.accepted() ?? null,
  });
  const woundDown = messages.interjections.woundDown();
  const limit = (outcome.kind === 'failed' ? outcome.limit : null) ?? woundDown;
  const kept = await keepPartialWork({
    ctx,
    sandbox,
    finished,
    outcome,
    worker,
    message,
    total: previous ? addUsage(previous.usage, usage) : usage,
  });
  return limit && (kept.status === 'partial' || kept.status === 'failed')
    ? { ...kept, limit }
    : kept;
}

/**
 * A session that failed (a limit reached, a model or engine error) after
 * changing files hands in `partial` instead, with Baton's hand-off note: its
 * tree is committed again on the base with that report, so publish opens a
 * draft pull request of it rather than only pushing the branch.
 */
async function keepPartialWork({
  ctx,
  sandbox,
  finished,
  outcome,
  worker,
  message,
  total,
}: {
  ctx: AgentContext;
  sandbox: Sandbox;
  finished: RoleOutcome;
  outcome: LoopOutcome<CompletionSubmission>;
  worker: string;
  message: string;
  /** The worker's usage so far, this session's included, as its report counts it. */
  total: Usage;
}): Promise<RoleOutcome> {
  if (outcome.kind !== 'failed' || finished.status !== 'failed' || !finished.head) return finished;
  if (!finished.completion || !(await changesWork(ctx, { head: finished.head, worker })))
    return finished;
  const completion = {
    ...stoppedCompletion({ worker, reason: outcome.reason, usage: total }),
    ...(finished.completion.tests ? { tests: finished.completion.tests } : {}),
  };
  // The work tree is as it was committed (nothing of the model's runs since): only the report changes.
  await git({ root: ctx.root, env: ctx.toolEnv }, ['reset', '--soft', ctx.base]);
  const commit = await commitSession(ctx, message, {
    workDir: sandbox.workDir,
    batonFiles: [
      { path: completionPath(ctx.env.BATON_BUILD, worker), content: completionText(completion) },
    ],
  });
  if (!commit.ok) return finished;
  return { status: 'partial', reason: outcome.reason, head: commit.head, completion };
}

function workTools(ctx: AgentContext, sandbox: Sandbox): AgentTool[] {
  const maxOutputChars = ctx.limits.maxToolOutputChars;
  return [
    createBashTool({
      sandbox,
      env: { ...ctx.toolEnv, ...sandbox.env },
      timeoutMs: ctx.limits.commandTimeoutMs,
      remainingMs: () => ctx.limits.deadline - ctx.now(),
      maxOutputChars,
    }),
    createTextEditorTool({ root: sandbox.workDir, maxOutputChars, shared: sandbox.user !== null }),
  ];
}

/** Writes the report, commits everything, and says how the session ended. */
async function finishWork({
  ctx,
  sandbox,
  completion,
  message,
  outcome,
  conflicts,
  record,
}: {
  ctx: AgentContext;
  sandbox: Sandbox;
  completion: Completion;
  message: string;
  outcome: LoopOutcome<CompletionSubmission>;
  /** Files a merge left in conflict before the model started. */
  conflicts: readonly string[];
  /** The contract the contract's worker handed in, committed with its report. */
  record: Contract | null;
}): Promise<RoleOutcome> {
  // Nothing of the model's runs while Baton reads its tree (every run has ended
  // with all it started); Baton's own file is committed from memory, never
  // written where the model could plant a link.
  await sandbox.stopAll();
  const unresolved = await findConflictMarkers(sandbox.workDir, conflicts);
  const commit = await commitSession(ctx, message, {
    workDir: sandbox.workDir,
    batonFiles: [
      {
        path: completionPath(ctx.env.BATON_BUILD, completion.worker_id),
        content: completionText(completion),
      },
      ...(record ? [contractFile(ctx.env.BATON_BUILD, record)] : []),
    ],
  });
  if (!commit.ok) return failedOutcome(commit.reason);
  const head = commit.head;
  if (unresolved.length > 0) {
    const reason = `conflict markers remain in ${unresolved.join(', ')}`;
    return { status: 'failed', reason, head, completion };
  }
  if (outcome.kind === 'failed')
    return { status: 'failed', reason: outcome.reason, head, completion };
  const reason =
    completion.status === 'complete' ? null : (completion.impossible?.reason ?? completion.summary);
  return { status: completion.status, reason, head, completion };
}

/** The ids of the plan's workers, from `plan.json` in the checkout; null when it cannot be read. */
async function readPlanWorkers(ctx: AgentContext): Promise<string[] | null> {
  return (await readPlan(ctx))?.workers.map((entry) => entry.id) ?? null;
}

/** What a report is checked against: the plan's workers and the criteria `worker` may call impossible. */
async function readPlanFacts(ctx: AgentContext, worker: string): Promise<PlanFacts> {
  const plan = await readPlan(ctx);
  return {
    workers: plan?.workers.map((entry) => entry.id) ?? null,
    nameable: plan ? nameableCriteria(plan, worker) : [],
  };
}

/** `plan.json` in the checkout, or null when it cannot be read. */
async function readPlan(ctx: AgentContext): Promise<Plan | null> {
  const text = await readFile(path.join(ctx.root, planPath(ctx.env.BATON_BUILD)), 'utf8').catch(
    () => null,
  );
  try {
    const plan = Plan.safeParse(JSON.parse(text ?? ''));
    return plan.success ? plan.data : null;
  } catch {
    return null;
  }
}

async function workPrompt({
  ctx,
  worker,
  frontMatter,
  fix,
  retry,
  messages,
  contract,
}: {
  ctx: AgentContext;
  worker: string;
  frontMatter: BriefFrontMatter;
  fix: { pr: number; feedback: FixFeedback; previous: Completion | null } | null;
  retry: string | null;
  messages: string | null;
  contract: string[] | null;
}): Promise<string> {
  const build = ctx.env.BATON_BUILD;
  const scope = await readBuildScope(ctx.root, build, worker);
  const skill = skillPath(skillFor(fix ? 'fix' : 'work', scope.type));
  const dependencies = await Promise.all(
    frontMatter.depends_on.map(async (dep) => ({
      path: completionPath(build, dep),
      present: await existsIn(ctx.root, completionPath(build, dep)),
    })),
  );
  return renderWorkPrompt({
    worker,
    build,
    repository: ctx.env.GITHUB_REPOSITORY,
    brief: briefPath(build, worker),
    skill: { path: skill, present: await existsIn(ctx.root, skill) },
    dependencies,
    fix: fix && {
      pr: fix.pr,
      completion: fix.previous ? completionPath(build, worker) : null,
      feedback: fix.feedback.text,
    },
    retry,
    messages,
    contract,
    scope: scopeLines({
      scope,
      build,
      worker,
      styleGuide: await existsIn(ctx.root, STYLE_GUIDE_PATH),
    }),
  });
}

/** The contract's worker's tool and prompt lines: its criteria read from the plan. */
async function contractOf(
  ctx: AgentContext,
  sandbox: Sandbox,
  worker: string,
): Promise<{ tool: ContractTool; lines: string[] }> {
  const criteria = await readPlannedCriteria(ctx);
  const tool = createContractTool({
    worker,
    planWorkers: await readPlanWorkers(ctx),
    criteria,
    workDir: sandbox.workDir,
  });
  return { tool, lines: contractPromptLines({ build: ctx.env.BATON_BUILD, criteria }) };
}
