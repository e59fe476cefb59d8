import { describe, expect, it } from 'vitest';
import { statusMarker } from '../../src/core/status/render-status.js';
import {
  BINDING_PROGRESS_EDIT_MS,
  createStatusPacer,
  PROGRESS_STATUS_EDIT_MS,
  statusEditKind,
  statusEditSecondsFrom,
} from '../../src/github/act/status-pacer.js';
import { createWriteBudget } from '../../src/github/client/pacing/write-budget.js';
import { statusEditWaitOf } from '../../src/github/reconcile/queue/status-edit-queue.js';

/** A pacer on a clock the test moves, with timers the test fires. */
function pacer(intervalMs = 5000) {
  let now = 1_000_000;
  const timers: { key: number; at: number; run: () => void; cancelled: boolean }[] = [];
  let next = 0;
  const status = createStatusPacer({
    intervalMs,
    clock: () => now,
    setTimer: (run, ms) => {
      const timer = { key: next++, at: now + ms, run, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  });
  return {
    status,
    timers,
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => !t.cancelled && t.at <= now)) {
        timer.cancelled = true;
        timer.run();
      }
    },
  };
}

describe('the status pacer', () => {
  it('lets the first edit of a build through and defers the next for the rest of the interval', () => {
    const { status, advance } = pacer();
    expect(status.admit('a')).toBe(0);
    advance(1200);
    expect(status.admit('a')).toBe(3800);
    advance(3800);
    expect(status.admit('a')).toBe(0);
  });

  it('lengthens the interval for an ask that says so (a strained write budget), and not for the next', () => {
    const { status, advance } = pacer();
    expect(status.admit('a', 60_000)).toBe(0);
    advance(5000);
    // The usual 5 s are over, but this ask wants a minute between edits.
    expect(status.admit('a', 60_000)).toBe(55_000);
    expect(status.admit('a')).toBe(0);
    // A shorter least interval than the pacer's own changes nothing.
    expect(status.admit('a', 1000)).toBe(5000);
  });

  it('holds an edit of progress alone for PROGRESS_STATUS_EDIT_MS, but not when it edits at once', () => {
    const { status, advance } = pacer();
    expect(status.admit('a', 0, { kind: 'progress' })).toBe(0);
    advance(5000);
    expect(status.admit('a', 0, { kind: 'progress' })).toBe(PROGRESS_STATUS_EDIT_MS - 5000);
    // An edit that answers a person keeps the usual pace.
    expect(status.admit('a', 0, { kind: 'prompt' })).toBe(0);
    const atOnce = pacer(0).status;
    expect(atOnce.admit('a', 0, { kind: 'progress' })).toBe(0);
    expect(atOnce.admit('a', 0, { kind: 'progress' })).toBe(0);
  });

  it('paces from the comment’s own last edit when another process made it later than this one', () => {
    const { status, advance } = pacer();
    // Another replica (or conductor job) edited the comment a second ago: this process never did.
    expect(status.admit('a', 0, { kind: 'progress', editedAgoMs: 1000 })).toBe(
      PROGRESS_STATUS_EDIT_MS - 1000,
    );
    expect(status.admit('a', 0, { kind: 'prompt', editedAgoMs: 1000 })).toBe(4000);
    // Its own edit, later than the comment's as read, counts.
    expect(status.admit('a', 0, { kind: 'prompt', editedAgoMs: 60_000 })).toBe(0);
    advance(2000);
    expect(status.admit('a', 0, { kind: 'prompt', editedAgoMs: 60_000 })).toBe(3000);
  });

  it('sets the sooner of two trailing timers for a build', () => {
    const { status, timers, advance } = pacer();
    const ran: string[] = [];
    status.trail('a', PROGRESS_STATUS_EDIT_MS, () => ran.push('late'));
    status.trail('a', 5000, () => ran.push('soon'));
    // A later one stands on the sooner.
    status.trail('a', 60_000, () => ran.push('later'));
    expect(timers.filter((timer) => !timer.cancelled)).toHaveLength(1);
    advance(PROGRESS_STATUS_EDIT_MS);
    expect(ran).toEqual(['soon']);
  });

  it('paces each build on its own', () => {
    const { status } = pacer();
    expect(status.admit('a')).toBe(0);
    expect(status.admit('b')).toBe(0);
    expect(status.admit('a')).toBeGreaterThan(0);
  });

  it('runs one trailing reconcile per build however many edits were deferred', () => {
    const { status, advance } = pacer();
    const runs: string[] = [];
    status.admit('a');
    for (let i = 0; i < 5; i++) status.trail('a', status.admit('a'), () => runs.push('a'));
    advance(4999);
    expect(runs).toEqual([]);
    advance(1);
    expect(runs).toEqual(['a']);
    // The trailing reconcile may edit, and a later deferral sets a new timer.
    expect(status.admit('a')).toBe(0);
    status.trail('a', status.admit('a'), () => runs.push('a again'));
    advance(5000);
    expect(runs).toEqual(['a', 'a again']);
  });

  it('edits at once with an interval of 0', () => {
    const { status } = pacer(0);
    expect([status.admit('a'), status.admit('a'), status.admit('a')]).toEqual([0, 0, 0]);
  });

  it('drops its timers when stopped', () => {
    const { status, advance } = pacer();
    const runs: string[] = [];
    status.admit('a');
    status.trail('a', status.admit('a'), () => runs.push('a'));
    status.stop();
    advance(10_000);
    expect(runs).toEqual([]);
  });

  it.each([
    [{}, 5],
    [{ BATON_STATUS_EDIT_SECONDS: '0' }, 0],
    [{ BATON_STATUS_EDIT_SECONDS: '2.5' }, 2.5],
  ])('reads %o as %d seconds', (env, seconds) => {
    expect(statusEditSecondsFrom(env)).toBe(seconds);
  });

  it('refuses a setting that is not a number of seconds, saying what it takes', () => {
    expect(() => statusEditSecondsFrom({ BATON_STATUS_EDIT_SECONDS: 'soon' })).toThrow(
      /BATON_STATUS_EDIT_SECONDS must be a number of seconds/,
    );
  });
});

describe('how a status edit is paced, from the comments alone', () => {
  const body = (shows: string | null) => `${statusMarker('12-x', shows)}\n**Baton** · build …`;

  it.each<[string, string | null, string | null, 'progress' | 'prompt']>([
    ['the same mark on both: progress alone', '0badf00d', '0badf00d', 'progress'],
    ['another mark: what asks a person changed', '0badf00d', 'deadbeef', 'prompt'],
    ['no mark on the comment (before marks, another phase)', null, '0badf00d', 'prompt'],
    [
      'no mark on the new render (a phase whose every change is someone’s)',
      '0badf00d',
      null,
      'prompt',
    ],
    ['no mark on either', null, null, 'prompt'],
  ])('%s', (_, shown, next, kind) => {
    expect(statusEditKind(body(shown), body(next))).toBe(kind);
  });
});

describe('status edits while the write budget binds', () => {
  const MINUTE = 60_000;
  /** How long a progress edit of a comment last edited `ago` ms before waits, the budget strained or not. */
  function progressWait({ strained, ago }: { strained: boolean; ago: number }) {
    const now = 5_000_000;
    const budget = createWriteBudget({ clock: () => now });
    // A forecast of 450 writes due in the hour ahead: over 80% of 500.
    if (strained) budget.owe('acme/shop#1-a', [{ at: now + 20 * MINUTE, count: 450 }]);
    const statusPacer = createStatusPacer({ intervalMs: 5000, clock: () => now });
    const wait = statusEditWaitOf('acme/shop#2-b', { statusPacer }, budget);
    const iso = (ms: number) => new Date(ms).toISOString();
    return wait(iso(now))({ kind: 'progress', editedAt: iso(now - ago) });
  }

  it('shows progress alone at most every half hour while the forecast binds, every ten minutes otherwise', () => {
    expect(progressWait({ strained: false, ago: 11 * MINUTE })).toBe(0);
    expect(progressWait({ strained: true, ago: 11 * MINUTE })).toBe(
      BINDING_PROGRESS_EDIT_MS - 11 * MINUTE,
    );
    expect(progressWait({ strained: true, ago: BINDING_PROGRESS_EDIT_MS })).toBe(0);
  });
});
