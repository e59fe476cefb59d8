import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isSessionTrigger, parseTrigger } from '../../../../core/sessions/session.js';
import { integrationBranch } from '../../../../core/vocabulary/ids.js';
import { gitAuthEnv } from '../../../publish/scratch-repo.js';
import type { AgentContext } from '../../agent-context.js';
import { batonIdentity, git, gitSucceeds } from '../../git/git.js';
import { quoteUntrusted } from '../../prompts/quote-untrusted.js';
import { capOutput } from '../../tools/cap-output.js';

/** What a `fix` session answers, quoted for the prompt, and the files a merge left in conflict. */
export interface FixFeedback {
  text: string;
  conflicts: string[];
}

const MAX_FEEDBACK = 24_000;
const MAX_CHECK_SUMMARY = 2_000;
const FAILED = new Set(['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure']);

/** A `/retry` (or `/replan`) comment, quoted: the person's instructions for this attempt. */
export async function commentFeedback(ctx: AgentContext, id: string): Promise<string> {
  const comment = await ctx.github.getIssueComment(id);
  // The command was accepted when it was written; deleting it later does not undo it.
  if (!comment)
    return `The comment that asked for this attempt (comment ${id}) has since been deleted, and its instructions with it: check the pull request against the brief and improve it.`;
  return quote(
    `@${comment.user?.login ?? 'someone'} asked for another attempt (comment ${id}):`,
    comment.body ?? '',
  );
}

/** Reads the trigger's feedback through the API, or merges the build branch for a conflict. */
export async function gatherFixFeedback(ctx: AgentContext, pr: number): Promise<FixFeedback> {
  const trigger = ctx.env.BATON_TRIGGER;
  if (!trigger || !isSessionTrigger(trigger)) {
    return {
      text: 'No feedback was named: check the pull request against the brief and improve it.',
      conflicts: [],
    };
  }
  const { kind, id } = parseTrigger(trigger);
  switch (kind) {
    case 'review':
      return { text: await reviewFeedback(ctx, pr, id), conflicts: [] };
    case 'comment':
      return { text: await commentFeedback(ctx, id), conflicts: [] };
    case 'checks':
      return { text: await checksFeedback(ctx, id), conflicts: [] };
    case 'conflict':
      return mergeBuildBranch(ctx);
    case 'continue':
      return { text: CONTINUE_FEEDBACK, conflicts: [] };
    default:
      return {
        text: `Answer ${trigger}: check the pull request against the brief and improve it.`,
        conflicts: [],
      };
  }
}

/**
 * A continuation (`/continue`, or `budget.continuePartial`): the session before
 * stopped short of the brief and handed in partial work with its note, which
 * is the earlier report the prompt names by path.
 */
const CONTINUE_FEEDBACK =
  "The session before this one stopped short of the brief (a limit, or an error) and handed in partial work: the commits on this branch, and a hand-off note in your earlier report's `handoff` (what is done, what is left, what it was about to try). Read the note and the diff against the build branch first, then finish the brief from there; do not start over.";

/** People's and checks' text enters the prompt as fenced data (see `quoteUntrusted`). */
function quote(intro: string, body: string): string {
  return `${intro}\n${quoteUntrusted({ tag: 'feedback', text: body, maxChars: MAX_FEEDBACK })}`;
}

async function reviewFeedback(ctx: AgentContext, pr: number, id: string): Promise<string> {
  const review = await ctx.github.getReview(pr, id);
  const comments = await ctx.github.listReviewComments(pr, id);
  const inline = comments.map(
    (c) => `- \`${c.path}:${c.line ?? c.original_line ?? '?'}\`: ${c.body}`,
  );
  const body = [
    review.body?.trim() || '(no summary)',
    ...(inline.length ? ['', 'Inline comments:', ...inline] : []),
  ].join('\n');
  return quote(
    `Review ${id} by @${review.user?.login ?? 'someone'} (${review.state}) asks for changes:`,
    body,
  );
}

async function checksFeedback(ctx: AgentContext, sha: string): Promise<string> {
  const runs = (await ctx.github.listCheckRuns(sha)).filter(
    (r) => r.conclusion && FAILED.has(r.conclusion),
  );
  if (runs.length === 0)
    return `The checks on ${sha} were reported red, but none is failing now: run the repository's checks yourself and fix what fails.`;
  const lines = runs.map((r) =>
    [
      `- ${r.name}: ${r.conclusion}${r.output?.title ? ` (${r.output.title})` : ''}`,
      capOutput(r.output?.summary?.trim() ?? '', MAX_CHECK_SUMMARY),
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return quote(
    `These checks failed on ${sha}; reproduce them locally and fix the cause:`,
    lines.join('\n'),
  );
}

/**
 * Merges the build branch into the worker branch before the model starts. The
 * fetch may use the read token: the model has not run yet, and the token is
 * passed for this one command only, never written to the checkout's config.
 */
async function mergeBuildBranch(ctx: AgentContext): Promise<FixFeedback> {
  const branch = integrationBranch(ctx.env.BATON_BUILD);
  const options = { root: ctx.root, env: batonIdentity(ctx.toolEnv) };
  // In the environment of this one command, not its arguments: any user can read a command line.
  const auth = ctx.env.GITHUB_TOKEN ? gitAuthEnv(ctx.env.GITHUB_TOKEN) : {};
  await git({ ...options, extraEnv: auth }, [
    'fetch',
    '--no-tags',
    'origin',
    `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
  ]);
  const clean = await gitSucceeds(options, ['merge', '--no-ff', '--no-edit', `origin/${branch}`]);
  if (clean)
    return {
      text: `Baton merged \`${branch}\` into this branch without conflicts. Check that everything still works together, then submit.`,
      conflicts: [],
    };
  const conflicts = (await git(options, ['diff', '--name-only', '--diff-filter=U']))
    .split('\n')
    .filter(Boolean);
  return {
    text: [
      `Baton merged \`${branch}\` (the build branch) into this branch, and these files conflict:`,
      ...conflicts.map((f) => `- \`${f}\``),
      'Resolve every conflict marker keeping the intent of both sides, run the checks, then submit. Baton concludes the merge when it commits.',
    ].join('\n'),
    conflicts,
  };
}

/** Files among `files` that still hold conflict markers. */
export async function findConflictMarkers(
  root: string,
  files: readonly string[],
): Promise<string[]> {
  const left: string[] = [];
  for (const file of files) {
    // The model's tree: a regular file only, never through a link it planted.
    const stat = await lstat(path.join(root, file)).catch(() => null);
    if (!stat?.isFile()) continue;
    const text = await readFile(path.join(root, file), 'utf8').catch(() => '');
    if (/^(<{7}|>{7}) /m.test(text)) left.push(file);
  }
  return left;
}
