import { describe, expect, it } from 'vitest';
import { WRITES_PER_STARTED_WORKER } from '../../src/core/snapshot/estimate.js';
import {
  createWriteBudget,
  PACE_SHARE,
  PASSED_OVER_MS,
} from '../../src/github/client/pacing/write-budget.js';
import { manualTimers } from '../support/manual-timers.js';

/**
 * A plan is the model's text, approved in one repository, and the write
 * budget is shared by every repository of the installation. Waiting builds
 * get room by their most urgent worker, the longest chain first: a plan of
 * long chains (one worker, ready one after another, heading a chain of 50)
 * must not keep another repository's build waiting for good. Past
 * `PASSED_OVER_MS` the build passed over goes first.
 */
describe('a plan of long chains cannot keep another build of the installation waiting', () => {
  it('gives the turn to a build passed over for PASSED_OVER_MS, however long the chains ahead of it', () => {
    const time = manualTimers(5_000_000);
    const budget = createWriteBudget({ clock: time.now, setTimer: time.setTimer });
    const rival = 'acme/shop#7-long-chains';
    const victim = 'other/app#3-a-build';
    // Made and owed writes leave no room for a worker; none made this minute.
    budget.note(300);
    time.advance(5 * 60_000);
    const owing = (count: number) => [{ at: time.now(), count }];
    budget.owe('acme/lib#1-a', owing(500 * PACE_SHARE - 300 - 1));
    const woken: string[] = [];
    budget.wake(victim, () => woken.push(victim), 1);
    // Woken, the rival spends its turn at once: its worker now owes its share.
    const rivalTurn = () => {
      woken.push(rival);
      budget.dispatched(rival);
      budget.owe(rival, owing(budget.owed(rival) + WRITES_PER_STARTED_WORKER));
      budget.settled(rival);
    };
    let victimWokenAfter: number | null = null;
    // Every two minutes the rival has another worker heading a chain of 50 waiting, and
    // room for one worker comes free (another build merged a worker): one turn each time.
    for (let minute = 0; minute < 90 && victimWokenAfter === null; minute += 2) {
      budget.wake(rival, rivalTurn, 50);
      budget.owe('acme/lib#1-a', owing(budget.owed('acme/lib#1-a') - WRITES_PER_STARTED_WORKER));
      time.advance(2 * 60_000);
      if (woken.includes(victim)) victimWokenAfter = minute;
    }
    // The rival went first while the victim's wait was short, and not for good.
    expect(woken[0]).toBe(rival);
    expect(victimWokenAfter).not.toBeNull();
    expect(victimWokenAfter ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(
      PASSED_OVER_MS / 60_000,
    );
  });
});
