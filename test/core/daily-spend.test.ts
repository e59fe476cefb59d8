import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import { decide } from '../../src/core/decide/decide.js';
import { spentOnDay } from '../../src/core/snapshot/daily-spend.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import { makeConfig, makeSnapshot, makeUsageRecord, NOW, validPlan } from './factories.js';

const today = (hour: number) => `2026-03-01T${String(hour).padStart(2, '0')}:00:00Z`;
const dated = (runId: number, cost: number, at: string, repository = 'acme/shop') => ({
  repository,
  ref: `9-other/usage/${runId}-1`,
  at,
  record: makeUsageRecord({ run_id: runId, cost }),
});

describe('spentOnDay', () => {
  it.each([
    { name: 'nothing', records: [], usd: 0 },
    {
      name: 'two records today',
      records: [dated(1, 1.5, today(1)), dated(2, 0.5, today(23))],
      usd: 2,
    },
    {
      name: 'yesterday and tomorrow left out',
      records: [
        dated(1, 1, '2026-02-28T23:59:59Z'),
        dated(2, 1, '2026-03-02T00:00:00Z'),
        dated(3, 0.25, today(0)),
      ],
      usd: 0.25,
    },
    {
      name: 'one session counted once',
      records: [dated(1, 1, today(1)), dated(1, 1, today(2))],
      usd: 1,
    },
    {
      name: 'the same run id in two repositories counted in each (each tied to its own run)',
      records: [dated(1, 1, today(1)), dated(1, 1, today(1), 'acme/other')],
      usd: 2,
    },
    { name: 'a date that is not one', records: [dated(1, 1, 'soon')], usd: 0 },
  ])('$name', ({ records, usd }) => {
    expect(spentOnDay(records, NOW)).toBeCloseTo(usd, 9);
  });
});

describe('decide: budget.dailyUsd', () => {
  const planned = validPlan();
  function decideWith(records: ReturnType<typeof dated>[], overrides: object = {}) {
    return decide({
      snapshot: makeSnapshot({
        plan: planned,
        repoUsage: records,
        ...overrides,
      }),
      config: makeConfig({ approval: 'none', budget: { dailyUsd: 2 } } as Partial<Config>),
      now: NOW,
    });
  }

  it('starts no session and posts a notice once the day’s spend reaches the cap', () => {
    const actions = decideWith([dated(1, 1.5, today(1)), dated(2, 0.5, today(2))]);
    expect(actions.filter((action) => action.kind === 'dispatch')).toEqual([]);
    const notice = actions.find((action) => action.kind === 'notice');
    expect(notice?.kind === 'notice' ? notice.key : '').toBe('daily-budget/2026-03-01');
  });

  it('starts sessions below the cap', () => {
    const actions = decideWith([dated(1, 1.99, today(1)), dated(2, 5, '2026-02-28T12:00:00Z')]);
    expect(actions.some((action) => action.kind === 'dispatch')).toBe(true);
  });

  it('does not start the first plan once the cap is reached', () => {
    const actions = decideWith([dated(1, 2, today(1))], { plan: { kind: 'missing' }, runs: [] });
    expect(actions.filter((action) => action.kind === 'dispatch')).toEqual([]);
    expect(actions.some((action) => action.kind === 'notice')).toBe(true);
  });
});

describe('decide: the installation’s daily cap (BATON_INSTALLATION_DAILY_USD)', () => {
  const planned = validPlan();
  function decideWith({
    repo = [],
    installation,
    dailyUsd = null,
    overrides = {},
  }: {
    repo?: ReturnType<typeof dated>[];
    installation?: { capUsd: number; records: ReturnType<typeof dated>[] };
    dailyUsd?: number | null;
    overrides?: object;
  }) {
    return decide({
      snapshot: makeSnapshot({
        plan: planned,
        repoUsage: repo,
        ...(installation ? { installationUsage: installation } : {}),
        ...overrides,
      }),
      config: makeConfig({ approval: 'none', budget: { dailyUsd } } as Partial<Config>),
      now: NOW,
    });
  }
  const dispatched = (actions: ReturnType<typeof decide>) =>
    actions.some((action) => action.kind === 'dispatch');
  const noticeKeys = (actions: ReturnType<typeof decide>) =>
    actions.flatMap((action) => (action.kind === 'notice' ? [action.key] : []));

  it.each([
    { name: 'no cap set', installation: undefined, goes: true, keys: [] },
    {
      name: 'under the cap (other repositories’ records, yesterday’s left out)',
      installation: {
        capUsd: 5,
        records: [
          dated(1, 2, today(1)),
          dated(2, 2.99, today(2)),
          dated(3, 9, '2026-02-28T23:00:00Z'),
        ],
      },
      goes: true,
      keys: [],
    },
    {
      name: 'reached by other repositories',
      installation: { capUsd: 5, records: [dated(1, 3, today(1)), dated(2, 2, today(2))] },
      goes: false,
      keys: ['installation-daily-budget/2026-03-01'],
    },
    {
      name: 'one session counted once',
      installation: { capUsd: 5, records: [dated(1, 3, today(1)), dated(1, 3, today(2))] },
      goes: true,
      keys: [],
    },
    {
      name: 'a cap of 0 is no cap',
      installation: { capUsd: 0, records: [dated(1, 3, today(1))] },
      goes: true,
      keys: [],
    },
  ])('$name', ({ installation, goes, keys }) => {
    const actions = decideWith(installation ? { installation } : {});
    expect(dispatched(actions)).toBe(goes);
    expect(noticeKeys(actions)).toEqual(keys);
  });

  it('says both caps when both are reached, each with its own notice', () => {
    const records = [dated(1, 3, today(1))];
    const actions = decideWith({
      repo: records,
      dailyUsd: 2,
      installation: { capUsd: 3, records },
    });
    expect(dispatched(actions)).toBe(false);
    expect(noticeKeys(actions)).toEqual([
      'daily-budget/2026-03-01',
      'installation-daily-budget/2026-03-01',
    ]);
    const notice = actions.find(
      (action) => action.kind === 'notice' && action.key.startsWith('installation'),
    );
    const body = notice?.kind === 'notice' ? notice.body : '';
    expect(body).toContain('$3.00 today (2026-03-01, UTC)');
    expect(body).toContain('daily cap of $3.00');
    expect(body).toContain('00:00 UTC');
    expect(body).toContain('`BATON_INSTALLATION_DAILY_USD`');
    expect(body).toContain('merges go on');
  });

  it.each([
    { scope: 'repository', dailyUsd: 2, capUsd: 100, text: '`budget.dailyUsd` $2.00' },
    {
      scope: 'installation',
      dailyUsd: null,
      capUsd: 2,
      text: '`BATON_INSTALLATION_DAILY_USD` $2.00',
    },
  ])(
    'the status of a first plan the $scope cap holds says it waits for the daily cap',
    ({ dailyUsd, capUsd, text }) => {
      const records = [dated(1, 2, today(1))];
      const actions = decideWith({
        repo: records,
        dailyUsd,
        installation: { capUsd, records },
        overrides: { plan: { kind: 'missing' }, runs: [] },
      });
      expect(dispatched(actions)).toBe(false);
      const render = actions.find((action) => action.kind === 'render-status');
      const status = render?.kind === 'render-status' ? renderStatus(render.view) : '';
      expect(status).toContain('Waiting for the daily cap');
      expect(status).toContain(text);
      expect(status).not.toContain('starting the session');
    },
  );

  it('a first plan under both caps shows planning as before', () => {
    const actions = decideWith({
      installation: { capUsd: 5, records: [] },
      overrides: { plan: { kind: 'missing' }, runs: [] },
    });
    expect(dispatched(actions)).toBe(true);
    const render = actions.find((action) => action.kind === 'render-status');
    const status = render?.kind === 'render-status' ? renderStatus(render.view) : '';
    expect(status).toContain('Planning…');
  });
});
