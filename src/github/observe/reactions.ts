import { parseCommands } from '../../core/commands/parse-commands.js';
import { remembered } from '../../process-memory.js';
import { LearnedReading, type Reading, readingFrom } from '../client/learned-reading.js';
import type { RepoContext } from '../client/types.js';
import { hasWriteAccess } from './permissions.js';

/**
 * How Baton tells the commands it took (its 👀 on their comments) in the
 * build query's window of comments: `graphql` (the query's
 * `reactionGroups { viewerHasReacted }`, which runs as the app), `rest` (the
 * comment's 👀 reactions over REST, is Baton's bot among them), or `auto`:
 * GraphQL, and REST where `viewerHasReacted` is found not to be the app's own
 * reaction (no documentation says it is; `baton doctor` probes it).
 * `BATON_REACTIONS` sets it; default `auto`. Comments past the window are read
 * over REST already (`fetchComments`).
 */
export type ReactionReading = Reading;

export function reactionReadingFrom(env: Record<string, string | undefined>): ReactionReading {
  return readingFrom(env.BATON_REACTIONS);
}

/**
 * Per repository, whether `viewerHasReacted` is the app's: true once it was
 * true for a 👀, false once REST found Baton's 👀 where it said false.
 */
const viewerIsApp = remembered(new LearnedReading());

/**
 * Comments REST found Baton's 👀 on. Baton never removes its 👀 and no one else
 * can, and what a taken command meant is kept in the status comment's ledger:
 * a command taken stays taken, so a yes is never asked again. A no is not kept
 * (Baton may react a moment later). Bounded; losing it costs a request.
 */
const taken = remembered(new Set<string>());
const TAKEN_MAX = 10_000;

/** Forgets what was learned (tests). */
export function clearReactionReading(): void {
  viewerIsApp.clear();
  taken.clear();
}

/** What `auto` uses for a repository now, for the log and tests. */
export function reactionReadingOf(ctx: { owner: string; repo: string }) {
  return viewerIsApp.of(ctx);
}

/** A reaction group as the build query reads it. */
export interface ListedReactionGroup {
  content: string;
  /** When the group's first reaction was made; null while it has none. */
  createdAt?: string | null;
  viewerHasReacted: boolean;
}

/**
 * Whether Baton's 👀 is on a comment of the build query's window. The 👀 group
 * tells whether anyone reacted 👀 at all (GitHub lists a group per emoji; an
 * empty one has no `createdAt`); REST is asked only for a command from someone
 * who may give it, with a 👀 that GraphQL does not call the app's (or always,
 * under `rest`).
 */
export async function hasBatonEyesInWindow(
  ctx: RepoContext,
  comment: {
    id: number;
    body: string;
    author: string;
    isBot: boolean;
    worker?: string;
    groups: ListedReactionGroup[] | null;
  },
  reading: ReactionReading = 'auto',
): Promise<boolean> {
  const eyes = (comment.groups ?? []).find((group) => group.content === 'EYES');
  if (!eyes) return false;
  if (reading === 'graphql') return eyes.viewerHasReacted;
  const known = viewerIsApp.known(ctx);
  if (reading === 'auto' && known !== false) {
    if (eyes.viewerHasReacted) {
      viewerIsApp.learn(ctx, true);
      return true;
    }
    // GraphQL is known to mean the app: its no is the answer.
    if (known === true) return false;
  }
  if (eyes.createdAt === null) return false;
  const key = `${ctx.owner}/${ctx.repo}#${comment.id}`;
  if (taken.has(key)) return true;
  const { worker, ...rest } = comment;
  if (!(await mayHaveBatonEyes(ctx, { ...rest, eyes: undefined, ...(worker ? { worker } : {}) })))
    return false;
  if (!(await hasBatonEyes(ctx, comment.id))) return false;
  if (taken.size >= TAKEN_MAX) taken.clear();
  taken.add(key);
  if (reading === 'auto' && !eyes.viewerHasReacted) viewerIsApp.learn(ctx, false);
  return true;
}

/**
 * Whether a comment is worth asking about its reactions, without a request of its own: it
 * holds a command, it has an 👀 at all (GitHub's reaction counts come with the comment), and
 * its author may steer (Baton gives 👀 only to writers; one answer per login a minute). An
 * outsider's comments, however many and whatever they react, cost no request here.
 */
export async function mayHaveBatonEyes(
  ctx: RepoContext,
  comment: {
    body: string;
    author: string;
    isBot: boolean;
    eyes: number | undefined;
    /** A worker PR's worker: its comments' commands may leave the worker out. */
    worker?: string;
  },
): Promise<boolean> {
  if (comment.isBot || comment.eyes === 0) return false;
  const context = comment.worker ? { worker: comment.worker } : {};
  if (parseCommands(comment.body, context).commands.length === 0) return false;
  return hasWriteAccess(ctx, comment.author);
}

/** Whether Baton's 👀 is on a comment: the durable record that it took the comment's commands. */
export async function hasBatonEyes(ctx: RepoContext, id: number): Promise<boolean> {
  const reactions = await ctx.octokit.paginate(ctx.octokit.rest.reactions.listForIssueComment, {
    owner: ctx.owner,
    repo: ctx.repo,
    comment_id: id,
    content: 'eyes',
    per_page: 100,
  });
  return reactions.some((reaction) => reaction.user?.login === ctx.botLogin);
}
