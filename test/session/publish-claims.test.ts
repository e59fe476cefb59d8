import { describe, expect, it } from 'vitest';
import type { Completion } from '../../src/core/records/completion.js';
import {
  type ClaimFacts,
  flaggedLine,
  judgeClaims,
} from '../../src/session/publish/checks/claims/claim-rules.js';

const PASSED: Completion['tests'] = { status: 'passed', command: 'npm test', detail: '' };
const FAILED: Completion['tests'] = { status: 'failed', command: 'npm test', detail: 'x' };

function facts(overrides: Partial<ClaimFacts> = {}): ClaimFacts {
  return {
    paths: new Set(['src/login.ts', 'test/login.test.ts']),
    tests: PASSED,
    contractCommand: 'npm test',
    ...overrides,
  };
}

/** Each rule: a sentence that makes its claim, the facts, and the claim flagged (or none). */
const ROWS: Array<{ sentence: string; facts?: Partial<ClaimFacts>; flagged: string | null }> = [
  { sentence: 'Added the login form.', flagged: null },
  { sentence: 'The reviewer approved the change.', flagged: 'a review approval' },
  { sentence: 'LGTM from the team.', flagged: 'a review approval' },
  { sentence: 'Approved by the security review.', flagged: 'a review approval' },
  { sentence: 'Added the review approval endpoint.', flagged: null },
  { sentence: 'CI is green.', flagged: 'passing checks' },
  { sentence: 'The pipeline passed.', flagged: 'passing checks' },
  { sentence: 'Added input checks that pass the token through.', flagged: null },
  { sentence: 'All checks pass on the branch.', flagged: 'passing checks' },
  { sentence: 'All tests pass.', flagged: null },
  { sentence: 'All tests pass.', facts: { tests: FAILED }, flagged: 'all tests pass' },
  { sentence: 'The test suite is green.', facts: { tests: undefined }, flagged: 'all tests pass' },
  { sentence: 'Added tests in test/login.test.ts.', flagged: null },
  { sentence: 'Added tests in test/logout.test.ts.', flagged: 'tests added' },
  { sentence: 'Wrote new tests for the form.', flagged: null },
  { sentence: 'Criterion W1.1:1 is met.', flagged: null },
  {
    sentence: 'Criterion W1.1:1 is met.',
    facts: { contractCommand: 'npm run contract' },
    flagged: 'a criterion met',
  },
  {
    sentence: 'The change meets every acceptance criterion.',
    facts: { tests: FAILED },
    flagged: 'a criterion met',
  },
  { sentence: 'I ran `npm test` before handing in.', flagged: null },
  { sentence: 'I ran `npm run e2e` before handing in.', flagged: 'a command run' },
  {
    sentence: 'Executed `npm test`.',
    facts: { tests: { status: 'not-run', command: null, detail: 'no tests' } },
    flagged: 'a command run',
  },
];

describe('the claims of a report against its diff', () => {
  it.each(ROWS)('"$sentence" → $flagged', ({ sentence, facts: changed = {}, flagged }) => {
    const judged = judgeClaims(
      { summary: sentence, learnings: [], decisions: [], artifacts: [] },
      facts(changed),
    );

    expect(judged.flagged.map((each) => each.claim)).toEqual(flagged ? [flagged] : []);
    if (flagged) expect(judged.flagged[0]?.quote).toBe(sentence);
  });

  it('reads the learnings and decisions as well as the summary, a sentence at a time', () => {
    const judged = judgeClaims(
      {
        summary: 'Added the form. CI is green.',
        learnings: ['The reviewer approved the approach.'],
        decisions: ['Ran `make all` to check.'],
        artifacts: [],
      },
      facts(),
    );

    expect(judged.flagged.map((each) => [each.claim, each.quote])).toEqual([
      ['passing checks', 'CI is green.'],
      ['a review approval', 'The reviewer approved the approach.'],
      ['a command run', 'Ran `make all` to check.'],
    ]);
    expect(judged.checked).toBe(3);
  });

  it('keeps the artifacts the diff holds and flags the rest', () => {
    const judged = judgeClaims(
      {
        summary: 'Added the form.',
        learnings: [],
        decisions: [],
        artifacts: ['src/login.ts', './test/login.test.ts', 'src/never.ts'],
      },
      facts(),
    );

    expect(judged.artifacts).toEqual(['src/login.ts', './test/login.test.ts']);
    expect(judged.flagged).toEqual([
      expect.objectContaining({ claim: 'an artifact', quote: 'src/never.ts' }),
    ]);
    expect(judged.checked).toBe(3);
  });
});

describe('a flagged claim in the evidence', () => {
  it('quotes a long sentence cut, and says how long it was', () => {
    const sentence = `The reviewer approved ${'the change to the login form and its tests '.repeat(8).trim()}.`;
    const judged = judgeClaims(
      { summary: sentence, learnings: [], decisions: [], artifacts: [] },
      facts(),
    );
    const [flagged] = judged.flagged;
    if (!flagged) throw new Error('no claim flagged');

    const line = flaggedLine(flagged);
    expect(line).toMatch(/^a review approval: "The reviewer approved the change/);
    expect(line).toMatch(new RegExp(`…" \\(cut from ${sentence.length} characters\\)$`));
    expect(line.length).toBeLessThanOrEqual(300);
  });
});
