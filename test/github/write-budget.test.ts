import { describe, expect, it } from 'vitest';
import { WRITES_PER_STARTED_WORKER } from '../../src/core/snapshot/estimate.js';
import { totalOf } from '../../src/core/workers/write-forecast.js';
import {
  createWriteBudget,
  OWED_RETRY_MS,
  PACE_SHARE,
  TURN_MS,
} from '../../src/github/client/pacing/write-budget.js';
import { manualTimers } from '../support/manual-timers.js';

/** The writes of an hour a first dispatch keeps the forecast within: 480 of 500. */
const PACED = 500 * PACE_SHARE;

/** `count` writes owed, all due at `at`. */
function due(count: number, at: number) {
  return [{ at, count }];
}

/** A budget on a clock the test moves. */
function budget() {
  let now = 5_000_000;
  const writes = createWriteBudget({ clock: () => now });
  return {
    writes,
    /** `count` writes owed, due now. */
    owing: (count: number) => due(count, now),
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
    const { writes, advance, spread, owing } = budget();
    spread(35, 10);
    // 350 made: alone they leave room for a dispatch.
    expect(writes.waitFor('dispatch')).toBe(0);
    // Two builds' workers under way owe 130 more, due now.
    writes.owe('acme/shop#1-a', owing(60));
    writes.owe('acme/shop#2-b', owing(70));
    expect(writes.owed()).toBe(130);
    expect(writes.owed('acme/shop#1-a')).toBe(60);
    // 350 + 130 + a new worker's 5 is over 480: the dispatch waits until the oldest 10 made
    // writes leave the hour, 25 minutes on (unless owed ones are paid first: `wake`).
    expect(350 + 130 + WRITES_PER_STARTED_WORKER).toBeGreaterThan(PACED);
    const wait = writes.waitFor('dispatch');
    expect(wait).toBe(25 * 60_000);
    // A status edit waits for the writes made only (80%: 400), and 350 is under it.
    expect(writes.waitFor('status')).toBe(0);
    // The next window: then the dispatch goes.
    advance(wait);
    expect(writes.waitFor('dispatch')).toBe(0);
  });

  it('lets a dispatch go as soon as a build pays what it owed (its workers merged)', () => {
    const { writes, advance, owing } = budget();
    writes.note(300);
    advance(120_000);
    writes.owe('acme/shop#1-a', owing(180));
    // 300 + 180 + 5 is over 480: by the made writes alone, the dispatch waits for them to leave the hour.
    expect(writes.waitFor('dispatch')).toBe(58 * 60_000);
    // The build's workers merge, paying 30: now there is room.
    writes.owe('acme/shop#1-a', owing(150));
    expect(writes.waitFor('dispatch')).toBe(0);
    // None forgets the build.
    writes.owe('acme/shop#1-a', []);
    expect(writes.owed()).toBe(0);
  });

  it('asks no more room than the hour has: owed past the share waits the retry, never 0', () => {
    const { writes, owing } = budget();
    writes.owe('acme/shop#1-a', owing(500));
    expect(writes.waitFor('dispatch')).toBe(OWED_RETRY_MS);
  });

  it('wakes waiting builds when owed writes are paid, oldest first, as many as the hour has room for', () => {
    const { writes, advance, owing } = budget();
    writes.note(300);
    advance(120_000);
    // Owed so that a worker's share (`WRITES_PER_STARTED_WORKER`) does not fit: one write too many.
    const over = PACED - 300 - WRITES_PER_STARTED_WORKER + 1;
    writes.owe('acme/shop#1-a', owing(over + 1));
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c', 'acme/shop#4-d'])
      writes.wake(key, () => woken.push(key));
    // A second wish of the same build stands on the first.
    writes.wake('acme/shop#2-b', () => woken.push('again'));
    // More owed, or paid but still no room: nobody is woken.
    writes.owe('acme/shop#1-a', owing(over + 3));
    writes.owe('acme/shop#1-a', owing(over));
    expect(woken).toEqual([]);
    // 300 made + 155 owed leaves 25 of 480: room for five workers of 5, and three wait.
    writes.owe('acme/shop#1-a', owing(155));
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c', 'acme/shop#4-d']);
    // Each is woken once.
    writes.owe('acme/shop#1-a', []);
    expect(woken).toHaveLength(3);
  });

  /** A budget whose timers the test fires. */
  function timedBudget() {
    const time = manualTimers(5_000_000);
    const writes = createWriteBudget({ clock: time.now, setTimer: time.setTimer });
    return {
      writes,
      timers: time.pending,
      advance: time.advance,
      owing: (count: number) => due(count, time.now()),
    };
  }

  it('wakes waiting builds by one timer of its own when made writes leave the hour', () => {
    const { writes, timers, advance } = timedBudget();
    // One write too many for a worker's share (`WRITES_PER_STARTED_WORKER`).
    writes.note(PACED - WRITES_PER_STARTED_WORKER + 1);
    advance(120_000);
    const woken: string[] = [];
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    writes.wake('acme/shop#3-c', () => woken.push('acme/shop#3-c'));
    // One timer for both, set for when those writes leave the hour.
    expect(timers()).toHaveLength(1);
    advance(58 * 60_000 - 1);
    expect(woken).toEqual([]);
    advance(1);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
    // Each holds a turn until its reconcile ends: the one timer is now for the turns' end.
    expect(timers().map((timer) => timer.at)).toEqual([5_000_000 + 60 * 60_000 + TURN_MS]);
  });

  it('looks again after the retry when what is owed alone fills the hour', () => {
    const { writes, timers, advance, owing } = timedBudget();
    writes.owe('acme/shop#1-a', owing(PACED));
    const woken: string[] = [];
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    // What is owed alone fills the hour: the timer is the retry.
    expect(timers().map((timer) => timer.at)).toEqual([5_000_000 + OWED_RETRY_MS]);
    // After the retry, one waiter looks again even without room (what is owed may be stale).
    advance(OWED_RETRY_MS);
    expect(woken).toEqual(['acme/shop#2-b']);
  });

  it('keeps the place of a build the retry woke without room, which waits again', () => {
    const { writes, advance, owing } = timedBudget();
    writes.owe('acme/shop#1-a', owing(PACED));
    const woken: string[] = [];
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    advance(60_000);
    writes.wake('acme/shop#3-c', () => woken.push('acme/shop#3-c'));
    // The retry wakes the oldest; its reconcile still finds no room, and it waits again.
    advance(OWED_RETRY_MS);
    expect(woken).toEqual(['acme/shop#2-b']);
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    writes.settled('acme/shop#2-b', true);
    // Room for one worker: the build that waited first goes first, not the one behind it.
    writes.owe('acme/shop#1-a', owing(PACED - WRITES_PER_STARTED_WORKER - 1));
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#2-b']);
  });

  it('waits no more for a build the retry woke once it dispatches', () => {
    const { writes, advance, owing } = timedBudget();
    writes.owe('acme/shop#1-a', owing(PACED));
    const woken: string[] = [];
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    writes.wake('acme/shop#3-c', () => woken.push('acme/shop#3-c'));
    advance(OWED_RETRY_MS);
    expect(woken).toEqual(['acme/shop#2-b']);
    // Its reconcile found what was owed stale, and dispatched.
    writes.dispatched('acme/shop#2-b');
    writes.settled('acme/shop#2-b');
    // Room for all: only the build still waiting is woken.
    writes.owe('acme/shop#1-a', []);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
  });

  /** A budget with room in the hour for `workers` workers to start, no more. */
  function roomFor(workers: number) {
    const timed = timedBudget();
    timed.writes.note(300);
    timed.advance(120_000);
    timed.writes.owe(
      'acme/shop#1-a',
      timed.owing(PACED - 300 - workers * WRITES_PER_STARTED_WORKER - 1),
    );
    return {
      ...timed,
      /** Build `key` pays `count` of what it owes. */
      pay(key: string, count: number) {
        timed.writes.owe(key, timed.owing(timed.writes.owed(key) - count));
      },
    };
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
    const { writes, pay, owing } = roomFor(2);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c', 'acme/shop#4-d'])
      writes.wake(key, () => woken.push(key));
    // A build pays a little: room for two workers, so the two oldest waiters are woken with a turn.
    pay('acme/shop#1-a', 0.5);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
    expect(writes.waitFor('dispatch', 'acme/shop#2-b')).toBe(0);
    expect(writes.waitFor('dispatch', 'acme/shop#3-c')).toBe(0);
    // The third waits: the room is held by the two turns.
    expect(writes.waitFor('dispatch', 'acme/shop#4-d')).toBeGreaterThan(0);
    // The first spends its turn on one worker; its next worker waits behind the build still waiting.
    writes.dispatched('acme/shop#2-b');
    writes.owe('acme/shop#2-b', owing(WRITES_PER_STARTED_WORKER));
    expect(writes.waitFor('dispatch', 'acme/shop#2-b')).toBeGreaterThan(0);
  });

  it('gives the turn to the waiting worker with the longest chain after it, then to the oldest', () => {
    const { writes, pay } = roomFor(1);
    const woken: string[] = [];
    // b waits with a last worker, c and d (later) with the head of a chain of 3.
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'), 1);
    writes.wake('acme/shop#3-c', () => woken.push('acme/shop#3-c'), 3);
    writes.wake('acme/shop#4-d', () => woken.push('acme/shop#4-d'), 3);
    // Before any turn is given, a dispatch of d's own goes only after c's: c is ahead of it.
    expect(writes.waitFor('dispatch', 'acme/shop#4-d')).toBeGreaterThan(0);
    pay('acme/shop#1-a', 0.5);
    expect(woken).toEqual(['acme/shop#3-c']);
    writes.settled('acme/shop#3-c');
    expect(woken).toEqual(['acme/shop#3-c', 'acme/shop#4-d']);
    // Then b, whose worker can wait longest.
    writes.settled('acme/shop#4-d');
    expect(woken).toEqual(['acme/shop#3-c', 'acme/shop#4-d', 'acme/shop#2-b']);
  });

  it('wakes a waiting build only when its own worker’s writes fit, and no build behind it first', () => {
    const { writes, pay, owing } = roomFor(1);
    const woken: string[] = [];
    // b's worker writes twice a worker's share; c's, one share.
    const big = owing(2 * WRITES_PER_STARTED_WORKER);
    expect(writes.waitFor('dispatch', 'acme/shop#2-b', big)).toBeGreaterThan(0);
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    const small = owing(WRITES_PER_STARTED_WORKER);
    expect(writes.waitFor('dispatch', 'acme/shop#3-c', small)).toBeGreaterThan(0);
    writes.wake('acme/shop#3-c', () => woken.push('acme/shop#3-c'));
    // Room for a worker of one share: not b's, and c does not go before b.
    pay('acme/shop#1-a', 0.5);
    expect(woken).toEqual([]);
    // Room for b's: b goes, and c, whose worker does not fit beside it, waits on.
    pay('acme/shop#1-a', WRITES_PER_STARTED_WORKER + 1);
    expect(woken).toEqual(['acme/shop#2-b']);
    expect(writes.waitFor('dispatch', 'acme/shop#2-b', owing(2 * WRITES_PER_STARTED_WORKER))).toBe(
      0,
    );
  });

  it('keeps the place of a woken build whose reconcile finds the room gone, which waits again', () => {
    const { writes, pay, owing } = roomFor(0);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c']) {
      expect(writes.waitFor('dispatch', key, owing(WRITES_PER_STARTED_WORKER))).toBeGreaterThan(0);
      writes.wake(key, () => woken.push(key));
    }
    pay('acme/shop#1-a', WRITES_PER_STARTED_WORKER);
    expect(woken).toEqual(['acme/shop#2-b']);
    // Before b's reconcile asks, a person's command takes the room.
    writes.note(WRITES_PER_STARTED_WORKER);
    expect(
      writes.waitFor('dispatch', 'acme/shop#2-b', owing(WRITES_PER_STARTED_WORKER)),
    ).toBeGreaterThan(0);
    writes.wake('acme/shop#2-b', () => woken.push('acme/shop#2-b'));
    writes.settled('acme/shop#2-b', true);
    // No room: nobody else is woken; room for one: b again, not the build behind it.
    expect(woken).toEqual(['acme/shop#2-b']);
    pay('acme/shop#1-a', WRITES_PER_STARTED_WORKER);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#2-b']);
  });

  it('hands a turn a reconcile did not spend to the next build waiting', () => {
    const { writes, pay } = roomFor(1);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c']) writes.wake(key, () => woken.push(key));
    pay('acme/shop#1-a', 0.5);
    expect(woken).toEqual(['acme/shop#2-b']);
    // Its reconcile found nothing to start: the turn goes on.
    writes.settled('acme/shop#2-b');
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
  });

  it('lets a turn lapse after TURN_MS, waking the next build waiting by its timer', () => {
    const { writes, advance, pay } = roomFor(1);
    const woken: string[] = [];
    for (const key of ['acme/shop#2-b', 'acme/shop#3-c']) writes.wake(key, () => woken.push(key));
    pay('acme/shop#1-a', 0.5);
    expect(woken).toEqual(['acme/shop#2-b']);
    advance(TURN_MS);
    expect(woken).toEqual(['acme/shop#2-b', 'acme/shop#3-c']);
  });

  it('is strained once the writes made this hour and those owed reach 80% of it', () => {
    const { writes, advance, owing } = budget();
    writes.note(300);
    advance(120_000);
    expect(writes.strained()).toBe(false);
    writes.owe('acme/shop#1-a', owing(99));
    expect(writes.strained()).toBe(false);
    writes.owe('acme/shop#1-a', owing(100));
    expect(writes.strained()).toBe(true);
    // The made writes leave the hour.
    advance(3_600_000);
    expect(writes.strained()).toBe(false);
  });
});

describe('the pacer: a forecast of the sliding hour, at a steady pace', () => {
  const MINUTE = 60_000;
  /**
   * A worker dispatched at `at` (`startedWorkerWrites`, its review a dispatch of its own): its
   * dispatch, its pull request and its review's 2 writes 12 minutes on, its merge 3 more.
   */
  const worker = (at: number) => [
    { at, count: 1 },
    { at: at + 12 * MINUTE, count: 1 },
    { at: at + 12 * MINUTE, count: 2 },
    { at: at + 15 * MINUTE, count: 1 },
  ];

  it('admits a dispatch the old gate refused when every hour its writes fall in has room', () => {
    const { writes, advance } = budget();
    // 300 writes 50 minutes ago; builds owe 150 more, due from 30 to 45 minutes from now.
    writes.note(300);
    advance(50 * MINUTE);
    const now = 5_000_000 + 50 * MINUTE;
    writes.owe('acme/shop#1-a', due(100, now + 30 * MINUTE));
    writes.owe('acme/shop#2-b', due(50, now + 45 * MINUTE));
    // Charged to the present, 300 + 150 and a worker's 5 pass 450 (the old gate's 90%)...
    expect(300 + 150 + WRITES_PER_STARTED_WORKER).toBeGreaterThan(450);
    // ...but no hour holds both the 300 and the 150: the fullest has 300 + this worker's 1, and
    // the 150 fall in hours the 300 have left.
    expect(writes.waitFor('dispatch', 'acme/shop#3-c', worker(now))).toBe(0);
  });

  it('refuses a dispatch that would pass the limit in an hour to come, and says when it fits', () => {
    const { writes, advance } = budget();
    writes.note(200);
    advance(5 * MINUTE);
    const now = 5_000_000 + 5 * MINUTE;
    // Due 40 minutes on: the hour that ends then holds the 200 made and these 278.
    writes.owe('acme/shop#1-a', due(278, now + 40 * MINUTE));
    // The window that ends now has room (200 of 480), the hour ahead does not: this
    // worker's writes all land in it, to 483.
    expect(writes.used().hour).toBe(200);
    expect(writes.waitFor('dispatch', 'acme/shop#2-b', worker(now))).toBeGreaterThan(0);
    // It fits 43 minutes on: its dispatch joins the hour that holds the 200 and the 278 (479
    // of 480), and its pull request, review and merge land once the 200 have left.
    expect(writes.waitFor('dispatch', 'acme/shop#2-b', worker(now))).toBe(43 * MINUTE);
  });

  it('spaces first dispatches past a burst at the pace the hour holds a worker’s writes', () => {
    const { writes, advance } = budget();
    const now = () => 5_000_000 + elapsed;
    let elapsed = 0;
    const step = (ms: number) => {
      elapsed += ms;
      advance(ms);
    };
    // Half the paced hour made already, so the pace binds from the first worker.
    for (let minute = 0; minute < 4; minute++) {
      writes.note(60);
      step(MINUTE);
    }
    // A worker's 5 writes at 480 an hour: one worker every 0.625 minutes, 15 minutes' worth at once.
    const interval = (WRITES_PER_STARTED_WORKER / PACED) * 60 * MINUTE;
    expect(totalOf(worker(0))).toBe(WRITES_PER_STARTED_WORKER);
    let started = 0;
    while (writes.waitFor('dispatch', 'acme/shop#1-a', worker(now())) === 0 && started < 100) {
      writes.dispatched('acme/shop#1-a', worker(now()));
      started++;
    }
    expect(started).toBe(Math.floor(15 / 0.625) + 1);
    // The next goes one interval after the last, not before.
    expect(writes.waitFor('dispatch', 'acme/shop#1-a', worker(now()))).toBe(interval);
    step(interval - 1);
    expect(writes.waitFor('dispatch', 'acme/shop#1-a', worker(now()))).toBe(1);
    step(1);
    expect(writes.waitFor('dispatch', 'acme/shop#1-a', worker(now()))).toBe(0);
  });

  it('holds no first dispatch to the pace while the hour has room to spare', () => {
    const { writes } = budget();
    // Thirty workers' 150 writes are under half the paced hour: each goes as soon as it may.
    for (let started = 0; started < 30; started++) {
      expect(writes.waitFor('dispatch', 'acme/shop#1-a', worker(5_000_000))).toBe(0);
      writes.dispatched('acme/shop#1-a', worker(5_000_000));
    }
  });
});
