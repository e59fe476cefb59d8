import { parseCommands } from '../../core/commands/parse-commands.js';
import { isBatonComment } from '../../core/commands/render-replies.js';
import type { BuildSnapshot, CommandInfo, PostedComment } from '../../core/snapshot/snapshot.js';
import { parseCommandLedger } from '../../core/status/command-ledger.js';
import { findLedgerPart } from '../../core/status/ledger-archive.js';
import { findStatusBuild } from '../../core/status/render-status.js';
import { parseBatonBranch } from '../../core/vocabulary/ids.js';
import { findNote, findNotice } from '../../core/vocabulary/notice.js';
import type { RepoContext } from '../client/types.js';
import { type BuildQueryResult, type GraphComment, loginOf } from './build-query.js';
import {
  hasBatonEyes,
  hasBatonEyesInWindow,
  mayHaveBatonEyes,
  reactionReadingFrom,
} from './reactions.js';

export interface CommentSource {
  number: number;
  source: CommandInfo['source'];
  worker?: string;
}

export interface CommentsRead {
  statusComment: BuildSnapshot['statusComment'];
  /** Every status comment of this build beyond the oldest: duplicates to remove. */
  duplicateStatusIds: number[];
  commands: CommandInfo[];
  /** The ledger parts found on the issue (Baton's own comments), if any. */
  ledgerParts?: NonNullable<BuildSnapshot['ledgerParts']>;
  /** Keys of the notices Baton posted on the issue for this build. */
  notices: string[];
  /** The notes Baton's comments carry, where each is (`BuildSnapshot['notes']`). */
  notes: { number: number; key: string }[];
  /** Those notices and notes with where and when each was posted (`BuildSnapshot['posted']`). */
  posted: PostedComment[];
}

/** A comment as both the REST and the GraphQL adapters see it. */
export interface PlainComment {
  id: number;
  body: string;
  /** REST's login: a bot's ends in `[bot]`. */
  author: string;
  isBot: boolean;
  createdAt: string;
  /** When it was last written: a status comment's last edit paces the next (`StatusPacer`). */
  updatedAt: string;
  /** Baton reacted 👀: it took this comment's commands when it was written (see `onIssueComment`). */
  accepted: boolean;
}

export interface CommentList {
  source: CommentSource;
  comments: PlainComment[];
}

/** Reads the comments of each source over REST, every page. */
export async function fetchComments(
  ctx: RepoContext,
  sources: CommentSource[],
): Promise<CommentList[]> {
  return Promise.all(
    sources.map(async (source) => {
      const comments = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
        owner: ctx.owner,
        repo: ctx.repo,
        issue_number: source.number,
        per_page: 100,
      });
      const plain = comments.map((c) => ({
        id: c.id,
        body: c.body ?? '',
        author: c.user?.login ?? '',
        isBot: c.user?.type === 'Bot',
        createdAt: c.created_at,
        updatedAt: c.updated_at,
        accepted: false,
        eyes: c.reactions?.eyes,
      }));
      for (const comment of plain) {
        const asked = source.worker ? { ...comment, worker: source.worker } : comment;
        if (await mayHaveBatonEyes(ctx, asked))
          comment.accepted = await hasBatonEyes(ctx, comment.id);
      }
      return { source, comments: plain.map(({ eyes: _eyes, ...comment }) => comment) };
    }),
  );
}

/**
 * The issue's and open worker PRs' comments from the query; a conversation
 * longer than the query's window is read in full over REST, so no command and
 * no status comment is ever missed.
 */
export async function commentLists(
  ctx: RepoContext,
  { issue, repository }: { issue: number; repository: BuildQueryResult['repository'] },
): Promise<CommentList[]> {
  const issueNode = repository.issue;
  const sources: {
    source: CommentSource;
    window: { totalCount: number; nodes: GraphComment[] };
  }[] = [
    {
      source: { number: issue, source: { kind: 'issue' } },
      window: issueNode?.comments ?? { totalCount: 0, nodes: [] },
    },
  ];
  for (const pull of repository.pullRequests.nodes) {
    const worker = parseBatonBranch(pull.headRefName);
    if (pull.state !== 'OPEN' || worker?.kind !== 'worker') continue;
    sources.push({
      source: {
        number: pull.number,
        worker: worker.worker,
        source: { kind: 'pull', number: pull.number, worker: worker.worker },
      },
      window: pull.comments,
    });
  }
  const complete = sources.filter(({ window }) => window.totalCount <= window.nodes.length);
  const partial = sources.filter(({ window }) => window.totalCount > window.nodes.length);
  const fetched = await fetchComments(
    ctx,
    partial.map(({ source }) => source),
  );
  const reading = reactionReadingFrom(process.env);
  const read = await Promise.all(
    complete.map(async ({ source, window }) => ({
      source,
      comments: await Promise.all(
        window.nodes.map(async (node) => {
          const comment = {
            id: node.databaseId,
            body: node.body,
            author: loginOf(node.author),
            isBot: node.author?.__typename === 'Bot',
            createdAt: node.createdAt,
            updatedAt: node.updatedAt,
          };
          // The query runs as the app, so "the viewer reacted 👀" is Baton's acceptance
          // where GitHub means the app by the viewer (`hasBatonEyesInWindow` finds out).
          const accepted = await hasBatonEyesInWindow(
            ctx,
            {
              ...comment,
              groups: node.reactionGroups,
              ...(source.worker ? { worker: source.worker } : {}),
            },
            reading,
          );
          return { ...comment, accepted };
        }),
      ),
    })),
  );
  return [...read, ...fetched];
}

/**
 * The build's conversation: its status comment (found by marker; if two exist
 * the oldest wins) and the commands Baton accepted, on the issue and on open
 * worker PRs. A command counts once, when Baton took it (its 👀, given only to
 * people with write access when they wrote it): a comment without it never
 * counts, and what an accepted comment meant is kept in the status comment's
 * ledger, so editing or deleting the comment later changes nothing.
 */
export async function collectComments(
  ctx: RepoContext,
  { build, lists }: { build: string; lists: CommentList[] },
): Promise<CommentsRead> {
  const statuses: { id: number; body: string; createdAt: string; updatedAt: string }[] = [];
  const notices: string[] = [];
  const notes: { number: number; key: string }[] = [];
  const posted: PostedComment[] = [];
  const live: CommandInfo[] = [];
  const parts: { part: number; commands: CommandInfo[] }[] = [];
  for (const { source, comments } of lists) {
    for (const comment of comments) {
      const { body, author } = comment;
      if (author === ctx.botLogin) {
        if (source.source.kind === 'issue' && findStatusBuild(body) === build) {
          const { createdAt, updatedAt } = comment;
          statuses.push({ id: comment.id, body, createdAt, updatedAt });
        }
        const part = source.source.kind === 'issue' ? findLedgerPart(body) : null;
        if (part?.build === build)
          parts.push({ part: part.part, commands: parseCommandLedger(body) });
        const notice = source.source.kind === 'issue' ? findNotice(body) : null;
        const where = { number: source.number, id: comment.id, at: comment.createdAt };
        if (notice?.build === build) {
          notices.push(notice.key);
          posted.push({ kind: 'notice', key: notice.key, ...where });
        }
        const note = findNote(body);
        if (note !== null) {
          notes.push({ number: source.number, key: note });
          posted.push({ kind: 'note', key: note, ...where });
        }
        continue;
      }
      if (comment.isBot || isBatonComment(body) || !comment.accepted) continue;
      const parsed = parseCommands(body, source.worker ? { worker: source.worker } : {});
      for (const command of parsed.commands) {
        live.push({
          commentId: comment.id,
          author,
          createdAt: comment.createdAt,
          source: source.source,
          command,
        });
      }
    }
  }
  statuses.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  const [oldest, ...rest] = statuses;
  const archived = parts.flatMap((part) => part.commands);
  const ledgers = [...parts.map((part) => part.commands), parseCommandLedger(oldest?.body ?? '')];
  const commands = mergeLedger(ledgers, live);
  commands.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.commentId - b.commentId);
  return {
    statusComment: oldest ? statusCommentOf(oldest) : null,
    duplicateStatusIds: rest.map((status) => status.id),
    commands,
    ...(parts.length > 0
      ? {
          ledgerParts: {
            last: Math.max(...parts.map((part) => part.part)),
            commandIds: archived.map((info) => info.commentId),
          },
        }
      : {}),
    notices: [...new Set(notices)].sort(),
    notes,
    posted,
  };
}

/**
 * The ledger's meaning wins for every comment it records (an edit after
 * acceptance changes nothing, a deleted comment still counts); an accepted
 * comment the ledger does not hold yet counts as its body reads now.
 */
function mergeLedger(ledgers: CommandInfo[][], live: CommandInfo[]): CommandInfo[] {
  // A part and the status comment both hold a comment's entries while a part is being posted:
  // once is enough. A comment may carry several commands, all in one ledger (`ledgerSpill`).
  const recorded = new Set<number>();
  const kept: CommandInfo[] = [];
  for (const ledger of ledgers) {
    kept.push(...ledger.filter((info) => !recorded.has(info.commentId)));
    for (const info of ledger) recorded.add(info.commentId);
  }
  return [...kept, ...live.filter((info) => !recorded.has(info.commentId))];
}

/** The status comment as the snapshot holds it: when it was last edited, if ever. */
function statusCommentOf(comment: {
  id: number;
  body: string;
  createdAt: string;
  updatedAt: string;
}) {
  const { id, body, createdAt, updatedAt } = comment;
  return updatedAt && updatedAt !== createdAt ? { id, body, editedAt: updatedAt } : { id, body };
}
