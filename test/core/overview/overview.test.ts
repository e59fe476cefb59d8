import { describe, expect, it } from 'vitest';
import { renderStatusText } from '../../../src/cli/status-text.js';
import type { Access } from '../../../src/core/overview/build-read.js';
import { filteredOverview, filterOf, unknownDoorOf } from '../../../src/core/overview/filter.js';
import { buildDetailFor, overviewOf } from '../../../src/core/overview/overview.js';
import type { BuildSnapshot } from '../../../src/core/snapshot/snapshot.js';
import { shopBuild } from '../../support/page-builds.js';
import { ago, deliveredSnapshot, make, NOW, planOf, planRun } from '../factories.js';
import { readOf, viewer } from './overview-factories.js';

const running = make.config({ approval: 'none' });

/** acme/shop#12: W1.1 merged, W1.2's session failed, W2.1 waits for both. */
const shop = shopBuild();

/** acme/vault#3, a private repository's build, its plan waiting for /approve. */
const vault = readOf({
  repository: 'acme/vault',
  snapshot: make.snapshot({
    build: '3-rotate-keys',
    issue: { ...make.snapshot().issue, number: 3, title: 'Rotate the keys' },
    plan: planOf('W1.1'),
    runs: [planRun({ createdAt: ago(300), updatedAt: ago(290) })],
  }),
});

/** acme/docs#5, its plan waiting for /approve since 20 minutes ago. */
const docs = readOf({
  repository: 'acme/docs',
  snapshot: make.snapshot({
    build: '5-new-guide',
    issue: { ...make.snapshot().issue, number: 5, title: 'A new guide' },
    runs: [planRun({ createdAt: ago(30), updatedAt: ago(20) })],
  }),
});

const reads = [shop, vault, docs];
const alice = viewer('alice', { 'acme/shop': 'write', 'acme/vault': 'write', 'acme/docs': 'read' });
const bob = viewer('bob', { 'acme/shop': 'read', 'acme/docs': 'write' });

describe('overviewOf: only the builds GitHub lets the viewer read', () => {
  it.each<[string, Access, string[]]>([
    [
      'a writer of all three',
      alice,
      ['acme/docs/5-new-guide', 'acme/shop/12-add-login', 'acme/vault/3-rotate-keys'],
    ],
    [
      'someone who cannot read acme/vault',
      bob,
      ['acme/docs/5-new-guide', 'acme/shop/12-add-login'],
    ],
    ['someone GitHub lists nothing for', viewer('eve', {}), []],
    [
      'the app itself (baton status)',
      { kind: 'all' },
      ['acme/docs/5-new-guide', 'acme/shop/12-add-login', 'acme/vault/3-rotate-keys'],
    ],
  ])('%s', (_, access, keys) => {
    const overview = overviewOf({ reads, access, now: NOW });
    expect(overview.builds.map((row) => row.key).sort()).toEqual(keys);
    expect(JSON.stringify(overview).includes('Rotate the keys')).toBe(
      keys.includes('acme/vault/3-rotate-keys'),
    );
  });

  it('refuses a repository listed under another installation than the build was read in', () => {
    const elsewhere: Access = {
      kind: 'viewer',
      login: 'mallory',
      repositories: new Map([['acme/shop', { installationId: 2, permission: 'write' }]]),
    };
    expect(overviewOf({ reads, access: elsewhere, now: NOW }).builds).toEqual([]);
    expect(
      buildDetailFor({
        reads,
        access: elsewhere,
        key: `${shop.repository}/12-add-login`,
        now: NOW,
      }),
    ).toBeNull();
  });
});

describe('overviewOf: each build as a row', () => {
  const overview = overviewOf({ reads, access: alice, now: NOW });
  const row = overview.builds.find((one) => one.key === 'acme/shop/12-add-login');

  it('gives its phase, waves, workers, spend and last activity', () => {
    expect(row).toMatchObject({
      phase: 'running',
      title: 'Add login',
      issue: { number: 12, url: 'https://github.com/acme/shop/issues/12' },
      waves: [
        { wave: 1, done: 1, total: 2 },
        { wave: 2, done: 0, total: 1 },
      ],
      spentUsd: 3.5,
      lastActivity: ago(90),
    });
    expect(row?.workers.map((worker) => [worker.id, worker.state])).toEqual([
      ['W1.1', 'merged'],
      ['W1.2', 'failed'],
      ['W2.1', 'waiting'],
    ]);
  });

  it('lists the newest activity first', () => {
    expect(overview.builds.map((one) => one.key)).toEqual([
      'acme/docs/5-new-guide',
      'acme/shop/12-add-login',
      'acme/vault/3-rotate-keys',
    ]);
  });
});

describe('overviewOf: who asked for each build, through which door', () => {
  /** acme/ops#8, asked for by the nightly schedule, the asker the author of the schedule's commit. */
  const nightly = readOf({
    repository: 'acme/ops',
    snapshot: make.snapshot({
      build: '8-nightly',
      issue: { ...make.snapshot().issue, number: 8, title: 'Nightly upkeep' },
      runs: [planRun({ createdAt: ago(10), updatedAt: ago(5) })],
      ask: {
        by: 'carol',
        how: { way: 'schedule', schedule: 'nightly' },
        at: ago(10),
        what: { kind: 'build', type: 'code' },
        link: 'https://github.com/acme/ops/commit/abc1234',
      },
    }),
  });
  const all = { kind: 'all' } as const;
  const overview = overviewOf({ reads: [...reads, nightly], access: all, now: NOW });

  it('gives the record on the row: the door, the asker and the link to what asked', () => {
    expect(overview.builds.find((row) => row.key === 'acme/ops/8-nightly')?.asked).toEqual({
      door: 'schedule',
      by: 'carol',
      at: ago(10),
      link: 'https://github.com/acme/ops/commit/abc1234',
      mappedFrom: null,
    });
    // A build started before the record has no door.
    expect(overview.builds.find((row) => row.key === 'acme/docs/5-new-guide')?.asked).toBeNull();
  });

  it('keeps only the builds of the door the filter names; an unknown door filters nothing', () => {
    const kept = filteredOverview(overview, filterOf({ door: 'schedule' }));
    expect(kept.builds.map((row) => row.key)).toEqual(['acme/ops/8-nightly']);
    expect(filteredOverview(overview, filterOf({ door: 'label' })).builds).toEqual([]);
    expect(filterOf({ door: 'javascript:alert(1)' }).door).toBeNull();
    expect(unknownDoorOf('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(unknownDoorOf('jira')).toBeNull();
  });

  it('says it in baton status: who asked, through which door, and where', () => {
    expect(renderStatusText(overview)).toContain(
      'asked by carol through schedule  at: https://github.com/acme/ops/commit/abc1234',
    );
  });
});

describe('overviewOf: what waits for the viewer, oldest first, each with its command', () => {
  it.each<[string, Access, [string, string | null, string][], number]>([
    [
      'a writer of acme/shop and acme/vault (a reader of acme/docs)',
      alice,
      [
        ['approve-plan', '/approve', 'https://github.com/acme/vault/issues/3'],
        ['failed', '/retry W1.2 <instructions>', 'https://github.com/acme/shop/issues/12'],
      ],
      1,
    ],
    [
      'a writer of acme/docs alone',
      bob,
      [['approve-plan', '/approve', 'https://github.com/acme/docs/issues/5']],
      1,
    ],
  ])('%s', (_, access, items, others) => {
    const overview = overviewOf({ reads, access, now: NOW });
    expect(overview.waiting.map((item) => [item.kind, item.command, item.where.url])).toEqual(
      items,
    );
    expect(overview.waitingForOthers).toBe(others);
  });
});

describe('overviewOf: spend, grouped from the ledgers alone', () => {
  const { spend } = overviewOf({ reads, access: alice, now: NOW });

  it('adds up to the ledgers total by every grouping', () => {
    expect(spend.total.costUsd).toBe(3.5);
    for (const groups of [
      spend.byDay,
      spend.byRepository,
      spend.byEngine,
      spend.byModel,
      spend.byRole,
    ]) {
      expect(groups.reduce((usd, group) => usd + group.usd, 0)).toBeCloseTo(3.5, 10);
    }
  });

  it('groups by engine, by the model configured for the session, and by role', () => {
    const usd = (groups: { key: string; usd: number }[]) =>
      Object.fromEntries(groups.map((g) => [g.key, g.usd]));
    // The plan's record names no engine: it ran on the one the configuration gives plans.
    expect(usd(spend.byEngine)).toEqual({ baton: 3, codex: 0.5 });
    expect(usd(spend.byModel)).toEqual({
      'claude-opus-5-5': 1,
      'claude-sonnet-5-5': 2,
      'gpt-5.5': 0.5,
    });
    expect(usd(spend.byRole)).toEqual({ plan: 1, work: 2.5 });
  });

  it('gives the cost per merged worker pull request, and each running build against its budget', () => {
    expect(spend.perMergedPull).toEqual({ merged: 1, usd: 2, each: 2 });
    expect(spend.caps).toEqual([
      { scope: 'build', name: 'acme/shop/12-add-login', capUsd: 50, spentUsd: 3.5, share: 0.07 },
    ]);
  });
});

describe('buildDetailFor: a build s timeline, sessions per worker', () => {
  it('draws each session with its times, engine, model, cost and outcome', () => {
    const detail = buildDetailFor({
      reads,
      access: alice,
      key: 'acme/shop/12-add-login',
      now: NOW,
    });
    expect(
      detail?.lanes.map((lane) => [
        lane.lane,
        lane.sessions.map((bar) => [
          bar.runId,
          bar.engine,
          bar.model,
          bar.costUsd,
          bar.outcome,
          bar.seconds,
        ]),
      ]),
    ).toEqual([
      ['build', [[7000, 'baton', 'claude-opus-5-5', 1, 'delivered', 600]]],
      ['W1.1', [[7011, 'baton', 'claude-sonnet-5-5', 2, 'delivered', 1200]]],
      ['W1.2', [[7012, 'codex', 'gpt-5.5', 0.5, 'failed', 1200]]],
    ]);
    expect(detail?.span).toEqual({ from: ago(180), to: ago(100) });
  });

  it('is null for a build the viewer may not read', () => {
    expect(
      buildDetailFor({ reads, access: bob, key: 'acme/vault/3-rotate-keys', now: NOW }),
    ).toBeNull();
  });
});

describe('overviewOf: a runaway worker', () => {
  const looping: BuildSnapshot = make.snapshot({
    plan: planOf('W1.1'),
    runs: [
      planRun(),
      ...[1, 2, 3].map((n) =>
        make.run({
          id: 7100 + n,
          worker: 'W1.1',
          conclusion: 'failure',
          createdAt: ago(60 - n * 10),
        }),
      ),
    ],
  });

  it('is listed with its build, and waits for a person with /skip', () => {
    const overview = overviewOf({
      reads: [readOf({ snapshot: looping, config: running })],
      access: alice,
      now: NOW,
    });
    expect(overview.runaways.map((one) => [one.key, one.worker, one.reason, one.sessions])).toEqual(
      [['acme/shop/12-add-login', 'W1.1', 'failing', 3]],
    );
    expect(overview.waiting.map((item) => [item.kind, item.command])).toContainEqual([
      'runaway',
      '/skip W1.1',
    ]);
  });
});

describe('overviewOf: a worker the budget stopped', () => {
  const stoppedRun = make.run({
    id: 7101,
    worker: 'W1.1',
    conclusion: 'failure',
    createdAt: ago(30),
  });
  const stopped: BuildSnapshot = make.snapshot({
    plan: planOf('W1.1'),
    runs: [planRun(), stoppedRun],
    usage: [
      make.usageRecord({ run_id: 7000, cost: 1.5 }),
      make.usageRecord({
        run_id: 7101,
        role: 'work',
        worker: 'W1.1',
        outcome: 'failed',
        cost: 0,
        limit: 'budget',
        limit_usd: 0.5,
        needed_usd: 1.2,
      }),
    ],
  });

  it('waits for the budget, with what it needs and no command: a raise starts it again', () => {
    const overview = overviewOf({
      reads: [
        readOf({
          snapshot: stopped,
          config: make.config({ approval: 'none', budget: { maxUsd: 2 } }),
        }),
      ],
      access: alice,
      now: NOW,
    });
    const item = overview.waiting.find((one) => one.worker === 'W1.1');
    expect(item).toMatchObject({ kind: 'budget', command: null });
    expect(item?.text).toContain('W1.1 waits for budget: ');
    expect(item?.text).toContain('it needs $1.20 to go on and $0.50 is left');
  });
});

describe('overviewOf: the final pull request, as GitHub would answer its merge', () => {
  const alice = viewer('alice', { 'acme/shop': 'write' });
  const delivered = (mergeState?: 'clean' | 'dirty' | 'blocked' | 'behind') =>
    deliveredSnapshot({
      finalPull: {
        number: 120,
        state: 'open',
        url: 'https://github.com/acme/shop/pull/120',
        ...(mergeState ? { mergeState } : {}),
      },
    });
  const ask = (snapshot: BuildSnapshot) =>
    overviewOf({ reads: [readOf({ snapshot, config: running })], access: alice, now: NOW })
      .waiting.filter((item) => item.kind === 'final-pull')
      .map((item) => item.text);

  it.each([
    [undefined, 'review and merge the final pull request #120'],
    ['clean', 'review and merge the final pull request #120'],
    ['dirty', 'conflicts with the default branch: GitHub refuses its merge'],
    ['behind', 'must be brought up to date with the default branch before GitHub merges it'],
    ['blocked', 'GitHub holds its merge until its required reviews and checks pass'],
  ] as const)('with a merge state of %s, asks what GitHub would allow', (state, words) => {
    const [text] = ask(delivered(state));
    expect(text).toContain(words);
    if (state === 'dirty') expect(text).not.toContain('merge the final');
  });
});
