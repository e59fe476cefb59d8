import type { BuildSnapshot, CommandInfo } from '../snapshot/snapshot.js';
import type { CommandAnswer } from './check-commands.js';

/** A comment's commands as the build counts them once Baton's 👀 is on it: each with its author and time. */
export function awaitedCommands(answer: CommandAnswer): CommandInfo[] {
  const { awaiting } = answer;
  if (!awaiting) return [];
  return answer.commands.map((command) => ({
    commentId: answer.commentId,
    author: awaiting.author,
    createdAt: awaiting.createdAt,
    source: { kind: 'issue' },
    command,
  }));
}

/**
 * The build with the commands of comments Baton took in this reconcile, as
 * its next read will show them: a comment the read holds already (another
 * replica's 👀 came first) is not counted twice.
 */
export function withTakenCommands(snapshot: BuildSnapshot, taken: CommandInfo[]): BuildSnapshot {
  const read = new Set(snapshot.commands.map((info) => info.commentId));
  const added = taken.filter((info) => !read.has(info.commentId));
  return added.length === 0
    ? snapshot
    : { ...snapshot, commands: [...snapshot.commands, ...added] };
}
