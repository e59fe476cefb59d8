import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import { checkCommands } from '../../src/core/decide/check-commands.js';
import { decide } from '../../src/core/decide/decide.js';
import type { AdaptationRecord } from '../../src/core/records/adaptation.js';
import { isSessionTrigger, parseRunName, renderRunName } from '../../src/core/sessions/session.js';
import type { CommandInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import { dispatched, noticeKeys, rowsOf, viewOf } from './decide-helpers.js';
import { ago, BUILD, make, NOW, planRun, sha, workers } from './factories.js';

/** W1.1 merged, its completion naming `affects`; W1.2 and W2.1 (on W1.1) not started. */
function snapshot({
  affects = ['W2.1'],
  runs = [],
  commands = [],
  adaptations = [],
  branches = {},
}: {
  affects?: string[];
  runs?: RunInfo[];
  commands?: CommandInfo[];
  adaptations?: AdaptationRecord[];
  branches?: Record<string, string>;
}) {
  return make.snapshot({
    plan: {
      kind: 'valid',
      plan: make.plan({ workers: workers('W1.1', 'W1.2<W1.1', 'W2.1<W1.1') }),
      sha: sha('p1'),
    },
    runs: [planRun(), make.run({ id: 7101, worker: 'W1.1', createdAt: ago(90) }), ...runs],
    pulls: [make.pull({ number: 101, worker: 'W1.1', state: 'merged' })],
    completions: {
      'W1.1': { kind: 'valid', completion: make.completion({ worker_id: 'W1.1', affects }) },
    },
    branches: { 'W1.1': sha('b1'), ...branches },
    commands,
    adaptations,
  });
}

function adaptRun(overrides: Partial<RunInfo> = {}): RunInfo {
  return make.run({
    id: 7200,
    role: 'plan',
    worker: null,
    trigger: 'adapt-W1.1',
    createdAt: ago(30),
    updatedAt: ago(25),
    ...overrides,
  });
}

const record: AdaptationRecord = {
  version: 1,
  source: 'W1.1',
  run_id: 7200,
  base: sha('c1'),
  head: sha('c2'),
  workers: ['W2.1'],
};

function run(truth: ReturnType<typeof snapshot>, approval: Config['approval'] = 'none') {
  return decide({ snapshot: truth, config: make.config({ approval }), now: NOW });
}

function adaptationsOf(actions: ReturnType<typeof decide>) {
  const view = viewOf(actions);
  if (view.phase !== 'running') throw new Error(`phase is ${view.phase}`);
  return view.progress.adaptations ?? [];
}

describe('decide: briefs that adapt', () => {
  it('dispatches one adapt session for a merged completion naming unstarted workers, and holds them', () => {
    const actions = run(snapshot({}));
    expect(dispatched(actions)).toEqual(['plan - adapt-W1.1', 'work W1.2 -']);
    expect(rowsOf(actions)['W2.1']).toEqual({
      state: 'waiting',
      note: "its brief is being revised after W1.1's learnings",
    });
    expect(adaptationsOf(actions)).toEqual([
      { source: 'W1.1', state: 'revising', workers: ['W2.1'], run: null, diff: null },
    ]);
  });

  it('goes on merging when the budget keeps the adapt session from starting, and still holds its workers', () => {
    const truth = snapshot({ runs: [make.run({ id: 7102, worker: 'W1.2', createdAt: ago(60) })] });
    const spent = make.completion({ usage: { ...make.completion().usage, cost_usd: 5 } });
    const actions = decide({
      snapshot: {
        ...truth,
        // W1.2's pull request is approved and green; the budget is spent.
        pulls: [
          ...truth.pulls,
          make.pull({ number: 102, worker: 'W1.2', reviews: [make.review()] }),
        ],
        completions: { 'W1.1': { kind: 'valid', completion: { ...spent, affects: ['W2.1'] } } },
      },
      config: make.config({ approval: 'none', budget: { maxUsd: 1 } }),
      now: NOW,
    });
    expect(dispatched(actions)).toEqual([]);
    expect(actions).toContainEqual(expect.objectContaining({ kind: 'merge-pull', pull: 102 }));
    expect(rowsOf(actions)['W2.1']?.state).toBe('waiting');
    expect(adaptationsOf(actions)).toEqual([
      { source: 'W1.1', state: 'pending', workers: ['W2.1'], run: null, diff: null },
    ]);
    expect(renderStatus(viewOf(actions))).toContain(
      "✏️ The brief of W2.1 will be revised after W1.1's learnings once sessions may start again; W2.1 waits for it.",
    );
  });

  it('dispatches nothing again while the adapt run is queued or running, and keeps the hold', () => {
    for (const status of ['queued', 'in_progress'] as const) {
      const actions = run(snapshot({ runs: [adaptRun({ status, conclusion: null })] }));
      expect(dispatched(actions)).toEqual(['work W1.2 -']);
      expect(rowsOf(actions)['W2.1']?.state).toBe('waiting');
    }
  });

  it('is decided the same for a redelivered or repeated truth (one dispatch, one lock key)', () => {
    const truth = snapshot({});
    const twice = { ...truth, runs: [...truth.runs, ...truth.runs] };
    expect(run(twice)).toEqual(run(truth));
    expect(dispatched(run(twice)).filter((line) => line.startsWith('plan'))).toHaveLength(1);
  });

  it('adapts only workers not started: one with a branch or a run is left alone', () => {
    const started = snapshot({
      affects: ['W1.2', 'W2.1'],
      branches: { 'W1.2': sha('b2') },
      runs: [make.run({ id: 7102, worker: 'W1.2', status: 'in_progress', conclusion: null })],
    });
    const actions = run(started);
    expect(adaptationsOf(actions)[0]?.workers).toEqual(['W2.1']);
    expect(rowsOf(actions)['W1.2']?.state).toBe('working');
  });

  it('does nothing when the completion names no unstarted worker', () => {
    for (const affects of [[], ['W1.1'], ['W9.9']]) {
      const actions = run(snapshot({ affects }));
      expect(dispatched(actions)).toEqual(['work W1.2 -', 'work W2.1 -']);
      expect(adaptationsOf(actions)).toEqual([]);
    }
  });

  it('releases the workers with their old briefs when the adapt session failed, and says so', () => {
    const actions = run(snapshot({ runs: [adaptRun({ conclusion: 'failure' })] }));
    expect(dispatched(actions)).toEqual(['work W1.2 -', 'work W2.1 -']);
    expect(adaptationsOf(actions)[0]).toMatchObject({ state: 'failed', workers: ['W2.1'] });
  });

  it('starts the revised workers at once with approval: none, and links the diff', () => {
    const actions = run(snapshot({ runs: [adaptRun()], adaptations: [record] }));
    expect(dispatched(actions)).toEqual(['work W1.2 -', 'work W2.1 -']);
    expect(adaptationsOf(actions)[0]).toMatchObject({
      state: 'applied',
      workers: ['W2.1'],
      diff: `https://github.com/acme/shop/compare/${sha('c1')}...${sha('c2')}`,
    });
  });

  it('with approval: plan, holds the revised workers until an /approve after the adapt run', () => {
    const before = make.command({ name: 'approve' }, { commentId: 1, createdAt: ago(100) });
    const held = run(
      snapshot({ runs: [adaptRun()], adaptations: [record], commands: [before] }),
      'plan',
    );
    expect(dispatched(held)).toEqual(['work W1.2 -']);
    expect(rowsOf(held)['W2.1']).toEqual({
      state: 'waiting',
      note: 'its revised brief waits for `/approve`',
    });
    expect(adaptationsOf(held)[0]?.state).toBe('awaiting-approval');
    expect(noticeKeys(held)).toEqual(['adapted/W1.1']);

    const after = make.command({ name: 'approve' }, { commentId: 2, createdAt: ago(10) });
    const approved = run(
      snapshot({ runs: [adaptRun()], adaptations: [record], commands: [before, after] }),
      'plan',
    );
    expect(dispatched(approved)).toEqual(['work W1.2 -', 'work W2.1 -']);
    expect(adaptationsOf(approved)[0]?.state).toBe('applied');
  });

  it('with approval: plan, does not wait for /approve when the session changed no brief', () => {
    const actions = run(snapshot({ runs: [adaptRun()] }), 'plan');
    expect(dispatched(actions)).toEqual(['work W1.2 -', 'work W2.1 -']);
    expect(adaptationsOf(actions)[0]?.state).toBe('unchanged');
  });

  it('accepts /approve on a running build only while a revised brief waits for it', () => {
    const work = make.run({ id: 7101, worker: 'W1.1', createdAt: ago(90) });
    const config = make.config({ approval: 'plan' });
    if (!config.ok) throw new Error('config');
    const check = (truth: ReturnType<typeof snapshot>) =>
      checkCommands({
        commands: [{ name: 'approve' }],
        snapshot: truth,
        config: config.config,
        now: NOW,
      });
    expect(check(snapshot({ runs: [adaptRun()], adaptations: [record] }))).toEqual([]);
    expect(check(snapshot({ runs: [adaptRun(), work] }))).toEqual([
      { line: '/approve', message: 'the build is already running.' },
    ]);
  });

  it('merges nothing into the build branch while the adapt session runs, so its commit fast-forwards', () => {
    const approvedW12 = (truth: ReturnType<typeof snapshot>) => ({
      ...truth,
      runs: [...truth.runs, make.run({ id: 7102, worker: 'W1.2', createdAt: ago(80) })],
      branches: { ...truth.branches, 'W1.2': sha('a2') },
      pulls: [
        ...truth.pulls,
        make.pull({
          number: 102,
          worker: 'W1.2',
          headSha: sha('a2'),
          reviews: [make.review({ commitSha: sha('a2') })],
        }),
      ],
      integration: { sha: sha('1'), containsDefault: false },
    });
    const merges = (actions: ReturnType<typeof decide>) =>
      actions.filter(
        (action) => action.kind === 'merge-pull' || action.kind === 'sync-build-branch',
      );
    const running = run(
      approvedW12(snapshot({ runs: [adaptRun({ status: 'in_progress', conclusion: null })] })),
    );
    expect(merges(running)).toEqual([]);
    const done = run(approvedW12(snapshot({ runs: [adaptRun()], adaptations: [record] })));
    expect(merges(done).map((action) => action.kind)).toEqual(['sync-build-branch', 'merge-pull']);
  });

  it('tells in the status comment which briefs change, how it stands, and links the diff', () => {
    const lines = (truth: ReturnType<typeof snapshot>, approval: Config['approval'] = 'plan') =>
      renderStatus(viewOf(run(truth, approval)))
        .split('\n')
        .filter((line) => line.includes('✏️') || line.includes('Adapting'));
    expect([
      ...lines(snapshot({})),
      ...lines(snapshot({ runs: [adaptRun()], adaptations: [record] })),
      ...lines(snapshot({ runs: [adaptRun()], adaptations: [record] }), 'none'),
      ...lines(snapshot({ runs: [adaptRun()] })),
      ...lines(snapshot({ runs: [adaptRun({ conclusion: 'failure' })] })),
    ]).toMatchInlineSnapshot(`
      [
        "✏️ **Adapting** the brief of W2.1 after W1.1's learnings; W2.1 waits for it.",
        "✏️ **Revised** the brief of W2.1 after W1.1's learnings ([diff](https://github.com/acme/shop/compare/00000000000000000000000000000000000000c1...00000000000000000000000000000000000000c2)). Reply \`/approve\` to start W2.1 with the change.",
        "✏️ Revised the brief of W2.1 after W1.1's learnings ([diff](https://github.com/acme/shop/compare/00000000000000000000000000000000000000c1...00000000000000000000000000000000000000c2)).",
        "✏️ The adapt session after W1.1 changed no brief ([plan run](https://github.com/acme/shop/actions/runs/7200)).",
        "⚠️ Adapting the brief of W2.1 after W1.1's learnings failed ([plan run](https://github.com/acme/shop/actions/runs/7200)); W2.1 starts with the old brief.",
      ]
    `);
  });

  it('names the adapt session in the run-name contract', () => {
    expect(isSessionTrigger('adapt-W1.1')).toBe(true);
    expect(isSessionTrigger('adapt-W1')).toBe(false);
    const name = renderRunName({ role: 'plan', build: BUILD, issue: 12, trigger: 'adapt-W2.10' });
    expect(parseRunName(name)).toEqual({
      role: 'plan',
      build: BUILD,
      worker: null,
      trigger: 'adapt-W2.10',
    });
  });
});
