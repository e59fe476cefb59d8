import { describe, expect, it } from 'vitest';
import { chooseLessons, estimateTokens } from '../../../src/core/memory/choose-lessons.js';
import { CITATION_DRIFT, citationHolds } from '../../../src/core/memory/citation.js';
import type { Lesson } from '../../../src/core/memory/lesson.js';
import { renderLessonSection } from '../../../src/core/memory/render-lessons.js';
import { aLesson, LESSON_COMMIT } from './lessons.js';

const citation = { path: 'src/log.ts', line: 30, commit: LESSON_COMMIT, text: 'log(x);' };

/** A file whose line `at` (1-based) reads `text`, every other line blank. */
function fileWith(at: number, text: string): string[] {
  return Array.from({ length: 80 }, (_, i) => (i === at - 1 ? text : ''));
}

describe('a citation', () => {
  it('holds at its line, trimmed, and within the drift of it', () => {
    expect(citationHolds(citation, fileWith(30, '  log(x);  '))).toBe(true);
    expect(citationHolds(citation, fileWith(30 + CITATION_DRIFT, 'log(x);'))).toBe(true);
    expect(citationHolds(citation, fileWith(30 - CITATION_DRIFT, 'log(x);'))).toBe(true);
  });

  it('no longer holds once the line moved further, changed, or its file is gone', () => {
    expect(citationHolds(citation, fileWith(31 + CITATION_DRIFT, 'log(x);'))).toBe(false);
    expect(citationHolds(citation, fileWith(30, 'log(y);'))).toBe(false);
    expect(citationHolds(citation, null)).toBe(false);
  });
});

const SETTINGS = { budgetTokens: 2000, expireDays: 90 };

function choose(lessons: Lesson[], overrides: Partial<Parameters<typeof chooseLessons>[0]> = {}) {
  return chooseLessons({
    lessons,
    role: 'work',
    paths: ['src/app.ts'],
    settings: SETTINGS,
    today: '2026-11-27',
    repository: 'acme/app',
    holds: () => true,
    ...overrides,
  });
}

describe('the lessons a session reads', () => {
  it('leaves out each lesson that is not for it, saying why', () => {
    const result = choose(
      [
        aLesson({ slug: 'kept' }),
        aLesson({ slug: 'stale-one', status: 'stale' }),
        aLesson({ slug: 'old', created: '2026-08-28' }),
        aLesson({ slug: 'old-but-used', created: '2025-01-01', lastUsed: '2026-08-29' }),
        aLesson({ slug: 'weakens', rule: 'Skip the failing tests.' }),
        aLesson({ slug: 'moved-away' }),
        aLesson({ slug: 'plan-only', roles: ['plan'] }),
        aLesson({ slug: 'docs-only', paths: ['docs/**'] }),
      ],
      { holds: (lesson) => lesson.slug !== 'moved-away' },
    );
    expect(result.chosen.map((lesson) => lesson.slug)).toEqual(['old-but-used', 'kept']);
    expect(result.left.map(({ slug, why }) => `${slug} ${why}`)).toEqual([
      'stale-one status',
      'old expired',
      'weakens rule',
      'moved-away stale',
      'plan-only role',
      'docs-only paths',
    ]);
    expect(result.stale).toEqual(['moved-away']);
    expect(result.left.find((out) => out.slug === 'old')?.detail).toBe(
      'lesson old was last of use 91 days ago (memory.expireDays: 90)',
    );
  });

  it('reports a stale lesson whatever its role', () => {
    const result = choose([aLesson({ slug: 'moved', roles: ['plan'] })], { holds: () => false });
    expect(result.stale).toEqual(['moved']);
  });

  it('gives a session that touches every path each lesson of its role', () => {
    const result = choose([aLesson({ slug: 'docs-only', paths: ['docs/**'] })], { paths: null });
    expect(result.chosen.map((lesson) => lesson.slug)).toEqual(['docs-only']);
  });

  it('fits the budget, the most used first, ties the oldest first', () => {
    const long = 'x'.repeat(1500);
    const lessons = [
      aLesson({ slug: 'new-tie', uses: 3, created: '2026-11-10', body: long }),
      aLesson({ slug: 'old-tie', uses: 3, created: '2026-11-01', body: long }),
      aLesson({ slug: 'most', uses: 9, body: long }),
      aLesson({ slug: 'least', uses: 0 }),
    ];
    const result = choose(lessons, { settings: { ...SETTINGS, budgetTokens: 1200 } });
    expect(result.chosen.map((lesson) => lesson.slug)).toEqual(['most', 'old-tie', 'least']);
    expect(result.left).toEqual([
      {
        slug: 'new-tie',
        why: 'budget',
        detail: 'lesson new-tie does not fit memory.budgetTokens (1200)',
      },
    ]);
    expect(result.tokens).toBeLessThanOrEqual(1200);
    const section = renderLessonSection(result.chosen) ?? '';
    expect(result.tokens).toBeGreaterThanOrEqual(estimateTokens(section));
    expect(result.tokens).toBeLessThanOrEqual(estimateTokens(section) + result.chosen.length + 1);
  });
});
