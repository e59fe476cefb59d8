import { describe, expect, it } from 'vitest';
import { memoryByRepositoryOf } from '../../../src/core/overview/memory-view.js';
import {
  appliedLessons,
  makeMemoryPull,
  makeSnapshot,
  NO_MEMORY,
  pullReviewedWith,
} from '../factories.js';

const NONE = NO_MEMORY;
const pull = makeMemoryPull;

const build = (
  repository: string,
  name: string,
  snapshot: Parameters<typeof makeSnapshot>[0] = {},
) => ({
  repository,
  snapshot: makeSnapshot(snapshot),
  row: { key: `${repository}/${name}`, label: `${repository}#1`, title: name },
});

describe('memoryByRepositoryOf', () => {
  it('counts each repository over its own builds, and lists its learn pull requests newest first', () => {
    const view = memoryByRepositoryOf([
      build('acme/shop', '12-a', { memoryPull: pull('acme/shop', 57, 'merged', 3) }),
      build('acme/lib', '4-b', { memoryPull: pull('acme/lib', 9, 'open', 2) }),
      build('Acme/Shop', '13-c', {
        memoryPull: pull('acme/shop', 61, 'closed', 1),
        completions: appliedLessons(['log-it', 'log-it', 'no-any']),
      }),
    ]);
    expect(view.map(({ repository, counts }) => [repository, counts])).toEqual([
      ['acme/lib', { ...NONE, proposed: 2 }],
      [
        'acme/shop',
        {
          ...NONE,
          proposed: 4,
          merged: 3,
          applied: 2,
          lessons: [
            { slug: 'log-it', uses: 1, repeats: 0 },
            { slug: 'no-any', uses: 1, repeats: 0 },
          ],
        },
      ],
    ]);
    expect(view[1]?.learnPulls.map(({ number, state, key }) => [number, state, key])).toEqual([
      [61, 'closed', 'Acme/Shop/13-c'],
      [57, 'merged', 'acme/shop/12-a'],
    ]);
  });

  it('shows a repository whose workers applied a lesson or whose reviews given one made a finding, without a learn pull request, and none with nothing to show', () => {
    const view = memoryByRepositoryOf([
      build('acme/shop', '12-a', { completions: appliedLessons(['log-it']) }),
      build('acme/docs', '5-b'),
      build('acme/lib', '6-c', {
        pulls: [pullReviewedWith({ lessons: 1, findings: 1, repeats: [] })],
      }),
    ]);
    expect(view).toEqual([
      {
        repository: 'acme/lib',
        counts: { ...NONE, findings: 1, rate: 0 },
        learnPulls: [],
      },
      {
        repository: 'acme/shop',
        counts: { ...NONE, applied: 1, lessons: [{ slug: 'log-it', uses: 1, repeats: 0 }] },
        learnPulls: [],
      },
    ]);
  });
});
