/**
 * The rules of commands that hold a build's workers back (AGENTS.md, "How to
 * add a command"). Each reads its own commands from the snapshot, oldest
 * first (`ctx.commands.accepted`), and names the workers it
 * holds with the note their rows show; `decideBuild` holds them as it holds
 * the workers an adaptation waits for (`worker-holds.ts`): no session starts
 * for one and its pull request does not merge.
 */
import type { DecideContext } from '../context/decide-context.js';
import type { Holds } from './worker-holds.js';

/** A command's rule: the workers its commands hold now. */
type CommandHolds = (ctx: DecideContext) => Holds;

/**
 * `/hold W2.1`: the worker is held from its newest `/hold` until a `/release`
 * or a `/retry` of it given after; its row names who held it.
 */
function held(ctx: DecideContext): Holds {
  const holds: Holds = new Map();
  for (const { command, author } of ctx.commands.accepted) {
    if (command.name === 'hold') {
      holds.set(command.worker, `held by ${author}: \`/release ${command.worker}\` lets it go on`);
    } else if (command.name === 'release' || command.name === 'retry') {
      holds.delete(command.worker);
    }
  }
  return holds;
}

/** Every command's rule that holds workers. */
const RULES: readonly CommandHolds[] = [held];

/** The workers the commands hold now, each with its note (the first rule's, when two hold one). */
export function commandHolds(ctx: DecideContext): Holds {
  const holds: Holds = new Map();
  for (const rule of RULES) {
    for (const [worker, note] of rule(ctx)) if (!holds.has(worker)) holds.set(worker, note);
  }
  return holds;
}
