/**
 * How the commands that talk to a worker's sessions read their line: `/steer
 * W2.1 <text>` and `/queue W2.1 <text>` (the text runs to the next command
 * line, as `/replan`'s feedback does), and `/continue W2.1`. On the worker's
 * pull request the id may be left out. Their entries are in `command-table.ts`.
 */
import { WORKER_ID } from '../vocabulary/ids.js';
import { code } from '../vocabulary/markdown.js';
import type { CommandText, Read } from './command-readers.js';

/** The worker a line names (or its pull request's), with the words after it. */
interface Target {
  id: string;
  /** The line names it (its first word), rather than its pull request. */
  named: boolean;
  token: string;
  words: string[];
}

function findTarget({ word, rest, worker, usage }: CommandText, then: string): Target | string {
  const [token = '', ...words] = rest.split(/\s+/).filter(Boolean);
  const id = token.toUpperCase();
  const named = WORKER_ID.test(id);
  if (!named && /^w?\d+(\.\d*)?$/i.test(token)) {
    return `${code(token)} is not a worker id: worker ids look like W2.1, e.g. ${code(usage)}.`;
  }
  const target = named ? id : worker;
  if (!target) return `/${word} needs a worker id: ${code(usage)}${then}.`;
  return { id: target, named, token, words };
}

/** `/steer W2.1 <text>` or `/queue W2.1 <text>`. */
export function readMessage(line: CommandText): Read<{ worker: string; text: string }> {
  const found = findTarget(line, ', then your message');
  if (typeof found === 'string') return found;
  const { id, named, token } = found;
  const firstLine = named ? line.rest.trim().slice(token.length) : line.rest;
  const text = [firstLine, ...line.following].join('\n').trim();
  if (!text) {
    return `/${line.word} needs a message after the worker id: ${code(`/${line.word} ${id} use the new API`)}.`;
  }
  return { worker: id, text };
}

/** `/continue W2.1`: a session goes on from the worker's partial work. */
export function readContinue(line: CommandText): Read<{ worker: string }> {
  const found = findTarget(line, '');
  if (typeof found === 'string') return found;
  const { id, named, token, words } = found;
  const extra = named ? words : [token, ...words].filter(Boolean);
  return extra.length === 0
    ? { worker: id }
    : `/continue takes only a worker id: ${code(`/continue ${id}`)}. To tell its session something, write ${code(`/queue ${id} <message>`)} first.`;
}
