import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import type { Plan } from '../../src/core/plan/plan.js';
import { owesValidation } from '../../src/core/rules/decide-validate.js';
import type { BuildSnapshot, PullInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { validationLine } from '../../src/core/status/render-validations.js';
import type { ValidationView } from '../../src/core/status/status-view.js';
import { memberChangeSet } from './change-set/set-factories.js';
import { dispatched, kinds, noticeKeys, viewOf } from './decide-helpers.js';
import {
  deliveredRuns,
  deliveredSnapshot,
  INTEGRATION_SHA,
  make,
  makeEvidence,
  makeValidation,
  NOW,
  sha,
  validateRun,
  validContract,
  validPlan,
} from './factories.js';

const config = make.config({ approval: 'none' });
const head = INTEGRATION_SHA;
const M2 = `validate M2 head-${head}`;

/** The delivered build (W1.1 and W2.1 merged, W1.2 skipped) with a contract on its build branch. */
function contracted(overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return deliveredSnapshot({ contract: validContract(), ...overrides });
}

/** Wave 1 done (W1.1 merged, W1.2 skipped), W2.1 not started. */
function firstWaveDone(overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return contracted({
    runs: deliveredRuns().slice(0, 2),
    pulls: [make.pull({ number: 101, worker: 'W1.1', state: 'merged' })],
    ...overrides,
  });
}

/** The delivered build with its contract, after the validate `runs` (with what `overrides` adds). */
function afterValidateRuns(runs: RunInfo[], overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return contracted({ runs: [...deliveredRuns(), ...runs], ...overrides });
}

/** The plan after a failed M2: W3.1 fixes the check, on the workers of wave 2. */
const withFix = validPlan(
  make.plan({
    workers: [
      ...make.plan().workers,
      make.worker({ id: 'W3.1', title: 'Fix: build:1 fails', depends_on: ['W2.1'] }),
    ],
  }),
);

const failedM2 = makeValidation({
  passed: false,
  exit_code: 1,
  failed: [{ check: 'build:1', worker: 'W3.1' }],
});

describe('decide: validators that did not write the code', () => {
  it.each<[string, BuildSnapshot, string[], boolean]>([
    ['with no contract, opens the final PR as before', deliveredSnapshot(), [], true],
    [
      'with a contract read invalid, validates nothing and holds nothing',
      deliveredSnapshot({ contract: { kind: 'invalid', problems: ['not JSON'] } }),
      [],
      true,
    ],
    ['validates the last milestone before the final PR', contracted(), [M2], false],
    [
      'validates the highest milestone reached, while later workers start',
      firstWaveDone(),
      ['work W2.1 -', `validate M1 head-${head}`],
      false,
    ],
    [
      'waits while the validation runs',
      afterValidateRuns([validateRun(2, head, { status: 'in_progress', conclusion: null })]),
      [],
      false,
    ],
    [
      'opens the final PR once the last milestone passed',
      afterValidateRuns([validateRun(2, head)], { validations: [makeValidation()] }),
      [],
      true,
    ],
    [
      'does not validate an earlier milestone again that passed on an earlier head',
      firstWaveDone({
        runs: [...deliveredRuns().slice(0, 2), validateRun(1, sha('e1'))],
        validations: [makeValidation({ milestone: 1, head: sha('e1') })],
      }),
      ['work W2.1 -'],
      false,
    ],
    [
      // A push while it ran (a writer's, the default branch merged in) is validated before the final PR opens on it.
      'validates the last milestone again on the head the final PR would open on, where it passed on an earlier one',
      afterValidateRuns([validateRun(2, sha('e1'))], {
        validations: [makeValidation({ head: sha('e1') })],
      }),
      [M2],
      false,
    ],
    [
      'holds the final PR on a failure whose fix worker runs in the next wave',
      contracted({ plan: withFix, validations: [failedM2] }),
      ['work W3.1 -'],
      false,
    ],
    [
      'holds the final PR when a failure got no fix worker, and validates no head twice',
      afterValidateRuns([validateRun(2, head)], {
        validations: [
          makeValidation({
            passed: false,
            exit_code: 1,
            failed: [{ check: 'command', worker: null }],
          }),
        ],
      }),
      [],
      false,
    ],
    [
      'validates again on a new head after a failure that got no fix worker',
      contracted({
        validations: [
          makeValidation({
            head: sha('e1'),
            passed: false,
            exit_code: 1,
            failed: [{ check: 'command', worker: null }],
          }),
        ],
      }),
      [M2],
      false,
    ],
    [
      'does not start a session that ended without a record on the same head again',
      afterValidateRuns([validateRun(2, head, { conclusion: 'failure' })]),
      [],
      false,
    ],
    [
      'starts another on a new head after a session that ended without a record',
      afterValidateRuns([validateRun(2, sha('e1'), { conclusion: 'failure' })]),
      [M2],
      false,
    ],
    [
      'waits for an earlier milestone validation that still runs',
      afterValidateRuns([validateRun(1, sha('e1'), { status: 'in_progress', conclusion: null })]),
      [],
      false,
    ],
    [
      'a pause holds it like any session',
      contracted({
        commands: [
          make.command({ name: 'skip', worker: 'W1.2' }),
          make.command({ name: 'pause' }, { commentId: 901 }),
        ],
      }),
      [],
      false,
    ],
  ])('%s', (_name, snapshot, sessions, opensFinal) => {
    const actions = decide({ snapshot, config, now: NOW });
    expect(dispatched(actions)).toEqual(sessions);
    expect(kinds(actions).includes('open-final-pull')).toBe(opensFinal);
  });

  it('holds the session at a reached budget', () => {
    const actions = decide({
      snapshot: contracted(),
      config: make.config({ approval: 'none', budget: { maxUsd: 0.000001 } }),
      now: NOW,
    });
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions)).not.toContain('open-final-pull');
  });

  it("shows each milestone's validation: passed, failed with the fix worker, running", () => {
    const snapshot = afterValidateRuns(
      [validateRun(1, sha('c1'), { id: 7301 }), validateRun(2, sha('c2'), { id: 7302 })],
      {
        plan: withFix,
        validations: [
          makeValidation({ milestone: 1, run_id: 7301, head: sha('c1') }),
          { ...failedM2, run_id: 7302, head: sha('c2') },
        ],
      },
    );
    const view = viewOf(decide({ snapshot, config, now: NOW }));
    expect(view.phase === 'running' && view.progress.validations).toEqual([
      {
        milestone: 1,
        state: 'passed',
        head: sha('c1'),
        url: expect.stringContaining('/7301'),
        failed: [],
      },
      {
        milestone: 2,
        state: 'failed',
        head: sha('c2'),
        url: expect.stringContaining('/7302'),
        failed: [{ check: 'build:1', worker: 'W3.1' }],
      },
    ]);
  });
});

describe('twin validate runs: two replicas dispatched the same validation, which takes no lock ref', () => {
  // The second run ended at once, finding the first's record, and leaves no record of its own.
  it.each([
    ['the first run recorded the head it was asked for', sha('c2')],
    ['the build branch moved before the first run checked it out', sha('c3')],
  ])('takes the first run’s record for both: %s', (_name, recorded) => {
    const snapshot = afterValidateRuns(
      [validateRun(2, sha('c2'), { id: 7302 }), validateRun(2, sha('c2'), { id: 7303 })],
      { plan: withFix, validations: [{ ...failedM2, run_id: 7302, head: recorded }] },
    );
    const actions = decide({ snapshot, config, now: NOW });
    // The fix worker starts; the milestone is not validated again as a session that ended without a record.
    expect(dispatched(actions)).toEqual(['work W3.1 -']);
    const view = viewOf(actions);
    expect(view.phase === 'running' && view.progress.validations).toEqual([
      {
        milestone: 2,
        state: 'failed',
        head: recorded,
        url: expect.stringContaining('/7302'),
        failed: [{ check: 'build:1', worker: 'W3.1' }],
      },
    ]);
  });
});

describe('the status of a validation', () => {
  it.each<[string, ValidationView, RegExp]>([
    ['running', view({ state: 'running' }), /Validating\*\* milestone 2 on `0000000`/],
    [
      'passed',
      view({ state: 'passed' }),
      /Milestone 2 validated on `0000000`: the contract's checks pass/,
    ],
    [
      'failed, with its fix worker',
      view({ state: 'failed', failed: [{ check: 'build:1', worker: 'W3.1' }] }),
      /failed validation on `0000000`: 1 check \(build:1\) → fix worker W3.1/,
    ],
    [
      'failed, with no fix worker',
      view({ state: 'failed', failed: [{ check: 'command', worker: null }] }),
      /no fix worker could be added to the plan: a person is needed/,
    ],
    ['a session without a record', view({ state: 'session-failed' }), /ended without a result/],
  ])('%s', (_name, validation, line) => {
    expect(validationLine(validation)).toMatch(line);
  });

  function view(overrides: Partial<ValidationView>): ValidationView {
    return { milestone: 2, state: 'passed', head: sha('c2'), url: null, failed: [], ...overrides };
  }
});

describe('the engine a validation runs on', () => {
  const engines = {
    approval: 'none' as const,
    session: { engine: { default: 'claude-code' as const } },
    verification: { validation: { engine: 'codex' as const } },
  };

  it('is verification.validation.engine, another than the work', () => {
    const actions = decide({
      snapshot: deliveredSnapshot({ contract: validContract() }),
      config: make.config(engines),
      now: NOW,
    });
    const dispatch = actions.find((action) => action.kind === 'dispatch');
    expect(dispatch?.kind === 'dispatch' && dispatch.request).toMatchObject({
      role: 'validate',
      engine: 'codex',
    });
  });

  it('is not one a /retry may choose for a worker by that alone', () => {
    const snapshot = firstWaveDone({
      commands: [
        make.command({ name: 'skip', worker: 'W1.2' }),
        make.command(
          { name: 'retry', worker: 'W2.1', instructions: '', engine: 'codex' },
          { commentId: 901 },
        ),
      ],
    });
    const actions = decide({ snapshot, config: make.config(engines), now: NOW });
    const work = actions.find(
      (action) => action.kind === 'dispatch' && action.request.role === 'work',
    );
    expect(work?.kind === 'dispatch' && work.request.engine).toBe('claude-code');
  });
});

describe('a validation that waits for a person', () => {
  it.each<[string, Partial<BuildSnapshot>]>([
    [
      'a failure no fix worker could be added for',
      {
        validations: [
          makeValidation({
            passed: false,
            exit_code: 1,
            failed: [{ check: 'command', worker: null }],
          }),
        ],
      },
    ],
    [
      'a session that ended without a result',
      { runs: [...deliveredRuns(), validateRun(2, head, { conclusion: 'failure' })] },
    ],
  ])('calls one with a notice: %s', (_name, overrides) => {
    const actions = decide({ snapshot: contracted(overrides), config, now: NOW });
    expect(noticeKeys(actions).filter((key) => key.startsWith('validation'))).toHaveLength(1);
  });

  it('calls no one while a fix worker carries the failure', () => {
    const actions = decide({
      snapshot: contracted({ plan: withFix, validations: [failedM2] }),
      config,
      now: NOW,
    });
    expect(noticeKeys(actions).filter((key) => key.startsWith('validation'))).toEqual([]);
  });
});

describe("a change set's validations: each member's in its repository, every final pull request after all", () => {
  const member = (unvalidated: string[]) =>
    memberChangeSet(unvalidated.length > 0 ? { unvalidated } : {});
  const passed = {
    runs: [...deliveredRuns(), validateRun(2, head)],
    validations: [makeValidation()],
  };

  it.each<[string, string[], boolean]>([
    ['opens its final PR once no member owes its last validation', [], true],
    ['holds its final PR while another member owes its last validation', ['acme/lib'], false],
  ])('%s', (_name, unvalidated, opensFinal) => {
    const snapshot = contracted({ ...passed, changeSet: member(unvalidated) });
    const actions = decide({ snapshot, config, now: NOW });
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions).includes('open-final-pull')).toBe(opensFinal);
  });

  it("maps only the criteria its own contract holds in its final PR's guide", () => {
    const criteria = ['acme/shop lists users', 'acme/lib exports getUser'];
    const snapshot = contracted({
      ...passed,
      plan: validPlan(make.plan({ criteria })),
      changeSet: { ...member([]), repositories: ['acme/lib', 'acme/shop'] },
    });
    const actions = decide({ snapshot, config, now: NOW });
    const final = actions.find((action) => action.kind === 'open-final-pull');
    const body = final?.kind === 'open-final-pull' ? final.body : '';
    expect(body).toContain('acme/shop lists users');
    expect(body).not.toContain('acme/lib exports getUser');
  });

  const withContract = make.plan({
    workers: [make.worker({ id: 'W0.2', contract: true }), ...make.plan().workers],
  });

  it.each<[string, Plan, Pick<BuildSnapshot, 'contract' | 'validations'>, boolean]>([
    ['a member without a contract owes nothing', make.plan(), {}, false],
    ['a member whose contract is not merged yet owes it', withContract, {}, true],
    [
      'a member whose last milestone has not passed owes it',
      withContract,
      { contract: validContract(), validations: [failedM2] },
      true,
    ],
    [
      'a member whose last milestone passed owes nothing',
      withContract,
      { contract: validContract(), validations: [makeValidation()] },
      false,
    ],
    [
      'a member whose contract cannot be read holds nothing, as a build',
      withContract,
      { contract: { kind: 'invalid', problems: ['not JSON'] } },
      false,
    ],
  ])('%s', (_name, slice, snapshot, owes) => {
    expect(owesValidation(snapshot, slice)).toBe(owes);
  });
});

describe("the seal bound to its publish: only a contract worker's merge that Baton's publish pushed may change the contract", () => {
  /** The contract's pull request, merged as `merge`, its head `head` with publish's evidence for it (unless `evidence` is false). */
  const contractPull = (merge: string, { evidence = true, head: at = sha('c9') } = {}) =>
    make.pull({
      number: 100,
      worker: 'W0.1',
      state: 'merged',
      headSha: at,
      mergeSha: merge,
      ...(evidence ? { evidence: makeEvidence([], { head: at }) } : {}),
    });
  /** The delivered build's merged pull requests, and `more`. */
  const pullsWith = (...more: PullInfo[]) => [...deliveredSnapshot().pulls, ...more];
  const passedAt = (overrides: Parameters<typeof makeValidation>[0]) =>
    afterValidateRuns([validateRun(2, head)], {
      pulls: pullsWith(contractPull(sha('c1'))),
      validations: [makeValidation(overrides)],
    });

  it.each<[string, BuildSnapshot, boolean]>([
    [
      "opens the final PR on a record whose contract is the contract's merge",
      passedAt({ contract_commits: [sha('c1')] }),
      true,
    ],
    ['opens it on a record from before the binding, which names no commit', passedAt({}), true],
    [
      'opens it where a push that rewrote the seal was reverted exactly',
      passedAt({ contract_commits: [sha('c1')], reverted: [{ commit: sha('e7'), by: sha('e8') }] }),
      true,
    ],
    [
      "holds it where a revert took back a contract's merge that publish sealed (the contract published again)",
      afterValidateRuns([validateRun(2, head)], {
        pulls: pullsWith(contractPull(sha('c1')), {
          ...contractPull(sha('c2'), { head: sha('c8') }),
          number: 104,
        }),
        validations: [
          makeValidation({
            contract_commits: [sha('c1')],
            reverted: [{ commit: sha('c2'), by: sha('e8') }],
          }),
        ],
      }),
      false,
    ],
    [
      'holds it where a later commit rewrote the seal (a push, not a merge)',
      passedAt({ contract_commits: [sha('e7'), sha('c1')] }),
      false,
    ],
    [
      "holds it where the contract's merge is of a head publish did not push",
      afterValidateRuns([validateRun(2, head)], {
        pulls: pullsWith(contractPull(sha('c1'), { evidence: false })),
        validations: [makeValidation({ contract_commits: [sha('c1')] })],
      }),
      false,
    ],
    [
      "holds it where the merge is a worker's not given the contract",
      afterValidateRuns([validateRun(2, head)], {
        pulls: [
          make.pull({
            number: 101,
            worker: 'W1.1',
            state: 'merged',
            mergeSha: sha('c1'),
            evidence: makeEvidence([]),
          }),
          make.pull({ number: 103, worker: 'W2.1', state: 'merged' }),
        ],
        validations: [makeValidation({ contract_commits: [sha('c1')] })],
      }),
      false,
    ],
  ])('%s', (_name, snapshot, opensFinal) => {
    const actions = decide({ snapshot, config, now: NOW });
    expect(kinds(actions).includes('open-final-pull')).toBe(opensFinal);
    expect(dispatched(actions)).toEqual([]);
  });

  it('shows the breach, calls the people Baton notifies once, and validates the same head no more', () => {
    const snapshot = passedAt({ contract_commits: [sha('e7'), sha('c1')] });
    const actions = decide({ snapshot, config, now: NOW });
    const view = viewOf(actions);
    const validation = view?.phase === 'running' ? view.progress.validations?.at(-1) : undefined;
    expect(validation).toMatchObject({ state: 'breach', head });
    expect(validation?.note).toContain(`commit ${sha('e7').slice(0, 7)} changed the contract`);
    expect(noticeKeys(actions).filter((key) => key.includes('breach'))).toHaveLength(1);
    // A new head is validated again.
    const moved = decide({
      snapshot: { ...snapshot, integration: { sha: sha('f1'), containsDefault: true } },
      config,
      now: NOW,
    });
    expect(dispatched(moved)).toEqual([`validate M2 head-${sha('f1')}`]);
  });

  it('takes the commits a rebase lands below a bound merge, and only with a rebase', () => {
    const snapshot = passedAt({ contract_commits: [sha('c1'), sha('c0')] });
    const rebase = make.config({ approval: 'none', merge: { method: 'rebase' } });
    expect(kinds(decide({ snapshot, config: rebase, now: NOW }))).toContain('open-final-pull');
    expect(kinds(decide({ snapshot, config, now: NOW }))).not.toContain('open-final-pull');
  });

  it("believes the reused outcomes on the contract's commit only from a record of Baton's with the same ones", () => {
    const checks = [
      { criterion: 'W1.1:1', before: 'failed', after: 'passed', verdict: 'proven' },
    ] as const;
    const first = makeValidation({
      milestone: 1,
      run_id: 7200,
      head: sha('e1'),
      contract_commit: sha('c1'),
      contract_commits: [sha('c1')],
      checks: [...checks],
    });
    const reusing = {
      contract_commit: sha('c1'),
      contract_commits: [sha('c1')],
      checks: [...checks],
      before_from: 7200,
    };
    const withRecords = (records: ReturnType<typeof makeValidation>[]) =>
      afterValidateRuns([validateRun(2, head)], {
        pulls: pullsWith(contractPull(sha('c1'))),
        validations: records,
      });
    const opens = (snapshot: BuildSnapshot) =>
      kinds(decide({ snapshot, config, now: NOW })).includes('open-final-pull');
    expect(opens(withRecords([first, makeValidation(reusing)]))).toBe(true);
    expect(opens(withRecords([makeValidation(reusing)]))).toBe(false);
    const forged = { ...first, checks: [{ ...checks[0], before: 'passed' as const }] };
    expect(opens(withRecords([forged, makeValidation(reusing)]))).toBe(false);
  });
});
