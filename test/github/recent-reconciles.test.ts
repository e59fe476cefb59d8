import { describe, expect, it } from 'vitest';
import { createRecentReconciles } from '../../src/github/reconcile/queue/recent-reconciles.js';

const MINUTE = 60_000;

describe('RecentReconciles: when this process last read each build whole', () => {
  it('answers within a window from the latest read, never from an older one', () => {
    let clock = 10 * MINUTE;
    const recent = createRecentReconciles({ clock: () => clock });
    recent.note('acme/shop#1-a', clock);
    recent.note('acme/shop#1-a', clock - 3 * MINUTE); // a slower reconcile that began earlier
    clock += 4 * MINUTE;
    expect(recent.readWithin('acme/shop#1-a', 5 * MINUTE)).toBe(true);
    expect(recent.readWithin('acme/shop#1-a', 4 * MINUTE)).toBe(false);
    expect(recent.readWithin('acme/shop#2-b', 5 * MINUTE)).toBe(false);
    expect(recent.readWithin('acme/shop#1-a', 0)).toBe(false);
  });

  it('forgets builds unread for an hour, so memory stays flat over many builds', () => {
    let clock = 0;
    const recent = createRecentReconciles({ clock: () => clock });
    for (let i = 0; i < 1000; i++) recent.note(`acme/shop#${i}-x`, clock);
    clock += 61 * MINUTE;
    recent.note('acme/shop#new-x', clock);
    expect(recent.readWithin('acme/shop#0-x', Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(recent.readWithin('acme/shop#999-x', Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(recent.readWithin('acme/shop#new-x', MINUTE)).toBe(true);
  });
});
