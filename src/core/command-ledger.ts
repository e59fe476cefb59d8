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
/** The ledger as Baton writes it: each entry's JSON in base64url, so no text can reach the comment. */
const LEDGER_ENCODED = /<!-- baton:commands:b64 ([A-Za-z0-9_\- ]*) -->/;
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
  // Each entry's JSON in base64url: whatever a writer typed (line breaks, `-->`, invisible or
  // unpaired characters), the ledger holds only letters, digits, `-`, `_` and spaces.
  const encoded = entries.map((entry) => base64url(JSON.stringify(entry)));
  return `<!-- baton:commands:b64 ${encoded.join(' ')} -->`;
}

/** The accepted commands a status comment carries; a missing or broken ledger is empty. */
export function parseCommandLedger(body: string): CommandInfo[] {
  const encoded = LEDGER_ENCODED.exec(body);
  // Each entry stands alone: one Baton cannot read (an admin's edit, a newer command) loses only itself.
  if (encoded)
    return (encoded[1] ?? '').split(' ').flatMap((part) => readEntry(fromBase64url(part)));
  // The ledger as older releases wrote it: one JSON array.
  const match = LEDGER.exec(body);
  if (!match?.[1]) return [];
  const raw = parseJson(match[1]);
  return Array.isArray(raw) ? raw.flatMap(readEntry) : [];
}

function readEntry(raw: unknown): CommandInfo[] {
  const parsed = Entry.safeParse(typeof raw === 'string' ? parseJson(raw) : raw);
  if (!parsed.success) return [];
  return [parsed.data].map((entry) => ({
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** UTF-8, then base64url; lone surrogates become U+FFFD (`TextEncoder`), which parses back. */
function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(part: string): string | null {
  try {
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
    default:
      return { ...command };
  }
}

/** The first `FREE_TEXT_MAX` characters, never half of one. */
function clip(text: string): string {
  return Array.from(text).slice(0, FREE_TEXT_MAX).join('');
}
