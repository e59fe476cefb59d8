import { z } from 'zod';
import type { Command } from '../commands/command.js';
import type { CommandInfo } from '../snapshot/snapshot.js';
import { ENGINES } from '../vocabulary/engine-names.js';

/**
 * The commands Baton accepted, carried in its status comment (hidden), so what
 * an accepted comment meant survives the comment: an edit or a deletion after
 * Baton's 👀 changes nothing. Free text (feedback, instructions) is kept as
 * short as the status history shows it: sessions read it from the comment by
 * id; the ledger keeps what it decided.
 *
 * Each entry is a compact tuple, `[id, author, at, on, name, ...args]` (`on`
 * is `0` for the issue or `[pull, worker]`), about 70 characters for a bare
 * command and 150 for a `/retry` with words, so hundreds of commands fit in
 * one comment (`LEDGER_MAX_CHARS`). JSON escapes every line break and lone
 * surrogate, and `<` and `>` are escaped too, so no text a writer types can end
 * the HTML comment; each entry is read on its own, so one Baton cannot read (an
 * edit, a newer release's command) loses only itself. The older object form is
 * still read. (Not base64: GitHub counts characters, and base64 of the UTF-8
 * of accented or CJK text takes up to three times as many.)
 */
const LEDGER_START = '<!-- baton:commands ';
/** The ledger that ends a body: its JSON, then the comment's end and nothing but space. */
const LEDGER_AT_END = /^<!-- baton:commands (\[[\s\S]*\]) -->\s*$/;
const FREE_TEXT_MAX = 80;

const Worker = z.string().regex(/^W\d+\.\d+$/);
const LedgerCommand = z.discriminatedUnion('name', [
  z.object({ name: z.literal('approve') }),
  z.object({ name: z.literal('replan'), feedback: z.string() }),
  z.object({
    name: z.literal('retry'),
    worker: Worker,
    instructions: z.string(),
    engine: z.enum(ENGINES).exactOptional(),
  }),
  z.object({ name: z.literal('retry-synthesis') }),
  z.object({ name: z.literal('skip'), worker: Worker }),
  z.object({ name: z.literal('skip-follow-ups') }),
  z.object({ name: z.literal('merge'), worker: Worker }),
  z.object({ name: z.literal('pause') }),
  z.object({ name: z.literal('resume') }),
  z.object({ name: z.literal('cancel') }),
  z.object({ name: z.literal('status') }),
  z.object({ name: z.literal('improve'), loops: z.number().int() }),
  z.object({ name: z.literal('rollback') }),
  z.object({ name: z.literal('steer'), worker: Worker, text: z.string() }),
  z.object({ name: z.literal('queue'), worker: Worker, text: z.string() }),
  z.object({ name: z.literal('continue'), worker: Worker }),
]);

const On = z.union([z.literal('issue'), z.object({ pull: z.number().int(), worker: z.string() })]);
const ObjectEntry = z.object({
  id: z.number().int(),
  author: z.string(),
  at: z.string(),
  on: On,
  command: LedgerCommand,
});
type ObjectEntry = z.infer<typeof ObjectEntry>;
const TupleEntry = z
  .tuple([
    z.number().int(),
    z.string(),
    z.string(),
    z.union([z.literal(0), z.tuple([z.number().int(), z.string()])]),
    z.string(),
  ])
  .rest(z.union([z.string(), z.number()]));
type TupleEntry = z.infer<typeof TupleEntry>;
const Entry = z.union([TupleEntry, ObjectEntry]);

/** Each command's arguments in tuple order. */
const ARGS: Record<Command['name'], readonly string[]> = {
  approve: [],
  replan: ['feedback'],
  retry: ['worker', 'instructions'],
  'retry-synthesis': [],
  skip: ['worker'],
  'skip-follow-ups': [],
  merge: ['worker'],
  pause: [],
  resume: [],
  cancel: [],
  status: [],
  improve: ['loops'],
  rollback: [],
  steer: ['worker', 'text'],
  queue: ['worker', 'text'],
  continue: ['worker'],
};

/**
 * Arguments after those of `ARGS`, in tuple order, that a command may lack:
 * the tuple ends at the last one it has (older entries have none).
 */
const OPTIONAL_ARGS: Partial<Record<Command['name'], readonly string[]>> = {
  retry: ['engine'],
};

/** The hidden ledger line for a status comment; empty when nothing was accepted. */
export function renderCommandLedger(commands: CommandInfo[]): string {
  if (commands.length === 0) return '';
  // `<` and `>` escaped, so no text in a command can end the HTML comment early.
  const json = JSON.stringify(commands.map(toTuple))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e');
  return `<!-- baton:commands ${json} -->`;
}

/**
 * The accepted commands a status comment (or a ledger part) carries; a missing
 * ledger is empty. Only the ledger that ends the body counts: Baton writes it
 * last, and its JSON holds no `<`, so the last marker in the body is always
 * Baton's own. Text rendered above it (a command in the history, joined onto
 * one line) may spell a marker of its own; it is never read.
 */
export function parseCommandLedger(body: string): CommandInfo[] {
  const start = body.lastIndexOf(LEDGER_START);
  const match = start < 0 ? null : LEDGER_AT_END.exec(body.slice(start));
  if (!match?.[1]) return [];
  const raw = parseJson(match[1]);
  return Array.isArray(raw) ? raw.flatMap(readEntry) : [];
}

/** One entry, or none when it does not parse: each entry stands alone. */
function readEntry(raw: unknown): CommandInfo[] {
  const parsed = Entry.safeParse(raw);
  if (!parsed.success) return [];
  const entry = Array.isArray(parsed.data) ? fromTuple(parsed.data) : parsed.data;
  if (!entry) return [];
  return [
    {
      commentId: entry.id,
      author: entry.author,
      createdAt: entry.at,
      source:
        entry.on === 'issue'
          ? { kind: 'issue' }
          : { kind: 'pull', number: entry.on.pull, worker: entry.on.worker },
      command: entry.command,
    },
  ];
}

function toTuple(info: CommandInfo): TupleEntry {
  const command = shorten(info.command) as Record<string, string | number>;
  const on: TupleEntry[3] =
    info.source.kind === 'issue' ? 0 : [info.source.number, info.source.worker];
  const args = ARGS[info.command.name].map((key) => command[key] ?? '');
  const optional = (OPTIONAL_ARGS[info.command.name] ?? []).map((key) => command[key]);
  const more = optional
    .slice(0, optional.findLastIndex((arg) => arg !== undefined) + 1)
    .map((arg) => arg ?? '');
  return [info.commentId, info.author, info.createdAt, on, info.command.name, ...args, ...more];
}

function fromTuple([id, author, at, on, name, ...args]: TupleEntry): ObjectEntry | null {
  const required = ARGS[name as Command['name']];
  if (!required) return null;
  const keys = [...required, ...(OPTIONAL_ARGS[name as Command['name']] ?? [])];
  if (args.length < required.length || args.length > keys.length) return null;
  const command = LedgerCommand.safeParse(
    Object.fromEntries([['name', name], ...args.map((arg, i) => [keys[i], arg])]),
  );
  if (!command.success) return null;
  return {
    id,
    author,
    at,
    on: on === 0 ? 'issue' : { pull: on[0], worker: on[1] },
    command: command.data,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function shorten(command: Command): Command {
  switch (command.name) {
    case 'replan':
      return { ...command, feedback: clip(command.feedback) };
    case 'retry':
      return { ...command, instructions: clip(command.instructions) };
    case 'steer':
    case 'queue':
      return { ...command, text: clip(command.text) };
    default:
      return { ...command };
  }
}

/** The first `FREE_TEXT_MAX` characters, never half of one. */
function clip(text: string): string {
  return Array.from(text).slice(0, FREE_TEXT_MAX).join('');
}
