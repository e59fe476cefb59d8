import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { makeContext } from '../../src/core/context/decide-context.js';
import { decide } from '../../src/core/decide/decide.js';
import { withCleanUp } from '../../src/core/decide/decide-ended.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { kinds, viewOf } from './decide-helpers.js';
import {
  ago,
  BUILD,
  deliveredSnapshot,
  finalPull,
  makeCommand,
  makeConfig,
  makeRun,
  NOW,
  planRun,
  STATUS_COMMENT,
  UNDER_WAY,
} from './factories.js';

const config = makeConfig({ approval: 'none' });

/**
 * W1.1 (its second attempt) and W2.1 merged, W1.2 skipped; its status comment in sight;
 * its learn session (docs/memory.md) done.
 */
function delivered(overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return deliveredSnapshot({
    runs: [
      planRun(),
      makeRun({ id: 7011, worker: 'W1.1', attempt: 2 }),
      makeRun({ id: 7021, worker: 'W2.1' }),
      makeRun({ id: 7031, role: 'learn', worker: null, createdAt: ago(5), updatedAt: ago(4) }),
    ],
    commands: [makeCommand({ name: 'skip', worker: 'W1.2' }, { commentId: 1 })],
    statusComment: STATUS_COMMENT,
    ...overrides,
  });
}

function cleanUpOf(actions: Action[]) {
  return actions.filter((action) => action.kind === 'clean-up-refs');
}

const ALL_RUNS = [
  { id: 7000, attempt: 1 },
  { id: 7011, attempt: 2 },
  { id: 7021, attempt: 1 },
  { id: 7031, attempt: 1 },
];

describe('decide: the hidden refs of a finished build', () => {
  it('asks for them once the final PR is merged: every completed run, up to its attempt, and the locks', () => {
    const snapshot = delivered({ finalPull: finalPull('merged') });
    const actions = decide({ snapshot, config, now: NOW });
    expect(kinds(actions)).toEqual(['clean-up-refs', 'render-status']);
    expect(cleanUpOf(actions)).toEqual([{ kind: 'clean-up-refs', runs: ALL_RUNS, locks: true }]);
  });

  it('asks for them once the final PR is closed without merging', () => {
    const snapshot = delivered({ finalPull: finalPull('closed') });
    expect(cleanUpOf(decide({ snapshot, config, now: NOW }))).toEqual([
      { kind: 'clean-up-refs', runs: ALL_RUNS, locks: true },
    ]);
  });

  it('asks for none while the final PR is open, nor for a running build', () => {
    for (const snapshot of [
      delivered({ finalPull: finalPull('open') }),
      delivered({ commands: [] }),
    ]) {
      expect(cleanUpOf(decide({ snapshot, config, now: NOW }))).toEqual([]);
    }
  });

  it('asks for none while the status comment is not in sight (its lock still guards its creation)', () => {
    const snapshot = delivered({ finalPull: finalPull('merged'), statusComment: null });
    expect(cleanUpOf(decide({ snapshot, config, now: NOW }))).toEqual([]);
  });

  it('on a cancelled build keeps the exchange of a run under way, and the locks until none is', () => {
    const running = makeRun({ id: 7012, worker: 'W1.2', ...UNDER_WAY, createdAt: ago(5) });
    const queued = makeRun({ id: 7013, worker: 'W2.1', status: 'queued', conclusion: null });
    const snapshot = delivered({
      runs: [planRun(), makeRun({ id: 7011, worker: 'W1.1' }), running, queued],
      commands: [makeCommand({ name: 'cancel' }, { commentId: 2 })],
    });
    const actions = decide({ snapshot, config, now: NOW });
    expect(viewOf(actions).phase).toBe('cancelled');
    expect(actions).toContainEqual({ kind: 'cancel-run', runId: 7012 });
    expect(cleanUpOf(actions)).toEqual([
      {
        kind: 'clean-up-refs',
        runs: [
          { id: 7000, attempt: 1 },
          { id: 7011, attempt: 1 },
        ],
        locks: false,
      },
    ]);
  });

  it('asks for none beside a dispatch, whose lock must hold', () => {
    // No rule dispatches once the final PR is closed today; the guard holds if one ever does.
    const snapshot = delivered({ finalPull: finalPull('closed') });
    if (!config.ok) throw new Error('bad config');
    const ctx = makeContext({ snapshot, config: config.config, now: NOW });
    const view = viewOf(decide({ snapshot, config, now: NOW }));
    const plan: Action = {
      kind: 'dispatch',
      request: { role: 'plan', build: BUILD, issue: 12, trigger: 'comment-3' },
    };
    expect(withCleanUp(ctx, { actions: [plan], view }).actions).toEqual([plan]);
    expect(cleanUpOf(withCleanUp(ctx, { actions: [], view }).actions)).toHaveLength(1);
  });
});
