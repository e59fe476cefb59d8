import { z } from 'zod';
import type { Command } from './command.js';
import type { CommandInfo } from './snapshot.js';

/**
 * The commands Baton accepted, carried in its status comment (hidden), so what
 * an accepted comment meant survives the comment: an edit or a deletion after
 * Baton's 👀 changes nothing. Free text (feedback, instructions) is kept short:
 * sessions read it from the comment by id; the ledger keeps what it decided.
 */
const LEDGER = /<!-- baton:commands (\[[\s\S]*?\]) -->/;
const FREE_TEXT_MAX = 200;

const Worker = z.string().regex(/^W\d+\.\d+$/);
const LedgerCommand = z.discriminatedUnion('name', [
  z.object({ name: z.literal('approve') }),
  z.object({ name: z.literal('replan'), feedback: z.string() }),
  z.object({ name: z.literal('retry'), worker: Worker, instructions: z.string() }),
  z.object({ name: z.literal('retry-synthesis') }),
  z.object({ name: z.literal('skip'), worker: Worker }),
  z.object({ name: z.literal('skip-follow-ups') }),
  z.object({ name: z.literal('merge'), worker: Worker }),
  z.object({ name: z.literal('pause') }),
  z.object({ name: z.literal('resume') }),
  z.object({ name: z.literal('cancel') }),
  z.object({ name: z.literal('status') }),
  z.object({ name: z.literal('improve'), loops: z.number().int() }),
]);

const Entry = z.object({
  id: z.number().int(),
  author: z.string(),
  at: z.string(),
  on: z.union([z.literal('issue'), z.object({ pull: z.number().int(), worker: z.string() })]),
  command: LedgerCommand,
});
const Ledger = z.array(Entry);
type Entry = z.infer<typeof Entry>;

/** The hidden ledger line for a status comment; empty when nothing was accepted. */
export function renderCommandLedger(commands: CommandInfo[]): string {
  if (commands.length === 0) return '';
  const entries: Entry[] = commands.map((info) => ({
    id: info.commentId,
    author: info.author,
    at: info.createdAt,
    on:
      info.source.kind === 'issue'
        ? 'issue'
        : { pull: info.source.number, worker: info.source.worker },
    command: shorten(info.command),
  }));
  // `<` and `>` escaped, so no text in a command can end the HTML comment early.
  const json = JSON.stringify(entries).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `<!-- baton:commands ${json} -->`;
}

/** The accepted commands a status comment carries; a missing or broken ledger is empty. */
export function parseCommandLedger(body: string): CommandInfo[] {
  const match = LEDGER.exec(body);
  if (!match?.[1]) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(match[1]);
  } catch {
    return [];
  }
  const parsed = Ledger.safeParse(raw);
  if (!parsed.success) return [];
  return parsed.data.map((entry) => ({
    commentId: entry.id,
    author: entry.author,
    createdAt: entry.at,
    source:
      entry.on === 'issue'
        ? { kind: 'issue' }
        : { kind: 'pull', number: entry.on.pull, worker: entry.on.worker },
    command: entry.command,
  }));
}

function shorten(command: Command): Command {
  switch (command.name) {
    case 'replan':
      return { ...command, feedback: command.feedback.slice(0, FREE_TEXT_MAX) };
    case 'retry':
      return { ...command, instructions: command.instructions.slice(0, FREE_TEXT_MAX) };
    default:
      return { ...command };
  }
}
