import { describe, expect, it } from 'vitest';
import { makeContext } from '../../src/core/context/decide-context.js';
import { decideMessages } from '../../src/core/rules/decide-messages.js';
import type { RunInfo } from '../../src/core/snapshot/snapshot.js';
import { ago, make, NOW } from './factories.js';

const config = (() => {
  const parsed = make.config();
  if (!parsed.ok) throw new Error('config');
  return parsed.config;
})();

/** W1.1's message in comment 950, written 20 minutes ago; `receipt` the run whose usage record says it took it. */
function stateOf(kind: 'steer' | 'queue', receipt: Partial<RunInfo>): string | undefined {
  const message = make.command(
    { name: kind, worker: 'W1.1', text: 'keep the old names' },
    { commentId: 950, createdAt: ago(20) },
  );
  const run = make.run({ id: 7300, ...receipt });
  const snapshot = make.snapshot({
    runs: [make.run({ id: 7000, role: 'plan', worker: null, createdAt: ago(120) }), run],
    commands: [message],
    usage: [
      make.usageRecord({
        run_id: run.id,
        role: run.role,
        worker: run.worker,
        messages: [{ comment: 950, turn: 2 }],
      }),
    ],
    messageRefs: [{ worker: 'W1.1', comment: 950 }],
  });
  const { views, actions } = decideMessages(makeContext({ snapshot, config, now: NOW }), {
    done: new Set(),
  });
  const forgets = actions.some((action) => action.kind === 'forget-messages');
  const state = views[0]?.state;
  expect(forgets).toBe(state === 'taken');
  return state;
}

describe('a session’s receipt of a message counts only from a session that could have taken it', () => {
  const after = { createdAt: ago(10), startedAt: ago(10), updatedAt: ago(5) };
  it.each<[string, 'steer' | 'queue', Partial<RunInfo>, string]>([
    ['a /queue, by a later session of its worker', 'queue', after, 'taken'],
    ['a /queue, by a later fix session of its worker', 'queue', { ...after, role: 'fix' }, 'taken'],
    [
      'a /queue, by the session that ran when it came (it leaves a /queue for the next)',
      'queue',
      { createdAt: ago(30), startedAt: ago(30), updatedAt: ago(5) },
      'queued',
    ],
    ['a /queue, by a run of another worker', 'queue', { ...after, worker: 'W1.2' }, 'queued'],
    ['a /queue, by a plan run', 'queue', { ...after, role: 'plan', worker: null }, 'queued'],
    [
      'a /steer, by the session running when it came',
      'steer',
      { createdAt: ago(30), updatedAt: ago(5) },
      'taken',
    ],
    [
      'a /steer, by a session that had ended before it',
      'steer',
      { createdAt: ago(40), updatedAt: ago(30) },
      'queued',
    ],
    ['a /steer, by a review run of its worker', 'steer', { ...after, role: 'review' }, 'queued'],
  ])('%s', (_name, kind, receipt, expected) => {
    expect(stateOf(kind, receipt)).toBe(expected);
  });
});
