/**
 * The command grammar: what a comment asks Baton (`/approve`, `/retry W2.1 …`),
 * read line by line outside code, and how each command is written; the replies
 * to a bad one are in `render-replies.ts`. Who may give a command and whether it
 * counts is decided later, from the snapshot.
 */
import { code } from '../vocabulary/markdown.js';
import type { Command, CommandName, ParsedCommands } from './command.js';
import type { CommandText } from './command-readers.js';
import { COMMAND_NAMES, COMMANDS, forEveryCommand, specOf } from './command-table.js';

/** How each command is written, for error messages and replies (the table's `usage`). */
export const COMMAND_USAGE = forEveryCommand((name) => COMMANDS[name].usage);

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
 * Reads the steering commands in a comment (DESIGN §5), in order. On a worker's
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

/** A command line before it is known which command it is. */
type CommandLine = Omit<CommandText, 'usage'>;

/** The commands a word starts (`retry`: `/retry synthesis`, `/retry W2.1`), those whose head has more words first. */
function commandsOfWord(word: string): CommandName[] {
  const heads = (name: CommandName) => COMMANDS[name].head.split(' ');
  return COMMAND_NAMES.filter((name) => heads(name)[0] === `/${word}`).sort(
    (a, b) => heads(b).length - heads(a).length,
  );
}

/** A command, or the message that says how to write it right. */
function readCommand(line: CommandLine): Command | string {
  for (const name of commandsOfWord(line.word)) {
    const spec = specOf(name);
    const read = spec.read({ ...line, usage: spec.usage });
    if (typeof read === 'string') return read;
    // The reader's fields are its entry's: with its name they are that command.
    if (read !== null) return { name, ...read } as Command;
  }
  return `${code(`/${line.word}`)} is not a Baton command. The commands are: ${listCommands()}.`;
}

/** A command's words without its free text: `/approve`, `/retry synthesis`, `/retry`. */
export function commandWord(command: Command): string {
  return COMMANDS[command.name].head;
}

/** A command written out whole, as a person would write it: read again, it is the same command. */
export function writeCommand(command: Command): string {
  return specOf(command.name).words(command).filter(Boolean).join(' ');
}

/** Every command with its usage, for an error or a reply. */
export function listCommands(): string {
  return Object.values(COMMAND_USAGE)
    .map((usage) => code(usage))
    .join(', ');
}
