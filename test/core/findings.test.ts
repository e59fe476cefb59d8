import { describe, expect, it } from 'vitest';
import { OutputPath, Plan } from '../../src/core/plan/plan.js';
import { parseFindings } from '../../src/core/records/findings.js';
import { makePlan } from './factories.js';

const GOOD = `---
worker_id: W1.2
question: Which OAuth providers does the login need?
confidence: medium
sources:
  - url: https://example.com/oauth-survey
    read: 2026-11-20
  - src/auth/login.ts:40
---
# Answer

GitHub and Google cover every user the survey names.
`;

describe('parseFindings', () => {
  it('reads the question, confidence and sources of a findings document', () => {
    const parsed = parseFindings(GOOD, 'W1.2');
    expect(parsed).toEqual({
      ok: true,
      frontMatter: {
        worker_id: 'W1.2',
        question: 'Which OAuth providers does the login need?',
        confidence: 'medium',
        sources: [
          { url: 'https://example.com/oauth-survey', read: '2026-11-20' },
          'src/auth/login.ts:40',
        ],
      },
      body: '# Answer\n\nGitHub and Google cover every user the survey names.\n',
    });
  });

  it.each([
    { rule: 'needs front matter', text: '# Answer\n\nno front matter\n', says: 'must start with' },
    {
      rule: 'needs at least one source',
      text: GOOD.replace(/sources:\n(?: {2}[- ] .*\n)+/, 'sources: []\n'),
      says: 'front matter sources',
    },
    {
      rule: 'needs the date a web page was read',
      text: GOOD.replace(
        '  - url: https://example.com/oauth-survey\n    read: 2026-11-20\n',
        '  - https://example.com/oauth-survey\n',
      ),
      says: 'needs the date it was read',
    },
    {
      rule: 'needs a date, not a word, for a web source',
      text: GOOD.replace('read: 2026-11-20', 'read: yesterday'),
      says: 'YYYY-MM-DD',
    },
    {
      rule: 'needs a confidence of high, medium or low',
      text: GOOD.replace('confidence: medium', 'confidence: sure'),
      says: 'front matter confidence',
    },
    {
      rule: 'refuses fields it does not know',
      text: GOOD.replace('confidence: medium', 'confidence: medium\nverdict: yes'),
      says: 'front matter (root)',
    },
    {
      rule: 'needs an answer after the front matter',
      text: GOOD.slice(0, GOOD.indexOf('# Answer')),
      says: 'no answer',
    },
    {
      rule: 'must be the worker’s own',
      text: GOOD.replace('worker_id: W1.2', 'worker_id: W1.1'),
      says: 'not W1.2',
    },
  ])('$rule', ({ text, says }) => {
    const parsed = parseFindings(text, 'W1.2');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.join('\n')).toContain(says);
  });
});

describe('build type in the plan', () => {
  it('reads a plan without a type as it always did', () => {
    const parsed = Plan.parse(makePlan());
    expect(parsed.type).toBeUndefined();
  });

  it('accepts research and content, and refuses any other type', () => {
    expect(Plan.safeParse(makePlan({ type: 'research' })).success).toBe(true);
    expect(Plan.safeParse(makePlan({ type: 'content' })).success).toBe(true);
    expect(Plan.safeParse({ ...makePlan(), type: 'essay' }).success).toBe(false);
  });

  it.each([
    ['docs/guide.md', true],
    ['README.md', true],
    ['../outside.md', false],
    ['/etc/passwd', false],
    ['docs//guide.md', false],
    ['.baton/builds/x/REPORT.md', false],
    ['.github/workflows/ci.yml', false],
  ])('output path %s accepted: %s', (path, ok) => {
    expect(OutputPath.safeParse(path).success).toBe(ok);
  });
});
