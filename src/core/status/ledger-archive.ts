import type { CommandInfo } from '../snapshot/snapshot.js';
import { renderCommandLedger } from './command-ledger.js';

/**
 * When the ledger of accepted commands outgrows its share of the status comment
 * (`LEDGER_KEEP_CHARS`), its oldest entries move, whole, into a ledger part: a
 * comment of Baton's own on the issue, written once and never edited, found
 * again by its marker. The ledger is never cut: every entry is in the status
 * comment or in a part (in both for a moment while a part is being posted).
 */
export const LEDGER_KEEP_CHARS = 30_000;
/** A part holds at most this much ledger, well under GitHub's 65,536 characters. */
export const LEDGER_PART_CHARS = 60_000;

const PART_MARKER = /^\s*<!-- baton:ledger build=([\w.-]+) part=(\d+) -->/;

/** The hidden first line of a ledger part. */
export function ledgerPartMarker(build: string, part: number): string {
  return `<!-- baton:ledger build=${build.replace(/[^\w.-]/g, '')} part=${part} -->`;
}

/** The build and number of a ledger part, or null if the body is not one. */
export function findLedgerPart(body: string): { build: string; part: number } | null {
  const found = PART_MARKER.exec(body);
  return found?.[1] && found[2] ? { build: found[1], part: Number(found[2]) } : null;
}

/** A ledger part's comment: the marker, a line for people, the entries. */
export function renderLedgerPart({
  build,
  part,
  commands,
}: {
  build: string;
  part: number;
  commands: CommandInfo[];
}): string {
  return [
    ledgerPartMarker(build, part),
    `<sub>Baton's record of the commands it accepted on this build (part ${part}), kept here because the status comment has no room left for it. Please leave this comment in place.</sub>`,
    renderCommandLedger(commands),
  ].join('\n');
}

/**
 * The oldest entries to move into the next part, or none while the ledger fits
 * its share. Takes as many oldest entries as fill one part, at least one.
 */
export function ledgerSpill(commands: CommandInfo[]): CommandInfo[] {
  if (renderCommandLedger(commands).length <= LEDGER_KEEP_CHARS) return [];
  let size = 0;
  let count = 0;
  for (const info of commands) {
    // An entry alone, with the marker: more than its share of the part, so a part never overflows.
    const entry = renderCommandLedger([info]).length;
    if (count > 0 && size + entry > LEDGER_PART_CHARS - 500) break;
    size += entry;
    count += 1;
  }
  // A comment's commands move together: the ledgers are read a comment at a time (its entries
  // from the first ledger that holds any of them), so a comment split between two would lose some.
  const first = count;
  while (count > 0 && commands[count]?.commentId === commands[count - 1]?.commentId) count--;
  if (count > 0) return commands.slice(0, count);
  // One comment whose commands fill more than a part on their own: all of it, in one part.
  count = first;
  while (commands[count]?.commentId === commands[0]?.commentId && count < commands.length) count++;
  return commands.slice(0, count);
}

/** A ledger part to post, and what the status keeps should another replica be posting it. */
export interface LedgerPartToPost {
  part: number;
  /** The part's comment (`renderLedgerPart`). */
  body: string;
  /**
   * The ledger the status carries while another replica posts this part: the entries not yet
   * in a posted part, or null where they would not fit in the status comment.
   */
  whileTaken: CommandInfo[] | null;
}

/**
 * The ledger parts a build's accepted commands need before the rest fits the status
 * comment (`ledgerSpill`), in order, and the ledger the status keeps once all are on the
 * issue: worked out once, so that posting them (`ensureLedgerPart`) only writes.
 */
export function ledgerPartsOwed({
  build,
  commands,
  ledgerParts,
}: {
  build: string;
  commands: CommandInfo[];
  ledgerParts?: { last: number; commandIds: number[] } | undefined;
}): { parts: LedgerPartToPost[]; kept: CommandInfo[] } {
  const archived = new Set(ledgerParts?.commandIds ?? []);
  let own = commands.filter((info) => !archived.has(info.commentId));
  let part = ledgerParts?.last ?? 0;
  const parts: LedgerPartToPost[] = [];
  for (let spill = ledgerSpill(own); spill.length > 0; spill = ledgerSpill(own)) {
    part += 1;
    parts.push({
      part,
      body: renderLedgerPart({ build, part, commands: spill }),
      whileTaken: renderCommandLedger(own).length <= LEDGER_PART_CHARS ? own : null,
    });
    own = own.slice(spill.length);
  }
  return { parts, kept: own };
}
