/**
 * What a work session's GitHub answers about its worker's messages: the
 * listing of its message refs, and each comment with its reactions.
 */
import type { CapturedRequest } from '../../sim/fake-anthropic.js';
import { messageRef } from '../../src/core/sessions/messages.js';
import { BUILD, REPOSITORY } from './agent-fixtures.js';

/** Baton's bot: the run's actor, whose 👀 on a comment says the app took it. */
export const BOT = 'baton[bot]';
/** A work session of W1.1 in a run of Actions (its run and actor), on issue #12. */
export const RUN_ENV = {
  BATON_WORKER: 'W1.1',
  BATON_ISSUE: '12',
  GITHUB_RUN_ID: '4242',
  GITHUB_ACTOR: BOT,
};
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
