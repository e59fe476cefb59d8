import { describe, expect, it } from 'vitest';
import {
  awaitedWork,
  LOOK_GRACE_SHARE,
  LOOK_MAX_MS,
  LOOK_MIN_MS,
} from '../../src/core/snapshot/awaited-work.js';
import type { RunInfo } from '../../src/core/snapshot/snapshot.js';
import { ago, makeNormalSnapshot, makePull, makeRun, NOW, planRun } from './factories.js';

const MINUTE = 60_000;

/** A review of W1.1 that took `minutes`, long done. */
const pastReview = (id: number, minutes: number): RunInfo =>
  makeRun({ id, role: 'review', createdAt: ago(100 + minutes), updatedAt: ago(100) });

describe('when a build is looked at again for work GitHub is finishing', () => {
  it.each<[string, RunInfo[], number | null]>([
    ['nothing under way', [planRun()], null],
    // No review has ended yet: half the run's age, within the least and the most a look waits.
    [
      'a review just dispatched, none before it',
      [makeRun({ role: 'review', status: 'queued', conclusion: null, createdAt: ago(0) })],
      LOOK_MIN_MS,
    ],
    // None of its role has ended, a plan has (in 3 minutes): the quickest role's length and its grace.
    [
      'a review just dispatched, none before it, after a plan of 3 minutes',
      [
        planRun({ createdAt: ago(103), updatedAt: ago(100) }),
        makeRun({ role: 'review', status: 'queued', conclusion: null, createdAt: ago(0) }),
      ],
      3 * MINUTE + 3 * MINUTE * LOOK_GRACE_SHARE,
    ],
    [
      'a review 4 minutes in, none before it',
      [makeRun({ role: 'review', status: 'in_progress', conclusion: null, createdAt: ago(4) })],
      4 * MINUTE,
    ],
    [
      'a review 30 minutes in, none before it',
      [makeRun({ role: 'review', status: 'in_progress', conclusion: null, createdAt: ago(30) })],
      LOOK_MAX_MS,
    ],
    // The build's reviews took 8 minutes (the median of 6, 8 and 20): one 2 minutes in is looked
    // at 6 minutes on, and the grace its completion has to come first.
    [
      'a review 2 minutes in, its role taking 8',
      [
        pastReview(1, 6),
        pastReview(2, 8),
        pastReview(3, 20),
        makeRun({
          id: 4,
          role: 'review',
          status: 'in_progress',
          conclusion: null,
          createdAt: ago(2),
        }),
      ],
      6 * MINUTE + 8 * MINUTE * LOOK_GRACE_SHARE,
    ],
    // Past the usual length: once its age has doubled.
    [
      'a review 12 minutes in, its role taking 8',
      [
        pastReview(1, 8),
        makeRun({
          id: 4,
          role: 'review',
          status: 'in_progress',
          conclusion: null,
          createdAt: ago(12),
        }),
      ],
      LOOK_MAX_MS,
    ],
  ])('%s', (_, runs, inMs) => {
    expect(awaitedWork({ snapshot: makeNormalSnapshot({ runs }), now: NOW })?.inMs ?? null).toBe(
      inMs,
    );
  });

  it('looks no later than when the run would be given up on', () => {
    const run = makeRun({
      role: 'work',
      status: 'in_progress',
      conclusion: null,
      createdAt: ago(100),
    });
    const overdueAtMs = () => Date.parse(ago(-1));
    expect(
      awaitedWork({
        snapshot: makeNormalSnapshot({ runs: [run] }),
        now: NOW,
        overdueAtMs,
      }),
    ).toEqual({
      inMs: MINUTE,
      why: `work run ${run.id}`,
      run: true,
    });
  });

  it.each<[string, Parameters<typeof makePull>[0], string | null]>([
    [
      'checks pending on an open pull request',
      { checks: { state: 'pending', failedRuns: [] } },
      'checks on #101',
    ],
    ['a mergeability GitHub is computing', { mergeState: 'unknown' }, 'the mergeability of #101'],
    ['a pull request green and clean', {}, null],
    [
      'a merged pull request with checks pending',
      { state: 'merged', checks: { state: 'pending', failedRuns: [] } },
      null,
    ],
  ])('%s', (_, pull, why) => {
    const snapshot = makeNormalSnapshot({ runs: [], pulls: [makePull(pull)] });
    expect(awaitedWork({ snapshot, now: NOW })?.why ?? null).toBe(why);
  });
});
