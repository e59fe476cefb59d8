/**
 * What a work or fix session hears while it runs: the messages people sent
 * its worker (`/steer`, `/queue`, src/session/agent/inbox/) and the wind-down
 * before a limit, opened once per session. The messages waiting at its start
 * go into its first prompt, and are taken in at turn 1.
 */
import type { MessageReceipt } from '../../../../core/records/usage.js';
import { parseMemberBuildId } from '../../../../core/vocabulary/ids.js';
import type { AgentContext } from '../../agent-context.js';
import { createInterjections } from '../../inbox/interjections.js';
import { renderWaitingMessages } from '../../inbox/message-text.js';
import {
  createSessionInbox,
  MESSAGE_POLL_MS,
  type SessionInbox,
} from '../../inbox/session-inbox.js';
import type { Interjections } from '../../model/interjection.js';
import { renderWindDown } from './partial-work.js';

export interface WorkMessages {
  interjections: Interjections;
  /** The waiting messages, quoted for the first prompt; null when none. */
  waiting: string | null;
  receipts(): MessageReceipt[];
  counts(): ReturnType<SessionInbox['counts']> | null;
}

/**
 * The session's inbox (none outside a run of Actions: without a read token,
 * a run id or the run's actor) and its interjections. `BATON_MESSAGE_POLL_SECONDS` shortens the look's
 * interval for tests and simulations only.
 */
export async function openWorkMessages(
  ctx: AgentContext,
  { worker, submit }: { worker: string; submit: string },
): Promise<WorkMessages> {
  const actor = ctx.env.GITHUB_ACTOR;
  const inbox =
    ctx.env.GITHUB_TOKEN && ctx.env.GITHUB_RUN_ID && actor
      ? createSessionInbox({
          reads: ctx.github,
          owner: {
            build: ctx.env.BATON_BUILD,
            issue: Number(ctx.env.BATON_ISSUE) || null,
            // A change set's member build names the set's repository, where its issue is.
            issueRepository:
              parseMemberBuildId(ctx.env.BATON_BUILD)?.home ?? ctx.env.GITHUB_REPOSITORY,
            worker,
            actor,
          },
          repository: ctx.env.GITHUB_REPOSITORY,
          log: ctx.log,
          intervalMs: ctx.messagePollMs ?? pollInterval(process.env.BATON_MESSAGE_POLL_SECONDS),
        })
      : null;
  const waiting = (await inbox?.waiting()) ?? [];
  for (const message of waiting) inbox?.took(message.comment, 1);
  if (waiting.length > 0) ctx.log(`inbox: ${waiting.length} messages wait for this session`);
  const interjections = createInterjections({
    inbox,
    meter: ctx.meter,
    limits: ctx.limits,
    now: ctx.now,
    windDownText: (limit) => renderWindDown({ limit, submit }),
  });
  return {
    interjections,
    waiting: renderWaitingMessages(waiting),
    receipts: () => inbox?.receipts() ?? [],
    counts: () => inbox?.counts() ?? null,
  };
}

function pollInterval(seconds: string | undefined): number {
  const value = Number(seconds);
  return Number.isFinite(value) && value > 0 ? value * 1000 : MESSAGE_POLL_MS;
}
