import { type Lesson, renderLesson } from '../../../src/core/memory/lesson.js';

export const LESSON_COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** A lesson that parses and breaks no rule; `overrides` change it. */
export function aLesson(overrides: Partial<Lesson> = {}): Lesson {
  return {
    slug: 'log-through-pino',
    rule: 'Log through src/log.ts, never console.log.',
    why: 'Reviewers asked for it on W1.2 and W2.1 of build 12.',
    roles: ['work', 'fix', 'review'],
    paths: ['src/**'],
    citations: [
      { path: 'src/log.ts', line: 3, commit: LESSON_COMMIT, text: 'export const log = pino();' },
    ],
    evidence: ['https://github.com/acme/app/pull/5#discussion_r101'],
    created: '2026-11-20',
    build: '12',
    status: 'active',
    uses: 0,
    body: '',
    ...overrides,
  };
}

/** A lesson's file text. */
export function lessonText(overrides: Partial<Lesson> = {}): string {
  return renderLesson(aLesson(overrides));
}
