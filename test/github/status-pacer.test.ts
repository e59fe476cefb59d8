import { describe, expect, it } from 'vitest';
import {
  createStatusPacer,
  PROGRESS_STATUS_EDIT_MS,
  ShownAttention,
  statusEditSecondsFrom,
} from '../../src/github/act/status-pacer.js';

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
    expect(status.admit('a', 0, 'progress')).toBe(0);
    advance(5000);
    expect(status.admit('a', 0, 'progress')).toBe(PROGRESS_STATUS_EDIT_MS - 5000);
    // An edit that answers a person keeps the usual pace.
    expect(status.admit('a', 0, 'prompt')).toBe(0);
    const atOnce = pacer(0).status;
    expect(atOnce.admit('a', 0, 'progress')).toBe(0);
    expect(atOnce.admit('a', 0, 'progress')).toBe(0);
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

describe('what the status bodies this process wrote show', () => {
  it('calls an edit progress only from a body it wrote showing the same to people', () => {
    const shown = new ShownAttention();
    shown.note('body 1', '["paused"]');
    expect(shown.kindOf('body 1', '["paused"]')).toBe('progress');
    expect(shown.kindOf('body 1', '["running"]')).toBe('prompt');
    // A body another replica wrote, or one from before a restart: not known, so prompt.
    expect(shown.kindOf('body 2', '["paused"]')).toBe('prompt');
    // A phase whose every change is someone's to see.
    shown.note('body 3', null);
    expect(shown.kindOf('body 3', null)).toBe('prompt');
  });

  it('forgets the oldest bodies past its limit', () => {
    const shown = new ShownAttention(1);
    shown.note('body 1', 'a');
    shown.note('body 2', 'a');
    expect(shown.kindOf('body 1', 'a')).toBe('prompt');
    expect(shown.kindOf('body 2', 'a')).toBe('progress');
  });
});
