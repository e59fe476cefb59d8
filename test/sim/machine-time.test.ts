import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type MachineLoad,
  MOST_STRETCH,
  machineLimit,
  shareOf,
  wallCeiling,
  withinMachineTime,
} from '../../sim/machine-time.js';

/** A wall clock the test moves, and a machine whose load it sets. */
function machine(load: number, cores = 2) {
  const state = { wall: 0, load: { cores, load } satisfies MachineLoad };
  return {
    state,
    options: { now: () => state.wall, load: () => state.load },
    /** Moves the wall `ms` on, looking at the limit every second as a wait does. */
    pass(limit: { ranOut(): boolean }, ms: number): boolean {
      let out = false;
      for (let moved = 0; moved < ms; moved += 1_000) {
        state.wall += 1_000;
        out = limit.ranOut();
      }
      return out;
    },
  };
}

describe("a limit in the machine's time", () => {
  afterEach(() => vi.useRealTimers());

  it('runs out after its length on the wall where the machine has a core to spare', () => {
    const m = machine(1.5);
    const limit = machineLimit(60_000, m.options);
    expect(m.pass(limit, 59_000)).toBe(false);
    expect(m.pass(limit, 1_000)).toBe(true);
  });

  it('lasts as many times longer on the wall as the load is over the cores', () => {
    const m = machine(8);
    const limit = machineLimit(60_000, m.options);
    expect(m.pass(limit, 239_000)).toBe(false);
    expect(m.pass(limit, 1_000)).toBe(true);
  });

  it('adds up the shares of a load that changes while it waits', () => {
    const m = machine(8);
    const limit = machineLimit(60_000, m.options);
    expect(m.pass(limit, 120_000)).toBe(false);
    m.state.load = { cores: 2, load: 0.5 };
    expect(m.pass(limit, 29_000)).toBe(false);
    expect(m.pass(limit, 1_000)).toBe(true);
  });

  it(`stretches at most ${MOST_STRETCH} times, within the wall's ceiling`, () => {
    expect(shareOf({ cores: 2, load: 500 })).toBe(1 / MOST_STRETCH);
    const m = machine(500);
    const limit = machineLimit(10_000, m.options);
    expect(m.pass(limit, 10_000 * MOST_STRETCH - 1_000)).toBe(false);
    expect(m.pass(limit, 2_000)).toBe(true);
    expect(wallCeiling(10_000)).toBeGreaterThan(10_000 * MOST_STRETCH);
  });

  it('says what ran out, and what the wall and the load were', () => {
    const m = machine(6);
    const limit = machineLimit(60_000, m.options);
    m.pass(limit, 180_000);
    expect(limit.told('waiting for the plan')).toBe(
      "waiting for the plan: ran out of 60 s of the machine's time (180 s on the wall, at a load of 6.0 on 2 cores)",
    );
  });

  it('rejects a stage that outlasts it, naming the stage, and lets one within it through', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const m = machine(1);
    const limit = machineLimit(10_000, m.options);
    const quick = withinMachineTime('the app to start', limit, Promise.resolve('started'));
    await expect(quick).resolves.toBe('started');
    const hung = withinMachineTime('the browser to open', limit, new Promise(() => {}), 1_000);
    const failed = expect(hung).rejects.toThrow(
      "waiting for the browser to open: ran out of 10 s of the machine's time (10 s on the wall",
    );
    for (let i = 0; i < 10; i++) {
      m.state.wall += 1_000;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    await failed;
  });
});
