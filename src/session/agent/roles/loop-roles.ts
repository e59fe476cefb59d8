import { z } from 'zod';
import { FindingSource, renderSource } from '../../../core/records/findings.js';
import type { ResearchResult } from '../../../core/records/research.js';
import { isSessionTrigger, parseTrigger } from '../../../core/sessions/session.js';
import {
  completionPath,
  findingsPath,
  parseBuildId,
  parseLoopSubject,
  researchResultPath,
  skillPath,
  summaryPath,
} from '../../../core/vocabulary/ids.js';
import { issueTextProblem } from '../../reads/issue-text.js';
import type { AgentContext } from '../agent-context.js';
import { converse, readOnlyParts } from '../agent-context.js';
import { webTools } from '../model/model-features.js';
import { readIfPresent, readPlan, writeRecordFile } from '../plan/loop-files.js';
import { renderResearchPrompt, renderSummaryPrompt } from '../prompts/loop-prompts.js';
import { withWebRule } from '../prompts/system-prompt.js';
import { commitSession } from '../session-output.js';
import { createReadOnlyTools } from '../tools/read-only-tools.js';
import { createSubmitTool } from '../tools/submit-tool.js';
import { existsIn, failedOutcome, type RoleOutcome } from './role-outcome.js';

/** What `submit_research` takes: the findings, and the schema-checked verdict the app reads. */
export const ResearchSubmission = z.strictObject({
  findings: z
    .string()
    .trim()
    .min(1)
    .max(40_000)
    .describe(
      'Markdown: each improvement with its paths, why it matters and how to tell it is done.',
    ),
  nothing_worth_doing: z
    .boolean()
    .describe('True when nothing is worth another loop: no plan follows and the series ends.'),
  sources: z
    .array(FindingSource)
    .max(100)
    .default([])
    .describe(
      'What the findings rest on: each web page as {url, read: YYYY-MM-DD, the day you read it}, each repository path with a line (src/a.ts:12).',
    ),
});

/** What `submit_summary` takes: a few hundred words for the next loop's research. */
export const SummarySubmission = z.strictObject({
  summary: z
    .string()
    .trim()
    .min(1)
    .max(6_000)
    .describe('Markdown, a few hundred words: what changed, what was learned, what is left.'),
});

/**
 * `research` (improvement loops): reads the focus (the `/improve` comment, by
 * id) and the previous loop's summary, studies the repository read-only, and
 * commits only `loops/<n>/findings.md` and `loops/<n>.json`.
 */
export async function runResearchRole(ctx: AgentContext): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const loop = parseLoopSubject(ctx.env.BATON_WORKER);
  if (loop === null) return failedOutcome('BATON_WORKER must name the loop (L1, L2 …)');
  const issue = await ctx.github.getIssue(
    Number(ctx.env.BATON_ISSUE ?? parseBuildId(build)?.issue),
  );
  // Loops started by the `improve.label` have no comment: the issue is the focus,
  // read as it stood when a writer added the label (as a plan reads it).
  const comment = await readFocus(ctx);
  if (!comment) {
    const label = ctx.config.improve.label;
    const problem = label
      ? await issueTextProblem(ctx.github, {
          issue: issue.number,
          request: { kind: 'label', label },
        })
      : 'this research answers no `/improve` comment and .github/baton.yml names no improve.label; comment `/improve` to start a series';
    if (problem) return failedOutcome(problem);
  }
  const focus = comment ?? {
    author: 'the issue',
    body: `${issue.title}\n\n${issue.body ?? ''}`.trim(),
  };
  const previousPath = loop > 1 ? summaryPath(build, loop - 1) : null;
  const previousText = previousPath ? await readIfPresent(ctx.root, previousPath) : null;
  const parts = readOnlyParts(ctx, { models: 'plan', role: 'research', submit: 'submit_research' });
  const serverTools = webTools(ctx.config, ctx.visibility);
  const outcome = await converse(ctx, {
    ...parts,
    system: withWebRule(parts.system, serverTools),
    features: { ...parts.features, serverTools },
    prompt: renderResearchPrompt({
      build,
      repository: ctx.env.GITHUB_REPOSITORY,
      loop,
      issue: { number: issue.number, title: issue.title },
      focus,
      previousSummary:
        previousPath && previousText !== null ? { path: previousPath, text: previousText } : null,
      skill: await skill(ctx, 'research'),
    }),
    tools: readOnly(ctx),
    submit: createSubmitTool({
      name: 'submit_research',
      description:
        'Hand in the findings, their sources, and whether anything is worth another loop.',
      schema: ResearchSubmission,
      // What the provider searched or fetched for this session must be cited, with the day read.
      check: (value) =>
        (ctx.meter.web_search_requests > 0 || ctx.meter.web_fetch_requests > 0) &&
        !value.sources.some((source) => typeof source !== 'string')
          ? {
              ok: false,
              problems: [
                'sources: you read the web in this session; list each page your findings rest on as {url, read: YYYY-MM-DD}',
              ],
            }
          : { ok: true, value },
    }),
  });
  if (outcome.kind === 'failed') return failedOutcome(outcome.reason);
  const result: ResearchResult = { loop, nothing_worth_doing: outcome.value.nothing_worth_doing };
  const sources = outcome.value.sources.map((source) => `- ${renderSource(source)}`);
  const findings = sources.length
    ? `${outcome.value.findings}\n\n## Sources\n\n${sources.join('\n')}`
    : outcome.value.findings;
  await writeRecordFile(ctx.root, findingsPath(build, loop), `${findings}\n`);
  await writeRecordFile(ctx.root, researchResultPath(build, loop), `${JSON.stringify(result)}\n`);
  const commit = await commitSession(ctx, `Research ${build}: loop ${loop}`);
  return commit.ok
    ? { status: 'complete', reason: null, head: commit.head }
    : failedOutcome(commit.reason);
}

/**
 * `summary` (improvement loops): once a loop's workers are merged, reads its
 * findings and completions by path and commits only `loops/<n>/summary.md`,
 * which is all the next loop's research is given.
 */
export async function runSummaryRole(ctx: AgentContext): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const loop = parseLoopSubject(ctx.env.BATON_WORKER);
  if (loop === null) return failedOutcome('BATON_WORKER must name the loop (L1, L2 …)');
  const plan = await readPlan(ctx.root, build);
  const workers = (plan?.workers ?? []).filter((worker) => worker.loop === loop);
  const completions = await Promise.all(
    workers.map(async ({ id }) => {
      const path = completionPath(build, id);
      return { worker: id, path, present: await existsIn(ctx.root, path) };
    }),
  );
  const outcome = await converse(ctx, {
    ...readOnlyParts(ctx, { models: 'plan', role: 'summary', submit: 'submit_summary' }),
    prompt: renderSummaryPrompt({
      build,
      repository: ctx.env.GITHUB_REPOSITORY,
      loop,
      findings: findingsPath(build, loop),
      completions,
      skill: await skill(ctx, 'summary'),
    }),
    tools: readOnly(ctx),
    submit: createSubmitTool({
      name: 'submit_summary',
      description: "Hand in the loop's summary for the next loop's research.",
      schema: SummarySubmission,
    }),
  });
  if (outcome.kind === 'failed') return failedOutcome(outcome.reason);
  await writeRecordFile(ctx.root, summaryPath(build, loop), `${outcome.value.summary}\n`);
  const commit = await commitSession(ctx, `Summary ${build}: loop ${loop}`);
  return commit.ok
    ? { status: 'complete', reason: null, head: commit.head }
    : failedOutcome(commit.reason);
}

/** The `/improve` comment the research answers (its trigger), whose text is the focus. */
async function readFocus(ctx: AgentContext): Promise<{ author: string; body: string } | null> {
  const trigger = ctx.env.BATON_TRIGGER;
  if (!trigger || !isSessionTrigger(trigger)) return null;
  const { kind, id } = parseTrigger(trigger);
  if (kind !== 'comment') return null;
  const comment = await ctx.github.getIssueComment(id);
  // A deleted `/improve` still counts (it was accepted); its focus is gone.
  if (!comment)
    return {
      author: 'someone',
      body: `(the \`/improve\` comment ${id} has since been deleted: study the repository for the improvement most worth making)`,
    };
  return { author: comment.user?.login ?? 'someone', body: comment.body ?? '' };
}

async function skill(ctx: AgentContext, role: 'research' | 'summary') {
  const path = skillPath(role);
  return { path, present: await existsIn(ctx.root, path) };
}

function readOnly(ctx: AgentContext) {
  return createReadOnlyTools({ root: ctx.root, maxOutputChars: ctx.limits.maxToolOutputChars });
}
