/**
 * Baton's 👀 on a command comment is its acceptance: a later read counts a
 * comment's commands only with it (docs/security.md, "Who steers a build").
 * On most issues the comment handler gives it, having checked its author's
 * write access as the comment is written. On the issue of a repository that
 * lists change sets, what a command needs depends on the build (a set's
 * `/rollback` needs every repository it acts in), which only the reconcile
 * reads: there the handler leaves the comment `awaiting`, and the reconcile
 * gives the 👀 here, after it judged the comment on the read it acts on.
 */
import { awaitedCommands, withTakenCommands } from '../../core/decide/awaiting-comments.js';
import type { CommandAnswer } from '../../core/decide/check-commands.js';
import type { BuildSnapshot, CommandInfo } from '../../core/snapshot/snapshot.js';
import { withReason } from '../client/request-reason.js';
import type { RepoContext } from '../client/types.js';

/**
 * Gives Baton's 👀 to a comment. GitHub answers 201 the first time and 200
 * once it is there (another replica's reconcile took the comment first):
 * either way the comment is taken, and its answer is a guarded note.
 * Whether this process's 👀 took it (201): its commands are this process's to tell.
 */
export async function giveEyes(ctx: RepoContext, comment: number): Promise<boolean> {
  const reaction = await withReason('reaction', () =>
    ctx.octokit.rest.reactions.createForIssueComment({
      owner: ctx.owner,
      repo: ctx.repo,
      comment_id: comment,
      content: 'eyes',
    }),
  );
  return (reaction.status as number) === 201;
}

/**
 * Takes the comments that wait for it on a build that is no change set (its
 * handler already found the author may write the repository): each gets the
 * 👀, and the build is decided with their commands, as the next read will
 * show them; `eyed`, the commands of the comments this process's 👀 took.
 */
export async function takeComments(
  ctx: RepoContext,
  { snapshot, answers }: { snapshot: BuildSnapshot; answers: readonly CommandAnswer[] },
): Promise<{ snapshot: BuildSnapshot; eyed: CommandInfo[] }> {
  const taken: CommandInfo[] = [];
  const eyed: CommandInfo[] = [];
  for (const answer of answers) {
    if (!answer.awaiting) continue;
    const mine = await giveEyes(ctx, answer.commentId);
    taken.push(...awaitedCommands(answer));
    if (mine) eyed.push(...awaitedCommands(answer));
  }
  return { snapshot: withTakenCommands(snapshot, taken), eyed };
}
