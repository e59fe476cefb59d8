import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import type { PlanRead, RunConclusion, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { dispatched, kinds, viewOf } from './decide-helpers.js';
import {
  ago,
  BUILD,
  INTEGRATION_SHA,
  makeCommand,
  makeConfig,
  makeRun,
  makeSnapshot,
  NOW,
  planRun,
} from './factories.js';

const config = makeConfig();
const missing = { plan: { kind: 'missing' } as const };

/** The status while a plan is on its way, its run linked. */
function planning(run: RunInfo, { replan }: { replan: boolean }): Action {
  return {
    kind: 'render-status',
    view: { phase: 'planning', build: BUILD, run: { label: 'plan run', url: run.url }, replan },
  };
}

describe('decide: before the build starts', () => {
  it('only reports a broken config, naming the file', () => {
    const problems = [{ field: 'maxParallel', message: 'Too big', line: 3 }];
    const actions = decide({
      snapshot: makeSnapshot(missing),
      config: { ok: false, problems },
      now: NOW,
    });
    expect(actions).toEqual([
      {
        kind: 'render-status',
        view: { phase: 'config-invalid', build: BUILD, file: '.github/baton.yml', problems },
      },
    ]);
  });

  it('only reports a missing workflow', () => {
    const actions = decide({
      snapshot: makeSnapshot({ ...missing, runs: [], workflowInstalled: false }),
      config,
      now: NOW,
    });
    expect(actions).toEqual([
      {
        kind: 'render-status',
        view: {
          phase: 'missing-workflow',
          build: BUILD,
          workflowPath: '.github/workflows/baton.yml',
          setupPull: null,
        },
      },
    ]);
  });

  it('points to the setup pull request while the workflow is missing', () => {
    const setupPull = { number: 3, url: 'https://github.com/acme/shop/pull/3' };
    const actions = decide({
      snapshot: makeSnapshot({ workflowInstalled: false, setupPull }),
      config,
      now: NOW,
    });
    expect(viewOf(actions)).toMatchObject({
      phase: 'missing-workflow',
      setupPull: { label: '#3', url: setupPull.url },
    });
  });

  it('dispatches the first plan when there is neither a plan nor a plan run', () => {
    const actions = decide({ snapshot: makeSnapshot({ ...missing, runs: [] }), config, now: NOW });
    expect(actions).toEqual([
      { kind: 'dispatch', request: { role: 'plan', build: BUILD, issue: 12 } },
      {
        kind: 'render-status',
        view: { phase: 'planning', build: BUILD, run: null, replan: false },
      },
    ]);
  });

  it.each(['queued', 'in_progress'] as const)('waits for a %s plan run and links it', (status) => {
    const run = planRun({ status, conclusion: null, createdAt: ago(2) });
    const actions = decide({
      snapshot: makeSnapshot({ ...missing, runs: [run] }),
      config,
      now: NOW,
    });
    expect(actions).toEqual([planning(run, { replan: false })]);
  });

  it.each<RunConclusion>(['failure', 'cancelled', 'timed_out', 'startup_failure', 'success'])(
    'reports a plan run that ended (%s) without a plan as plan-failed',
    (conclusion) => {
      const run = planRun({ conclusion });
      const actions = decide({
        snapshot: makeSnapshot({ ...missing, runs: [run] }),
        config,
        now: NOW,
      });
      expect(actions).toEqual([
        {
          kind: 'render-status',
          view: { phase: 'plan-failed', build: BUILD, run: { label: 'plan run', url: run.url } },
        },
      ]);
    },
  );

  it('waits on a plan run that succeeded moments ago for its plan, then reports it plan-failed', () => {
    // Its plan may have been pushed after the reconcile read the build branch (SETTLE_MS).
    const run = planRun({ conclusion: 'success', updatedAt: ago(2 / 60) });
    const snapshot = makeSnapshot({ ...missing, runs: [run] });
    expect(decide({ snapshot, config, now: NOW })).toEqual([
      { kind: 'look-again', inMs: 28_000 },
      planning(run, { replan: false }),
    ]);
    const later = new Date(Date.parse(NOW) + 58_000).toISOString();
    expect(decide({ snapshot, config, now: later })).toEqual([
      {
        kind: 'render-status',
        view: { phase: 'plan-failed', build: BUILD, run: { label: 'plan run', url: run.url } },
      },
    ]);
  });

  it.each<[string, RunInfo, string]>([
    [
      'running past session.timeoutMinutes',
      planRun({ status: 'in_progress', conclusion: null, createdAt: ago(61) }),
      'plan-failed',
    ],
    [
      'queued past session.queuedMinutes',
      planRun({ status: 'queued', conclusion: null, createdAt: ago(31) }),
      'plan-failed',
    ],
    [
      'running within its time',
      planRun({ status: 'in_progress', conclusion: null, createdAt: ago(59) }),
      'planning',
    ],
  ])('cancels a plan run %s', (_name, run, phase) => {
    const actions = decide({
      snapshot: makeSnapshot({ ...missing, runs: [run] }),
      config,
      now: NOW,
    });
    expect(viewOf(actions).phase).toBe(phase);
    const cancels = actions.filter((action) => action.kind === 'cancel-run');
    expect(cancels).toEqual(phase === 'planning' ? [] : [{ kind: 'cancel-run', runId: run.id }]);
  });

  it('measures a running session from when it started, not when it was queued', () => {
    const run = planRun({
      status: 'in_progress',
      conclusion: null,
      createdAt: ago(90),
      startedAt: ago(20),
    });
    const actions = decide({
      snapshot: makeSnapshot({ ...missing, runs: [run] }),
      config,
      now: NOW,
    });
    expect(actions.map((action) => action.kind)).toEqual(['render-status']);
  });

  it('reports an invalid plan with its problems and nothing else', () => {
    const plan: PlanRead = {
      kind: 'invalid',
      problems: ['W2.1 depends on W3.1, a later wave'],
      sha: 'abc',
    };
    const actions = decide({ snapshot: makeSnapshot({ plan }), config, now: NOW });
    expect(actions).toEqual([
      {
        kind: 'render-status',
        view: {
          phase: 'plan-invalid',
          build: BUILD,
          problems: plan.problems,
          links: { repoUrl: 'https://github.com/acme/shop', branch: INTEGRATION_SHA },
        },
      },
    ]);
  });

  it('holds a valid plan for /approve when approval is plan, and says so once', () => {
    const actions = decide({ snapshot: makeSnapshot(), config, now: NOW });
    expect(kinds(actions)).toEqual(['notice', 'render-status']);
    expect(viewOf(actions)).toMatchObject({ phase: 'plan-ready', build: BUILD });
  });

  it.each([
    ['an /approve given before the plan run that wrote the plan', ago(130), 'plan-ready', []],
    ['an /approve given after it', ago(5), 'running', ['work W1.1 -', 'work W1.2 -']],
  ])('treats %s accordingly', (_name, at, phase, expected) => {
    const approve = makeCommand({ name: 'approve' }, { createdAt: at });
    const actions = decide({ snapshot: makeSnapshot({ commands: [approve] }), config, now: NOW });
    expect(viewOf(actions).phase).toBe(phase);
    expect(dispatched(actions)).toEqual(expected);
  });

  it('starts at once with approval: none', () => {
    const actions = decide({
      snapshot: makeSnapshot(),
      config: makeConfig({ approval: 'none' }),
      now: NOW,
    });
    expect(dispatched(actions)).toEqual(['work W1.1 -', 'work W1.2 -']);
  });

  it('dispatches a replan for the newest /replan, by its comment id', () => {
    const commands = [
      makeCommand({ name: 'replan', feedback: 'smaller' }, { commentId: 41, createdAt: ago(20) }),
      makeCommand(
        { name: 'replan', feedback: 'fewer workers' },
        { commentId: 42, createdAt: ago(10) },
      ),
    ];
    const actions = decide({ snapshot: makeSnapshot({ commands }), config, now: NOW });
    expect(actions).toEqual([
      {
        kind: 'dispatch',
        request: { role: 'plan', build: BUILD, issue: 12, trigger: 'comment-42' },
      },
      { kind: 'render-status', view: { phase: 'planning', build: BUILD, run: null, replan: true } },
    ]);
  });

  it('does not dispatch a replan twice and shows its run', () => {
    const replan = makeCommand({ name: 'replan', feedback: 'smaller' }, { commentId: 42 });
    const run = planRun({
      id: 7100,
      trigger: 'comment-42',
      status: 'in_progress',
      conclusion: null,
      createdAt: ago(5),
    });
    const actions = decide({
      snapshot: makeSnapshot({ commands: [replan], runs: [planRun(), run] }),
      config,
      now: NOW,
    });
    expect(actions).toEqual([planning(run, { replan: true })]);
  });

  it('asks for approval again after a replan wrote a new plan', () => {
    const commands = [
      makeCommand({ name: 'approve' }, { commentId: 40, createdAt: ago(100) }),
      makeCommand({ name: 'replan', feedback: 'smaller' }, { commentId: 42, createdAt: ago(99) }),
    ];
    const replanRun = planRun({ id: 7100, trigger: 'comment-42', createdAt: ago(98) });
    // The /approve came before the replan's run: it approved the old plan, so work must not start.
    const snapshot = makeSnapshot({ commands, runs: [planRun(), replanRun] });
    expect(viewOf(decide({ snapshot, config, now: NOW })).phase).toBe('plan-ready');
  });

  it('ignores a /replan once work sessions have started', () => {
    const commands = [makeCommand({ name: 'replan', feedback: 'again' }, { commentId: 42 })];
    const runs = [
      planRun(),
      makeRun({ status: 'in_progress', conclusion: null, createdAt: ago(20) }),
    ];
    const actions = decide({ snapshot: makeSnapshot({ commands, runs }), config, now: NOW });
    expect(dispatched(actions)).not.toContain('plan - comment-42');
    expect(viewOf(actions).phase).toBe('running');
  });
});
