import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import { lockFor } from '../../src/core/context/action.js';
import { checkCommands } from '../../src/core/decide/check-commands.js';
import { decide } from '../../src/core/decide/decide.js';
import type { Plan } from '../../src/core/plan/plan.js';
import { parseUsageMessage, renderUsageMessage } from '../../src/core/records/usage.js';
import type { BuildSnapshot, CommandInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import { dispatched, viewOf } from './decide-helpers.js';
import { ago, BUILD, INTEGRATION_SHA, make, NOW, sha } from './factories.js';

type Raw = Parameters<typeof make.config>[0];

const IMPROVE = make.command({ name: 'improve', loops: 3 }, { commentId: 77, createdAt: ago(300) });

/** A run of a loop session (`research`, `plan`, `summary`) of loop `loop`. */
function loopRun(role: RunInfo['role'], loop: number, overrides: Partial<RunInfo> = {}): RunInfo {
  return make.run({
    id: 8000 + loop * 10 + ['research', 'plan', 'summary'].indexOf(role),
    role,
    worker: `L${loop}`,
    trigger: role === 'research' ? 'comment-77' : null,
    createdAt: ago(290 - loop * 60 - ['research', 'plan', 'summary'].indexOf(role) * 10),
    ...overrides,
  });
}

/** Loop 1 planned W1.1; loop 2 planned W2.1 (its waves come after loop 1's). */
function seriesPlan(loops: number): Plan {
  const all = [
    { id: 'W1.1', title: 'Clearer errors', depends_on: [], complexity: 'normal' as const, loop: 1 },
    { id: 'W2.1', title: 'Faster start', depends_on: [], complexity: 'normal' as const, loop: 2 },
  ];
  return make.plan({ workers: all.filter((w) => w.loop <= loops) });
}

function mergedPull(worker: string, number: number) {
  return make.pull({
    number,
    worker,
    state: 'merged',
    reviews: [make.review({ id: number * 10 })],
  });
}

function series(overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return make.snapshot({
    issue: {
      number: 12,
      title: 'Add login',
      state: 'open',
      labels: [],
      url: 'https://github.com/acme/shop/issues/12',
    },
    plan: { kind: 'missing' },
    runs: [],
    commands: [IMPROVE],
    ...overrides,
  });
}

function run(snapshot: BuildSnapshot, raw: Raw = {}) {
  const actions = decide({ snapshot, config: make.config(raw), now: NOW });
  return { actions, view: viewOf(actions), dispatches: dispatched(actions) };
}

const planOne = { kind: 'valid' as const, plan: seriesPlan(1), sha: sha('p1') };
const loopOneDone = {
  plan: planOne,
  runs: [
    loopRun('research', 1),
    loopRun('plan', 1),
    make.run({ id: 8100, worker: 'W1.1', createdAt: ago(200) }),
  ],
  research: { 1: { kind: 'valid' as const, result: { loop: 1, nothing_worth_doing: false } } },
  pulls: [mergedPull('W1.1', 101)],
  commands: [IMPROVE, make.command({ name: 'approve' }, { commentId: 78, createdAt: ago(205) })],
};

/** Loop 1 done and summarised; loop 2 researched (work to do) and planned: W2.1. `runs` come after. */
function loopTwoPlanned({
  runs = [],
  commands = loopOneDone.commands,
}: {
  runs?: RunInfo[];
  commands?: CommandInfo[];
} = {}): BuildSnapshot {
  return series({
    ...loopOneDone,
    plan: { kind: 'valid', plan: seriesPlan(2), sha: sha('p2') },
    runs: [
      ...loopOneDone.runs,
      loopRun('summary', 1),
      loopRun('research', 2),
      loopRun('plan', 2),
      ...runs,
    ],
    research: {
      ...loopOneDone.research,
      2: { kind: 'valid', result: { loop: 2, nothing_worth_doing: false } },
    },
    commands,
  });
}

describe('an improvement series (/improve)', () => {
  it('starts with loop 1 research that answers the /improve comment, on the build branch lock', () => {
    const { actions, dispatches, view } = run(series({ integration: null }));
    expect(dispatches).toEqual(['research L1 comment-77']);
    const request = actions[0]?.kind === 'dispatch' ? actions[0].request : null;
    expect(request && lockFor(request)).toEqual({ kind: 'build-branch' });
    expect(view.phase).toBe('improving');
    expect(view.series?.loops.map((l) => [l.loop, l.stage])).toEqual([[1, 'researching']]);
  });

  it('does not treat a /improve written after a build started as a series', () => {
    const snapshot = make.snapshot({ commands: [make.command({ name: 'improve', loops: 2 })] });
    const { dispatches, view } = run(snapshot);
    expect(dispatches).toEqual([]);
    expect(view.series).toBeUndefined();
  });

  it('plans loop 1 from its findings once research says there is work, and holds it for /approve', () => {
    const researched = series({
      runs: [loopRun('research', 1)],
      research: { 1: { kind: 'valid', result: { loop: 1, nothing_worth_doing: false } } },
    });
    expect(run(researched).dispatches).toEqual(['plan L1 -']);
    const planned = {
      ...researched,
      runs: [...researched.runs, loopRun('plan', 1)],
      plan: planOne,
    };
    const { dispatches, view } = run(planned);
    expect(dispatches).toEqual([]);
    expect(view.phase).toBe('plan-ready');
    expect(view.series?.loops[0]).toMatchObject({
      stage: 'planning',
      findings: `.baton/builds/${BUILD}/loops/1/findings.md`,
    });
  });

  it('runs the loop’s workers after /approve', () => {
    const approved = series({
      ...loopOneDone,
      runs: [loopRun('research', 1), loopRun('plan', 1)],
      pulls: [],
    });
    expect(run(approved).dispatches).toEqual(['work W1.1 -']);
  });

  it('summarises a loop once its workers are merged, then starts the next loop’s research', () => {
    const merged = series(loopOneDone);
    expect(run(merged).dispatches).toEqual(['summary L1 -']);
    const summarised = series({
      ...loopOneDone,
      runs: [...loopOneDone.runs, loopRun('summary', 1)],
    });
    const { dispatches, actions } = run(summarised);
    expect(dispatches).toEqual(['research L2 comment-77']);
    expect(actions.some((a) => a.kind === 'open-final-pull')).toBe(false);
  });

  it('does not start a loop’s sessions while paused, and says so', () => {
    const paused = series({
      ...loopOneDone,
      runs: [...loopOneDone.runs, loopRun('summary', 1)],
      commands: [
        ...loopOneDone.commands,
        make.command({ name: 'pause' }, { commentId: 79, createdAt: ago(20) }),
      ],
    });
    const { dispatches, view } = run(paused);
    expect(dispatches).toEqual([]);
    expect(view.series?.paused).toBe(true);
    expect(renderStatus(view)).toContain('waits for `/resume`');
  });

  it('holds a loop’s plan while paused or over the budget, and plans it on /resume', () => {
    const researched = {
      plan: { kind: 'missing' as const },
      runs: [loopRun('research', 1)],
      research: { 1: { kind: 'valid' as const, result: { loop: 1, nothing_worth_doing: false } } },
    };
    const pause = make.command({ name: 'pause' }, { commentId: 79, createdAt: ago(100) });
    const paused = run(series({ ...researched, commands: [IMPROVE, pause] }));
    expect(paused.dispatches).toEqual([]);
    expect(paused.view.series?.paused).toBe(true);
    const resume = make.command({ name: 'resume' }, { commentId: 80, createdAt: ago(50) });
    expect(run(series({ ...researched, commands: [IMPROVE, pause, resume] })).dispatches).toEqual([
      'plan L1 -',
    ]);
    const spent = make.usageRecord({ run_id: 8010, role: 'research', worker: 'L1', cost: 60 });
    const usage = [parseUsageMessage(renderUsageMessage(spent))].flatMap((r) => (r ? [r] : []));
    const over = run(series({ ...researched, usage }));
    expect(over.view.series?.budgetReached).toBe(true);
    expect(over.dispatches).toEqual([]);
  });

  it('needs no /approve after the first loop with improve.approval: first-loop', () => {
    const planned = loopTwoPlanned();
    expect(run(planned).view.phase).toBe('plan-ready');
    const raw: Raw = { improve: { approval: 'first-loop' } } as Partial<Config> as Raw;
    expect(run(planned, raw).dispatches).toEqual(['work W2.1 -']);
  });

  it('ends early when research finds nothing worth doing, and delivers earlier loops in one final PR', () => {
    const nothing = series({
      ...loopOneDone,
      runs: [...loopOneDone.runs, loopRun('summary', 1), loopRun('research', 2)],
      research: {
        ...loopOneDone.research,
        2: { kind: 'valid', result: { loop: 2, nothing_worth_doing: true } },
      },
    });
    const { actions, dispatches, view } = run(nothing);
    expect(dispatches).toEqual([]);
    const final = actions.find((a) => a.kind === 'open-final-pull');
    const body = final?.kind === 'open-final-pull' ? final.body : '';
    const section = body.slice(body.indexOf('### Improvement loops'), body.indexOf('\n\n| '));
    expect(section).toMatchInlineSnapshot(`
      "### Improvement loops

      The series ran 2 of 3 loops; the research of loop 2 found nothing worth doing.

      - **Loop 1** (✅ done): W1.1 — [findings](https://github.com/acme/shop/blob/0000000000000000000000000000000000000001/.baton/builds/12-add-login/loops/1/findings.md) · [summary](https://github.com/acme/shop/blob/0000000000000000000000000000000000000001/.baton/builds/12-add-login/loops/1/summary.md)
      - **Loop 2** (🟰 nothing worth doing): no workers — [findings](https://github.com/acme/shop/blob/0000000000000000000000000000000000000001/.baton/builds/12-add-login/loops/2/findings.md)"
    `);
    expect(view.series?.ended).toBe('nothing-worth-doing');
    expect(renderStatus(view)).toContain('found nothing worth doing, so the series ended early');
  });

  it('ends with no pull request when the first research finds nothing worth doing', () => {
    const nothing = series({
      runs: [loopRun('research', 1)],
      research: { 1: { kind: 'valid', result: { loop: 1, nothing_worth_doing: true } } },
    });
    const { actions, view } = run(nothing);
    expect(actions.map((a) => a.kind)).toEqual(['notice', 'render-status']);
    expect(view).toMatchObject({ phase: 'improving', series: { ended: 'nothing-worth-doing' } });
    const notice = actions[0]?.kind === 'notice' ? actions[0] : null;
    expect(notice?.key).toBe('series-ended/1');
    expect(notice?.body).toContain('@alice');
    expect(notice?.body).toContain("loop 1's research found nothing worth doing");
  });

  it('tells the person who asked when a loop’s research fails, and starts nothing more', () => {
    const failed = series({ runs: [loopRun('research', 1, { conclusion: 'failure' })] });
    const { actions, dispatches, view } = run(failed);
    expect(dispatches).toEqual([]);
    expect(view.series?.loops[0]?.stage).toBe('research-failed');
    expect(actions.find((a) => a.kind === 'notice')).toMatchObject({
      key: 'research-failed/1',
      body: expect.stringContaining("Loop 1's research session failed"),
    });
  });

  it('opens the final PR after the last loop’s summary', () => {
    const last = series({
      ...loopOneDone,
      runs: [...loopOneDone.runs, loopRun('summary', 1)],
      commands: [
        { ...IMPROVE, command: { name: 'improve', loops: 1 } },
        ...loopOneDone.commands.slice(1),
      ],
    });
    const { actions, view } = run(last);
    expect(actions.some((a) => a.kind === 'open-final-pull')).toBe(true);
    expect(view.series?.ended).toBe('all-loops');
  });

  it('tells the person who asked when a loop’s summary fails, and delivers what is merged', () => {
    const failed = series({
      ...loopOneDone,
      runs: [...loopOneDone.runs, loopRun('summary', 1, { conclusion: 'failure' })],
    });
    const { actions, dispatches, view } = run(failed);
    expect(dispatches).toEqual([]);
    expect(view.series?.loops[0]?.stage).toBe('summary-failed');
    expect(actions.some((a) => a.kind === 'open-final-pull')).toBe(true);
    expect(actions.find((a) => a.kind === 'notice')).toMatchObject({
      key: 'summary-failed/1',
      body: expect.stringContaining("Loop 1's summary session failed"),
    });
  });

  it('holds a loop whose summary the budget stopped, and runs it again once the budget is raised', () => {
    const summary = loopRun('summary', 1, { conclusion: 'failure' });
    const stopped = make.usageRecord({
      run_id: summary.id,
      role: 'summary',
      worker: 'L1',
      outcome: 'failed',
      cost: 1.5,
      limit: 'budget',
      limit_usd: 0.5,
      needed_usd: 1.2,
    });
    const held = series({ ...loopOneDone, runs: [...loopOneDone.runs, summary], usage: [stopped] });
    const waiting = run(held, { approval: 'none', budget: { maxUsd: 2 } });
    expect(waiting.dispatches).toEqual([]);
    // Not the end of the series: nothing is delivered yet, and the person is told what to raise.
    expect(waiting.actions.some((a) => a.kind === 'open-final-pull')).toBe(false);
    expect(waiting.view.series?.loops[0]?.stage).toBe('summary-awaiting-budget');
    expect(waiting.view.series?.ended).toBeNull();
    expect(waiting.actions.find((a) => a.kind === 'notice')).toMatchObject({
      body: expect.stringContaining("Loop 1's summary session waits for budget"),
    });
    expect(renderStatus(waiting.view)).toContain('it needs $1.20 to go on and $0.50 is left');
    const raised = run(held, { approval: 'none', budget: { maxUsd: 3 } });
    expect(raised.dispatches).toEqual(['summary L1 -']);
    const again = raised.actions.find((a) => a.kind === 'dispatch');
    expect(again?.kind === 'dispatch' && again.request.resume).toBe(summary.id);
  });

  it('answers a /improve on a build that already ran sessions, and a second /improve', () => {
    const config = make.config().ok ? (make.config() as { ok: true; config: Config }).config : null;
    if (!config) throw new Error('config');
    const command = { name: 'improve' as const, loops: 2 };
    const onBuild = checkCommands({
      commands: [command],
      snapshot: make.snapshot(),
      config,
      now: NOW,
    });
    expect(onBuild[0]?.message).toContain('on a new issue');
    const second = checkCommands({
      commands: [command],
      snapshot: series({
        runs: [loopRun('research', 1)],
        integration: { sha: INTEGRATION_SHA, containsDefault: true },
      }),
      config,
      now: NOW,
    });
    expect(second[0]?.message).toContain('already running');
    expect(
      checkCommands({
        commands: [command],
        snapshot: series(),
        config,
        now: NOW,
        at: IMPROVE.createdAt,
      }),
    ).toEqual([]);
  });

  it('starts from the improve.label with its loops, the issue as the focus (no trigger)', () => {
    const labelled = series({
      commands: [],
      integration: null,
      labelledBy: [{ label: 'improve', login: 'bob', at: ago(100) }],
    });
    const raw = { improve: { label: 'improve', loops: 2 } } as Partial<Config> as Raw;
    const { dispatches, view } = run(labelled, raw);
    expect(dispatches).toEqual(['research L1 -']);
    expect(view.series).toMatchObject({ asked: 2, by: 'bob' });
    expect(run(labelled).dispatches).toEqual(['plan - -']);
  });

  it("starts from a schedule's firing that asked for loops, as many as the schedule names", () => {
    const fired = series({
      commands: [],
      integration: null,
      ask: {
        by: 'bob',
        how: { way: 'schedule', schedule: 'upkeep' },
        at: ago(100),
        what: { kind: 'improve' },
      },
    });
    const upkeep = { name: 'upkeep', cron: '0 6 * * *', brief: 'docs/upkeep.md' };
    const raw = { schedules: [{ ...upkeep, improve: { loops: 2 } }] } as unknown as Raw;
    const { dispatches, view } = run(fired, raw);
    expect(dispatches).toEqual(['research L1 -']);
    expect(view.series).toMatchObject({ asked: 2, by: 'bob' });
    // A schedule gone from the file since: the improve.loops setting.
    expect(run(fired).view.series).toMatchObject({ asked: 3, by: 'bob' });
  });

  it('judges /approve and /replan against the loop under way, not the loops before it', () => {
    const config = (make.config() as { ok: true; config: Config }).config;
    const loopTwo = (overrides: Partial<BuildSnapshot>) =>
      series({
        ...loopOneDone,
        runs: [...loopOneDone.runs, loopRun('summary', 1), loopRun('research', 2)],
        ...overrides,
      });
    const check = (
      snapshot: BuildSnapshot,
      command: { name: 'approve' } | { name: 'replan'; feedback: string },
    ) => checkCommands({ commands: [command], snapshot, config, now: NOW }).map((p) => p.message);
    expect(check(loopTwo({}), { name: 'approve' })).toEqual([
      'there is no valid plan to approve yet; wait for the plan, or `/replan <what to change>`.',
    ]);
    const planned = loopTwoPlanned();
    expect(check(planned, { name: 'approve' })).toEqual([]);
    expect(check(planned, { name: 'replan', feedback: 'smaller' })).toEqual([]);
  });
});

describe('the improvement loops in the status comment', () => {
  it('draws a row per loop with its stage, workers and record links', () => {
    const view = viewOf(
      decide({
        snapshot: loopTwoPlanned({
          runs: [
            make.run({
              id: 8200,
              worker: 'W2.1',
              status: 'in_progress',
              conclusion: null,
              createdAt: ago(20),
            }),
          ],
          commands: [
            ...loopOneDone.commands,
            make.command({ name: 'approve' }, { commentId: 80, createdAt: ago(25) }),
          ],
        }),
        config: make.config(),
        now: NOW,
      }),
    );
    const text = renderStatus(view);
    expect(text.slice(text.indexOf('**Improvement loops**'))).toMatchInlineSnapshot(`
      "**Improvement loops** — 2 of 3 (asked by @alice)

      | Loop | Stage | Workers | Findings | Summary |
      | --- | --- | --- | --- | --- |
      | 1 | ✅ done — [summary run](https://github.com/acme/shop/actions/runs/8012) | W1.1 | [findings](https://github.com/acme/shop/blob/0000000000000000000000000000000000000001/.baton/builds/12-add-login/loops/1/findings.md) | [summary](https://github.com/acme/shop/blob/0000000000000000000000000000000000000001/.baton/builds/12-add-login/loops/1/summary.md) |
      | 2 | 🔨 workers running — [plan run](https://github.com/acme/shop/actions/runs/8021) | W2.1 | [findings](https://github.com/acme/shop/blob/0000000000000000000000000000000000000001/.baton/builds/12-add-login/loops/2/findings.md) | — |
      "
    `);
  });

  it('counts loop sessions (research, plan, summary) in the one budget of the series', () => {
    const records = (['research', 'plan', 'summary'] as const).map((role, i) =>
      parseUsageMessage(
        renderUsageMessage(make.usageRecord({ run_id: 9000 + i, role, worker: 'L1', cost: 20 })),
      ),
    );
    expect(records.map((r) => r?.worker)).toEqual(['L1', 'L1', 'L1']);
    const spent = series({
      ...loopOneDone,
      runs: [...loopOneDone.runs, loopRun('summary', 1)],
      usage: records.flatMap((r) => (r ? [r] : [])),
    });
    const { dispatches, view } = run(spent);
    expect(dispatches).toEqual([]);
    expect(view.series?.budgetReached).toBe(true);
    expect(renderStatus(view)).toContain('for the whole series');
  });
});
