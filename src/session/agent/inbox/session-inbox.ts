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
import type { MessageReceipt } from '../../../core/records/usage.js';
import { messageRefPrefix, parseMessageRef } from '../../../core/sessions/messages.js';
import type { GitHubReads } from '../../reads/github-reads.js';
import { createAppMessages } from './app-messages.js';
import { type InboxMessage, type InboxOwner, readMessage } from './read-message.js';

/** How often a running session asks whether its worker has new messages. */
export const MESSAGE_POLL_MS = 15_000;
/** The most messages one session takes in (each is a few requests and a receipt). */
const MAX_MESSAGES = 100;
/**
 * The most refs one session reads and leaves aside (a comment Baton did not
 * take, or gone: each a request or three) beyond those Baton's status comment
 * lists: refs anyone who can push may write cost at most this, and never
 * take a place of a message Baton took.
 */
const MAX_LEFT_ASIDE = 100;

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

/** The inbox of a session of `owner.worker`, in `repository` (the session's own). */
export function createSessionInbox({
  reads,
  owner,
  repository,
  log,
  intervalMs = MESSAGE_POLL_MS,
}: {
  reads: GitHubReads;
  owner: InboxOwner;
  repository: string;
  log: (line: string) => void;
  intervalMs?: number;
}): SessionInbox {
  const prefix = messageRefPrefix(owner.build, owner.worker).replace(/^refs\//, '');
  const app = createAppMessages({ reads, owner, repository, log });
  const seen = new Set<number>();
  const receipts = new Map<number, number>();
  const counts = { listings: 0, unchanged: 0, comments: 0 };
  const spent = { taken: 0, leftAside: 0 };
  /** Comments named by the newest listing's refs and not read yet. */
  let unread: number[] = [];
  let etag: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let underway: Promise<void> = Promise.resolve();
  /** Whether the listing changed since the last look (and `unread` with it). */
  const listRefs = async (): Promise<boolean> => {
    counts.listings += 1;
    const listed = await reads.listRefsIfChanged(prefix, etag);
    if (!listed) {
      counts.unchanged += 1;
      return false;
    }
    etag = listed.etag;
    unread = listed.refs
      .map((ref) => parseMessageRef(owner.build, ref))
      .flatMap((ref) =>
        ref && ref.worker === owner.worker && !seen.has(ref.comment) ? [ref.comment] : [],
      )
      .sort((a, b) => a - b);
    return true;
  };
  /**
   * Reads the unread refs' comments. Where they could pass the bound of refs
   * left aside, those Baton's status comment lists go first, then the others
   * while that bound allows (the rest wait, for a look that finds them
   * listed). Only a message taken counts against `MAX_MESSAGES`.
   */
  const read = async (): Promise<InboxMessage[]> => {
    if (unread.length === 0 || spent.taken >= MAX_MESSAGES) return [];
    const bounded = spent.leftAside + unread.length > MAX_LEFT_ASIDE;
    const listed = new Set(bounded ? await app.listed() : unread);
    const order = [
      ...unread.filter((comment) => listed.has(comment)),
      ...unread.filter((comment) => !listed.has(comment)),
    ];
    const messages: InboxMessage[] = [];
    for (const comment of order) {
      if (spent.taken >= MAX_MESSAGES) break;
      if (!listed.has(comment) && spent.leftAside >= MAX_LEFT_ASIDE) continue;
      seen.add(comment);
      counts.comments += 1;
      const found = await readMessage(reads, { comment, owner });
      if (found.ok) {
        spent.taken += 1;
        messages.push(found.message);
      } else {
        spent.leftAside += 1;
        log(`inbox: left a message ref aside: ${found.why}`);
      }
    }
    unread = unread.filter((comment) => !seen.has(comment));
    return messages;
  };
  const look = async (deliver: (message: InboxMessage) => void) => {
    // An unchanged listing holds nothing new, unless refs wait past the bound of those left aside.
    if (!(await listRefs()) && unread.length === 0) return;
    for (const message of await read()) {
      // A `/queue` that came while this session runs is the next one's: left for it.
      if (message.kind === 'steer') deliver(message);
    }
  };
  return {
    async waiting() {
      const listed = await listRefs().catch((error: unknown) => {
        log(`inbox: could not list the worker's messages: ${String(error)}`);
        return false;
      });
      return listed ? read() : [];
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
