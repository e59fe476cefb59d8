import { findNotice } from '../core/notice.js';
import { parseCommands } from '../core/parse-commands.js';
import { isBatonComment } from '../core/render-replies.js';
import { findStatusBuild } from '../core/render-status.js';
import type { BuildSnapshot, CommandInfo } from '../core/snapshot.js';
import { hasWriteAccess } from './permissions.js';
import type { RepoContext } from './types.js';

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
  /** Keys of the notices Baton posted on the issue for this build. */
  notices: string[];
}

/** A comment as both the REST and the GraphQL adapters see it. */
export interface PlainComment {
  id: number;
  body: string;
  /** REST's login: a bot's ends in `[bot]`. */
  author: string;
  isBot: boolean;
  createdAt: string;
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
      return {
        source,
        comments: comments.map((c) => ({
          id: c.id,
          body: c.body ?? '',
          author: c.user?.login ?? '',
          isBot: c.user?.type === 'Bot',
          createdAt: c.created_at,
        })),
      };
    }),
  );
}

/**
 * The build's conversation: its status comment (found by marker; if two exist
 * the oldest wins) and the commands people allowed to steer have given, on
 * the issue and on open worker PRs. Bots and Baton's own comments are ignored.
 */
export async function collectComments(
  ctx: RepoContext,
  { build, lists }: { build: string; lists: CommentList[] },
): Promise<CommentsRead> {
  const statuses: { id: number; body: string; createdAt: string }[] = [];
  const commands: CommandInfo[] = [];
  const notices: string[] = [];
  for (const { source, comments } of lists) {
    for (const comment of comments) {
      const { body, author } = comment;
      if (author === ctx.botLogin) {
        if (source.source.kind === 'issue' && findStatusBuild(body) === build) {
          statuses.push({ id: comment.id, body, createdAt: comment.createdAt });
        }
        const notice = source.source.kind === 'issue' ? findNotice(body) : null;
        if (notice?.build === build) notices.push(notice.key);
        continue;
      }
      if (comment.isBot || isBatonComment(body)) continue;
      const parsed = parseCommands(body, source.worker ? { worker: source.worker } : {});
      if (parsed.commands.length === 0 || !(await hasWriteAccess(ctx, author))) continue;
      for (const command of parsed.commands) {
        commands.push({
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
  commands.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.commentId - b.commentId);
  const [oldest, ...rest] = statuses;
  return {
    statusComment: oldest ? { id: oldest.id, body: oldest.body } : null,
    duplicateStatusIds: rest.map((status) => status.id),
    commands,
    notices: [...new Set(notices)].sort(),
  };
}
