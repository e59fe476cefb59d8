/**
 * The record of the ask that started a build: who asked, which way, when and
 * for what. `askForBuild` makes it from a writer's ask; the reconcile that
 * creates the build's status comment writes it there, on the line after the
 * status marker, and every later render keeps it. Only the app's bot writes
 * that comment (an admin's edit is a writer's), and only its second line is
 * read, where no quoted text can stand: a label event, a person's comment or
 * a hidden ref anyone with `contents: write` could push is never the record.
 * A build started before the record falls back to its build label's event.
 */
import { z } from 'zod';
import type { AskedBuild } from '../config/build-labels.js';
import { BuildType } from '../plan/plan.js';

/** Which way a writer asked: a label (its name), or a comment's command (its id). */
export type AskWay = { way: 'label'; label: string } | { way: 'command'; comment: number };

export interface AskRecord {
  /** Who asked (a REST login): a writer, as `askForBuild` checked. */
  by: string;
  how: AskWay;
  /** When the ask was heard (ISO 8601). */
  at: string;
  what: AskedBuild;
}

const AskSchema = z.object({
  by: z.string().regex(/^[\w.[\]-]{1,100}$/),
  how: z.union([
    z.object({ way: z.literal('label'), label: z.string().min(1).max(100) }),
    z.object({ way: z.literal('command'), comment: z.number().int().positive() }),
  ]),
  at: z.string().min(1).max(40),
  what: z.union([
    z.object({ kind: z.literal('build'), type: BuildType }),
    z.object({ kind: z.literal('improve') }),
  ]),
});

const ASK_LINE = /^<!-- baton:ask (\{[^<>\n]*\}) -->$/;

/** The hidden line that records the ask; its JSON holds no `<`, `>` or line break, so no label's name ends it. */
export function renderAskRecord(record: AskRecord): string {
  const json = JSON.stringify(AskSchema.parse(record))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<!-- baton:ask ${json} -->`;
}

/**
 * The ask a status comment records: its second line only, right after the
 * status marker, where Baton alone writes. A line anywhere else that spells
 * one (a command quoted in the status) is never read; a line that does not
 * parse records nothing.
 */
export function parseAskRecord(statusBody: string): AskRecord | null {
  const line = statusBody.split('\n', 2)[1] ?? '';
  const match = ASK_LINE.exec(line.trimEnd());
  if (!match?.[1]) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(match[1]);
  } catch {
    return null;
  }
  const parsed = AskSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** A status comment's body with the ask's line after its marker (the body as it was, with none). */
export function withAskLine(status: string, record: AskRecord | null | undefined): string {
  if (!record) return status;
  const end = status.indexOf('\n');
  const line = renderAskRecord(record);
  return end < 0 ? `${status}\n${line}` : `${status.slice(0, end)}\n${line}${status.slice(end)}`;
}
