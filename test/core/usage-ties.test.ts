import { describe, expect, it } from 'vitest';
import { renderUsageMessage } from '../../src/core/records/usage.js';
import { tieUsage, type UsageRun } from '../../src/core/snapshot/usage-ties.js';
import { makeUsageRecord } from './factories.js';

const RUN: UsageRun = {
  id: 501,
  build: '3-login',
  role: 'work',
  worker: 'W1.1',
  attempt: 2,
  createdAt: '2026-03-01T10:00:00Z',
};
const runs = new Map([[RUN.id, RUN]]);
const message = (overrides: Parameters<typeof makeUsageRecord>[0] = {}) =>
  renderUsageMessage(
    makeUsageRecord({ run_id: 501, attempt: 1, role: 'work', worker: 'W1.1', ...overrides }),
  );

describe('tieUsage: a usage record counts only for a run Baton dispatched', () => {
  it('counts the record its run’s attempts name', () => {
    const tied = tieUsage(
      [
        { ref: '3-login/usage/501-1', message: message() },
        { ref: '3-login/usage/501-2', message: message({ attempt: 2 }) },
      ],
      runs,
    );
    expect(tied.counted.map((one) => one.ref)).toEqual([
      '3-login/usage/501-1',
      '3-login/usage/501-2',
    ]);
    expect(tied.uncounted).toEqual([]);
  });

  it.each([
    ['a run there is not', '3-login/usage/999-1', message({ run_id: 999 }), 'no run 999'],
    ['another build’s run', '4-other/usage/501-1', message(), 'run 501 is of build 3-login'],
    [
      'an attempt the run never reached',
      '3-login/usage/501-3',
      message({ attempt: 3 }),
      'no attempt 3',
    ],
    ['a name that is no record’s', '3-login/usage/latest', message(), 'not named'],
    [
      'another run’s id in its message',
      '3-login/usage/501-1',
      message({ run_id: 777 }),
      'names run 777',
    ],
    ['another role', '3-login/usage/501-1', message({ role: 'review' }), 'a review session'],
    ['another worker', '3-login/usage/501-1', message({ worker: 'W2.1' }), 'of W2.1'],
    [
      'a message that is no record',
      '3-login/usage/501-1',
      'baton usage\n\n{}',
      'not a usage record',
    ],
  ])('does not count one naming %s', (_name, ref, text, reason) => {
    const tied = tieUsage([{ ref, message: text }], runs);
    expect(tied.counted).toEqual([]);
    expect(tied.uncounted).toEqual([{ ref, reason: expect.stringContaining(reason) }]);
  });
});

describe('tieUsage: the review a work, contract or fix session’s run made after it', () => {
  const review = (overrides: Parameters<typeof makeUsageRecord>[0] = {}) =>
    message({ role: 'review', after: 'work', ...overrides });

  it('counts it beside the session’s own, at <run>-<attempt>-review', () => {
    const tied = tieUsage(
      [
        { ref: '3-login/usage/501-1', message: message() },
        { ref: '3-login/usage/501-1-review', message: review() },
      ],
      runs,
    );
    expect(tied.counted.map((one) => [one.ref, one.record.role, one.record.after])).toEqual([
      ['3-login/usage/501-1', 'work', undefined],
      ['3-login/usage/501-1-review', 'review', 'work'],
    ]);
    expect(tied.uncounted).toEqual([]);
  });

  it.each([
    ['the work session’s own record', '3-login/usage/501-1-review', message(), 'not the review'],
    [
      'a review after another role than the run’s',
      '3-login/usage/501-1-review',
      review({ after: 'fix' }),
      'after fix',
    ],
    [
      'a review of another worker',
      '3-login/usage/501-1-review',
      review({ worker: 'W2.1' }),
      'of W2.1',
    ],
    ['a review after it at the session’s own name', '3-login/usage/501-1', review(), 'not the run'],
  ])('does not count %s', (_name, ref, text, reason) => {
    const tied = tieUsage([{ ref, message: text }], runs);
    expect(tied.counted).toEqual([]);
    expect(tied.uncounted).toEqual([{ ref, reason: expect.stringContaining(reason) }]);
  });

  it('counts none in a run whose session reviews nothing after it (a plan, a review)', () => {
    for (const role of ['plan', 'review'] as const) {
      const run = { ...RUN, role };
      const ref = '3-login/usage/501-1-review';
      const tied = tieUsage(
        [{ ref, message: review({ after: 'work' }) }],
        new Map([[run.id, run]]),
      );
      expect(tied.counted).toEqual([]);
      expect(tied.uncounted).toEqual([
        { ref, reason: expect.stringContaining('reviews nothing after it') },
      ]);
    }
  });
});
