/**
 * What a work session's GitHub answers about its worker's messages: the
 * listing of its message refs, and each comment with its reactions.
 */
import type { CapturedRequest } from '../../sim/fake-anthropic.js';
import { renderUsageMessage } from '../../src/core/records/usage.js';
import { messageRef } from '../../src/core/sessions/messages.js';
import { usageRecordOf } from '../support/builds.js';
import { BUILD, type FakeGitHub, REPOSITORY } from './agent-fixtures.js';

/** Baton's bot: the run's actor, whose 👀 on a comment says the app took it. */
export const BOT = 'baton[bot]';
/** A work session of W1.1 in a run of Actions (its run and actor), on issue #12. */
export const RUN_ENV = {
  BATON_WORKER: 'W1.1',
  BATON_ISSUE: '12',
  GITHUB_RUN_ID: '4242',
  GITHUB_ACTOR: BOT,
};
/**
 * GitHub's answers for a day on which one other session of the build (W1.2's, run 4000)
 * spent `usd` before this one (run 4242), both dispatched by Baton's bot today: the
 * listing of the day's runs and the build's usage records (one GraphQL answer for any query).
 */
export function daySpentRoutes(usd: number): Record<string, unknown> {
  const today = new Date().toISOString();
  const run = (id: number, worker: string) => ({
    id,
    display_title: `baton work ${BUILD} ${worker} -`,
    created_at: today,
    run_attempt: 1,
    actor: { login: BOT },
  });
  const record = renderUsageMessage(usageRecordOf({ usd, run_id: 4000, worker: 'W1.2' }));
  return {
    [`GET /repos/${REPOSITORY}/actions/workflows/baton.yml/runs`]: {
      workflow_runs: [run(4242, 'W1.1'), run(4000, 'W1.2')],
    },
    'POST /graphql': {
      data: {
        repository: {
          refs: {
            pageInfo: { hasNextPage: false, endCursor: null },
            nodes: [{ name: '4000-1', target: { message: record } }],
          },
        },
      },
    },
  };
}

/** The listing of W1.1's message refs, as a session asks for it. */
export const LISTING = `GET /repos/${REPOSITORY}/git/matching-refs/baton/${BUILD}/message/W1.1`;

/** GitHub's answers for a message in comment `id` (on issue #12 unless said), with Baton's 👀 unless `taken` is false. */
export function messageRoutes({
  id,
  body,
  author = 'maria',
  taken = true,
  issue = 12,
}: {
  id: number;
  body: string;
  author?: string;
  taken?: boolean;
  /** The issue or pull request the comment is on; the build's issue is #12. */
  issue?: number;
}): Record<string, unknown> {
  return {
    [`GET /repos/${REPOSITORY}/issues/comments/${id}`]: {
      id,
      body,
      user: { login: author },
      issue_url: `https://api.github.com/repos/${REPOSITORY}/issues/${issue}`,
    },
    [`GET /repos/${REPOSITORY}/issues/comments/${id}/reactions`]: taken
      ? [{ content: 'eyes', user: { login: BOT } }]
      : [{ content: 'eyes', user: { login: 'someone-else' } }],
  };
}

/** The listing's answer for these comments. */
export function listing(ids: number[]) {
  return ids.map((id) => ({
    ref: messageRef(BUILD, { worker: 'W1.1', comment: id }),
    object: { sha: 'a'.repeat(40) },
  }));
}

/** The text of every user message a request carried, as the model read them. */
export function userText(request: CapturedRequest): string {
  return request.body.messages
    .filter((message) => message.role === 'user')
    .map((message) => JSON.stringify(message.content))
    .join('\n');
}

/** Resolves once `check` holds, looking again after each turn of the event loop. */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Baton's app records the message in comment `id` while the session runs (its listing now
 * names `listed`); resolves once the session has looked for the comment's 👀.
 */
export async function recordMessage(
  github: FakeGitHub,
  { id, body, listed }: { id: number; body: string; listed: number[] },
): Promise<void> {
  Object.assign(github.routes, messageRoutes({ id, body }), { [LISTING]: listing(listed) });
  await until(() => github.requests.some((r) => r.endsWith(`/comments/${id}/reactions`)));
}
