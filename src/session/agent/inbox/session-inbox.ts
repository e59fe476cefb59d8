/**
 * A work or fix session's inbox (docs/sessions.md, "Messages"): the messages
 * Baton recorded for its worker (`refs/baton/<build>/message/<worker>/<comment>`,
 * src/core/sessions/messages.ts), listed with the job's read-only token. The
 * ones there when the session starts (a `/queue`, a `/steer` no session took)
 * are its first instructions; a `/steer` recorded while it runs is handed to
 * the conversation between two turns. The listing is asked again every
 * `intervalMs` with `If-None-Match`, so a session whose messages did not change
 * costs GitHub nothing against its token's limit; a new message costs the reads
 * of its comment (the comment, its reactions, and its pull request when it is
 * on one). What each message was taken in at (the turn) goes into the result,
 * which publish writes into the session's usage record for the app to show.
 */
import type { MessageReceipt } from '../../../core/plan/usage.js';
import { messageRefPrefix, parseMessageRef } from '../../../core/sessions/messages.js';
import type { GitHubReads } from '../../reads/github-reads.js';
import { type InboxMessage, type InboxOwner, readMessage } from './read-message.js';

/** How often a running session asks whether its worker has new messages. */
export const MESSAGE_POLL_MS = 15_000;
/** The most messages one session takes in (each is a few requests and a receipt). */
const MAX_MESSAGES = 100;

export interface SessionInbox {
  /** The messages waiting when the session starts, read once: both kinds. */
  waiting(): Promise<InboxMessage[]>;
  /** Looks every `intervalMs` from now on; each new `/steer` goes to `deliver` as it is read. */
  watch(deliver: (message: InboxMessage) => void): void;
  /** Waits for a look under way, so what it reads is handed over before the next turn. */
  settled(): Promise<void>;
  /** Records that the conversation took a message in at `turn` (its first request that carries it). */
  took(comment: number, turn: number): void;
  receipts(): MessageReceipt[];
  /** Looks no more. */
  stop(): void;
  /** The reads it made, for the job summary and the bench: listings asked, unchanged (304), comments read. */
  counts(): { listings: number; unchanged: number; comments: number };
}

/** The inbox of a session of `owner.worker`. */
export function createSessionInbox({
  reads,
  owner,
  log,
  intervalMs = MESSAGE_POLL_MS,
}: {
  reads: GitHubReads;
  owner: InboxOwner;
  log: (line: string) => void;
  intervalMs?: number;
}): SessionInbox {
  const prefix = messageRefPrefix(owner.build, owner.worker).replace(/^refs\//, '');
  const seen = new Set<number>();
  const receipts = new Map<number, number>();
  const counts = { listings: 0, unchanged: 0, comments: 0 };
  let etag: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let underway: Promise<void> = Promise.resolve();
  /** Comments named by refs not seen yet; null when the listing did not change. */
  const newComments = async (): Promise<number[] | null> => {
    counts.listings += 1;
    const listed = await reads.listRefsIfChanged(prefix, etag);
    if (!listed) {
      counts.unchanged += 1;
      return null;
    }
    etag = listed.etag;
    return listed.refs
      .map((ref) => parseMessageRef(owner.build, ref))
      .flatMap((ref) =>
        ref && ref.worker === owner.worker && !seen.has(ref.comment) ? [ref.comment] : [],
      )
      .sort((a, b) => a - b);
  };
  const read = async (comments: number[]): Promise<InboxMessage[]> => {
    const messages: InboxMessage[] = [];
    for (const comment of comments) {
      if (seen.size >= MAX_MESSAGES) break;
      seen.add(comment);
      counts.comments += 1;
      const found = await readMessage(reads, { comment, owner });
      if (found.ok) messages.push(found.message);
      else log(`inbox: left a message ref aside: ${found.why}`);
    }
    return messages;
  };
  const look = async (deliver: (message: InboxMessage) => void) => {
    const comments = await newComments();
    if (!comments || comments.length === 0) return;
    for (const message of await read(comments)) {
      // A `/queue` that came while this session runs is the next one's: left for it.
      if (message.kind === 'steer') deliver(message);
    }
  };
  return {
    async waiting() {
      const comments = await newComments().catch((error: unknown) => {
        log(`inbox: could not list the worker's messages: ${String(error)}`);
        return null;
      });
      return comments ? read(comments) : [];
    },
    watch(deliver) {
      const tick = () => {
        underway = look(deliver)
          .catch((error: unknown) => log(`inbox: could not look for messages: ${String(error)}`))
          .finally(() => {
            if (timer !== null) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, intervalMs);
    },
    settled: () => underway,
    took(comment, turn) {
      if (!receipts.has(comment)) receipts.set(comment, turn);
    },
    receipts: () => [...receipts].map(([comment, turn]) => ({ comment, turn })),
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
    counts: () => ({ ...counts }),
  };
}
