import type { RuleAction } from '../context/action.js';
import type { DecideContext } from '../context/decide-context.js';

/**
 * When a build has ended (its final pull request merged, or closed without
 * merging), one learn session reads people's corrections of it and proposes
 * lessons in a pull request a person approves (docs/memory.md). The app passes
 * the build by id and reads nothing of what the session reads. Asked once: a
 * learn run of the build, whatever its outcome, is the answer (a failed one
 * costs a person's look, not another attempt); `memory.enabled: false` asks
 * none. A paused build or a reached budget holds it as every session.
 */
export function decideLearn(ctx: DecideContext): RuleAction[] {
  if (!ctx.config.memory.enabled) return [];
  const final = ctx.snapshot.finalPull;
  if (!final || final.state === 'open') return decideRemembered(ctx);
  const asked = ctx.snapshot.runs.some((run) => run.role === 'learn' && run.trigger === null);
  if (asked || !ctx.canDispatchWork) return decideRemembered(ctx);
  return [{ kind: 'dispatch', request: { role: 'learn' } }, ...decideRemembered(ctx)];
}

/**
 * A writer's `/remember <rule>` (on the build's issue or a worker's pull
 * request; anyone else's is refused as every command is) asks for one learn
 * session of that comment, `baton learn <build> - comment-<id>`: it reads the
 * comment by id and proposes the rule as one lesson. Once: its run answers it.
 */
export function decideRemembered(ctx: DecideContext): RuleAction[] {
  if (!ctx.config.memory.enabled || !ctx.canDispatchWork) return [];
  return ctx.commands.accepted.flatMap((info): RuleAction[] => {
    if (info.command.name !== 'remember') return [];
    const trigger = `comment-${info.commentId}` as const;
    const asked = ctx.snapshot.runs.some((run) => run.role === 'learn' && run.trigger === trigger);
    return asked ? [] : [{ kind: 'dispatch', request: { role: 'learn', trigger } }];
  });
}
