/**
 * Fails before, passes after (src/core/verification/check-proof.ts): every
 * cell of the table, and the checks of a contract judged against two reports.
 */
import { describe, expect, it } from 'vitest';
import { dueAtEnd } from '../../src/core/plan/due-criteria.js';
import type { ReportedCheck } from '../../src/core/reports/check-outcome.js';
import {
  criterionVerdicts,
  judgeChecks,
  type Seen,
  type Verdict,
  verdictOf,
  withReached,
} from '../../src/core/verification/check-proof.js';

const SEEN: readonly (Seen | null)[] = [
  'passed',
  'failed',
  'expected-failure',
  'skipped',
  'todo',
  'missing',
  null,
];

/** Where the check passes after the work: the verdict by what it did before, for a check and for a guard. */
const PASSED_AFTER: Record<string, [check: string, guard: string]> = {
  passed: ['not-proven', 'guard'],
  failed: ['proven', 'not-proven'],
  'expected-failure': ['proven', 'not-proven'],
  skipped: ['not-proven', 'not-proven'],
  todo: ['not-proven', 'not-proven'],
  missing: ['not-proven', 'not-proven'],
  null: ['not-proven', 'not-proven'],
};

describe('verdictOf', () => {
  it.each(SEEN)('before %s, passed after', (before) => {
    const [check, guard] = PASSED_AFTER[String(before)] ?? [];
    expect(verdictOf({ before, after: 'passed', guard: false })).toBe(check);
    expect(verdictOf({ before, after: 'passed', guard: true })).toBe(guard);
  });

  it.each(SEEN.filter((after): after is Seen => after !== null && after !== 'passed'))(
    '%s after fails, whatever it did before, guard or not',
    (after) => {
      for (const before of SEEN)
        for (const guard of [false, true])
          expect(verdictOf({ before, after, guard })).toBe('failing');
    },
  );

  it('names the cells that matter in words', () => {
    expect({
      failedThenPassed: verdictOf({ before: 'failed', after: 'passed', guard: false }),
      markedThenPassed: verdictOf({ before: 'expected-failure', after: 'passed', guard: false }),
      tautology: verdictOf({ before: 'passed', after: 'passed', guard: false }),
      stillMarked: verdictOf({
        before: 'expected-failure',
        after: 'expected-failure',
        guard: false,
      }),
      skippedAfter: verdictOf({ before: 'failed', after: 'skipped', guard: false }),
      todoAfter: verdictOf({ before: 'failed', after: 'todo', guard: false }),
      goneAfter: verdictOf({ before: 'failed', after: 'missing', guard: false }),
      noReportBefore: verdictOf({ before: null, after: 'passed', guard: false }),
      guardHeld: verdictOf({ before: 'passed', after: 'passed', guard: true }),
      guardBroken: verdictOf({ before: 'passed', after: 'failed', guard: true }),
      guardNeverHeld: verdictOf({ before: 'failed', after: 'passed', guard: true }),
    }).toEqual({
      failedThenPassed: 'proven',
      markedThenPassed: 'proven',
      tautology: 'not-proven',
      stillMarked: 'failing',
      skippedAfter: 'failing',
      todoAfter: 'failing',
      goneAfter: 'failing',
      noReportBefore: 'not-proven',
      guardHeld: 'guard',
      guardBroken: 'failing',
      guardNeverHeld: 'not-proven',
    });
  });
});

describe('judgeChecks', () => {
  const file = 'test/contract/login.test.ts';
  const checks = [
    { criterion: 'W1.1:1', file, name: 'login › redirects' },
    { criterion: 'W1.1:2', file, name: 'login › adds numbers' },
    { criterion: 'W1.1:3', file, name: 'login › keeps the session' },
    { criterion: 'W2.1:1', file, name: 'login › remembers' },
    { criterion: 'W1.1:1', file, name: 'login › redirects twice' },
  ];
  const report = (outcomes: Record<string, ReportedCheck['outcome']>): ReportedCheck[] =>
    Object.entries(outcomes).map(([name, outcome]) => ({
      name: `login > ${name}`,
      file: `/work/repo/${file}`,
      outcome,
    }));
  const before = report({
    redirects: 'expected-failure',
    'adds numbers': 'passed',
    'keeps the session': 'passed',
    remembers: 'expected-failure',
    'redirects twice': 'failed',
  });
  const after = report({
    redirects: 'passed',
    'adds numbers': 'passed',
    'keeps the session': 'passed',
    remembers: 'expected-failure',
  });

  it('judges each check, the criteria not due apart, a criterion by its worst check', () => {
    const proofs = judgeChecks({
      checks,
      guards: new Set(['W1.1:3']),
      due: { milestone: 1, last: 2, skipped: new Set() },
      before,
      after,
    });
    expect(
      proofs.map(({ criterion, before, after, verdict }) => [criterion, before, after, verdict]),
    ).toEqual([
      ['W1.1:1', 'expected-failure', 'passed', 'proven'],
      ['W1.1:2', 'passed', 'passed', 'not-proven'],
      ['W1.1:3', 'passed', 'passed', 'guard'],
      ['W2.1:1', 'expected-failure', 'expected-failure', 'not-due'],
      ['W1.1:1', 'failed', 'missing', 'failing'],
    ]);
    expect(Object.fromEntries(criterionVerdicts(proofs))).toEqual({
      'W1.1:1': 'failing',
      'W1.1:2': 'not-proven',
      'W1.1:3': 'guard',
      'W2.1:1': 'not-due',
    });
  });

  it('with no report before, nothing is proven', () => {
    const proofs = judgeChecks({
      checks: checks.slice(0, 1),
      guards: new Set(),
      due: dueAtEnd(new Set()),
      before: null,
      after,
    });
    expect(proofs[0]).toMatchObject({ before: null, after: 'passed', verdict: 'not-proven' });
  });
});

describe('withReached', () => {
  const reached = { path: 'src/greet.js', line: 2, what: 'reads the command line (process.argv)' };
  const proof = (criterion: string, verdict: Verdict) => ({
    criterion,
    file: 'test/contract/greet.test.js',
    name: 'greets',
    before: 'failed' as const,
    after: 'passed' as const,
    verdict,
  });

  it('leaves a check that would be proven, or a guard, not proven where the run reached test-aware code', () => {
    const proofs = [
      proof('W1.1:1', 'proven'),
      proof('W1.1:2', 'guard'),
      proof('W1.1:3', 'failing'),
      proof('W2.1:1', 'not-due'),
      proof('W1.1:4', 'not-proven'),
    ];
    expect(withReached(proofs, [reached]).map((one) => [one.verdict, one.reached])).toEqual([
      ['not-proven', reached],
      ['not-proven', reached],
      ['failing', undefined],
      ['not-due', undefined],
      ['not-proven', undefined],
    ]);
  });

  it('changes nothing where the work reached no test-aware code', () => {
    const proofs = [proof('W1.1:1', 'proven')];
    expect(withReached(proofs, [])).toEqual(proofs);
  });
});
