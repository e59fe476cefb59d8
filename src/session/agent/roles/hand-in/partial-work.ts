/**
 * A work or fix session that stops short of its brief keeps what it did
 * (docs/sessions.md, "Wind-down"): told that a limit is near, the model hands
 * in status `partial` with a hand-off note; one that reached a limit anyway,
 * met a model error or an engine that failed, but changed files, is handed
 * in `partial` by Baton, with a note of its own. Publish then pushes the work
 * and opens (or marks) a draft pull request, and `/continue` goes on from it.
 */
import type { Completion, Usage } from '../../../../core/records/completion.js';
import { LIMIT_NAMES, type SessionLimit } from '../../../../core/records/usage.js';
import { completionPath } from '../../../../core/vocabulary/ids.js';
import type { AgentContext } from '../../agent-context.js';
import { gitRaw } from '../../git/git.js';
import { batonCompletion } from './completion-submission.js';

/** What the model is told once `limit` is near, in a conversation that hands in with `submit`. */
export function renderWindDown({ limit, submit }: { limit: SessionLimit; submit: string }): string {
  return [
    `Baton: this session is about to reach ${LIMIT_NAMES[limit]}. Wrap up now, in as few turns as you can:`,
    '- keep what works and undo what does not, so the work tree holds only changes you would hand over;',
    `- then ${submit} with status \`partial\` and a \`handoff\`: \`done\` (what works now), \`left\` (what the brief still asks), \`next\` (what you were about to try).`,
    'The next session starts from your branch and that note; nothing you leave in the work tree is lost.',
  ].join('\n');
}

/** The report Baton writes for a session that stopped short without handing in one. */
export function stoppedCompletion({
  worker,
  reason,
  usage,
}: {
  worker: string;
  reason: string;
  usage: Usage;
}): Completion {
  return batonCompletion({
    worker,
    status: 'partial',
    summary: `Stopped short of the brief: it ${reason}`,
    usage,
    concerns: [
      'The session stopped before it could hand in: review the work so far before going on.',
    ],
    handoff: {
      done: 'The changes committed on this branch are what the session did before it stopped; read the diff.',
      left: 'Whatever the brief asks beyond those changes: the session stopped before it could say.',
      next: `It stopped because it ${reason}`.slice(0, 2000),
    },
  });
}

/** Whether the commits from the base to `head` change anything but the worker's own report. */
export async function changesWork(
  ctx: AgentContext,
  { head, worker }: { head: string; worker: string },
): Promise<boolean> {
  const options = { root: ctx.root, env: ctx.toolEnv };
  const names = await gitRaw(options, ['diff', '--name-only', '-z', ctx.base, head]);
  const report = completionPath(ctx.env.BATON_BUILD, worker);
  return names.split('\0').some((name) => name !== '' && name !== report);
}
