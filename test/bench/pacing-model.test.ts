import { expect, it } from 'vitest';
import { measurePacing } from '../../bench/pacing.js';

/**
 * The pacing model (`bench/pacing.ts`) drives the real write budget as the app does: a budget
 * change that the model no longer follows (a waiter never woken, a build that never ends)
 * fails here rather than printing NaN into the bench's table. Its figures are counts and
 * simulated minutes, not times of this machine; the targets stay the bench's to judge.
 */
it('ends every build of the model within GitHub’s hour, the budget woken as the app wakes it', () => {
  const model = measurePacing();
  expect(model.ends).toHaveLength(10);
  for (const end of model.ends) expect(Number.isFinite(end)).toBe(true);
  expect(Number.isFinite(model.ratio)).toBe(true);
  expect(model.peakHour).toBeLessThan(500);
});
