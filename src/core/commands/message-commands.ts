/**
 * The grammar of the commands that talk to a worker's sessions: `/steer W2.1
 * <text>` and `/queue W2.1 <text>` (the text runs to the next command line,
 * as `/replan`'s feedback does), and `/continue W2.1`. On the worker's pull
 * request the id may be left out. Kept apart from the other commands' grammar
 * (`parse-commands.ts` only routes the words here).
 */
import { WORKER_ID } from '../vocabulary/ids.js';
import { code } from '../vocabulary/markdown.js';
import type { Command, MessageCommand } from './command.js';

/** How each of these commands is written, for error messages and replies. */
export const MESSAGE_USAGE = {
  steer: '/steer W2.1 <message>',
  queue: '/queue W2.1 <message>',
  continue: '/continue W2.1',
} as const;

/** The words that start a message command. */
export type MessageWord = keyof typeof MESSAGE_USAGE;

export function isMessageWord(word: string): word is MessageWord {
  return Object.hasOwn(MESSAGE_USAGE, word);
}

/** A message command, or the message that says how to write it right. */
export function readMessageCommand({
  word,
  rest,
  following,
  worker,
}: {
  word: MessageWord;
  rest: string;
  following: string[];
  /** The worker of the pull request the comment is on, if any. */
  worker: string | undefined;
}): Command | string {
  const [token = '', ...words] = rest.split(/\s+/).filter(Boolean);
  const id = token.toUpperCase();
  const named = WORKER_ID.test(id);
  if (!named && /^w?\d+(\.\d*)?$/i.test(token)) {
    return `${code(token)} is not a worker id: worker ids look like W2.1, e.g. ${code(MESSAGE_USAGE[word])}.`;
  }
  const target = named ? id : worker;
  if (!target) {
    return `/${word} needs a worker id: ${code(MESSAGE_USAGE[word])}${word === 'continue' ? '' : ', then your message'}.`;
  }
  if (word === 'continue') {
    const extra = named ? words : [token, ...words].filter(Boolean);
    return extra.length === 0
      ? { name: 'continue', worker: target }
      : `/continue takes only a worker id: ${code(`/continue ${target}`)}. To tell its session something, write ${code(`/queue ${target} <message>`)} first.`;
  }
  const firstLine = named ? rest.trim().slice(token.length) : rest;
  const text = [firstLine, ...following].join('\n').trim();
  if (!text) {
    return `/${word} needs a message after the worker id: ${code(`/${word} ${target} use the new API`)}.`;
  }
  return { name: word, worker: target, text };
}

/** Whether a command is one of these (messages to sessions, `/continue`). */
export function isMessageCommand(command: Command): command is MessageCommand {
  return isMessageWord(command.name);
}
