import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src/core/snapshot/snapshot.js';
import {
  ORPHAN_GRACE_MS,
  SEND_WITHIN_MS,
  SoloProcess,
} from '../../src/github/client/solo-process.js';
import { make } from '../core/factories.js';

const BUILD = '12-add-login';
const START = Date.parse('2026-03-01T10:00:00Z');

/** A process started at START, on a clock the test moves, and what it logs. */
function soloAt() {
  let now = START;
  const warnings: string[] = [];
  const solo = new SoloProcess({ now: () => now });
  const log = { warn: (_: object, message: string) => warnings.push(message) };
  return {
    solo,
    warnings,
    log,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A run of the app's, made `minutes` after the process started. */
function runAt(id: number, minutes: number, overrides: Partial<RunInfo> = {}): RunInfo {
  const at = new Date(START + minutes * 60_000).toISOString();
  return make.run({
    id,
    role: 'review',
    worker: 'W1.1',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  });
}

describe('SoloProcess: a process that shares no store', () => {
  it('gives a holder its time to send, and waits past it before a lock with no run is taken over', () => {
    expect(ORPHAN_GRACE_MS).toBeGreaterThan(SEND_WITHIN_MS);
    const { solo, advance } = soloAt();
    const lock = 'refs/heads/baton/12-add-login/integration';
    expect(solo.sawTaken(lock)).toBe(false);
    expect(solo.orphanFor(lock)).toBe(0);
    expect(solo.sawTaken(lock)).toBe(true);
    advance(ORPHAN_GRACE_MS - 1);
    expect(solo.orphanFor(lock)).toBe(ORPHAN_GRACE_MS - 1);
    advance(1);
    expect(solo.orphanFor(lock)).toBe(ORPHAN_GRACE_MS);
    // Its run listed (or this process took it): a later sight starts the grace afresh.
    solo.forget(lock);
    expect(solo.orphanFor(lock)).toBe(0);
  });

  it('ends a dispatch’s time to be sent after SEND_WITHIN_MS, or when a test says', () => {
    const ended = new SoloProcess({ deadline: () => AbortSignal.abort() });
    expect(ended.deadline().aborted).toBe(true);
    expect(new SoloProcess().deadline().aborted).toBe(false);
  });

  it('says once an hour that another process dispatched a run, naming REDIS_URL', () => {
    const { solo, warnings, log, advance } = soloAt();
    solo.dispatched({ role: 'review', build: BUILD, issue: 12, worker: 'W1.1' }, { id: 1 });
    // Its own run, runs from before it started (or within GitHub's clock's skew), and runs no app
    // dispatched are nobody else's.
    solo.sawRuns({
      build: BUILD,
      runs: [runAt(1, 5), runAt(2, -30), runAt(3, 0.5), runAt(4, 5, { byBaton: false })],
      log,
    });
    expect(warnings).toEqual([]);
    solo.sawRuns({ build: BUILD, runs: [runAt(1, 5), runAt(5, 6)], log });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('another process of this app dispatched run 5');
    expect(warnings[0]).toContain('Set REDIS_URL');
    solo.sawRuns({ build: BUILD, runs: [runAt(6, 7)], log });
    expect(warnings).toHaveLength(1);
    advance(60 * 60_000);
    solo.sawRuns({ build: BUILD, runs: [runAt(6, 7)], log });
    expect(warnings).toHaveLength(2);
  });

  it('takes a run its own dispatch made, whose answer was lost, for its own by its name', () => {
    const { solo, warnings, log } = soloAt();
    solo.dispatched({ role: 'work', build: BUILD, issue: 12, worker: 'W1.2' }, null);
    solo.sawRuns({ build: BUILD, runs: [runAt(9, 5, { role: 'work', worker: 'W1.2' })], log });
    expect(warnings).toEqual([]);
    solo.sawRuns({ build: BUILD, runs: [runAt(10, 5, { role: 'work', worker: 'W1.3' })], log });
    expect(warnings).toHaveLength(1);
  });
});
