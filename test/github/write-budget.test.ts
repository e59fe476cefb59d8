import { describe, expect, it } from 'vitest';
import { WRITES_PER_STARTED_WORKER } from '../../src/core/snapshot/estimate.js';
import {
  createWriteBudget,
  OWED_RETRY_MS,
  TURN_MS,
} from '../../src/github/client/pacing/write-budget.js';
import { manualTimers } from '../support/manual-timers.js';

/** A budget on a clock the test moves. */
function budget() {
  let now = 5_000_000;
  const writes = createWriteBudget({ clock: () => now });
  return {
    writes,
    advance(ms: number) {
      now += ms;
    },
    /** `perMinute` writes in each of `minutes` minutes, the clock a minute on after each. */
    spread(minutes: number, perMinute: number) {
      for (let minute = 0; minute < minutes; minute++) {
        writes.note(perMinute);
        now += 60_000;
      }
    },
  };
}

describe('the write budget of an installation', () => {
  it('counts writes in the last minute and the last hour', () => {
    const { writes, advance } = budget();
    writes.note(10);
    advance(30_000);
    writes.note();
    expect(writes.used()).toEqual({ minute: 11, hour: 11 });
    advance(30_000);
    expect(writes.used()).toEqual({ minute: 1, hour: 11 });
    advance(3_600_000);
    expect(writes.used()).toEqual({ minute: 0, hour: 0 });
  });

  it.each([
    [63, 0, 0],
    [64, 60_000, 0],
    [71, 60_000, 0],
    [72, 60_000, 60_000],
  ])(
    'with %i writes this minute, a status edit waits %i ms and a first dispatch %i ms',
    (count, status, dispatch) => {
      const { writes } = budget();
      writes.note(count);
      expect(writes.waitFor('status')).toBe(status);
      expect(writes.waitFor('dispatch')).toBe(dispatch);
    },
  );

  it('lets a deferred write go once the oldest writes leave the minute', () => {
    const { writes, advance } = budget();
    writes.note(40);
    advance(20_000);
    writes.note(30);
    // 70 in the minute: the status waits until the first 40 are a minute old.
    expect(writes.waitFor('status')).toBe(40_000);
    advance(40_000);
    expect(writes.waitFor('status')).toBe(0);
  });

  it('keeps to the hour: 400 writes spread over the hour hold status edits until the oldest leave it', () => {
    const { writes, spread } = budget();
    spread(40, 10);
    // 400 in the hour (80% of 500), none in this minute.
    expect(writes.used()).toEqual({ minute: 0, hour: 400 });
    expect(writes.waitFor('status')).toBe(20 * 60_000);
    expect(writes.waitFor('dispatch')).toBe(0);
  });

  it('holds back what work under way owes: made + owed near the hour defers a first dispatch, not a status edit', () => {
    const { writes, advance, spread } = budget();
    spread(35, 10);
    // 350 made: alone they leave room for a dispatch (under 90% of 500).
    expect(writes.waitFor('dispatch')).toBe(0);
    // Two builds' workers under way owe 95 more: 350 + 95 + a new worker's 7 is over 450.
    writes.owe('acme/shop#1-a', 60);
    writes.owe('acme/shop#2-b', 35);
    expect(writes.owed()).toBe(95);
    expect(writes.owed('acme/shop#1-a')).toBe(60);
    // 350 + 95 + a new worker's 7 is over 450: the dispatch waits until the oldest 10 made
    // writes leave the hour, 25 minutes on (unless owed ones are paid first: `wake`).
    expect(350 + 95 + WRITES_PER_STARTED_WORKER).toBeGreaterThan(450);
    const wait = writes.waitFor('dispatch');
    expect(wait).toBe(25 * 60_000);
    // A status edit waits for the writes made only (80%: 400), and 350 is under it.
    expect(writes.waitFor('status')).toBe(0);
    // The next window: then the dispatch goes.
    advance(wait);
    expect(writes.waitFor('dispatch')).toBe(0);
  });

  it('lets a dispatch go as soon as a build pays what it owed (its workers merged)', () => {
    const { writes, advance } = budget();
    writes.note(300);
    advance(120_000);
    writes.owe('acme/shop#1-a', 150);
    // 300 + 150 + 7 is over 450: by the made writes alone, the dispatch waits for them to leave the hour.
    expect(writes.waitFor('dispatch')).toBe(58 * 60_000);
    // The build's workers merge, paying 50: now there is room.
    writes.owe('acme/shop#1-a', 100);
    expect(writes.waitFor('dispatch')).toBe(0);
    // 0 forgets the build.
    writes.owe('acme/shop#1-a', 0);
    expect(writes.owed()).toBe(0);
  });

  it('asks no more room than the hour has: owed past the share waits the retry, never 0', () => {
    const { writes } = budget();
    writes.owe('acme/shop#1-a', 500);
    expect(writes.waitFor('dispatch')).toBe(OWED_RETRY_MS);
  });

  it('wakes waiting builds when owed writes are paid, oldest first, as many as the hour has room for', () => {
    const { writes, advance } = budget();
    writes.note(300);
    advance(120_000);
    writes.owe('acme/shop#1-a', 146);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c', 'acme/shop#4-d'])
      writes.wake(key, () => woken.push(key));
    // A second wish of the same build stands on the first.
    writes.wake('acme/shop#2-b', () => woken.push('again'));
    // More owed, or paid but still no room: nobody is woken.
    writes.owe('acme/shop#1-a', 148);
    writes.owe('acme/shop#1-a', 144);
    expect(woken).toEqual([]);
    // 300 made + 125 owed leaves 25 of 450: room for three workers of 7, and three wait.
    writes.owe('acme/shop#1-a', 125);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c', 'acme/shop#4-d']);
    // Each is woken once.
    writes.owe('acme/shop#1-a', 0);
    expect(woken).toHaveLength(3);
  });

  /** A budget whose timers the test fires. */
  function timedBudget() {
    const time = manualTimers(5_000_000);
    const writes = createWriteBudget({ clock: time.now, setTimer: time.setTimer });
    return { writes, timers: time.pending, advance: time.advance };
  }

  it('wakes waiting builds by one timer of its own when made writes leave the hour', () => {
    const { writes, timers, advance } = timedBudget();
    writes.note(445);
    advance(120_000);
    const woken: string[] = [];
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    writes.wake('acme/shop#3-c', () => woken.push('acme/shop#3-c'));
    // One timer for both, set for when the 445 writes leave the hour.
    expect(timers()).toHaveLength(1);
    advance(58 * 60_000 - 1);
    expect(woken).toEqual([]);
    advance(1);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
    expect(timers()).toHaveLength(0);
  });

  it('looks again after the retry when what is owed alone fills the hour', () => {
    const { writes, timers, advance } = timedBudget();
    writes.owe('acme/shop#1-a', 450);
    const woken: string[] = [];
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    // What is owed alone fills the hour: the timer is the retry.
    expect(timers().map((timer) => timer.at)).toEqual([5_000_000 + OWED_RETRY_MS]);
    // After the retry, one waiter looks again even without room (what is owed may be stale).
    advance(OWED_RETRY_MS);
    expect(woken).toEqual(['acme/shop#2-b']);
  });

  /** A budget with room in the hour for `workers` workers to start, no more. */
  function roomFor(workers: number) {
    const timed = timedBudget();
    timed.writes.note(300);
    timed.advance(120_000);
    timed.writes.owe('acme/shop#1-a', 450 - 300 - workers * WRITES_PER_STARTED_WORKER - 1);
    return timed;
  }

  it('once a build waits, takes no room for another build’s dispatch that the waiting one needs', () => {
    const { writes } = roomFor(1);
    writes.wake('acme/shop#2-b', () => {});
    // Room for one worker, and one build waits before this one: this one waits its turn.
    expect(writes.waitFor('dispatch', 'acme/shop#3-c')).toBeGreaterThan(0);
    // Without a key (a status edit's question), room is room.
    expect(writes.waitFor('dispatch')).toBe(0);
  });

  it('gives woken builds a turn each, one worker a turn, so no build waits behind another’s whole queue', () => {
    const { writes } = roomFor(2);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c', 'acme/shop#4-d'])
      writes.wake(key, () => woken.push(key));
    // A build pays a little: room for two workers, so the two oldest waiters are woken with a turn.
    writes.owe('acme/shop#1-a', writes.owed('acme/shop#1-a') - 0.5);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
    expect(writes.waitFor('dispatch', 'acme/shop#2-b')).toBe(0);
    expect(writes.waitFor('dispatch', 'acme/shop#3-c')).toBe(0);
    // The third waits: the room is held by the two turns.
    expect(writes.waitFor('dispatch', 'acme/shop#4-d')).toBeGreaterThan(0);
    // The first spends its turn on one worker; its next worker waits behind the build still waiting.
    writes.dispatched('acme/shop#2-b');
    writes.owe('acme/shop#2-b', WRITES_PER_STARTED_WORKER);
    expect(writes.waitFor('dispatch', 'acme/shop#2-b')).toBeGreaterThan(0);
  });

  it('gives the turn to the waiting worker with the longest chain after it, then to the oldest', () => {
    const { writes } = roomFor(1);
    const woken: string[] = [];
    // b waits with a last worker, c and d (later) with the head of a chain of 3.
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'), 1);
    writes.wake('acme/shop#3-c', () => woken.push('acme/shop#3-c'), 3);
    writes.wake('acme/shop#4-d', () => woken.push('acme/shop#4-d'), 3);
    // Before any turn is given, a dispatch of d's own goes only after c's: c is ahead of it.
    expect(writes.waitFor('dispatch', 'acme/shop#4-d')).toBeGreaterThan(0);
    writes.owe('acme/shop#1-a', writes.owed('acme/shop#1-a') - 0.5);
    expect(woken).toEqual(['acme/shop#3-c']);
    writes.settled('acme/shop#3-c');
    expect(woken).toEqual(['acme/shop#3-c', 'acme/shop#4-d']);
    // Then b, whose worker can wait longest.
    writes.settled('acme/shop#4-d');
    expect(woken).toEqual(['acme/shop#3-c', 'acme/shop#4-d', 'acme/shop#2-b']);
  });

  it('hands a turn a reconcile did not spend to the next build waiting', () => {
    const { writes } = roomFor(1);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c']) writes.wake(key, () => woken.push(key));
    writes.owe('acme/shop#1-a', writes.owed('acme/shop#1-a') - 0.5);
    expect(woken).toEqual(['acme/shop#2-b']);
    // Its reconcile found nothing to start: the turn goes on.
    writes.settled('acme/shop#2-b');
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
  });

  it('lets a turn lapse after TURN_MS, waking the next build waiting by its timer', () => {
    const { writes, advance } = roomFor(1);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c']) writes.wake(key, () => woken.push(key));
    writes.owe('acme/shop#1-a', writes.owed('acme/shop#1-a') - 0.5);
    expect(woken).toEqual(['acme/shop#2-b']);
    advance(TURN_MS);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
  });

  it('is strained once the writes made this hour and those owed reach 80% of it', () => {
    const { writes, advance } = budget();
    writes.note(300);
    advance(120_000);
    expect(writes.strained()).toBe(false);
    writes.owe('acme/shop#1-a', 99);
    expect(writes.strained()).toBe(false);
    writes.owe('acme/shop#1-a', 100);
    expect(writes.strained()).toBe(true);
    // The made writes leave the hour.
    advance(3_600_000);
    expect(writes.strained()).toBe(false);
  });
});
