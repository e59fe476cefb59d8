import { describe, expect, it } from 'vitest';
import { doorRows, measureDoors } from '../../bench/doors.js';

/**
 * `npm run bench -- doors` (bench/doors.ts): one ask through each door, each on
 * a fresh repository and app, counted from its event to the first session
 * dispatched; the tracker doors timed to the plan in the status comment.
 */
describe('the doors part of the bench', () => {
  it('measures one ask through every door, each dispatching its first session', async () => {
    const costs = await measureDoors();
    expect(costs.map((cost) => cost.door)).toEqual([
      'label',
      'improve',
      'schedule',
      'check-failed',
      'pull-label',
      'project',
      'linear',
      'jira',
    ]);
    for (const cost of costs) {
      // At least the dispatch and the status comment are writes, and some reads precede them.
      expect(cost.writes).toBeGreaterThanOrEqual(2);
      expect(cost.requests).toBeGreaterThan(cost.writes);
    }
    const trackers = costs.filter((cost) => cost.trackerRequests !== null);
    expect(trackers.map((cost) => cost.door)).toEqual(['linear', 'jira']);
    for (const cost of trackers) {
      expect(cost.trackerRequests).toBeGreaterThan(0);
      expect(cost.toPlanMs).toBeGreaterThan(0);
    }
    const [perAsk, toPlan] = doorRows(costs);
    expect(perAsk?.measured).toMatch(/^label \d+ \/ \d+, improve \d+ \/ \d+, schedule/);
    expect(toPlan?.measured).toMatch(/^linear \d+ ms, \d+ requests; jira \d+ ms, \d+ requests$/);
  });
});
