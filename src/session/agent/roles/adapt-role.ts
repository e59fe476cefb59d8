import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Plan } from '../../../core/plan/plan.js';
import { firstAttemptsIn } from '../../../core/sessions/session.js';
import {
  briefPath,
  completionPath,
  integrationBranch,
  planPath,
  skillPath,
  WORKFLOW_FILE,
  workerBranch,
} from '../../../core/vocabulary/ids.js';
import type { AgentContext } from '../agent-context.js';
import { converse, readOnlyParts } from '../agent-context.js';
import { renderAdaptPrompt } from '../prompts/adapt-prompt.js';
import { commitSession } from '../session-output.js';
import { createReadOnlyTools } from '../tools/read-only-tools.js';
import { createSubmitTool } from '../tools/submit-tool.js';
import { AdaptationSubmission, checkAdaptation } from './hand-in/adapt-submission.js';
import { readCompletion } from './hand-in/completion-submission.js';
import { existsIn, failedOutcome, type RoleOutcome } from './role-outcome.js';

/**
 * `plan` in adapt mode (trigger `adapt-<source>`): revises the briefs of the
 * workers that `source`'s merged completion names and that have not started
 * (no branch yet), and commits only those files to the build branch. Publish
 * checks the same by path; a session that changes nothing completes without a commit.
 */
export async function runAdaptRole(ctx: AgentContext, source: string): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const targets = await findTargets(ctx, source);
  if (!targets.ok) return failedOutcome(targets.reason);
  const briefs = new Map<string, string>();
  for (const worker of targets.workers) {
    briefs.set(worker, await readFile(path.join(ctx.root, briefPath(build, worker)), 'utf8'));
  }
  if (briefs.size === 0)
    return {
      status: 'complete',
      reason: 'no brief to revise: every worker named has started',
      head: null,
    };
  const outcome = await converse(ctx, {
    ...readOnlyParts(ctx, { models: 'plan', role: 'plan', submit: 'submit_adaptation' }),
    prompt: renderAdaptPrompt({
      build,
      repository: ctx.env.GITHUB_REPOSITORY,
      source,
      completion: completionPath(build, source),
      briefs: [...briefs.keys()].map((worker) => ({ worker, path: briefPath(build, worker) })),
      plan: planPath(build),
      skill: { path: skillPath('plan'), present: await existsIn(ctx.root, skillPath('plan')) },
    }),
    tools: createReadOnlyTools({ root: ctx.root, maxOutputChars: ctx.limits.maxToolOutputChars }),
    submit: createSubmitTool({
      name: 'submit_adaptation',
      description:
        'Hand in the revised briefs: for each brief that must change, the worker id and the whole new body. Checked before it is accepted.',
      schema: AdaptationSubmission,
      check: (submission) => checkAdaptation(submission, { briefs }),
    }),
  });
  if (outcome.kind === 'failed') return failedOutcome(outcome.reason);
  for (const [worker, text] of outcome.value) {
    await writeFile(path.join(ctx.root, briefPath(build, worker)), text);
  }
  const ids = [...outcome.value.keys()].join(', ');
  const commit = await commitSession(ctx, `Adapt the briefs of ${ids} after ${source}'s learnings`);
  if (!commit.ok) return failedOutcome(commit.reason);
  return { status: 'complete', reason: null, head: commit.head };
}

/** The workers `source`'s completion names that are in the plan and have no branch yet. */
async function findTargets(
  ctx: AgentContext,
  source: string,
): Promise<{ ok: true; workers: string[] } | { ok: false; reason: string }> {
  const build = ctx.env.BATON_BUILD;
  const completion = await readCompletion(ctx.root, build, source);
  if (!completion) {
    return {
      ok: false,
      reason: `${completionPath(build, source)} is missing or invalid on ${integrationBranch(build)}`,
    };
  }
  const planText = await readFile(path.join(ctx.root, planPath(build)), 'utf8').catch(() => '');
  const plan = Plan.safeParse(parseJson(planText));
  if (!plan.success) return { ok: false, reason: `${planPath(build)} is missing or invalid` };
  const branches = new Set(await ctx.github.listBranches(`baton/${build}/`));
  // A first attempt runs on the build branch, and its worker's branch comes with its publish.
  const running = firstAttemptsIn(
    await ctx.github.listRunNamesOn(WORKFLOW_FILE, integrationBranch(build)),
    build,
  );
  const ids = new Set(plan.data.workers.map((worker) => worker.id));
  const workers = completion.affects.filter(
    (id) =>
      id !== source && ids.has(id) && !branches.has(workerBranch(build, id)) && !running.has(id),
  );
  return { ok: true, workers: [...new Set(workers)] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
