import type { Config } from '../config/config.js';
import { engineFor, readEngineSettings } from '../sessions/engines.js';
import type { SessionRole } from '../sessions/session.js';
import type { CommandState } from '../snapshot/command-state.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import type { Engine } from '../vocabulary/engine-names.js';

/** Which engine a session of this build runs on, given its role and worker. */
export type EngineOf = (session: {
  role: SessionRole;
  worker?: string | null | undefined;
}) => Engine;

/**
 * The engine a session of this build runs on (`engineFor`): the worker's
 * latest `/retry` that named one, the plan's `engine` for the worker, the
 * role's, the default. The settings are read once, when the context is made;
 * the same answer serves the dispatch and the status row.
 */
export function sessionEngines(read: {
  snapshot: Pick<BuildSnapshot, 'plan'>;
  commands: CommandState;
  config: Config;
}): EngineOf {
  const settings = readEngineSettings(read.config.session.engine);
  const { plan } = read.snapshot;
  return ({ role, worker }) => {
    const planned =
      worker && plan.kind === 'valid'
        ? plan.plan.workers.find((entry) => entry.id === worker)?.engine
        : undefined;
    const latest = worker ? read.commands.retries.get(worker)?.at(-1)?.command : undefined;
    const retried = latest?.name === 'retry' ? latest.engine : undefined;
    return engineFor({ settings, role, planned, retried });
  };
}
