import { describe, expect, it } from 'vitest';
import { type Action, lockFor } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import type { BuildSnapshot, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import { dispatched, noticeKeys, viewOf } from './decide-helpers.js';
import {
  ago,
  deliveredRuns,
  deliveredSnapshot,
  fixRun,
  INTEGRATION_SHA,
  make,
  NOW,
  planOf,
  planRun,
  sha,
  validateRun,
  validContract,
  validPlan,
} from './factories.js';

const HEAD = sha('a1');

/**
 * The usage record of a session the budget stopped: $0.50 was left when it
 * started, and its next model request needed a dollar limit of $1.20.
 */
function stopped(
  run: RunInfo,
  overrides: Parameters<typeof make.usageRecord>[0] = {},
): UsageRecord {
  return make.usageRecord({
    run_id: run.id,
    role: run.role,
    worker: run.worker,
    outcome: 'failed',
    cost: 0,
    limit: 'budget',
    limit_usd: 0.5,
    needed_usd: 1.2,
    ...overrides,
  });
}

/** Every run delivered at no cost but the plan's $1.50, so the budget of $2 has $0.50 left. */
function paidFor(runs: RunInfo[], stop: UsageRecord): UsageRecord[] {
  return runs.map((run) =>
    run.id === stop.run_id
      ? stop
      : make.usageRecord({
          run_id: run.id,
          role: run.role,
          worker: run.worker,
          cost: run.role === 'plan' ? 1.5 : 0,
        }),
  );
}

interface RoleCase {
  /** The build with its run the budget stopped, and every other run paid for. */
  snapshot: (record?: Partial<UsageRecord>) => BuildSnapshot;
  /** The stopped run. */
  run: RunInfo;
  /** What a raise dispatches: `role worker trigger`. */
  again: string;
}

const failedRun = (run: Partial<RunInfo>): RunInfo =>
  make.run({ conclusion: 'failure', updatedAt: ago(10), ...run });

/**
 * A role's case: `run` stopped among `runs`, in the snapshot `snapshotOf` makes with them
 * and what each paid; `spent`, what the stopped session itself spent (nothing unless given).
 */
function roleCase(
  { run, runs, again, spent = 0 }: { run: RunInfo; runs: RunInfo[]; again: string; spent?: number },
  snapshotOf: (paid: { runs: RunInfo[]; usage: UsageRecord[] }) => BuildSnapshot,
): RoleCase {
  return {
    run,
    again,
    snapshot: (record) =>
      snapshotOf({ runs, usage: paidFor(runs, stopped(run, { cost: spent, ...record })) }),
  };
}

/** One worker, W1.1: its first work session stopped, no pull request. */
function workCase(): RoleCase {
  const run = failedRun({ id: 7011, worker: 'W1.1' });
  return roleCase({ run, runs: [planRun(), run], again: 'work W1.1 -' }, (paid) =>
    make.snapshot({ plan: planOf('W1.1'), ...paid }),
  );
}

/** The contract's worker W0.1: its contract session stopped, no pull request. */
function contractCase(): RoleCase {
  const run = failedRun({ id: 7001, role: 'contract', worker: 'W0.1' });
  const plan = make.plan({
    criteria: ['a visitor signs in'],
    workers: [
      make.worker({ id: 'W0.1', title: 'The contract' }),
      make.worker({ id: 'W1.1', depends_on: ['W0.1'] }),
    ],
  });
  return roleCase({ run, runs: [planRun(), run], again: 'contract W0.1 -' }, (paid) =>
    make.snapshot({ plan: validPlan(plan), ...paid }),
  );
}

/** W1.1's pull request #101 at HEAD: its review session stopped. */
function reviewCase(): RoleCase {
  const run = failedRun({ id: 7101, role: 'review', trigger: `head-${HEAD}`, createdAt: ago(30) });
  const runs = [planRun(), make.run({ id: 7011 }), run];
  return roleCase({ run, runs, again: `review W1.1 head-${HEAD}` }, (paid) =>
    make.snapshot({
      plan: planOf('W1.1'),
      pulls: [make.pull()],
      ...paid,
    }),
  );
}

/** W1.1's review asked for changes: the fix session that answers it stopped. */
function fixCase(): RoleCase {
  const run = failedRun({ ...fixRun('review-501'), conclusion: 'failure', updatedAt: ago(10) });
  const review = make.review({ id: 501, verdict: 'changes-requested', commitSha: HEAD });
  const runs = [
    planRun(),
    make.run({ id: 7011 }),
    make.run({ id: 7101, role: 'review', trigger: `head-${HEAD}`, createdAt: ago(45) }),
    run,
  ];
  return roleCase({ run, runs, again: 'fix W1.1 review-501' }, (paid) =>
    make.snapshot({
      plan: planOf('W1.1'),
      pulls: [make.pull({ reviews: [review] })],
      ...paid,
    }),
  );
}

/** Every worker done, with a contract: the last milestone's validation session stopped. */
function validateCase(): RoleCase {
  const run = validateRun(2, INTEGRATION_SHA, { conclusion: 'failure', updatedAt: ago(10) });
  const runs = [...deliveredRuns(), run];
  return roleCase({ run, runs, again: `validate M2 head-${INTEGRATION_SHA}` }, (paid) =>
    deliveredSnapshot({ contract: validContract(), ...paid }),
  );
}

/** No plan yet: the plan session stopped after spending $1.50 of it. */
function planCase(): RoleCase {
  const run = failedRun({ ...planRun(), conclusion: 'failure', updatedAt: ago(10) });
  return roleCase({ run, runs: [run], again: 'plan - -', spent: 1.5 }, (paid) =>
    make.snapshot({ plan: { kind: 'missing' }, ...paid }),
  );
}

/** An improvement series' first loop: its research session stopped after spending $1.50. */
function researchCase(): RoleCase {
  const improve = make.command(
    { name: 'improve', loops: 2 },
    { commentId: 77, createdAt: ago(300) },
  );
  const run = failedRun({ id: 8010, role: 'research', worker: 'L1', trigger: 'comment-77' });
  return roleCase({ run, runs: [run], again: 'research L1 comment-77', spent: 1.5 }, (paid) =>
    make.snapshot({ plan: { kind: 'missing' }, commands: [improve], ...paid }),
  );
}

/** A research build with every worker delivered: its synthesis session stopped. */
function synthesisCase(): RoleCase {
  const run = failedRun({ id: 7100, role: 'synthesis', worker: null, createdAt: ago(30) });
  const runs = [...deliveredRuns(), run];
  return roleCase({ run, runs, again: 'synthesis - -' }, (paid) =>
    deliveredSnapshot({
      plan: { kind: 'valid', plan: make.plan({ type: 'research' }), sha: sha('p1') },
      ...paid,
    }),
  );
}

const ROLES: [string, () => RoleCase][] = [
  ['plan', planCase],
  ['research', researchCase],
  ['synthesis', synthesisCase],
  ['work', workCase],
  ['contract', contractCase],
  ['review', reviewCase],
  ['fix', fixCase],
  ['validate', validateCase],
];

function decideAt(snapshot: BuildSnapshot, maxUsd: number, now = NOW): Action[] {
  return decide({ snapshot, config: make.config({ approval: 'none', budget: { maxUsd } }), now });
}

/** The status comment's text, as people read it. */
function statusText(actions: Action[]): string {
  return renderStatus(viewOf(actions));
}

describe('a cap stops, a raise resumes: one rule for every role', () => {
  it.each(ROLES)(
    'reads a %s session the budget stopped as waiting for money, with what it needs',
    (_, of) => {
      const { snapshot } = of();
      const actions = decideAt(snapshot(), 2);
      expect(dispatched(actions)).toEqual([]);
      const status = statusText(actions);
      expect(status).toContain("the build's budget (`budget.maxUsd`) stopped its");
      expect(status).toContain('it needs $1.20 to go on and $0.50 is left');
      expect(status).toContain('raise `budget.maxUsd` in `.github/baton.yml` by $0.70 or more');
      // Not a session that did nothing: no person is asked for, no failure is reported.
      expect(status).toContain('waits for budget');
      expect(status).not.toMatch(/ended without|🙋 \*\*|❌ W/);
      expect(noticeKeys(actions).filter((key) => /needs-human|failed/.test(key))).toEqual([]);
      // One notice, keyed to the stopped run: a person is told once what to raise.
      expect(noticeKeys(actions).filter((key) => key.includes('budget'))).toHaveLength(1);
    },
  );

  it.each(ROLES)(
    'dispatches the same %s session again once the budget is raised, guarded as its first dispatch',
    (_, of) => {
      const { snapshot, run, again } = of();
      const actions = decideAt(snapshot(), 3);
      expect(dispatched(actions)).toEqual([again]);
      const dispatch = actions.find((action) => action.kind === 'dispatch');
      if (dispatch?.kind !== 'dispatch') throw new Error('no dispatch');
      expect(dispatch.request.resume).toBe(run.id);
      // Two replicas' twin dispatches of one raise take the same guard; a later stop, another.
      const lock = lockFor(dispatch.request);
      expect(lockFor({ ...dispatch.request })).toEqual(lock);
      if (lock.kind === 'lock-ref') {
        expect(lock.ref).toMatch(new RegExp(`-resume-${run.id}$`));
        expect(lockFor({ ...dispatch.request, resume: run.id + 1 })).not.toEqual(lock);
      } else {
        // A review, a validation and a fix of red checks guard themselves, as their first runs do.
        const { resume: _resume, ...first } = dispatch.request;
        expect(lock).toEqual(lockFor(first));
      }
    },
  );

  it.each(ROLES)(
    'dispatches the %s session no second time once the first raise dispatched it',
    (_, of) => {
      const { snapshot, run, again } = of();
      const first = snapshot();
      const [role, worker, trigger] = again.split(' ');
      const resumed = make.run({
        id: run.id + 1000,
        role: role as RunInfo['role'],
        worker: worker === '-' ? null : (worker ?? null),
        trigger: trigger === '-' ? null : (trigger as RunInfo['trigger']),
        status: 'queued',
        conclusion: null,
        createdAt: ago(1),
        updatedAt: ago(1),
      });
      const actions = decideAt({ ...first, runs: [...first.runs, resumed] }, 3);
      expect(dispatched(actions)).toEqual([]);
    },
  );

  it('says what is left as it is, never rounding a tenth of a cent to $0.00', () => {
    const { snapshot } = workCase();
    // The plan spent $1.50 of a budget of $1.501.
    expect(statusText(decideAt(snapshot(), 1.501))).toContain(
      'it needs $1.20 to go on and $0.001 is left',
    );
  });

  it.each(ROLES)('waits on for a %s session when the raise is less than it needs', (_, of) => {
    const { snapshot } = of();
    // $1.00 left now, and its next request needed $1.20.
    const actions = decideAt(snapshot(), 2.5);
    expect(dispatched(actions)).toEqual([]);
    expect(statusText(actions)).toContain('it needs $1.20 to go on and $1.00 is left');
  });

  it.each(ROLES)(
    'without what it needed, dispatches a %s session again only for more than it had',
    (_, of) => {
      const { snapshot } = of();
      const record = { needed_usd: undefined, limit_usd: 0.5 };
      expect(dispatched(decideAt(snapshot(record), 2))).toEqual([]);
      expect(dispatched(decideAt(snapshot(record), 2.6))).toHaveLength(1);
    },
  );

  it('validates a new head of the build branch afresh, not the head the budget stopped the validation on', () => {
    const { snapshot } = validateCase();
    const moved = sha('e9');
    const stale = snapshot();
    const actions = decideAt({ ...stale, integration: { sha: moved, containsDefault: true } }, 3);
    const dispatch = actions.find((action) => action.kind === 'dispatch');
    expect(dispatched(actions)).toEqual([`validate M2 head-${moved}`]);
    expect(dispatch?.kind === 'dispatch' ? dispatch.request.resume : 'none').toBeUndefined();
  });

  it.each(ROLES)('starts a %s session the day’s cap stopped again on a new day', (_, of) => {
    const { snapshot, again } = of();
    const day = snapshot({ limit: 'daily', limit_usd: 0.5, needed_usd: 1.2 });
    // Today the repository spent $9.80 of its $10 cap; the session was stopped at it.
    const spent = (at: string) => [
      {
        repository: 'acme/shop',
        ref: 'other/usage/9001-1',
        at,
        record: make.usageRecord({ run_id: 9001, cost: 9.8 }),
      },
    ];
    const config = make.config({
      approval: 'none',
      budget: { maxUsd: null, dailyUsd: 10 },
    });
    const today = decide({ snapshot: { ...day, repoUsage: spent(NOW) }, config, now: NOW });
    expect(dispatched(today)).toEqual([]);
    expect(statusText(today)).toContain(
      "the repository's daily cap (`budget.dailyUsd`) stopped its",
    );
    expect(statusText(today)).toContain("when the day's cap resets (00:00 UTC)");
    const tomorrow = new Date(Date.parse(NOW) + 24 * 3600_000).toISOString();
    const next = decide({ snapshot: { ...day, repoUsage: spent(NOW) }, config, now: tomorrow });
    expect(dispatched(next)).toEqual([again]);
  });
});
