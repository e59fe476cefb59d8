import { describe, expect, it } from 'vitest';
import {
  type DueAt,
  dueAtEnd,
  dueOnBranch,
  isDue,
  notDue,
  withdrawnBy,
} from '../../src/core/plan/due-criteria.js';
import { memberBuildId } from '../../src/core/vocabulary/ids.js';
import { makePlan, makeWorker } from './factories.js';

/** Milestone 2 of a plan of three waves, W1.3 skipped. */
const M2: DueAt = { milestone: 2, last: 3, skipped: new Set(['W1.3']) };

describe('the criteria due at a milestone', () => {
  it.each([
    // A worker's criterion is due once its wave is reached, unless its worker was skipped.
    ['W1.1:1', M2, null],
    ['W2.1:2', M2, null],
    ['W1.3:1', M2, 'skipped'],
    ['W1.3:2', M2, 'skipped'],
    ['W3.1:1', M2, 'later'],
    // A later wave's skipped worker is not reached yet either.
    ['W3.2:1', { ...M2, skipped: new Set(['W3.2']) }, 'later'],
    // The build's own criteria at the last milestone, whichever workers were skipped.
    ['build:1', M2, 'later'],
    ['build:1', { ...M2, milestone: 3 }, null],
    ['build:1', { milestone: 3, last: 3, skipped: new Set(['W1.1', 'W1.3', 'W2.1']) }, null],
    // The contract's command is always due.
    ['command', { ...M2, milestone: 1 }, null],
  ] as const)('%s at %o: %s', (check, at, why) => {
    expect(notDue(check, at)).toBe(why);
    expect(isDue(check, at)).toBe(why === null);
  });

  it("holds a criterion whose fix worker was skipped not due from then on, the build's own too, never `command`", () => {
    const plan = makePlan({
      workers: [
        makeWorker({ id: 'W1.1' }),
        makeWorker({ id: 'W2.1', title: 'Fix: W1.1:1 fails' }),
        makeWorker({ id: 'W2.2', title: 'Fix: build:1 fails' }),
        makeWorker({ id: 'W2.3', title: "Fix: the contract's command fails" }),
        makeWorker({ id: 'W2.4', title: 'Fix: W1.1:2 fails' }),
      ],
    });
    const skipped = new Set(['W2.1', 'W2.2', 'W2.3']);
    const withdrawn = withdrawnBy(plan, skipped);
    expect(withdrawn).toEqual(
      new Map([
        ['W1.1:1', 'W2.1'],
        ['build:1', 'W2.2'],
      ]),
    );
    const at: DueAt = { milestone: 3, last: 3, skipped, withdrawn };
    expect(notDue('W1.1:1', at)).toBe('skipped');
    expect(notDue('build:1', at)).toBe('skipped');
    expect(notDue('W1.1:2', at)).toBeNull();
    expect(notDue('command', at)).toBeNull();
  });

  it("holds a skipped worker's criterion not due at the end, its kept neighbour due", () => {
    const end = dueAtEnd(new Set(['W1.3']));
    expect(notDue('W1.3:1', end)).toBe('skipped');
    expect(notDue('W1.2:1', end)).toBeNull();
    expect(notDue('W99.1:1', end)).toBeNull();
    expect(notDue('build:2', end)).toBeNull();
  });
});

describe('where a validation stands, read from the build branch', () => {
  const BUILD = '12-rename-fetch';
  const plan = makePlan({
    workers: [
      makeWorker({ id: 'W0.1' }),
      makeWorker({ id: 'W1.1' }),
      makeWorker({ id: 'W1.2' }),
      makeWorker({ id: 'W1.3' }),
      makeWorker({ id: 'W2.1', depends_on: ['W1.1'] }),
      makeWorker({ id: 'W3.1', depends_on: ['W2.1'] }),
    ],
  });
  const onBranch = (milestone: number, reported: string[]) =>
    dueOnBranch({
      plan,
      build: BUILD,
      repository: 'acme/service',
      milestone,
      reported: new Set(reported),
    });

  it("reads as skipped the workers of the milestone's waves with no report there, never the contract's worker nor a later wave's", () => {
    expect(onBranch(2, ['W0.1', 'W1.1', 'W1.2', 'W2.1'])).toEqual({
      milestone: 2,
      last: 3,
      skipped: new Set(['W1.3']),
      withdrawn: new Map(),
    });
    expect(onBranch(1, ['W1.1']).skipped).toEqual(new Set(['W1.2', 'W1.3']));
    expect(onBranch(3, ['W1.1', 'W1.2', 'W1.3', 'W2.1', 'W3.1']).skipped).toEqual(new Set());
  });

  it("counts a change set member's own workers alone, up to its own last wave", () => {
    // W1.1 in acme/lib, W1.2 and W2.1 here (acme/service, the issue's), W3.1 in acme/client.
    const set = makePlan({
      workers: [
        makeWorker({ id: 'W1.1', repository: 'acme/lib' }),
        makeWorker({ id: 'W1.2' }),
        makeWorker({ id: 'W2.1', depends_on: ['W1.1', 'W1.2'] }),
        makeWorker({ id: 'W3.1', depends_on: ['W2.1'], repository: 'acme/client' }),
      ],
    });
    const here = dueOnBranch({
      plan: set,
      build: memberBuildId(BUILD, 'acme/service'),
      repository: 'acme/service',
      milestone: 2,
      reported: new Set(['W2.1']),
    });
    // acme/lib's W1.1 has its report on acme/lib's branch: not skipped here; W1.2 has none.
    expect(here).toEqual({
      milestone: 2,
      last: 2,
      skipped: new Set(['W1.2']),
      withdrawn: new Map(),
    });
    expect(notDue('W1.2:1', here)).toBe('skipped');
    expect(notDue('build:1', here)).toBeNull();
  });
});
