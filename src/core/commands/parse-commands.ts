/**
 * The command grammar: what a comment asks Baton (`/approve`, `/retry W2.1 …`),
 * read line by line outside code, and how each command is written; the replies
 * to a bad one are in `render-replies.ts`. Who may give a command and whether it
 * counts is decided later, from the snapshot.
 */
import { ENGINES, parseEngine } from '../vocabulary/engine-names.js';
import { WORKER_ID } from '../vocabulary/ids.js';
import { code } from '../vocabulary/markdown.js';
import type { Command, CommandName, ParsedCommands } from './command.js';
import { isMessageWord, MESSAGE_USAGE, readMessageCommand } from './message-commands.js';
import { ROLLBACK_USAGE, readRollback } from './rollback-command.js';

/** How each command is written, for error messages and replies. */
export const COMMAND_USAGE: Record<CommandName, string> = {
  approve: '/approve',
  replan: '/replan <what to change>',
  retry: '/retry W2.1 [engine=codex] [instructions]',
  'retry-synthesis': '/retry synthesis',
  skip: '/skip W2.1',
  'skip-follow-ups': '/skip follow-ups',
  merge: '/merge W2.1',
  pause: '/pause',
  resume: '/resume',
  cancel: '/cancel',
  status: '/status',
  improve: '/improve [N] [focus]',
  rollback: ROLLBACK_USAGE,
  ...MESSAGE_USAGE,
};

/** The most improvement loops one `/improve` may ask for. */
export const MAX_IMPROVE_LOOPS = 10;

/** `/word` then whitespace or the end: `/usr/bin/env` and `/approve.` are not commands. */
const COMMAND_LINE = /^ {0,3}\/([A-Za-z]+)(?:[ \t]+(.*))?$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Whether an HTML comment is open at the end of `line`: its last `<!--` comes after its last `-->`. */
function leavesCommentOpen(line: string): boolean {
  return line.lastIndexOf('<!--') > line.lastIndexOf('-->');
}

/** Lines of a comment that are prose, not code, quotes or HTML comments, with their index. */
function proseLines(lines: string[]): Set<number> {
  const prose = new Set<number>();
  let fence: string | null = null;
  let inHtmlComment = false;
  for (const [i, line] of lines.entries()) {
    const opener = FENCE.exec(line);
    if (fence !== null) {
      if (opener?.[1]?.startsWith(fence) && !opener[2]?.trim()) fence = null;
    } else if (inHtmlComment) {
      const end = line.indexOf('-->');
      inHtmlComment = end < 0 || leavesCommentOpen(line.slice(end + 3));
    } else if (/^\s*>/.test(line) || /^( {4}|\t)/.test(line)) {
      // Quoted and indented-code lines are never commands.
    } else if (opener && !(opener[1]?.startsWith('`') && opener[2]?.includes('`'))) {
      fence = opener[1] ?? null;
    } else if (/^\s*<!--/.test(line) && leavesCommentOpen(line)) {
      // A command hidden in an HTML comment is invisible to readers: it must not run.
      inHtmlComment = true;
    } else {
      prose.add(i);
      // An HTML comment opened after some text hides the lines below it just the same.
      inHtmlComment = leavesCommentOpen(line);
    }
  }
  return prose;
}

/**
 * Reads the steering commands in a comment (docs/usage.md, "Commands"), in order. On a worker's
 * pull request `context.worker` stands in for an omitted worker id.
 */
export function parseCommands(body: string, context: { worker?: string } = {}): ParsedCommands {
  const lines = body.split(/\r\n|\r|\n/);
  const prose = proseLines(lines);
  const starts = lines.flatMap((line, i) => {
    const match = prose.has(i) ? COMMAND_LINE.exec(line) : null;
    return match
      ? [{ i, word: (match[1] ?? '').toLowerCase(), rest: (match[2] ?? '').trim() }]
      : [];
  });
  const result: ParsedCommands = { commands: [], errors: [] };
  for (const [n, { i, word, rest }] of starts.entries()) {
    const line = (lines[i] ?? '').trim();
    const following = lines.slice(i + 1, starts[n + 1]?.i ?? lines.length);
    const outcome = readCommand({ word, rest, following, worker: context.worker });
    if (typeof outcome === 'string') result.errors.push({ line, message: outcome });
    else result.commands.push(outcome);
  }
  return result;
}

interface CommandText {
  word: string;
  rest: string;
  following: string[];
  worker: string | undefined;
}

/** A command, or the message that says how to write it right. */
function readCommand({ word, rest, following, worker }: CommandText): Command | string {
  switch (word) {
    case 'approve':
    case 'pause':
    case 'resume':
    case 'cancel':
    case 'status':
      return rest
        ? `/${word} takes nothing after it: write ${code(`/${word}`)} alone on its line.`
        : { name: word };
    case 'replan': {
      const feedback = [rest, ...following].join('\n').trim();
      return feedback
        ? { name: 'replan', feedback }
        : `/replan needs feedback: describe what should change, e.g. ${code('/replan split W2.1 into an API worker and a UI worker')}.`;
    }
    case 'retry':
      return readRetry(rest, worker);
    case 'skip':
    case 'merge':
      return readWorkerOnly(word, rest, worker);
    case 'improve':
      return readImprove(rest);
    case 'rollback':
      return readRollback(rest);
    default:
      if (isMessageWord(word)) return readMessageCommand({ word, rest, following, worker });
      return `${code(`/${word}`)} is not a Baton command. The commands are: ${listCommands()}.`;
  }
}

/** A command's words without its free text: `/approve`, `/retry synthesis`, `/retry`. */
export function commandWord(command: Command): string {
  if (command.name === 'retry-synthesis') return '/retry synthesis';
  if (command.name === 'skip-follow-ups') return '/skip follow-ups';
  return `/${command.name}`;
}

/** Every command with its usage, for an error or a reply. */
export function listCommands(): string {
  return Object.values(COMMAND_USAGE)
    .map((usage) => code(usage))
    .join(', ');
}

/** `W2.1` as written, any case; `W2`, `2.1` and `W0.1` are attempts that need a hint. */
function readWorkerId(token: string): { id: string } | { attempt: boolean } {
  const id = token.toUpperCase();
  if (WORKER_ID.test(id)) return { id };
  return { attempt: /^w?\d+(\.\d*)?$/i.test(token) };
}

function badWorkerId(word: 'retry' | 'skip' | 'merge', token: string): string {
  return `${code(token)} is not a worker id: worker ids look like W2.1, e.g. ${code(COMMAND_USAGE[word])}.`;
}

/** The words after `/skip` that name a research build's proposed follow-up questions. */
const FOLLOW_UPS = /^follow-?ups?$/i;

/** The word after `/retry` that names a research build's synthesis instead of a worker. */
const SYNTHESIS = 'synthesis';

function readRetry(rest: string, worker: string | undefined): Command | string {
  const [token = '', ...words] = rest.split(/\s+/);
  if (token.toLowerCase() === SYNTHESIS) {
    // The synthesis reads the plan and the findings again; it takes no instructions.
    return words.length === 0
      ? { name: 'retry-synthesis' }
      : `/retry synthesis takes nothing after it: write ${code('/retry synthesis')} alone on its line (the synthesis reads the plan and the findings again). To retry a worker with instructions, name it: ${code('/retry W2.1 <instructions>')}.`;
  }
  const read = readWorkerId(token);
  if ('id' in read) return withEngine(read.id, words);
  if (read.attempt) return badWorkerId('retry', token);
  if (worker) return withEngine(worker, rest.split(/\s+/).filter(Boolean));
  return `/retry needs a worker id: ${code('/retry W2.1')}, optionally followed by instructions.`;
}

const ENGINE_WORD = /^engine=(.*)$/i;

/** A worker's retry, with the engine its first word names (`engine=codex`), if any. */
function withEngine(worker: string, words: string[]): Command | string {
  const [first = '', ...others] = words;
  const named = ENGINE_WORD.exec(first);
  if (!named) return { name: 'retry', worker, instructions: words.join(' ') };
  const engine = parseEngine(named[1] ?? '');
  if (!engine) {
    return `${code(first)} names no engine: the engines are ${ENGINES.map((e) => code(e)).join(', ')}, e.g. ${code(`/retry ${worker} engine=codex`)}.`;
  }
  return { name: 'retry', worker, instructions: others.join(' '), engine };
}

function readWorkerOnly(
  word: 'skip' | 'merge',
  rest: string,
  worker: string | undefined,
): Command | string {
  const [token = '', ...extra] = rest.split(/\s+/).filter(Boolean);
  if (word === 'skip' && FOLLOW_UPS.test(token)) {
    return extra.length === 0
      ? { name: 'skip-follow-ups' }
      : `/skip follow-ups takes nothing after it: write ${code('/skip follow-ups')} alone on its line.`;
  }
  if (!token) {
    return worker
      ? { name: word, worker }
      : `/${word} needs a worker id: ${code(`/${word} W2.1`)}.`;
  }
  const read = readWorkerId(token);
  if (!('id' in read)) return badWorkerId(word, token);
  if (extra.length > 0) return `/${word} takes only a worker id: ${code(`/${word} ${read.id}`)}.`;
  return { name: word, worker: read.id };
}

/**
 * `/improve`, `/improve 3` or `/improve 3 the error messages`: the number of
 * loops first. The focus is not kept here: the research session reads the
 * comment itself, by id, so the app never carries its text.
 */
function readImprove(rest: string): Command | string {
  if (!rest) return { name: 'improve', loops: 1 };
  const [token = ''] = rest.split(/\s+/);
  const loops = /^\d+$/.test(token) ? Number(token) : Number.NaN;
  if (loops >= 1 && loops <= MAX_IMPROVE_LOOPS) return { name: 'improve', loops };
  return `/improve takes a number of loops from 1 to ${MAX_IMPROVE_LOOPS} first, then an optional focus: ${code('/improve 3 the error messages')}.`;
}
