import { z } from 'zod';
import type { Command } from '../commands/command.js';
import { COMMAND_NAMES, forEveryCommand, specOf } from '../commands/command-table.js';
import type { CommandInfo } from '../snapshot/snapshot.js';

/**
 * The commands Baton accepted, carried in its status comment (hidden), so what
 * an accepted comment meant survives the comment: an edit or a deletion after
 * Baton's 👀 changes nothing. Free text (feedback, instructions) is kept as
 * short as the status history shows it: sessions read it from the comment by
 * id; the ledger keeps what it decided.
 *
 * Each entry is a compact tuple, `[id, author, at, on, name, ...args]` (`on`
 * is `0` for the issue or `[pull, worker]`; `args` the command's fields in
 * its table entry's order, `command-table.ts`, an optional one left out at
 * the end when the command has none), about 70 characters for a bare
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

/** A command's name, known to the table. */
const Name = z.enum(COMMAND_NAMES);

/** Each command as the table defines it: its name and its fields. */
const SCHEMAS = forEveryCommand(
  (name): z.ZodType => z.object({ name: z.literal(name), ...specOf(name).fields }),
);

/** Reads a recorded command (either form) by its table entry, or null for a name it lacks. */
function readLedgerCommand(raw: unknown): Command | null {
  const name = z.object({ name: Name }).safeParse(raw);
  if (!name.success) return null;
  const command = SCHEMAS[name.data.name].safeParse(raw);
  // Parsed by the schema of the entry it names, it is that command.
  return command.success ? (command.data as Command) : null;
}

const On = z.union([z.literal('issue'), z.object({ pull: z.number().int(), worker: z.string() })]);
const ObjectEntry = z.object({
  id: z.number().int(),
  author: z.string(),
  at: z.string(),
  on: On,
  command: z.unknown(),
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

/**
 * Each command's fields in tuple order, and how many of them every entry has:
 * the rest are optional (a field the table adds is added at the end, optional).
 */
const ARGS = forEveryCommand((name) => {
  const fields = Object.entries(specOf(name).fields);
  const optional = fields.findIndex(
    ([key, schema]) => z.object({ [key]: schema }).safeParse({}).success,
  );
  return { keys: fields.map(([key]) => key), required: optional < 0 ? fields.length : optional };
});

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
  const entry = Array.isArray(parsed.data) ? fromTuple(parsed.data) : fromObject(parsed.data);
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
  const command = shorten(info.command) as Record<string, string | number | undefined>;
  const on: TupleEntry[3] =
    info.source.kind === 'issue' ? 0 : [info.source.number, info.source.worker];
  const { keys, required } = ARGS[info.command.name];
  const given = keys.findLastIndex((key) => command[key] !== undefined) + 1;
  const args = keys.slice(0, Math.max(required, given)).map((key) => command[key] ?? '');
  return [info.commentId, info.author, info.createdAt, on, info.command.name, ...args];
}

type ReadEntry = Omit<ObjectEntry, 'command'> & { command: Command };

function fromTuple([id, author, at, on, name, ...args]: TupleEntry): ReadEntry | null {
  const known = Name.safeParse(name);
  if (!known.success) return null;
  const { keys, required } = ARGS[known.data];
  if (args.length < required || args.length > keys.length) return null;
  const command = readLedgerCommand(
    Object.fromEntries([['name', name], ...args.map((arg, i) => [keys[i], arg])]),
  );
  if (!command) return null;
  return { id, author, at, on: on === 0 ? 'issue' : { pull: on[0], worker: on[1] }, command };
}

function fromObject(entry: ObjectEntry): ReadEntry | null {
  const command = readLedgerCommand(entry.command);
  return command ? { ...entry, command } : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The command with its free text (its entry's `clip`) cut to what the status history shows. */
function shorten(command: Command): Command {
  const clipped = (specOf(command.name).clip ?? []).flatMap((key) => {
    const text = (command as Record<string, unknown>)[key];
    return typeof text === 'string' ? [[key, clip(text)]] : [];
  });
  return { ...command, ...Object.fromEntries(clipped) };
}

/** The first `FREE_TEXT_MAX` characters, never half of one. */
function clip(text: string): string {
  return Array.from(text).slice(0, FREE_TEXT_MAX).join('');
}
