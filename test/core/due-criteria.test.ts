import { describe, expect, it } from 'vitest';
import {
  type DueAt,
  dueAtEnd,
  isDue,
  notDue,
  skippedWithoutReport,
} from '../../src/core/plan/due-criteria.js';

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

  it("holds a skipped worker's criterion not due at the end, its kept neighbour due", () => {
    const end = dueAtEnd(new Set(['W1.3']));
    expect(notDue('W1.3:1', end)).toBe('skipped');
    expect(notDue('W1.2:1', end)).toBeNull();
    expect(notDue('W99.1:1', end)).toBeNull();
    expect(notDue('build:2', end)).toBeNull();
  });
});

describe('the workers a validation reads as skipped from the build branch', () => {
  const workers = [
    { id: 'W0.1' },
    { id: 'W1.1' },
    { id: 'W1.2' },
    { id: 'W1.3' },
    { id: 'W2.1' },
    { id: 'W3.1' },
  ];

  it("names those of the milestone's waves with no report there, never the contract's worker nor a later wave's", () => {
    const reported = new Set(['W1.1', 'W1.2', 'W2.1']);
    expect([...skippedWithoutReport(workers, 2, reported)]).toEqual(['W1.3']);
    expect([...skippedWithoutReport(workers, 1, new Set(['W1.1']))]).toEqual(['W1.2', 'W1.3']);
    expect([...skippedWithoutReport(workers, 3, new Set(workers.map((w) => w.id)))]).toEqual([]);
  });
});
