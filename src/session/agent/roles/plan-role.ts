import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildTypeOfLabels } from '../../../core/config/build-labels.js';
import { planFromSubIssues } from '../../../core/plan/sub-issue-graph.js';
import { type EngineSettings, readEngineSettings } from '../../../core/sessions/engines.js';
import { isSessionTrigger, parseTrigger } from '../../../core/sessions/session.js';
import {
  briefPath,
  buildDir,
  findingsPath,
  parseBuildId,
  parseLoopSubject,
  parseMemberBuildId,
  planPath,
  skillPath,
  subIssueGraphPath,
} from '../../../core/vocabulary/ids.js';
import { PermissionReadRefused } from '../../reads/github-reads.js';
import { labelNames } from '../../reads/github-shapes.js';
import { issueTextProblem } from '../../reads/issue-text.js';
import { feedbackCommentId, planRequestOf } from '../../reads/plan-text.js';
import { readViews } from '../../views/read-views.js';
import type { AgentContext } from '../agent-context.js';
import { converse, readOnlyParts } from '../agent-context.js';
import { appendLoopPlan, readPlan } from '../plan/loop-files.js';
import { renderPlanMarkdown } from '../plan/plan-files.js';
import { checkPlanSubmission, type PlanFiles, PlanSubmission } from '../plan/plan-submission.js';
import { readSubIssues, type SubIssueRead } from '../plan/sub-issue-plan.js';
import { renderPlanPrompt } from '../prompts/plan-prompt.js';
import { commitSession } from '../session-output.js';
import { createReadOnlyTools } from '../tools/read-only-tools.js';
import { createSubmitTool } from '../tools/submit-tool.js';
import { runAdaptRole } from './adapt-role.js';
import { existsIn, failedOutcome, type RoleOutcome } from './role-outcome.js';
import { runSliceRole } from './slice-role.js';

/**
 * What a loop's plan is told in place of the issue's description: it plans
 * the loop's findings, and the description is read as it stood when the
 * series was asked for only by the research that wrote them.
 */
const LOOP_DESCRIPTION =
  "(not given: an improvement loop's plan works from its findings, named below)";

/** `plan`: reads the issue (and feedback), explores read-only, submits a checked plan, commits its files. */
export async function runPlanRole(ctx: AgentContext): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const adapt = adaptSource(ctx.env.BATON_TRIGGER);
  if (adapt) return runAdaptRole(ctx, adapt);
  // A change set's member build copies its part of the set's plan (docs/change-sets.md).
  const member = parseMemberBuildId(build);
  if (member) return runSliceRole(ctx, member);
  const views = await readViews(ctx.env.BATON_VIEWS);
  const mounts =
    views.views.length > 0 ? [{ at: VIEWS_MOUNT, dir: await realpath(views.dir) }] : [];
  const home = ctx.env.GITHUB_REPOSITORY.toLowerCase();
  const issueNumber = Number(ctx.env.BATON_ISSUE ?? parseBuildId(build)?.issue);
  if (!Number.isInteger(issueNumber) || issueNumber < 1)
    return failedOutcome('BATON_ISSUE is not an issue number');
  // Read first, then check: an edit between the two is seen by the check.
  const issue = await ctx.github.getIssue(issueNumber);
  const subIssues = await readSubIssues(ctx.github, issueNumber, ctx.env.GITHUB_REPOSITORY);
  if (subIssues?.problem) return failedOutcome(subIssues.problem);
  const skeleton = subIssues ? planFromSubIssues(subIssues.graph) : null;
  if (subIssues && skeleton && !skeleton.ok) return commitGraphOnly(ctx, subIssues);
  const feedback = await readFeedback(ctx);
  const labelled = buildTypeOfLabels(ctx.config, labelNames(issue));
  // In an improvement loop the plan turns that loop's findings into workers added to the plan.
  const loop = parseLoopSubject(ctx.env.BATON_WORKER);
  // A loop's plan reads its findings, not the issue's description (research read the focus).
  if (loop === null) {
    const problem = await issueTextProblem(ctx.github, {
      issue: issueNumber,
      request: planRequestOf(ctx.config, labelNames(issue), feedback),
      subIssues: subIssues ? [...subIssues.bodies.keys()] : [],
      ...(subIssues ? { opened: subIssues.opened } : {}),
      app: ctx.env.GITHUB_ACTOR,
    }).catch((error: unknown) => {
      // This job's token may not ask who is a writer: publish, holding the app's token,
      // runs the same check before it writes any plan (`planTextProblem`).
      if (!(error instanceof PermissionReadRefused)) throw error;
      ctx.log(
        `GitHub refused this job's GITHUB_TOKEN a collaborator's permission (${error.message}): publish checks who edited #${issueNumber} before it writes the plan`,
      );
      return null;
    });
    if (problem) return failedOutcome(problem);
  }
  const earlier = loop === null ? null : await readPlan(ctx.root, build);
  const previous =
    loop === null && (await existsIn(ctx.root, planPath(build))) ? planPath(build) : null;
  // The contract's worker joins a build's own first plan, and a change set's (one per
  // repository): not a plan of sub-issues (one worker each) or an improvement loop's.
  const contract = ctx.config.verification.contract && loop === null && !subIssues;
  const submit = createSubmitTool({
    name: 'submit_plan',
    description:
      'Hand in the plan: title, summary, and every worker with its brief body. Checked before it is accepted.',
    schema: PlanSubmission,
    check: (submission) =>
      checkPlanSubmission(submission, {
        build,
        issue: issueNumber,
        subIssues,
        labelled,
        engines: readEngineSettings(ctx.config.session.engine).allow,
        contract,
        ...(mounts.length > 0
          ? { repositories: { home, others: views.views.map((view) => view.repository) } }
          : {}),
      }),
  });
  const outcome = await converse(ctx, {
    ...readOnlyParts(ctx, { models: 'plan', role: 'plan', submit: 'submit_plan' }),
    prompt: renderPlanPrompt({
      build,
      repository: ctx.env.GITHUB_REPOSITORY,
      issue: {
        number: issue.number,
        title: issue.title,
        body: loop === null ? (issue.body ?? '') : LOOP_DESCRIPTION,
      },
      feedback,
      skill: { path: skillPath('plan'), present: await existsIn(ctx.root, skillPath('plan')) },
      previousPlan: previous,
      buildDir: buildDir(build),
      labelled,
      engines: workerEngines(readEngineSettings(ctx.config.session.engine)),
      contract: contract && labelled === 'code',
      subIssues:
        subIssues && skeleton?.ok
          ? skeleton.workers.map((worker) => ({
              ...worker,
              description: subIssues.bodies.get(worker.sub_issue) ?? '',
            }))
          : null,
      loop:
        loop === null
          ? null
          : { loop, findings: findingsPath(build, loop), earlier: earlier !== null },
      repositories: views.views.map((view) => ({
        repository: view.repository,
        at: `${VIEWS_MOUNT}/${view.path}`,
      })),
    }),
    tools: createReadOnlyTools({
      root: ctx.root,
      maxOutputChars: ctx.limits.maxToolOutputChars,
      mounts,
    }),
    submit,
    // A plan reads every lesson of its role: it does not know yet which paths its workers touch.
    ...(labelled === 'code' ? { memory: { paths: null } } : {}),
  });
  if (outcome.kind === 'failed') return failedOutcome(outcome.reason);
  let files = outcome.value;
  let dropped: string[] = [];
  if (loop !== null) {
    const appended = appendLoopPlan({ previous: earlier, files, loop, build });
    if (!appended.ok) return failedOutcome(`loop ${loop}'s plan: ${appended.problems.join('; ')}`);
    ({ files, dropped } = appended);
  }
  await writePlanFiles(ctx.root, build, files, { keepBriefs: loop !== null, dropped, subIssues });
  const title = loop === null ? files.plan.title : `loop ${loop}: ${files.plan.title}`;
  const commit = await commitSession(ctx, `Plan ${build}: ${title}`);
  if (!commit.ok) return failedOutcome(commit.reason);
  return { status: 'complete', reason: null, head: commit.head, plan: files.plan };
}

/** Where a change set's plan session reads the other repositories (docs/change-sets.md). */
const VIEWS_MOUNT = '/views';

/** The merged worker an adapt-mode plan session answers (`adapt-W1.1`), or null. */
function adaptSource(trigger: string | undefined): string | null {
  if (!trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id } = parseTrigger(trigger);
  return kind === 'adapt' ? id : null;
}

async function readFeedback(
  ctx: AgentContext,
): Promise<{ author: string; body: string; at: string } | null> {
  const id = feedbackCommentId(ctx.env.BATON_TRIGGER);
  if (id === null) return null;
  const comment = await ctx.github.getIssueComment(id);
  // A deleted `/replan` still counts (it was accepted); its feedback is gone.
  if (!comment) return null;
  return {
    author: comment.user?.login ?? 'someone',
    body: comment.body ?? '',
    at: comment.created_at ?? '',
  };
}

/**
 * Sub-issues that cannot make a plan (a cycle, an open blocker outside the
 * siblings): the graph alone is committed, with no model turn spent, and any
 * earlier plan removed, so the app shows what to fix on GitHub.
 */
async function commitGraphOnly(ctx: AgentContext, subIssues: SubIssueRead): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const dir = path.join(ctx.root, buildDir(build));
  for (const name of ['workers', 'plan.json', 'PLAN.md'])
    await rm(path.join(dir, name), { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeGraph(ctx.root, build, subIssues);
  ctx.log(`the sub-issues of #${subIssues.graph.parent} cannot be planned; see the status comment`);
  const commit = await commitSession(
    ctx,
    `Sub-issues of #${subIssues.graph.parent} for ${build}: no plan until their links are fixed`,
  );
  if (!commit.ok) return failedOutcome(commit.reason);
  return { status: 'complete', reason: null, head: commit.head, plan: null };
}

async function writeGraph(root: string, build: string, subIssues: SubIssueRead): Promise<void> {
  await writeFile(
    path.join(root, subIssueGraphPath(build)),
    `${JSON.stringify(subIssues.graph, null, 2)}\n`,
  );
}

/**
 * Writes plan.json, PLAN.md and the briefs (and sub-issues.json); briefs of an
 * earlier plan are removed first, except in a loop, whose plan adds to the
 * earlier loops'.
 */
async function writePlanFiles(
  root: string,
  build: string,
  files: PlanFiles,
  {
    keepBriefs,
    dropped = [],
    subIssues,
  }: { keepBriefs: boolean; dropped?: string[]; subIssues: SubIssueRead | null },
): Promise<void> {
  const dir = path.join(root, buildDir(build));
  if (!keepBriefs) await rm(path.join(dir, 'workers'), { recursive: true, force: true });
  for (const id of dropped) await rm(path.join(root, briefPath(build, id)), { force: true });
  await rm(path.join(root, subIssueGraphPath(build)), { force: true });
  await mkdir(path.join(dir, 'workers'), { recursive: true });
  if (subIssues) await writeGraph(root, build, subIssues);
  await writeFile(path.join(root, planPath(build)), `${JSON.stringify(files.plan, null, 2)}\n`);
  await writeFile(path.join(dir, 'PLAN.md'), renderPlanMarkdown(files.plan));
  for (const [id, text] of files.briefs)
    await writeFile(path.join(root, briefPath(build, id)), text);
}

/** The engine workers run on by default, and those a plan may give one. */
function workerEngines(settings: EngineSettings): { work: string; allow: readonly string[] } {
  return { work: settings.roles.work ?? settings.default, allow: settings.allow };
}
