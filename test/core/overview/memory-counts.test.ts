import { describe, expect, it } from 'vitest';
import { memoryCountsOf } from '../../../src/core/overview/memory-counts.js';
import { makeCompletion, makeSnapshot } from '../factories.js';

const pull = (state: 'open' | 'closed' | 'merged', lessons: number) => ({
  number: 57,
  state,
  url: 'https://github.com/acme/shop/pull/57',
  lessons,
});

describe('memoryCountsOf', () => {
  it.each([
    { name: 'no build', snapshots: [], expected: { proposed: 0, merged: 0, applied: 0 } },
    {
      name: 'lessons proposed by every learn pull request, merged only by the merged ones',
      snapshots: [
        makeSnapshot({ memoryPull: pull('merged', 3) }),
        makeSnapshot({ memoryPull: pull('open', 2) }),
        makeSnapshot({ memoryPull: pull('closed', 1) }),
        makeSnapshot(),
      ],
      expected: { proposed: 6, merged: 3, applied: 0 },
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
        makeSnapshot({
          completions: {
            'W1.1': {
              kind: 'valid',
              completion: makeCompletion({ lessons: ['no-any', 'log-it'] }),
            },
          },
        }),
      ],
      expected: { proposed: 0, merged: 0, applied: 3 },
    },
  ])('$name', ({ snapshots, expected }) => {
    expect(memoryCountsOf(snapshots)).toEqual(expected);
  });
});
