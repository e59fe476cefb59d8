import type { Config } from '../config/config.js';
import type { MODEL_KINDS } from '../config/model-settings.js';
import type { Plan } from '../plan/plan.js';
import { engineFor, providerOf, readEngineSettings } from '../sessions/engines.js';
import { providerModel } from '../sessions/providers.js';
import type { LedgerEntry } from '../snapshot/ledger.js';
import { DEFAULT_ENGINE, type Engine } from '../vocabulary/engine-names.js';

/**
 * The model a session ran on, as the build's configuration names it for the
 * session's kind: its worker's complexity for work and fix sessions, `review`
 * for reviews, `plan` for every other role; under the models of its engine's
 * provider (`models.openai` on Codex). Usage
 * records carry no model, so spend "by model" is by the model configured for
 * the session (docs/mission-control.md); null where no configuration was read.
 */
/** A session as its record and its build's configuration and plan tell of it. */
interface SessionOf {
  entry: Pick<LedgerEntry, 'role' | 'worker' | 'engine'>;
  config: Config | null;
  plan: Plan | null;
}

export function sessionModel({ entry, config, plan }: SessionOf): string | null {
  if (!config) return null;
  const kind = kindOf(entry, plan);
  return providerModel(config.models, providerOf(sessionEngine({ entry, config, plan })), kind);
}

/**
 * The engine a session ran on: its usage record's, else (a record from before
 * records named it, or an estimate) the engine the configuration and plan
 * choose for it (`engineFor`), else Baton's own: never "unrecorded".
 */
export function sessionEngine({ entry, config, plan }: SessionOf): Engine {
  if (entry.engine) return entry.engine;
  if (!config) return DEFAULT_ENGINE;
  return engineFor({
    settings: readEngineSettings(config.session.engine),
    role: entry.role,
    planned: plan?.workers.find((worker) => worker.id === entry.worker)?.engine,
  });
}

function kindOf(
  entry: Pick<LedgerEntry, 'role' | 'worker'>,
  plan: Plan | null,
): (typeof MODEL_KINDS)[number] {
  switch (entry.role) {
    case 'review':
    case 'validate':
    case 'learn':
      return 'review';
    case 'work':
    case 'contract':
    case 'fix':
      return plan?.workers.find((worker) => worker.id === entry.worker)?.complexity ?? 'normal';
    case 'plan':
    case 'research':
    case 'summary':
    case 'synthesis':
      return 'plan';
    default: {
      const _exhaustive: never = entry.role;
      return _exhaustive;
    }
  }
}
