import { describe, expect, it } from 'vitest';
import { createWriteBudget } from '../../src/github/write-budget.js';

/** A budget on a clock the test moves. */
function budget() {
  let now = 5_000_000;
  const writes = createWriteBudget({ clock: () => now });
  return {
    writes,
    advance(ms: number) {
      now += ms;
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
    const { writes, advance } = budget();
    for (let minute = 0; minute < 40; minute++) {
      writes.note(10);
      advance(60_000);
    }
    // 400 in the hour (80% of 500), none in this minute.
    expect(writes.used()).toEqual({ minute: 0, hour: 400 });
    expect(writes.waitFor('status')).toBe(20 * 60_000);
    expect(writes.waitFor('dispatch')).toBe(0);
  });
});
