/**
 * How the commands of the table (`command-table.ts`) read their line: each
 * reader gets what follows the command's word and answers with the command's
 * fields, with the message that says how to write it right, or with null when
 * the line is another command of the same word (`/retry synthesis` beside
 * `/retry W2.1`).
 */
import { ENGINES, type Engine, parseEngine } from '../vocabulary/engine-names.js';
import { WORKER_ID } from '../vocabulary/ids.js';
import { code } from '../vocabulary/markdown.js';

/** A command line as its reader sees it. */
export interface CommandText {
  /** The word after `/`, in lower case. */
  word: string;
  /** The rest of its line, trimmed. */
  rest: string;
  /** The lines after it, up to the next command line. */
  following: string[];
  /** The worker of the pull request the comment is on, if any: it stands in for an omitted id. */
  worker: string | undefined;
  /** How the command is written (its `usage`), for the message that says so. */
  usage: string;
}

/** A reader's answer: the command's fields, how to write it right, or null when it is another command. */
export type Read<F> = F | string | null;

/** The command alone on its line: `/approve`. */
export function readAlone({ word, rest }: CommandText): Read<Record<never, never>> {
  return rest
    ? `/${word} takes nothing after it: write ${code(`/${word}`)} alone on its line.`
    : {};
}

/** `/replan <feedback>`: the feedback runs to the next command line. */
export function readReplan({ rest, following }: CommandText): Read<{ feedback: string }> {
  const feedback = [rest, ...following].join('\n').trim();
  return feedback
    ? { feedback }
    : `/replan needs feedback: describe what should change, e.g. ${code('/replan split W2.1 into an API worker and a UI worker')}.`;
}

/** `/remember <rule>`: the rule a person wants kept as a lesson, to the next command line. */
export function readRemember({ rest, following }: CommandText): Read<{ rule: string }> {
  const rule = [rest, ...following].join('\n').trim();
  return rule
    ? { rule }
    : `/remember needs the rule to keep, e.g. ${code('/remember log through src/log.ts, never console.log')}.`;
}

/** `W2.1` as written, any case; `W2`, `2.1` and `W0.1` are attempts that need a hint. */
function readWorkerId(token: string): { id: string } | { attempt: boolean } {
  const id = token.toUpperCase();
  if (WORKER_ID.test(id)) return { id };
  return { attempt: /^w?\d+(\.\d*)?$/i.test(token) };
}

function badWorkerId(usage: string, token: string): string {
  return `${code(token)} is not a worker id: worker ids look like W2.1, e.g. ${code(usage)}.`;
}

/** The word after `/retry` that names a research build's synthesis instead of a worker. */
const SYNTHESIS = 'synthesis';

/** `/retry synthesis`: the synthesis reads the plan and the findings again; it takes no instructions. */
export function readRetrySynthesis({ rest }: CommandText): Read<Record<never, never>> {
  const [token = '', ...words] = rest.split(/\s+/);
  if (token.toLowerCase() !== SYNTHESIS) return null;
  return words.length === 0
    ? {}
    : `/retry synthesis takes nothing after it: write ${code('/retry synthesis')} alone on its line (the synthesis reads the plan and the findings again). To retry a worker with instructions, name it: ${code('/retry W2.1 <instructions>')}.`;
}

type Retry = { worker: string; instructions: string; engine?: Engine };

/** `/retry W2.1 [engine=codex] [instructions]`. */
export function readRetry({ rest, worker, usage }: CommandText): Read<Retry> {
  const [token = '', ...words] = rest.split(/\s+/);
  const read = readWorkerId(token);
  if ('id' in read) return withEngine(read.id, words);
  if (read.attempt) return badWorkerId(usage, token);
  if (worker) return withEngine(worker, rest.split(/\s+/).filter(Boolean));
  return `/retry needs a worker id: ${code('/retry W2.1')}, optionally followed by instructions.`;
}

const ENGINE_WORD = /^engine=(.*)$/i;

/** A worker's retry, with the engine its first word names (`engine=codex`), if any. */
function withEngine(worker: string, words: string[]): Retry | string {
  const [first = '', ...others] = words;
  const named = ENGINE_WORD.exec(first);
  if (!named) return { worker, instructions: words.join(' ') };
  const engine = parseEngine(named[1] ?? '');
  if (!engine) {
    return `${code(first)} names no engine: the engines are ${ENGINES.map((e) => code(e)).join(', ')}, e.g. ${code(`/retry ${worker} engine=codex`)}.`;
  }
  return { worker, instructions: others.join(' '), engine };
}

/** The words after `/skip` that name a research build's proposed follow-up questions. */
const FOLLOW_UPS = /^follow-?ups?$/i;

/** `/skip follow-ups`. */
export function readSkipFollowUps({ rest }: CommandText): Read<Record<never, never>> {
  const [token = '', ...extra] = rest.split(/\s+/).filter(Boolean);
  if (!FOLLOW_UPS.test(token)) return null;
  return extra.length === 0
    ? {}
    : `/skip follow-ups takes nothing after it: write ${code('/skip follow-ups')} alone on its line.`;
}

/** A command that takes a worker id and nothing else: `/skip W2.1`, `/merge W2.1`. */
export function readWorkerAlone({ word, rest, worker, usage }: CommandText): Read<{
  worker: string;
}> {
  const [token = '', ...extra] = rest.split(/\s+/).filter(Boolean);
  if (!token) {
    return worker ? { worker } : `/${word} needs a worker id: ${code(`/${word} W2.1`)}.`;
  }
  const read = readWorkerId(token);
  if (!('id' in read)) return badWorkerId(usage, token);
  if (extra.length > 0) return `/${word} takes only a worker id: ${code(`/${word} ${read.id}`)}.`;
  return { worker: read.id };
}

/** The most improvement loops one `/improve` may ask for. */
export const MAX_IMPROVE_LOOPS = 10;

/**
 * `/improve`, `/improve 3` or `/improve 3 the error messages`: the number of
 * loops first. The focus is not kept here: the research session reads the
 * comment itself, by id, so the app never carries its text.
 */
export function readImprove({ rest }: CommandText): Read<{ loops: number }> {
  if (!rest) return { loops: 1 };
  const [token = ''] = rest.split(/\s+/);
  const loops = /^\d+$/.test(token) ? Number(token) : Number.NaN;
  if (loops >= 1 && loops <= MAX_IMPROVE_LOOPS) return { loops };
  return `/improve takes a number of loops from 1 to ${MAX_IMPROVE_LOOPS} first, then an optional focus: ${code('/improve 3 the error messages')}.`;
}

/** The worker a line names (or its pull request's), with the words after it. */
interface Target {
  id: string;
  /** The line names it (its first word), rather than its pull request. */
  named: boolean;
  token: string;
  words: string[];
}

/**
 * The worker of a command that talks to its sessions: the line's first word,
 * or, left out on the worker's pull request, that pull request's worker.
 */
function findTarget({ word, rest, worker, usage }: CommandText, then: string): Target | string {
  const [token = '', ...words] = rest.split(/\s+/).filter(Boolean);
  const read = readWorkerId(token);
  if ('attempt' in read && read.attempt) return badWorkerId(usage, token);
  const target = 'id' in read ? read.id : worker;
  if (!target) return `/${word} needs a worker id: ${code(usage)}${then}.`;
  return { id: target, named: 'id' in read, token, words };
}

/** `/steer W2.1 <text>` or `/queue W2.1 <text>`: the text runs to the next command line, as `/replan`'s feedback does. */
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
