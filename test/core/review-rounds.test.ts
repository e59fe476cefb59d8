import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/core/snapshot/snapshot.js';
import { renderRounds } from '../../src/core/status/render-spend.js';
import { reviewRounds } from '../../src/core/workers/build-progress.js';
import { makePull, makeReview, sha } from './factories.js';

/** Reviews from `verdict@head` specs, in order. */
function pullWith(...specs: string[]) {
  const reviews = specs.map((spec, index) => {
    const [verdict = 'approve', head = 'a1'] = spec.split('@');
    return makeReview({ id: index + 1, verdict: verdict as Verdict, commitSha: sha(head) });
  });
  return makePull({ reviews });
}

describe('reviewRounds: a worker row shows its review history', () => {
  it.each<[string, string[], string | null]>([
    ['no review yet', [], null],
    ['approved at once', ['approve@a1'], 'approved'],
    [
      'changes requested, then approved on the fixed head',
      ['changes-requested@a1', 'approve@b2'],
      'changes requested → fixed → approved',
    ],
    [
      'two rounds of changes',
      ['changes-requested@a1', 'changes-requested@b2', 'approve@c3'],
      'changes requested → fixed → changes requested → fixed → approved',
    ],
    [
      'a repeated verdict on one head, once',
      ['changes-requested@a1', 'changes-requested@a1'],
      'changes requested',
    ],
    ['comments, which are no verdict', ['comment@a1', 'approve@a1'], 'approved'],
    [
      "a person's approval of the same head after Baton's request",
      ['changes-requested@a1', 'approve@a1'],
      'changes requested → approved',
    ],
  ])('%s', (_name, specs, expected) => {
    expect(renderRounds(reviewRounds(pullWith(...specs)))).toBe(expected);
  });

  it('is empty without a PR', () => {
    expect(reviewRounds(null)).toEqual([]);
  });
});
