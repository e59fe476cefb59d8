import { engineFor, readEngineSettings } from '../sessions/engines.js';
import type { SessionRole } from '../sessions/session.js';
import type { Engine } from '../vocabulary/engine-names.js';
import type { DecideContext } from './decide-context.js';

/**
 * The engine a session of this build runs on (`engineFor`): the worker's
 * latest `/retry` that named one, the plan's `engine` for the worker, the
 * role's, the default. The same for the dispatch and for the status row.
 */
export function sessionEngine(
  ctx: Pick<DecideContext, 'snapshot' | 'commands' | 'config'>,
  { role, worker }: { role: SessionRole; worker?: string | null | undefined },
): Engine {
  const { plan } = ctx.snapshot;
  const planned =
    worker && plan.kind === 'valid'
      ? plan.plan.workers.find((entry) => entry.id === worker)?.engine
      : undefined;
  const latest = worker ? ctx.commands.retries.get(worker)?.at(-1)?.command : undefined;
  const retried = latest?.name === 'retry' ? latest.engine : undefined;
  return engineFor({
    settings: readEngineSettings(ctx.config.session.engine),
    role,
    planned,
    retried,
  });
}
