/**
 * A reconcile's pass over a delivered build, as the traces hear it (`ActedBuild`,
 * src/telemetry/): the build asked for by alice's `/improve`, its plan and W1.1
 * with usage records, W2.1's run failed with none.
 */
import type { Action } from '../../src/core/context/action.js';
import type { ActedBuild, ActOutcome } from '../../src/github/act/act.js';
import {
  ago,
  deliveredSnapshot,
  makeConfig,
  makeRun,
  makeUsageRecord,
  NOW,
  planRun,
} from '../core/factories.js';

const CONFIG = makeConfig();

/** The write that opens the build's final pull request. */
export const OPEN_FINAL: Action = {
  kind: 'open-final-pull',
  title: 'Add login',
  body: 'Closes #12',
  reviewers: [],
};

/** That build's pass with `outcomes`, read at NOW as the repository `Acme/Shop`. */
export function actedBuild(outcomes: ActOutcome[]): ActedBuild {
  const snapshot = deliveredSnapshot({
    ask: {
      by: 'alice',
      how: { way: 'command', comment: 5 },
      at: ago(300),
      what: { kind: 'build', type: 'code' },
    },
    runs: [
      planRun(),
      makeRun({ id: 7011, worker: 'W1.1' }),
      makeRun({ id: 7021, worker: 'W2.1', conclusion: 'failure' }),
    ],
    usage: [
      makeUsageRecord({ run_id: 7000, cost: 0.5 }),
      makeUsageRecord({ run_id: 7011, role: 'work', worker: 'W1.1', cost: 1.25, seconds: 90 }),
    ],
  });
  return {
    read: {
      repository: 'Acme/Shop',
      installationId: 1,
      snapshot,
      config: CONFIG.ok ? CONFIG.config : null,
      view: null,
      readAt: NOW,
    },
    outcomes,
  };
}
