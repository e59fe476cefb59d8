import { describe, expect, it } from 'vitest';
import type { Access, BuildRead } from '../../../src/core/overview/build-read.js';
import { buildDetailFor, overviewOf } from '../../../src/core/overview/overview.js';
import type { SetRepositoryLine } from '../../../src/core/status/status-view.js';
import { CLIENT, HOME, LIB, SET_BUILD, setPlan } from '../change-set/set-factories.js';
import { ago, make, makeRunningView, makeWorkerRow, NOW, planRun } from '../factories.js';
import { viewer } from './overview-factories.js';

const ISSUE_URL = `https://github.com/${HOME}/issues/12`;

function line(name: string, state: SetRepositoryLine['state'], done: number): SetRepositoryLine {
  return {
    name,
    url: `https://github.com/${name}`,
    workers: name === HOME ? 2 : 1,
    done,
    after: [],
    branch: null,
    state,
    note: null,
    final: null,
    released: false,
    revert: null,
  };
}

/** The set build on acme/service#12: its plan across three repositories, W1.1 (acme/lib) merged. */
const home: BuildRead = {
  repository: HOME,
  installationId: 1,
  snapshot: make.snapshot({
    build: SET_BUILD,
    issue: { ...make.snapshot().issue, url: ISSUE_URL, title: 'Rename fetch to get' },
    repo: { owner: 'acme', name: 'service', defaultBranch: 'main', defaultSha: 'd' },
    plan: { kind: 'valid', plan: setPlan(), sha: 'p' },
    runs: [planRun({ createdAt: ago(200), updatedAt: ago(190) })],
    usage: [make.usageRecord({ run_id: 7000, cost: 1 })],
  }),
  config: null,
  view: {
    ...makeRunningView({
      title: 'Rename fetch to get',
      workers: [
        makeWorkerRow({ id: 'W1.1', title: 'Rename the method', repository: LIB, state: 'merged' }),
        makeWorkerRow({
          id: 'W2.1',
          title: 'Call get',
          repository: HOME,
          state: 'working',
          note: `started after a merge in ${LIB}`,
          dependsOn: ['W1.1'],
        }),
        makeWorkerRow({
          id: 'W2.2',
          title: 'Call get in tests',
          repository: HOME,
          state: 'merged',
        }),
        makeWorkerRow({
          id: 'W3.1',
          title: 'Follow the service',
          repository: CLIENT,
          dependsOn: ['W2.1'],
        }),
      ],
    }),
    changeSet: {
      home: HOME,
      repositories: [
        line(LIB, 'merged', 1),
        { ...line(HOME, 'running', 1), note: `waits for ${LIB}` },
        line(CLIENT, 'planned', 0),
      ],
    },
  },
  readAt: NOW,
};

/** A member build of the set in `repository`: a work run of `worker` that cost `cost`, merged at `merged`. */
function member(repository: string, worker: string, cost: number, merged: string): BuildRead {
  const [owner = '', name = ''] = repository.split('/');
  return {
    repository,
    installationId: 1,
    snapshot: make.snapshot({
      build: `${SET_BUILD}.acme.service`,
      repo: { owner, name, defaultBranch: 'main', defaultSha: 'd' },
      plan: { kind: 'missing' },
      runs: [make.run({ id: 8000 + cost, worker, createdAt: ago(150), updatedAt: ago(140) })],
      pulls: [make.pull({ worker, state: 'merged', createdAt: ago(139), mergedAt: merged })],
      usage: [make.usageRecord({ run_id: 8000 + cost, role: 'work', worker, cost })],
      changeSet: {
        issue: { repository: HOME, number: 12, url: ISSUE_URL },
        repositories: [LIB, HOME, CLIENT],
        after: [],
        outside: { done: [], repositories: {}, chains: {} },
        spentElsewhereUsd: 0,
      },
    }),
    config: null,
    view: null,
    readAt: NOW,
  };
}

const reads = [home, member(LIB, 'W1.1', 4, ago(120)), member(HOME, 'W2.2', 2, ago(60))];
/** Reads the issue's repository and the client; acme/lib is private to them. */
const carol = viewer('carol', { [HOME]: 'write', [CLIENT]: 'read' });
const maintainer = viewer('maintainer', { [HOME]: 'write', [CLIENT]: 'write', [LIB]: 'write' });

describe('overviewOf: a change set shows only the repositories the viewer may read', () => {
  it.each<[string, Access, string[], number[], number]>([
    ['a reader of every repository', maintainer, [LIB, HOME, CLIENT], [4, 3, 2, 2], 7],
    ['someone who cannot read acme/lib', carol, [HOME, CLIENT], [3, 2, 2], 3],
  ])('%s', (_, access, repositories, burndown, spent) => {
    const overview = overviewOf({ reads, access, now: NOW });
    const [set, ...more] = overview.sets;
    expect(more).toEqual([]);
    expect(set?.repositories.map((one) => one.name)).toEqual(repositories);
    expect(set?.burndown.map((point) => point.remaining)).toEqual(burndown);
    expect(set?.spentUsd).toBe(spent);
    // The set's members are listed under it, not as builds of their own.
    expect(overview.builds).toEqual([]);
  });

  it('names nothing of a private member: its repository, its workers, what depends on them', () => {
    const sets = overviewOf({ reads, access: carol, now: NOW }).sets;
    expect(sets[0]?.repositories.map((one) => one.note)).toEqual([
      'waits for a repository you cannot read',
      null,
    ]);
    const overview = overviewOf({ reads, access: carol, now: NOW });
    const detail = buildDetailFor({ reads, access: carol, key: `${HOME}/${SET_BUILD}`, now: NOW });
    for (const shown of [overview, detail]) {
      const json = JSON.stringify(shown);
      expect(json).not.toContain(LIB);
      expect(json).not.toContain('Rename the method');
      expect(json).not.toContain('W1.1');
    }
    expect(detail?.graph.map((node) => [node.id, node.repository, node.dependsOn])).toEqual([
      ['W2.1', HOME, []],
      ['W2.2', HOME, []],
      ['W3.1', CLIENT, ['W2.1']],
    ]);
  });

  it('lists a member build as a build of its own, its set hidden, where the set is not readable', () => {
    const overview = overviewOf({ reads, access: viewer('dave', { [LIB]: 'read' }), now: NOW });
    expect(overview.sets).toEqual([]);
    expect(overview.builds.map((row) => [row.repository, row.changeSet])).toEqual([
      [LIB, 'hidden'],
    ]);
  });
});

describe('a change set’s detail: every session it spent on is in a row', () => {
  /** acme/lib's member with a session of a worker the set's plan does not hold (its validation's fix). */
  const lib = member(LIB, 'W1.1', 4, ago(120));
  const fixRun = make.run({ id: 8100, worker: 'W3.9', createdAt: ago(110), updatedAt: ago(100) });
  const withFix: BuildRead = {
    ...lib,
    snapshot: {
      ...lib.snapshot,
      runs: [...lib.snapshot.runs, fixRun],
      usage: [
        ...(lib.snapshot.usage ?? []),
        make.usageRecord({ run_id: 8100, role: 'work', worker: 'W3.9', cost: 0.5 }),
      ],
    },
  };
  const sessions = (access: Access) => {
    const detail = buildDetailFor({
      reads: [home, withFix, member(HOME, 'W2.2', 2, ago(60))],
      access,
      key: `${HOME}/${SET_BUILD}`,
      now: NOW,
    });
    const bars = detail?.lanes.flatMap((lane) => lane.sessions) ?? [];
    return { detail, bars, usd: bars.reduce((sum, bar) => sum + (bar.costUsd ?? 0), 0) };
  };

  it('draws a member’s session of a worker the set’s plan does not hold in its repository’s lane', () => {
    const { detail, bars, usd } = sessions(maintainer);
    expect(bars.map((bar) => bar.runId).sort()).toEqual([7000, 8002, 8004, 8100]);
    expect(
      detail?.lanes.find((lane) => lane.lane === LIB)?.sessions.map((bar) => bar.runId),
    ).toEqual([8100]);
    expect(usd).toBe(detail?.row.spentUsd);
    expect(usd).toBe(7.5);
  });

  it('still shows nothing of a member the viewer may not read', () => {
    const { detail, bars, usd } = sessions(carol);
    expect(bars.map((bar) => bar.runId).sort()).toEqual([7000, 8002]);
    expect(usd).toBe(detail?.row.spentUsd);
    expect(JSON.stringify(detail)).not.toContain(LIB);
  });
});

describe('a change set’s phase', () => {
  const withLines = (states: SetRepositoryLine['state'][]): BuildRead => ({
    ...home,
    view: home.view?.changeSet
      ? {
          ...home.view,
          changeSet: {
            ...home.view.changeSet,
            repositories: [LIB, HOME, CLIENT].map((name, at) =>
              line(name, states[at] ?? 'planned', 1),
            ),
          },
        }
      : null,
  });
  it.each<[string, SetRepositoryLine['state'][], string]>([
    [
      'landing where every repository lands or has merged',
      ['merged', 'landing', 'landing'],
      'delivered',
    ],
    ['running while one repository still works', ['merged', 'landing', 'running'], 'running'],
    [
      'running with every repository merged but none landing',
      ['merged', 'merged', 'merged'],
      'running',
    ],
  ])('reads %s', (_name, states, phase) => {
    const overview = overviewOf({ reads: [withLines(states)], access: maintainer, now: NOW });
    expect(overview.sets[0]?.phase).toBe(phase);
  });
});
