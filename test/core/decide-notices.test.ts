import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { findNotice } from '../../src/core/vocabulary/notice.js';
import { noticeKeys } from './decide-helpers.js';
import {
  ago,
  BUILD,
  deliveredSnapshot,
  fixRun,
  make,
  NOW,
  planOf,
  planRun,
  sha,
} from './factories.js';

const HEAD = sha('a1');
const LABELLED = { labelledBy: [{ label: 'orchestrate', login: 'maintainer' }] };
const oneWorker = planOf('W1.1');
const workRun = make.run({ id: 7011, worker: 'W1.1', createdAt: ago(60) });
const usage = (cost: number) => make.usageRecord({ run_id: 9001, cost });

const delivered = deliveredSnapshot;

const finalPull = {
  number: 200,
  state: 'open' as const,
  url: 'https://github.com/acme/shop/pull/200',
};
const running = { approval: 'none' } as const;

function notices(snapshot: BuildSnapshot, config: Partial<Config> | object = {}): Action[] {
  const actions = decide({ snapshot, config: make.config(config as Partial<Config>), now: NOW });
  return actions.filter((action) => action.kind === 'notice');
}

describe('decide: notices, when a person is needed and only then', () => {
  it.each<[string, BuildSnapshot, object, string[]]>([
    [
      'a plan waiting for /approve',
      make.snapshot(LABELLED),
      {},
      [`plan-ready/${sha('p1').slice(0, 12)}`],
    ],
    [
      'a plan that starts at once (approval: none)',
      make.snapshot({ ...LABELLED, runs: [planRun()] }),
      running,
      [],
    ],
    [
      'a plan still being written',
      make.snapshot({
        plan: { kind: 'missing' },
        runs: [planRun({ status: 'in_progress', conclusion: null, createdAt: ago(1) })],
      }),
      {},
      [],
    ],
    [
      'workers at work',
      make.snapshot({
        runs: [
          planRun(),
          make.run({
            id: 7011,
            worker: 'W1.1',
            status: 'in_progress',
            conclusion: null,
            createdAt: ago(5),
          }),
        ],
      }),
      running,
      [],
    ],
    [
      'a worker whose fix rounds are spent',
      make.snapshot({
        plan: oneWorker,
        runs: [
          planRun(),
          workRun,
          fixRun('review-7', { id: 7201 }),
          fixRun('checks-abc', { id: 7202 }),
        ],
        pulls: [
          make.pull({
            reviews: [make.review({ id: 9, commitSha: HEAD, verdict: 'changes-requested' })],
          }),
        ],
      }),
      running,
      [`needs-human/W1.1/fix-rounds/${HEAD.slice(0, 12)}`],
    ],
    [
      'a worker whose attempt failed',
      make.snapshot({
        plan: oneWorker,
        runs: [planRun(), make.run({ id: 7011, worker: 'W1.1', conclusion: 'failure' })],
      }),
      running,
      ['failed/W1.1/1'],
    ],
    [
      'a build whose sessions reached budget.maxUsd',
      make.snapshot({ plan: oneWorker, usage: [usage(12)] }),
      { ...running, budget: { maxUsd: 10 } },
      ['budget/10'],
    ],
    [
      'a build under its budget',
      make.snapshot({ plan: oneWorker, usage: [usage(2)] }),
      { ...running, budget: { maxUsd: 10 } },
      [],
    ],
    ['an open final pull request', delivered({ finalPull }), running, ['final-pull/200']],
    ['a delivered build', delivered({ finalPull: { ...finalPull, state: 'merged' } }), running, []],
  ])('for %s: %j', (_name, snapshot, config, expected) => {
    expect(noticeKeys(notices(snapshot, config))).toEqual(expected);
  });

  describe("a schedule's own budget", () => {
    const fired = (cost: number) =>
      make.snapshot({
        plan: oneWorker,
        runs: [planRun()],
        usage: [usage(cost)],
        ask: {
          by: 'bob',
          how: { way: 'schedule', schedule: 'upkeep' },
          at: ago(100),
          what: { kind: 'build', type: 'code' },
        },
      });
    const upkeep = { name: 'upkeep', cron: '0 6 * * *', brief: 'docs/upkeep.md' };
    const settings = (maxUsd: number | undefined) => ({
      ...running,
      budget: { maxUsd: 10 },
      schedules: [{ ...upkeep, ...(maxUsd === undefined ? {} : { maxUsd }) }],
    });
    const dispatched = (snapshot: BuildSnapshot, config: object) =>
      decide({ snapshot, config: make.config(config as Partial<Config>), now: NOW }).flatMap(
        (action) => (action.kind === 'dispatch' ? [action.request] : []),
      );

    it('pauses a build it fired at its maxUsd, naming the schedule', () => {
      const [notice, ...more] = notices(fired(4), settings(3));
      expect(more).toEqual([]);
      const body = notice?.kind === 'notice' ? notice.body : '';
      expect(findNotice(body)?.key).toBe('budget/3');
      expect(body).toContain('reaching `maxUsd` of the schedule `upkeep` ($3.00)');
      expect(dispatched(fired(4), settings(3))).toEqual([]);
    });

    it('tells each session it dispatches what the schedule’s budget has left', () => {
      expect(notices(fired(1), settings(3))).toEqual([]);
      expect(dispatched(fired(1), settings(3))).toMatchObject([
        { worker: 'W1.1', setBudgetUsd: 2 },
      ]);
    });

    it('is the repository’s budget where that is lower, or the schedule names none', () => {
      expect(noticeKeys(notices(fired(12), settings(50)))).toEqual(['budget/10']);
      expect(noticeKeys(notices(fired(4), settings(undefined)))).toEqual([]);
      expect(dispatched(fired(1), settings(undefined))[0]?.setBudgetUsd).toBeUndefined();
    });

    it('counts for the schedule’s builds alone', () => {
      const { ask: _ask, ...labelled } = fired(4);
      expect(noticeKeys(notices(labelled, settings(3)))).toEqual([]);
    });
  });

  it.each<[string, BuildSnapshot, object]>([
    ['the plan', make.snapshot(), {}],
    ['the final pull request', delivered({ finalPull }), running],
  ])('posts the notice for %s once: not when its marker is seen', (_name, snapshot, config) => {
    const [first] = noticeKeys(notices(snapshot, config));
    expect(first).toBeDefined();
    expect(notices({ ...snapshot, notices: [first ?? ''] }, config)).toEqual([]);
  });

  it('gives the same notices whatever the order and repeats of the truth', () => {
    const snapshot = delivered({ finalPull, ...LABELLED });
    const shuffled = { ...snapshot, runs: [...snapshot.runs].reverse().concat(snapshot.runs) };
    expect(notices(shuffled, running)).toEqual(notices(snapshot, running));
  });

  it('asks who labelled the issue to review the final PR as it opens, and posts no notice of it', () => {
    const open = decide({ snapshot: delivered(LABELLED), config: make.config(running), now: NOW });
    expect(open.find((action) => action.kind === 'open-final-pull')).toMatchObject({
      reviewers: ['maintainer'],
    });
    // The review request notifies them; a notice on the issue would tell them twice.
    expect(notices(delivered({ finalPull, ...LABELLED }), running)).toEqual([]);
  });

  it('tells the issue that the final PR is open, mentioning nobody, when nobody is known to ask', () => {
    const open = decide({ snapshot: delivered(), config: make.config(running), now: NOW });
    expect(open.find((action) => action.kind === 'open-final-pull')).toMatchObject({
      reviewers: [],
    });
    const [notice, ...more] = notices(delivered({ finalPull }), running);
    expect(more).toEqual([]);
    const body = notice?.kind === 'notice' ? notice.body : '';
    expect(findNotice(body)).toEqual({ build: BUILD, key: 'final-pull/200' });
    expect(body).toMatch(/-->\n📦 Every worker is done/);
    expect(body).toContain('merge it');
  });

  it.each<[string, Partial<BuildSnapshot>, object, string[], string]>([
    [
      'the notify list over the labeller',
      LABELLED,
      { notify: ['alice', '@bob'] },
      ['alice', 'bob'],
      '@alice @bob ',
    ],
    [
      'the labeller of the build label only',
      { labelledBy: [{ label: 'bug', login: 'x' }] },
      {},
      [],
      '📋',
    ],
    ['no bot', { labelledBy: [{ label: 'orchestrate', login: 'ci[bot]' }] }, {}, [], '📋'],
  ])('mentions %s', (_name, overrides, config, _logins, start) => {
    const [notice] = notices(make.snapshot(overrides), config);
    const body = notice?.kind === 'notice' ? notice.body : '';
    expect(body.split('\n')[1]?.startsWith(start)).toBe(true);
  });
});

describe('decide: the plan-ready notice counts its workers', () => {
  it.each([
    { plan: oneWorker, text: 'The plan is ready: 1 worker, estimated' },
    { plan: planOf('W1.1', 'W1.2'), text: 'The plan is ready: 2 workers, estimated' },
  ])('$text', ({ plan, text }) => {
    const [notice] = notices(make.snapshot({ ...LABELLED, plan }));
    expect(notice?.kind === 'notice' ? notice.body : '').toContain(text);
  });
});

describe('decide: a worker whose change publish refused', () => {
  const failedRun = make.run({
    id: 7011,
    worker: 'W1.1',
    conclusion: 'failure',
    createdAt: ago(60),
  });
  const approved = make.command({ name: 'approve' });
  it.each([
    { outcome: 'complete' as const, text: "W1.1 failed: publish refused the session's changes" },
    { outcome: 'failed' as const, text: 'W1.1 failed: the session failed' },
  ])('agent $outcome, run failed: "$text"', ({ outcome, text }) => {
    const snapshot = make.snapshot({
      plan: oneWorker,
      runs: [planRun(), failedRun],
      pulls: [],
      commands: [approved],
      completions: {},
      usage: [make.usageRecord({ run_id: 7011, role: 'work', worker: 'W1.1', outcome })],
    });
    const bodies = notices(snapshot).map((action) => (action.kind === 'notice' ? action.body : ''));
    expect(bodies.join('\n')).toContain(text);
  });
});
