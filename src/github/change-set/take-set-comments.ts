/**
 * A change set's comments that wait for Baton's 👀 (docs/security.md,
 * "Change sets"): judged on the read the set acts on, by the rule it acts by
 * (`takesComment`), and given the 👀 only where the set takes every command.
 */
import { plansAcross } from '../../core/change-set/set-commands.js';
import { takesComment } from '../../core/change-set/set-refusal.js';
import type { SetSnapshot } from '../../core/change-set/set-snapshot.js';
import type { Command, CommandError } from '../../core/commands/command.js';
import type { ParsedConfig } from '../../core/config/config.js';
import { awaitedCommands } from '../../core/decide/awaiting-comments.js';
import type { CommandAnswer } from '../../core/decide/check-commands.js';
import type { BuildSnapshot, CommandInfo } from '../../core/snapshot/snapshot.js';
import { commandText } from '../../core/workers/build-progress.js';
import { giveEyes } from '../act/take-comments.js';
import type { RepoContext } from '../client/types.js';

/**
 * The comments awaiting Baton's 👀 that the set takes get it; the commands of
 * those it does not take are left out of the set its pass decides on (a
 * comment the read held already, 👀 and all, stays as read).
 */
export async function takeSetComments(
  ctx: RepoContext,
  {
    set,
    awaiting,
    read,
    config,
  }: { set: SetSnapshot; awaiting: CommandAnswer[]; read: BuildSnapshot; config: ParsedConfig },
): Promise<{ set: SetSnapshot; taken: ReadonlySet<number>; eyed: CommandInfo[] }> {
  const taken = new Set<number>();
  // The commands of the comments this process's 👀 took (201): its to tell the audit stream.
  const eyed: CommandInfo[] = [];
  if (awaiting.length === 0 || !config.ok) return { set, taken, eyed };
  const judging = { config: config.config, across: plansAcross(set, config.config) };
  for (const answer of awaiting) {
    if (!takesComment(set, awaitedCommands(answer), judging)) continue;
    if (await giveEyes(ctx, answer.commentId)) eyed.push(...awaitedCommands(answer));
    taken.add(answer.commentId);
  }
  // Refused: the commands this pass added for a comment (not those the read held).
  const held = new Set(read.commands.map((info) => info.commentId));
  const refused = new Set(
    awaiting.map((answer) => answer.commentId).filter((id) => !taken.has(id) && !held.has(id)),
  );
  const kept = (info: CommandInfo) => !refused.has(info.commentId);
  return {
    set: { ...set, home: { ...set.home, commands: set.home.commands.filter(kept) } },
    taken,
    eyed,
  };
}

/** The problems of a comment Baton did not take, and each of its other commands said not run. */
export function notRun(commands: Command[], refused: CommandError[]): CommandError[] {
  const lines = new Set(refused.map((problem) => problem.line));
  const others = commands
    .map((command) => commandText(command))
    .filter((line) => !lines.has(line))
    .map((line) => ({
      line,
      message:
        'not run either: Baton takes a comment whole, and another command in it cannot apply; write this one again on its own.',
    }));
  return [...refused, ...others];
}
