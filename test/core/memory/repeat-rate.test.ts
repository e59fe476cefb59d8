import { describe, expect, it } from 'vitest';
import { repeatRate } from '../../../src/core/memory/repeat-rate.js';

const LESSONS = [
  { slug: 'log-through-log', mergedAt: '2026-11-20T10:00:00Z' },
  { slug: 'no-any', mergedAt: '2026-11-22T10:00:00Z' },
];

describe('repeatRate', () => {
  it.each([
    {
      name: 'a finding before the lesson merged is what taught it, not a repeat',
      findings: [{ text: 'Use src/log.ts (log-through-log)', at: '2026-11-19T09:00:00Z' }],
      expected: { findings: 0, repeats: 0, rate: null, bySlug: [] },
    },
    {
      name: 'a finding at the instant of the merge is not after it',
      findings: [{ text: 'log-through-log again', at: '2026-11-20T10:00:00Z' }],
      expected: { findings: 0, repeats: 0, rate: null, bySlug: [] },
    },
    {
      name: 'a finding after the merge that names the slug is a repeat; one that does not is not',
      findings: [
        { text: 'console.log again: see Log-Through-Log.', at: '2026-11-21T09:00:00Z' },
        { text: 'A test is missing.', at: '2026-11-21T10:00:00Z' },
      ],
      expected: {
        findings: 2,
        repeats: 1,
        rate: 0.5,
        bySlug: [{ slug: 'log-through-log', repeats: 1 }],
      },
    },
    {
      name: 'a lesson merged after the finding is not repeated by it, even when named',
      findings: [{ text: 'no-any and log-through-log', at: '2026-11-21T09:00:00Z' }],
      expected: {
        findings: 1,
        repeats: 1,
        rate: 1,
        bySlug: [{ slug: 'log-through-log', repeats: 1 }],
      },
    },
    {
      name: 'the slug must stand alone: a longer slug or word is not it',
      findings: [
        { text: 'see no-any-cast and log-through-logger', at: '2026-11-23T09:00:00Z' },
        { text: '`no-any`, and log-through-log.', at: '2026-11-23T10:00:00Z' },
      ],
      expected: {
        findings: 2,
        repeats: 1,
        rate: 0.5,
        bySlug: [
          { slug: 'log-through-log', repeats: 1 },
          { slug: 'no-any', repeats: 1 },
        ],
      },
    },
  ])('$name', ({ findings, expected }) => {
    expect(repeatRate(LESSONS, findings)).toEqual({ lessons: 2, ...expected });
  });

  it('with no lesson merged, nothing can repeat', () => {
    expect(repeatRate([], [{ text: 'no-any', at: '2026-11-23T09:00:00Z' }])).toEqual({
      lessons: 0,
      findings: 0,
      repeats: 0,
      rate: null,
      bySlug: [],
    });
  });

  it('refuses a time that does not read, saying what to give', () => {
    expect(() => repeatRate(LESSONS, [{ text: 'x', at: 'yesterday' }])).toThrow(
      /"yesterday" is no ISO 8601 time: give when it happened/,
    );
  });
});
