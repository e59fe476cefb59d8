import { describe, expect, it } from 'vitest';
import { auditTrail } from '../../../src/core/audit/audit-trail.js';
import type { BuildRead } from '../../../src/core/overview/build-read.js';
import type { BuildSnapshot } from '../../../src/core/snapshot/snapshot.js';
import type { SetRepositoryLine } from '../../../src/core/status/status-view.js';
import {
  ago,
  deliveredSnapshot,
  makeCommand,
  makePull,
  makeReview,
  makeRun,
  makeUsageRecord,
  sha,
} from '../factories.js';
import { readOf, viewer } from './overview-factories.js';

/** A delivered build: asked by alice, its plan approved by bob, W1.1 and W2.1 merged, W1.2 skipped. */
function wholeBuild(): BuildSnapshot {
  const delivered = deliveredSnapshot();
  const merged = (worker: string, number: number, minutes: number) =>
    makePull({
      worker,
      number,
      state: 'merged',
      mergedAt: ago(minutes),
      mergeSha: sha(`m${number}`),
      reviewCheck: { sha: sha('a1'), verdict: 'approve' },
      reviews: [makeReview({ commitSha: sha('a1') })],
    });
  return {
    ...delivered,
    ask: {
      by: 'alice',
      how: { way: 'label', label: 'orchestrate' },
      at: ago(120),
      what: { kind: 'build', type: 'code' },
    },
    statusComment: { id: 77, body: '' },
    pulls: [merged('W1.1', 101, 40), merged('W2.1', 103, 20)],
    commands: [
      makeCommand({ name: 'approve' }, { author: 'bob', commentId: 801, createdAt: ago(100) }),
      ...delivered.commands,
    ],
    usage: delivered.runs.map((run) =>
      makeUsageRecord({ run_id: run.id, role: run.role, worker: run.worker }),
    ),
  };
}

describe('the audit trail', () => {
  it('names every write and spend of a whole build, each with who, the door and its evidence', () => {
    const read = readOf({ repository: 'acme/shop', snapshot: wholeBuild() });
    const events = auditTrail({ reads: [read], access: { kind: 'all' } });
    expect(events[0]).toMatchObject({
      kind: 'ask',
      who: 'alice',
      door: 'label',
      what: 'code build',
      evidence: ['https://github.com/acme/shop/issues/12#issuecomment-77'],
    });
    const kinds = (kind: string) => events.filter((event) => event.kind === kind);
    // Every run Baton dispatched, with its run and what it spent by the ledger.
    expect(kinds('dispatch').map((event) => event.evidence)).toEqual(
      [...read.snapshot.runs]
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
        .map((run) => [run.url]),
    );
    expect(kinds('dispatch').every((event) => (event.costUsd ?? 0) > 0)).toBe(true);
    // Every command taken, with its comment.
    expect(kinds('command').map((event) => [event.who, event.what, event.evidence])).toEqual(
      expect.arrayContaining([
        ['bob', '/approve', ['https://github.com/acme/shop/issues/12#issuecomment-801']],
        ['alice', '/skip W1.2', ['https://github.com/acme/shop/issues/12#issuecomment-900']],
      ]),
    );
    // Every merge, with who approved it and on what evidence.
    expect(kinds('merge').map((event) => [event.what, event.who, event.evidence])).toEqual([
      [
        'merge #101 W1.1',
        'bob',
        [
          'https://github.com/acme/shop/pull/101',
          `commit ${sha('m101')}`,
          `baton/review approve at ${sha('a1')}`,
          `checks success at ${sha('a1')}`,
          'risk none (evidence none)',
        ],
      ],
      [
        'merge #103 W2.1',
        'bob',
        [
          'https://github.com/acme/shop/pull/103',
          `commit ${sha('m103')}`,
          `baton/review approve at ${sha('a1')}`,
          `checks success at ${sha('a1')}`,
          'risk none (evidence none)',
        ],
      ],
    ]);
    expect(events.map((event) => event.at)).toEqual(
      [...events.map((event) => event.at)].sort((a, b) => Date.parse(a) - Date.parse(b)),
    );
  });

  it('names what Baton said on the issue and pull requests: holds, stops for money, failures, refusals, the final pull request', () => {
    const posted = (
      kind: 'notice' | 'note',
      key: string,
      id: number,
      minutes: number,
      number = 12,
    ) => ({ kind, key, id, number, at: ago(minutes) });
    const snapshot: BuildSnapshot = {
      ...wholeBuild(),
      posted: [
        posted('notice', 'failed/W1.2/1', 901, 90),
        posted('notice', 'needs-human/W2.1/workflow/0123456789ab', 902, 80),
        posted('notice', 'daily-budget/2026-11-28', 903, 70),
        posted('note', 'refused-mallory', 904, 60, 103),
        posted('note', 'label-refused-eve', 905, 55),
        posted('note', 'reply-950', 906, 50),
        posted('note', 'base-conflict-abc', 907, 45),
        posted('notice', 'final-pull/120', 908, 10),
      ],
    };
    const events = auditTrail({ reads: [readOf({ snapshot })], access: { kind: 'all' } });
    const said = events.filter((event) => /#issuecomment-90[1-8]$/.test(event.evidence[0] ?? ''));
    expect(said.map((event) => [event.kind, event.who, event.door, event.what, event.why])).toEqual(
      [
        ['failure', 'alice', 'app', 'failed W1.2 1', null],
        ['hold', 'alice', 'app', 'needs-human W2.1 workflow 0123456789ab', 'workflow'],
        ['budget-stop', 'alice', 'app', 'daily-budget 2026-11-28', null],
        ['refusal', 'mallory', 'command', 'commands refused: no write access', null],
        ['refusal', 'eve', 'label', 'label refused: no write access', null],
        ['refusal', null, 'command', 'commands not taken: the reply says why', null],
        ['final-pull', 'alice', 'app', 'final-pull 120', null],
      ],
    );
    // Each with the comment that said it, on the issue or the pull request it is on.
    expect(said[3]?.evidence).toEqual(['https://github.com/acme/shop/pull/103#issuecomment-904']);
    expect(said[0]?.evidence).toEqual(['https://github.com/acme/shop/issues/12#issuecomment-901']);
  });

  it('keeps only what happened since the date asked', () => {
    const read = readOf({ snapshot: wholeBuild() });
    const events = auditTrail({ reads: [read], access: { kind: 'all' }, since: ago(30) });
    expect(events.map((event) => event.what)).toEqual(['merge #103 W2.1', '/skip W1.2']);
  });

  it("hides a private repository's events from a reader of another", () => {
    const shop = readOf({ repository: 'acme/shop', snapshot: wholeBuild() });
    const vault = readOf({ repository: 'acme/vault', snapshot: wholeBuild() });
    const bob = viewer('bob', { 'acme/shop': 'read' });
    const events = auditTrail({ reads: [shop, vault], access: bob });
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((event) => event.repository))).toEqual(new Set(['acme/shop']));
    expect(JSON.stringify(events)).not.toContain('vault');
    // The app's own credentials read both.
    const all = auditTrail({ reads: [shop, vault], access: { kind: 'all' } });
    expect(new Set(all.map((event) => event.repository))).toEqual(
      new Set(['acme/shop', 'acme/vault']),
    );
  });

  it.each([
    {
      limit: 'budget' as const,
      stoppedAt: ago(100),
      again: ago(40),
      who: 'alice',
      why: '`budget.maxUsd` raised',
    },
    {
      limit: 'daily' as const,
      stoppedAt: ago(100),
      again: ago(40),
      who: 'alice',
      why: '`budget.dailyUsd` raised',
    },
    {
      limit: 'daily' as const,
      stoppedAt: '2026-02-28T23:10:00Z',
      again: '2026-03-01T00:05:00Z',
      who: null,
      why: 'the day turned (2026-03-01 UTC)',
    },
  ])(
    'names a session started again after a $limit stop, and why: $why',
    ({ limit, stoppedAt, again, who, why }) => {
      const stopped = makeRun({
        id: 7101,
        worker: 'W1.2',
        createdAt: stoppedAt,
        updatedAt: stoppedAt,
      });
      const resumed = makeRun({ id: 7102, worker: 'W1.2', createdAt: again, updatedAt: again });
      // A later session of another worker is no resume, nor is a stop that delivered.
      const other = makeRun({ id: 7103, worker: 'W2.1', createdAt: again, updatedAt: again });
      const whole = wholeBuild();
      const snapshot: BuildSnapshot = {
        ...whole,
        runs: [...whole.runs, stopped, resumed, other],
        usage: [
          ...(whole.usage ?? []),
          makeUsageRecord({ run_id: 7101, role: 'work', worker: 'W1.2', outcome: 'failed', limit }),
          makeUsageRecord({
            run_id: 7103,
            role: 'work',
            worker: 'W2.1',
            outcome: 'complete',
            limit,
          }),
        ],
      };
      const events = auditTrail({ reads: [readOf({ snapshot })], access: { kind: 'all' } });
      expect(events.filter((event) => event.kind === 'resume')).toEqual([
        {
          at: again,
          repository: 'acme/shop',
          build: snapshot.build,
          kind: 'resume',
          who,
          door: 'app',
          what: 'resume work W1.2',
          why,
          evidence: [resumed.url, stopped.url],
          costUsd: null,
        },
      ]);
    },
  );

  it('names who raised the cap: the author of the last commit that raised it between the stop and the start again', () => {
    const stopped = makeRun({ id: 7101, worker: 'W1.2', createdAt: ago(100), updatedAt: ago(95) });
    const resumed = makeRun({ id: 7102, worker: 'W1.2', createdAt: ago(40), updatedAt: ago(40) });
    const whole = wholeBuild();
    const snapshot: BuildSnapshot = {
      ...whole,
      runs: [...whole.runs, stopped, resumed],
      usage: [
        ...(whole.usage ?? []),
        makeUsageRecord({
          run_id: 7101,
          role: 'work',
          worker: 'W1.2',
          outcome: 'failed',
          limit: 'budget',
        }),
      ],
    };
    const commit = (by: string) => `https://github.com/acme/shop/commit/${sha(by)}`;
    const raise = (by: string, at: string, field: 'maxUsd' | 'dailyUsd' = 'maxUsd') => ({
      repository: 'acme/shop',
      field,
      by,
      at,
      url: commit(by),
    });
    const raises = [
      raise('carol', ago(120)), // before the stop
      raise('bob', ago(70)),
      raise('dave', ago(60), 'dailyUsd'), // another cap
      raise('erin', ago(30)), // after the start again
      { ...raise('mallory', ago(50)), repository: 'acme/other' },
    ];
    const [event] = auditTrail({
      reads: [readOf({ snapshot })],
      access: { kind: 'all' },
      raises,
    }).filter((one) => one.kind === 'resume');
    expect(event).toMatchObject({
      who: 'bob',
      why: '`budget.maxUsd` raised by bob',
      evidence: [resumed.url, stopped.url, commit('bob')],
    });
    // A commit GitHub links to no account: the asker stands accountable, the commit is evidence.
    const [unlinked] = auditTrail({
      reads: [readOf({ snapshot })],
      access: { kind: 'all' },
      raises: [{ ...raise('bob', ago(70)), by: null }],
    }).filter((one) => one.kind === 'resume');
    expect(unlinked).toMatchObject({
      who: 'alice',
      why: '`budget.maxUsd` raised',
      evidence: [resumed.url, stopped.url, commit('bob')],
    });
  });

  it("names each revert of a change set's rollback in the repository it reverts, for its readers only", () => {
    const line = (name: string, final: number, revert: number | null): SetRepositoryLine =>
      ({
        name,
        url: `https://github.com/${name}`,
        final: { number: final, url: `https://github.com/${name}/pull/${final}`, state: 'merged' },
        revert: revert
          ? { number: revert, url: `https://github.com/${name}/pull/${revert}`, state: 'open' }
          : null,
      }) as SetRepositoryLine;
    const read = readOf({ snapshot: wholeBuild() });
    const home: BuildRead = {
      ...read,
      view: read.view && {
        ...read.view,
        changeSet: {
          home: 'acme/shop',
          repositories: [
            line('acme/vault', 40, 44),
            line('acme/shop', 120, 131),
            line('acme/docs', 9, null),
          ],
          rollback: { by: 'bob', at: ago(5) },
        },
      },
    };
    const rollbacks = (events: ReturnType<typeof auditTrail>) =>
      events.filter((event) => event.kind === 'rollback');
    expect(rollbacks(auditTrail({ reads: [home], access: { kind: 'all' } }))).toEqual([
      {
        at: ago(5),
        repository: 'acme/shop',
        build: read.snapshot.build,
        kind: 'rollback',
        who: 'bob',
        door: 'command',
        what: 'revert #120',
        why: '/rollback by bob',
        evidence: [
          'https://github.com/acme/shop/pull/131',
          'https://github.com/acme/shop/pull/120',
        ],
        costUsd: null,
      },
      expect.objectContaining({ repository: 'acme/vault', what: 'revert #40' }),
    ]);
    // A reader of the set's repository alone never learns of the private member's revert.
    const bob = viewer('bob', { 'acme/shop': 'read' });
    const seen = auditTrail({ reads: [home], access: bob });
    expect(rollbacks(seen).map((event) => event.repository)).toEqual(['acme/shop']);
    expect(JSON.stringify(seen)).not.toContain('vault');
  });
});
