import { describe, expect, it } from 'vitest';
import { repeatLine, repeatRate, reviewLessonsOf } from '../../../src/core/memory/repeat-rate.js';
import { reviewRepeats } from '../../../src/core/memory/review-repeats.js';
import { makePull, makeReview, makeSnapshot } from '../factories.js';

describe('repeatRate', () => {
  it.each([
    {
      name: 'no review given a lesson: nothing could repeat one',
      reviews: [],
      expected: { findings: 0, repeats: 0, rate: null, bySlug: [] },
    },
    {
      name: 'a review given no lesson is not considered, whatever it found',
      reviews: [{ lessons: 0, findings: 3, repeats: [] }],
      expected: { findings: 0, repeats: 0, rate: null, bySlug: [] },
    },
    {
      name: 'findings that repeat no lesson count against none: the rate is 0',
      reviews: [{ lessons: 1, findings: 2, repeats: [] }],
      expected: { findings: 2, repeats: 0, rate: 0, bySlug: [] },
    },
    {
      name: 'each finding naming a lesson given is a repeat of it',
      reviews: [
        { lessons: 2, findings: 3, repeats: ['log-it', 'no-any', 'log-it'] },
        { lessons: 1, findings: 1, repeats: [] },
      ],
      expected: {
        findings: 4,
        repeats: 3,
        rate: 0.75,
        bySlug: [
          { slug: 'log-it', repeats: 2 },
          { slug: 'no-any', repeats: 1 },
        ],
      },
    },
    {
      name: 'a marker naming more repeats than findings counts no more than its findings',
      reviews: [{ lessons: 1, findings: 1, repeats: ['log-it', 'log-it'] }],
      expected: { findings: 1, repeats: 1, rate: 1, bySlug: [{ slug: 'log-it', repeats: 1 }] },
    },
  ])('$name', ({ reviews, expected }) => {
    expect(repeatRate(reviews)).toEqual(expected);
  });

  it("reads Baton's reviews of the worker pull requests alone, not a person's", () => {
    const memory = { lessons: 1, findings: 1, repeats: ['log-it'] };
    const snapshot = makeSnapshot({
      pulls: [
        makePull({ reviews: [makeReview({ byBaton: true, memory }), makeReview()] }),
        makePull({ reviews: [makeReview({ byBaton: false, memory })] }),
      ],
    });
    expect(reviewLessonsOf(snapshot)).toEqual([memory]);
  });

  it.each([
    { rate: repeatRate([]), line: null },
    {
      rate: repeatRate([{ lessons: 1, findings: 3, repeats: [] }]),
      line: '**Lessons repeated:** 0 of 3 review findings (0%).',
    },
    {
      rate: repeatRate([{ lessons: 1, findings: 1, repeats: ['log-it'] }]),
      line: '**Lessons repeated:** 1 of 1 review finding (100%; `log-it` ×1).',
    },
  ])('the final pull request says $line', ({ rate, line }) => {
    expect(repeatLine(rate)).toBe(line);
  });
});

describe('reviewRepeats', () => {
  it.each([
    {
      name: 'a review given no lesson says nothing of memory',
      given: [],
      verdict: 'changes-requested' as const,
      comments: [{}],
      expected: { ok: true, memory: null },
    },
    {
      name: 'its comments are its findings, those naming a lesson its repeats',
      given: ['log-it', 'no-any'],
      verdict: 'changes-requested' as const,
      comments: [{ repeats: 'log-it' }, {}, { repeats: 'log-it' }],
      expected: { ok: true, memory: { lessons: 2, findings: 3, repeats: ['log-it', 'log-it'] } },
    },
    {
      name: 'a review asking for changes with no comment made one finding, its body',
      given: ['log-it'],
      verdict: 'changes-requested' as const,
      comments: [],
      expected: { ok: true, memory: { lessons: 1, findings: 1, repeats: [] } },
    },
    {
      name: 'an approval with no comment made no finding',
      given: ['log-it'],
      verdict: 'approve' as const,
      comments: [],
      expected: { ok: true, memory: { lessons: 1, findings: 0, repeats: [] } },
    },
    {
      name: 'a slug the review was not given is refused, naming those it was',
      given: ['log-it'],
      verdict: 'approve' as const,
      comments: [{}, { repeats: 'no-any' }],
      expected: {
        ok: false,
        problems: [
          'comments.1.repeats: no-any is no lesson you were given (log-it); name one of them or leave repeats out',
        ],
      },
    },
  ])('$name', ({ given, verdict, comments, expected }) => {
    expect(reviewRepeats({ given, verdict, comments })).toEqual(expected);
  });
});
