import { describe, expect, it } from 'vitest';
import type { ActOutcome } from '../../src/github/act/act.js';
import { leaveNextLook } from '../../src/github/reconcile/queue/look-again.js';
import type { Look, LookSchedule, LookTime } from '../../src/github/store/look-schedule.js';

const look: Look = { again: () => undefined };
const merged: ActOutcome = { action: { kind: 'merge-pull', pull: 7 } as never, result: 'done' };
const failed502: ActOutcome = {
  action: { kind: 'post-comment' } as never,
  result: 'failed',
  transient: true,
};

/** The waits a build's passes leave, one pass after another: what `set` and `within` were given. */
function waitsOf(passes: (ActOutcome[] | null)[]): (number | null)[] {
  const given: (number | null)[] = [];
  const looks: LookSchedule = {
    set: (_key, times: LookTime[]) => given.push(times[0]?.ms ?? null),
    within: (_key, next: LookTime) => given.push(next.ms),
    stop: () => undefined,
  };
  const deps = { looks, failedPasses: new Map<string, number>() };
  for (const outcomes of passes)
    leaveNextLook(deps, { key: 'o/r#1-b', outcomes, look, log: { info: () => undefined } });
  return given;
}

describe('leaveNextLook after a write GitHub failed', () => {
  it('backs off while passes are stuck: the read failed or every write failed', () => {
    expect(waitsOf([null, [failed502], null, [failed502]])).toEqual([
      5_000, 20_000, 80_000, 320_000,
    ]);
  });

  it('waits 5 s and starts the count again when a pass made progress beside its failure', () => {
    expect(waitsOf([[failed502], [failed502], [merged, failed502], [failed502]])).toEqual([
      5_000, 20_000, 5_000, 20_000,
    ]);
  });

  it('leaves no retry after a clean pass, and counts from 5 s again after it', () => {
    expect(waitsOf([[failed502], [failed502], [merged], [failed502]])).toEqual([
      5_000,
      20_000,
      null,
      5_000,
    ]);
  });
});

describe('leaveNextLook after a pass whose build another replica took meanwhile', () => {
  /** What a pass that no longer held its build left, on a schedule where the taker's look stands. */
  function leftBy(outcomes: ActOutcome[]): { set: LookTime[][]; within: LookTime[] } {
    const left = { set: [] as LookTime[][], within: [] as LookTime[] };
    const looks: LookSchedule = {
      set: (_key, times) => left.set.push(times),
      within: (_key, next) => left.within.push(next),
      stop: () => undefined,
    };
    const deps = { looks, failedPasses: new Map<string, number>() };
    leaveNextLook(deps, {
      key: 'o/r#1-b',
      outcomes,
      look,
      log: { info: () => undefined },
      held: false,
    });
    return left;
  }

  it('forgets no look the replica that took the build left, when its own read awaited nothing', () => {
    expect(leftBy([merged])).toEqual({ set: [], within: [] });
  });

  it('brings the look sooner for what it awaits, and puts none off', () => {
    expect(leftBy([failed502])).toEqual({
      set: [],
      within: [{ ms: 5_000, why: 'GitHub failed a write or a read' }],
    });
  });
});
