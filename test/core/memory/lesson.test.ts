import { describe, expect, it } from 'vitest';
import {
  lastUsedDay,
  lessonPath,
  parseLesson,
  renderLesson,
  rolesOf,
} from '../../../src/core/memory/lesson.js';
import { aLesson, lessonText } from './lessons.js';

const PATH = lessonPath('log-through-pino');

const WRITTEN = `---
rule: Log through src/log.ts, never console.log.
why: Reviewers asked for it on W1.2 and W2.1 of build 12.
roles: [work, fix, review]
paths: ["src/**"]
citations:
  - path: src/log.ts
    line: 3
    commit: 0123456789abcdef0123456789abcdef01234567
    text: "export const log = pino();"
evidence:
  - https://github.com/acme/app/pull/5#discussion_r101
created: 2026-11-20
build: "12"
status: active
uses: 0
---
Optional longer explanation.
`;

describe('a lesson file', () => {
  it('reads as the format writes it', () => {
    expect(parseLesson(PATH, WRITTEN)).toEqual({
      ok: true,
      lesson: aLesson({ body: 'Optional longer explanation.' }),
    });
  });

  it('renders to text that reads back to the same lesson', () => {
    for (const lesson of [
      aLesson(),
      aLesson({ body: 'Two\n\nparagraphs: with `code` and --- lines.', lastUsed: '2026-11-25' }),
      aLesson({ roles: undefined, paths: undefined, build: 'remember', status: 'stale', uses: 7 }),
      aLesson({
        rule: 'Say "yes": #not a comment, 12',
        citations: [
          { path: 'a b/c.ts', line: 1, commit: '1'.repeat(40), text: "  'quoted' - text: yes  " },
          { path: 'x.ts', line: 99, commit: `1e${'0'.repeat(38)}`, text: '123' },
        ],
      }),
    ]) {
      expect(parseLesson(PATH, renderLesson(lesson))).toEqual({ ok: true, lesson });
    }
  });

  it('takes a build written as a number', () => {
    const parsed = parseLesson(PATH, WRITTEN.replace('build: "12"', 'build: 12'));
    expect(parsed.ok && parsed.lesson.build).toBe('12');
  });

  it.each([
    ['a slug out of shape', 'Bad_Name.md', WRITTEN, 'name a lesson'],
    ['no front matter', PATH, 'rule: x', 'must start with YAML front matter'],
    ['bad YAML', PATH, '---\nrule: [\n---\n', 'is not valid YAML'],
    ['no rule', PATH, WRITTEN.replace(/^rule:.*\n/m, ''), 'front matter rule:'],
    ['a long rule', PATH, lessonText({ rule: 'x'.repeat(301) }), 'front matter rule:'],
    ['an unknown role', PATH, WRITTEN.replace('[work, fix, review]', '[work, deploy]'), 'roles.1'],
    ['no citation', PATH, lessonText({ citations: [] }), 'citations:'],
    [
      'a short commit',
      PATH,
      WRITTEN.replace(/commit: \w+/, 'commit: 0123abc'),
      'full 40-character',
    ],
    [
      'a path outside',
      PATH,
      WRITTEN.replace('path: src/log.ts', 'path: ../x.ts'),
      'inside the repository',
    ],
    [
      'evidence elsewhere',
      PATH,
      WRITTEN.replace('https://github.com', 'https://evil.test'),
      'github.com',
    ],
    ['a day that is not', PATH, WRITTEN.replace('2026-11-20', '2026-02-30'), 'not a day'],
    ['a date as words', PATH, WRITTEN.replace('2026-11-20', 'today'), 'YYYY-MM-DD'],
    ['an unknown status', PATH, WRITTEN.replace('status: active', 'status: pinned'), 'status'],
    ['a misspelt field', PATH, WRITTEN.replace('uses: 0', 'uses: 0\nuse: 1'), 'use'],
    ['a bad build', PATH, WRITTEN.replace('build: "12"', 'build: main'), 'build number'],
    ['long prose', PATH, `${WRITTEN}${'x'.repeat(4001)}`, 'over 4000'],
  ])('refuses %s, naming what to write', (_name, path, text, problem) => {
    const parsed = parseLesson(path, text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.join('\n')).toContain(problem);
  });

  it('is for every reading role without roles, and last of use when made without a use', () => {
    expect(rolesOf(aLesson({ roles: undefined }))).toEqual([
      'plan',
      'contract',
      'work',
      'fix',
      'review',
      'validate',
    ]);
    expect(lastUsedDay(aLesson())).toBe('2026-11-20');
    expect(lastUsedDay(aLesson({ lastUsed: '2026-11-26' }))).toBe('2026-11-26');
  });
});
