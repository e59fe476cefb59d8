import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { briefPath, buildDir, parseBuildId, planPath, skillPath } from '../../../core/ids.js';
import { isSessionTrigger, parseTrigger } from '../../../core/session.js';
import { runAdaptRole } from '../adapt/adapt-role.js';
import type { AgentContext } from '../agent-context.js';
import { converse } from '../agent-context.js';
import { issueTextProblem } from '../issue-text.js';
import { renderPlanMarkdown } from '../plan-files.js';
import { checkPlanSubmission, type PlanFiles, PlanSubmission } from '../plan-submission.js';
import { renderPlanPrompt } from '../prompts/plan-prompt.js';
import { renderSystemPrompt } from '../prompts/system-prompt.js';
import { commitSession } from '../session-output.js';
import { createReadOnlyTools } from '../tools/read-only-tools.js';
import { createSubmitTool } from '../tools/submit-tool.js';
import { existsIn, failedOutcome, type RoleOutcome } from './role-outcome.js';

/** `plan`: reads the issue (and feedback), explores read-only, submits a checked plan, commits its files. */
export async function runPlanRole(ctx: AgentContext): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const adapt = adaptSource(ctx.env.BATON_TRIGGER);
  if (adapt) return runAdaptRole(ctx, adapt);
  const issueNumber = Number(ctx.env.BATON_ISSUE ?? parseBuildId(build)?.issue);
  if (!Number.isInteger(issueNumber) || issueNumber < 1)
    return failedOutcome('BATON_ISSUE is not an issue number');
  // Read first, then check: an edit between the two is seen by the check.
  const issue = await ctx.github.getIssue(issueNumber);
  const feedback = await readFeedback(ctx);
  const problem = await issueTextProblem(ctx.github, {
    issue: issueNumber,
    request: feedback
      ? { kind: 'replan', at: feedback.at, login: feedback.author }
      : { kind: 'label', label: ctx.config.label },
  });
  if (problem) return failedOutcome(problem);
  const previous = (await existsIn(ctx.root, planPath(build))) ? planPath(build) : null;
  const submit = createSubmitTool({
    name: 'submit_plan',
    description:
      'Hand in the plan: title, summary, and every worker with its brief body. Checked before it is accepted.',
    schema: PlanSubmission,
    check: (submission) => checkPlanSubmission(submission, { build, issue: issueNumber }),
  });
  const outcome = await converse(ctx, {
    model: ctx.config.models.plan,
    system: renderSystemPrompt({
      role: 'plan',
      repository: ctx.env.GITHUB_REPOSITORY,
      root: ctx.root,
      submit: 'submit_plan',
      shell: false,
      commandTimeoutSeconds: 0,
    }),
    prompt: renderPlanPrompt({
      build,
      repository: ctx.env.GITHUB_REPOSITORY,
      issue: { number: issue.number, title: issue.title, body: issue.body ?? '' },
      feedback,
      skill: { path: skillPath('plan'), present: await existsIn(ctx.root, skillPath('plan')) },
      previousPlan: previous,
      buildDir: buildDir(build),
    }),
    tools: createReadOnlyTools({ root: ctx.root, maxOutputChars: ctx.limits.maxToolOutputChars }),
    submit,
  });
  if (outcome.kind === 'failed') return failedOutcome(outcome.reason);
  await writePlanFiles(ctx.root, build, outcome.value);
  const commit = await commitSession(ctx, `Plan ${build}: ${outcome.value.plan.title}`);
  if (!commit.ok) return failedOutcome(commit.reason);
  return { status: 'complete', reason: null, head: commit.head, plan: outcome.value.plan };
}

/** The merged worker an adapt-mode plan session answers (`adapt-W1.1`), or null. */
function adaptSource(trigger: string | undefined): string | null {
  if (!trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id } = parseTrigger(trigger);
  return kind === 'adapt' ? id : null;
}

async function readFeedback(
  ctx: AgentContext,
): Promise<{ author: string; body: string; at: string } | null> {
  const trigger = ctx.env.BATON_TRIGGER;
  if (!trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id } = parseTrigger(trigger);
  if (kind !== 'comment') return null;
  const comment = await ctx.github.getIssueComment(id);
  // A deleted `/replan` still counts (it was accepted); its feedback is gone.
  if (!comment) return null;
  return {
    author: comment.user?.login ?? 'someone',
    body: comment.body ?? '',
    at: comment.created_at ?? '',
  };
}

/** Writes plan.json, PLAN.md and the briefs; briefs of an earlier plan are removed first. */
async function writePlanFiles(root: string, build: string, files: PlanFiles): Promise<void> {
  const dir = path.join(root, buildDir(build));
  await rm(path.join(dir, 'workers'), { recursive: true, force: true });
  await mkdir(path.join(dir, 'workers'), { recursive: true });
  await writeFile(path.join(root, planPath(build)), `${JSON.stringify(files.plan, null, 2)}\n`);
  await writeFile(path.join(dir, 'PLAN.md'), renderPlanMarkdown(files.plan));
  for (const [id, text] of files.briefs)
    await writeFile(path.join(root, briefPath(build, id)), text);
}
