import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import { contractFixTitle, isContractFix } from '../../src/core/plan/contract.js';
import { contractProblems } from '../../src/core/plan/contract-plan.js';
import { placeContractFixes } from '../../src/core/plan/fix-workers.js';
import type { Plan } from '../../src/core/plan/plan.js';
import type { CheckRecord } from '../../src/core/plan/validation.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { validationLine } from '../../src/core/status/render-validations.js';
import { dispatched, kinds, noticeKeys, viewOf } from './decide-helpers.js';
import {
  deliveredRuns,
  deliveredSnapshot,
  INTEGRATION_SHA,
  make,
  makeValidation,
  NOW,
  sha,
  validateRun,
  validContract,
  validPlan,
} from './factories.js';

/** A plan whose contract's worker is W0.1 (and W0.2, W0.3 in a change set), W1.1's criterion its check proves. */
function planWith(contracts: string[], criteria: Plan['criteria'] = ['login answers 200']): Plan {
  return make.plan({
    criteria,
    workers: [
      ...contracts.map((id) => make.worker({ id, title: 'Contract', contract: true })),
      ...make.plan().workers,
    ],
  });
}

describe("a contract fix: a check that passed before the work is the contract's to rewrite", () => {
  it('is numbered after every contract worker: W0.2 in a build, W0.4 after three contracts', () => {
    const none = new Set<string>();
    const build = placeContractFixes({
      plan: planWith(['W0.1']),
      criteria: ['build:1'],
      merged: none,
    });
    expect(build.added).toEqual([
      {
        id: 'W0.2',
        title: 'Contract fix: build:1 passes before the work',
        depends_on: [],
        complexity: 'normal',
        contract: true,
      },
    ]);
    expect(build.fixed).toEqual([{ check: 'build:1', worker: 'W0.2' }]);
    const set = placeContractFixes({
      plan: planWith(['W0.1', 'W0.2', 'W0.3']),
      criteria: ['build:1'],
      merged: none,
    });
    expect(set.added.map((worker) => worker.id)).toEqual(['W0.4']);
  });

  it('is added once: a publish run again, or a twin validation, finds it in the plan and keeps it', () => {
    const plan = planWith(['W0.1']);
    const first = placeContractFixes({ plan, criteria: ['build:1'], merged: new Set() });
    const amended = { ...plan, workers: [...plan.workers, ...first.added] };
    const again = placeContractFixes({
      plan: amended,
      criteria: ['build:1', 'build:1'],
      merged: new Set(),
    });
    expect(again.added).toEqual([]);
    expect(again.fixed).toEqual([
      { check: 'build:1', worker: 'W0.2' },
      { check: 'build:1', worker: 'W0.2' },
    ]);
  });

  it('a guard, which passes before the work by design, gets none', () => {
    const plan = planWith(['W0.1'], [{ text: 'login still answers 200', guard: true }]);
    const placed = placeContractFixes({ plan, criteria: ['build:1'], merged: new Set() });
    expect(placed).toEqual({ added: [], fixed: [] });
  });

  it('a criterion whose contract fix merged gets no second: a person is asked', () => {
    const plan = planWith(['W0.1']);
    const fix = make.worker({ id: 'W0.2', title: contractFixTitle('build:1'), contract: true });
    const placed = placeContractFixes({
      plan: { ...plan, workers: [...plan.workers, fix] },
      criteria: ['build:1'],
      merged: new Set(['W0.1', 'W0.2']),
    });
    expect(placed).toEqual({ added: [], fixed: [{ check: 'build:1', worker: null }] });
  });

  it("is told from a change set's contracts by its title, and the plan's rules hold it after them", () => {
    const raw = (workers: object[]) => ({ criteria: ['login answers 200'], workers });
    const contract = (id: string, repository?: string) => ({
      id,
      title: 'Contract',
      contract: true,
      ...(repository ? { repository } : {}),
    });
    const fix = (id: string, extra: object = {}) => ({
      id,
      title: contractFixTitle('build:1'),
      contract: true,
      ...extra,
    });
    const work = { id: 'W1.1', title: 'Login', depends_on: ['W0.1'] };
    expect(isContractFix(fix('W0.2'))).toBe(true);
    expect(isContractFix(contract('W0.2'))).toBe(false);
    expect(contractProblems(raw([contract('W0.1'), fix('W0.2'), work]), true)).toEqual([]);
    expect(
      contractProblems(
        raw([contract('W0.1'), fix('W0.2'), contract('W0.3', 'acme/lib')]),
        undefined,
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining('W0.2 is a contract fix, numbered after every contract'),
      ]),
    );
    expect(
      contractProblems(raw([contract('W0.1'), fix('W0.2', { depends_on: ['W0.1'] }), work]), true),
    ).toEqual(['W0.2, a contract fix, depends on nothing; empty its depends_on.']);
  });
});

const config = make.config({ approval: 'none' });
const head = INTEGRATION_SHA;
const fixTitle = contractFixTitle('build:1');
/** The delivered build's plan with a build criterion and W0.2, its contract fix. */
const withContractFix = make.plan({
  criteria: ['login answers 200'],
  workers: [...make.plan().workers, make.worker({ id: 'W0.2', title: fixTitle, contract: true })],
});
const notProven: CheckRecord = {
  criterion: 'build:1',
  before: 'passed',
  after: 'passed',
  verdict: 'not-proven',
};
/** M2's record at `at`: build:1's check passed before the work, and its contract fix is `worker`. */
function unprovenM2(at: string, worker: string | null, runId = 7300) {
  return makeValidation({
    run_id: runId,
    head: at,
    passed: false,
    failed: [{ check: 'build:1', worker }],
    checks: [notProven],
  });
}
function contracted(overrides: Partial<BuildSnapshot>): BuildSnapshot {
  return deliveredSnapshot({
    contract: validContract(),
    plan: validPlan(withContractFix),
    ...overrides,
  });
}

describe('decide: a milestone whose check passed before the work', () => {
  it('starts the contract fix as a contract session, and holds the final pull request', () => {
    const snapshot = contracted({
      runs: [...deliveredRuns(), validateRun(2, sha('c1'))],
      validations: [unprovenM2(sha('c1'), 'W0.2')],
    });
    const actions = decide({ snapshot, config, now: NOW });
    expect(dispatched(actions)).toEqual(['contract W0.2 -']);
    expect(kinds(actions)).not.toContain('open-final-pull');
    expect(noticeKeys(actions).filter((key) => key.startsWith('validation'))).toEqual([]);
    const view = viewOf(actions);
    const validations = view.phase === 'running' ? (view.progress.validations ?? []) : [];
    expect(validations.map(validationLine)).toEqual([
      expect.stringContaining(
        'build:1 not proven (its check passes before the work) → contract fix W0.2',
      ),
    ]);
  });

  it('starts it once: a second decide while its session runs, as a replica would, starts none', () => {
    const snapshot = contracted({
      runs: [
        ...deliveredRuns(),
        validateRun(2, sha('c1')),
        make.run({
          id: 7400,
          role: 'contract',
          worker: 'W0.2',
          status: 'in_progress',
          conclusion: null,
        }),
      ],
      validations: [unprovenM2(sha('c1'), 'W0.2')],
    });
    expect(dispatched(decide({ snapshot, config, now: NOW }))).toEqual([]);
  });

  /**
   * W0.2's pull request merged after M2's validation at c1 proved nothing of
   * W1.1's check: the build branch moved to `head`; `runs` and `validations`
   * came after.
   */
  const fixMerged = (
    runs: BuildSnapshot['runs'] = [],
    validations: BuildSnapshot['validations'] = [],
  ): BuildSnapshot =>
    contracted({
      pulls: [
        make.pull({ number: 101, worker: 'W1.1', state: 'merged' }),
        make.pull({ number: 103, worker: 'W2.1', state: 'merged' }),
        make.pull({ number: 104, worker: 'W0.2', state: 'merged' }),
      ],
      runs: [
        ...deliveredRuns(),
        validateRun(2, sha('c1')),
        make.run({ id: 7400, worker: 'W0.2', role: 'contract' }),
        ...runs,
      ],
      validations: [unprovenM2(sha('c1'), 'W0.2'), ...validations],
    });

  it('validates the milestone again once the contract fix merged', () => {
    const snapshot = fixMerged();
    expect(dispatched(decide({ snapshot, config, now: NOW }))).toEqual([
      `validate M2 head-${head}`,
    ]);
  });

  it('goes on without the proof when a writer skips the contract fix: the final pull request opens and says what was not proven', () => {
    const skipped = (by: string) =>
      contracted({
        runs: [...deliveredRuns(), validateRun(2, sha('c1'))],
        validations: [unprovenM2(sha('c1'), 'W0.2')],
        commands: [
          make.command({ name: 'skip', worker: 'W1.2' }),
          make.command({ name: 'skip', worker: 'W0.2' }, { author: by, commentId: 901 }),
        ],
      });
    const actions = decide({ snapshot: skipped('maria'), config, now: NOW });
    expect(dispatched(actions)).toEqual([]);
    expect(noticeKeys(actions).filter((key) => key.startsWith('validation'))).toEqual([]);
    const open = actions.find((action) => action.kind === 'open-final-pull');
    expect(open?.kind === 'open-final-pull' && open.body).toContain(
      '⚠️ not proven: passed before the work',
    );
    const view = viewOf(actions);
    const validations = view.phase === 'running' ? (view.progress.validations ?? []) : [];
    expect(validations.map(validationLine)).toEqual([
      expect.stringContaining(
        '☑️ Milestone 2 goes on unproven on `0000000`: build:1 not proven (its check passes before the work), and maria skipped W0.2, its contract fix: the build goes on without that proof',
      ),
    ]);
    // A check that failed is no one's to skip past: the milestone still waits for its fix.
    const failing = contracted({
      runs: [...deliveredRuns(), validateRun(2, sha('c1'))],
      validations: [
        makeValidation({
          run_id: 7300,
          head: sha('c1'),
          passed: false,
          failed: [{ check: 'build:1', worker: 'W0.2' }],
          checks: [{ ...notProven, before: 'failed', after: 'failed', verdict: 'failing' }],
        }),
      ],
      commands: skipped('maria').commands,
    });
    expect(kinds(decide({ snapshot: failing, config, now: NOW }))).not.toContain('open-final-pull');
  });

  it('asks a person, once, when the check passes before the work again after its fix, and starts nothing', () => {
    const snapshot = fixMerged(
      [validateRun(2, head, { id: 7301 })],
      [unprovenM2(head, null, 7301)],
    );
    const actions = decide({ snapshot, config, now: NOW });
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions)).not.toContain('open-final-pull');
    const notices = actions.flatMap((action) => (action.kind === 'notice' ? [action.body] : []));
    expect(notices).toEqual([
      expect.stringMatching(
        /Milestone 2: the check of build:1 passed on the contract's commit, before the work.*Baton adds no other\. A person decides/s,
      ),
    ]);
  });
});
