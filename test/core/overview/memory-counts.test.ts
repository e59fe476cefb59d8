import { describe, expect, it } from 'vitest';
import { memoryCountsOf } from '../../../src/core/overview/memory-counts.js';
import type { MemoryPull } from '../../../src/core/snapshot/snapshot.js';
import {
  appliedLessons,
  makeCompletion,
  makeMemoryPull,
  makeSnapshot,
  NO_MEMORY,
  pullReviewedWith,
} from '../factories.js';

const pull = (state: MemoryPull['state'], lessons: number) =>
  makeMemoryPull('acme/shop', 57, state, lessons);

const NONE = NO_MEMORY;

describe('memoryCountsOf', () => {
  it.each([
    { name: 'no build', snapshots: [], expected: NONE },
    {
      name: 'lessons proposed by every learn pull request, merged only by the merged ones',
      snapshots: [
        makeSnapshot({ memoryPull: pull('merged', 3) }),
        makeSnapshot({ memoryPull: pull('open', 2) }),
        makeSnapshot({ memoryPull: pull('closed', 1) }),
        makeSnapshot(),
      ],
      expected: { ...NONE, proposed: 6, merged: 3 },
    },
    {
      name: "applied: each valid report's lessons once, an invalid report none",
      snapshots: [
        makeSnapshot({
          completions: {
            'W1.1': {
              kind: 'valid',
              completion: makeCompletion({ lessons: ['no-any', 'no-any'] }),
            },
            'W1.2': { kind: 'invalid', problems: ['summary: required'] },
          },
        }),
        makeSnapshot({ completions: appliedLessons(['no-any', 'log-it']) }),
      ],
      expected: {
        ...NONE,
        applied: 3,
        lessons: [
          { slug: 'no-any', uses: 2, repeats: 0 },
          { slug: 'log-it', uses: 1, repeats: 0 },
        ],
      },
    },
    {
      name: "repeats: the findings of Baton's reviews given lessons, and those that repeat one",
      snapshots: [
        makeSnapshot({
          memoryPull: pull('merged', 1),
          completions: appliedLessons(['log-it']),
          pulls: [
            pullReviewedWith(
              { lessons: 1, findings: 2, repeats: [] },
              { lessons: 1, findings: 1, repeats: ['no-any'] },
            ),
          ],
        }),
        makeSnapshot({ pulls: [pullReviewedWith({ lessons: 2, findings: 1, repeats: [] })] }),
      ],
      expected: {
        proposed: 1,
        merged: 1,
        applied: 1,
        findings: 4,
        repeats: 1,
        rate: 0.25,
        lessons: [
          { slug: 'log-it', uses: 1, repeats: 0 },
          { slug: 'no-any', uses: 0, repeats: 1 },
        ],
      },
    },
  ])('$name', ({ snapshots, expected }) => {
    expect(memoryCountsOf(snapshots)).toEqual(expected);
  });
});
