import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import type { BuildSnapshot, CommandInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import { dispatched, kinds, viewOf } from './decide-helpers.js';
import { ago, deliveredRuns, deliveredSnapshot, make, NOW, sha, UNDER_WAY } from './factories.js';

const config = make.config({ approval: 'none' });

function synthesisRun(overrides: Partial<RunInfo> = {}): RunInfo {
  return make.run({ id: 7100, role: 'synthesis', worker: null, ...overrides });
}

/** A research build whose W1.1 and W2.1 are merged and W1.2 skipped. */
function researched(runs: RunInfo[] = [], overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return deliveredSnapshot({
    plan: { kind: 'valid', plan: make.plan({ type: 'research' }), sha: sha('p1') },
    runs: [...deliveredRuns(), ...runs],
    ...overrides,
  });
}

describe('decide: a research build ends in its synthesis, then its report PR', () => {
  it('dispatches the synthesis once every worker is merged or skipped, and opens no final PR yet', () => {
    const actions = decide({ snapshot: researched(), config, now: NOW });
    expect(dispatched(actions)).toEqual(['synthesis - -']);
    expect(kinds(actions)).not.toContain('open-final-pull');
  });

  it('holds the synthesis while the build is paused, as any session', () => {
    const snapshot = researched([], {
      commands: [
        make.command({ name: 'skip', worker: 'W1.2' }),
        make.command({ name: 'pause' }, { commentId: 901 }),
      ],
    });
    const actions = decide({ snapshot, config, now: NOW });
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions)).not.toContain('open-final-pull');
  });

  it('does not dispatch the synthesis while a worker is unfinished', () => {
    const snapshot = researched([], { commands: [] });
    expect(dispatched(decide({ snapshot, config, now: NOW }))).not.toContain('synthesis - -');
  });

  it.each([
    ['running', synthesisRun(UNDER_WAY)],
    ['failed', synthesisRun({ conclusion: 'failure' })],
  ])('waits while the synthesis is %s: no second synthesis, no final PR', (_state, run) => {
    const actions = decide({ snapshot: researched([run]), config, now: NOW });
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions)).not.toContain('open-final-pull');
  });

  it('opens the final PR once the synthesis has succeeded', () => {
    const actions = decide({ snapshot: researched([synthesisRun()]), config, now: NOW });
    expect(kinds(actions)).toEqual(['open-final-pull', 'render-status']);
    const open = actions[0];
    expect(open?.kind === 'open-final-pull' && open.body).toContain(
      '**The report:** `.baton/builds/12-add-login/REPORT.md`',
    );
  });

  it('runs no synthesis in a code build', () => {
    const snapshot = researched([], {
      plan: { kind: 'valid', plan: make.plan(), sha: sha('p1') },
    });
    const actions = decide({ snapshot, config, now: NOW });
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions)).toContain('open-final-pull');
  });
});

describe('the status of a research build after its workers', () => {
  const body = (runs: RunInfo[]) => {
    const actions = decide({ snapshot: researched(runs), config, now: NOW });
    const status = actions.at(-1);
    return status?.kind === 'render-status' && status.view.phase === 'running'
      ? JSON.stringify(status.view.progress.synthesis)
      : '';
  };

  it.each([
    ['starting', [], 'null'],
    ['running', [synthesisRun(UNDER_WAY)], '"running"'],
    ['failed', [synthesisRun({ conclusion: 'failure' })], '"failed"'],
    ['succeeded', [synthesisRun()], '"succeeded"'],
  ])('shows the synthesis %s', (_name, runs, state) => {
    expect(body(runs as RunInfo[])).toContain(state);
  });

  it.each([
    [[], 'the synthesis session is starting'],
    [[synthesisRun(UNDER_WAY)], 'is writing the report'],
    [[synthesisRun({ conclusion: 'failure' })], 'comment `/retry synthesis` to run it again'],
    [[synthesisRun()], 'the final pull request is being opened'],
  ])('says in the status comment what the synthesis does: %#', (runs, line) => {
    const status = decide({ snapshot: researched(runs as RunInfo[]), config, now: NOW }).at(-1);
    expect(status?.kind === 'render-status' && renderStatus(status.view)).toContain(line);
  });
});

describe('decide: /retry synthesis runs a failed synthesis again', () => {
  const failed = synthesisRun({ conclusion: 'failure', createdAt: ago(60), updatedAt: ago(50) });
  const skip = make.command({ name: 'skip', worker: 'W1.2' });
  const retry = (overrides: Partial<CommandInfo> = {}) =>
    make.command({ name: 'retry-synthesis' }, { commentId: 950, createdAt: ago(10), ...overrides });
  const run = (runs: RunInfo[], commands: CommandInfo[], cfg = config) =>
    decide({
      snapshot: researched(runs, { commands: [skip, ...commands] }),
      config: cfg,
      now: NOW,
    });

  it('dispatches a new synthesis attempt answering the comment, and still no final PR', () => {
    const actions = run([failed], [retry()]);
    expect(dispatched(actions)).toEqual(['synthesis - comment-950']);
    expect(kinds(actions)).not.toContain('open-final-pull');
  });

  it('dispatches it once: the run that answers the comment is the attempt', () => {
    const answer = synthesisRun({
      id: 7101,
      trigger: 'comment-950',
      ...UNDER_WAY,
      createdAt: ago(5),
    });
    const actions = run([failed, answer], [retry()]);
    expect(dispatched(actions)).toEqual([]);
    const view = viewOf(actions);
    expect(view.phase === 'running' && view.progress.synthesis).toEqual({
      state: 'running',
      url: answer.url,
      attempts: 2,
    });
  });

  it('opens the final PR once the retried synthesis has succeeded', () => {
    const answer = synthesisRun({ id: 7101, trigger: 'comment-950', createdAt: ago(5) });
    expect(kinds(run([failed, answer], [retry()]))).toContain('open-final-pull');
  });

  it('waits for another /retry when the retried synthesis fails too', () => {
    const answer = synthesisRun({
      id: 7101,
      trigger: 'comment-950',
      conclusion: 'failure',
      createdAt: ago(5),
      updatedAt: ago(4),
    });
    expect(dispatched(run([failed, answer], [retry()]))).toEqual([]);
    const again = retry({ commentId: 951, createdAt: ago(2) });
    expect(dispatched(run([failed, answer], [retry(), again]))).toEqual([
      'synthesis - comment-951',
    ]);
  });

  it('ignores a /retry synthesis written before the attempt had failed', () => {
    expect(dispatched(run([failed], [retry({ createdAt: ago(55) })]))).toEqual([]);
  });

  it('holds the retry while the build is paused, and says it waits', () => {
    const pause = make.command({ name: 'pause' }, { commentId: 940, createdAt: ago(20) });
    const actions = run([failed], [pause, retry()]);
    expect(dispatched(actions)).toEqual([]);
    const view = viewOf(actions);
    expect(view.phase === 'running' && view.progress.synthesis?.state).toBe('retrying');
    expect(renderStatus(view)).toContain('`/retry synthesis` starts it again once');
  });

  it('holds the retry while the budget is reached', () => {
    const capped = make.config({ approval: 'none', budget: { maxUsd: 0.5 } });
    expect(dispatched(run([failed], [retry()], capped))).toEqual([]);
  });

  it('tells people once per failed attempt what to type', () => {
    const notices = (runs: RunInfo[]) =>
      run(runs, []).flatMap((action) => (action.kind === 'notice' ? [action] : []));
    const [notice] = notices([failed]);
    expect(notice?.key).toBe('synthesis-failed/1');
    expect(notice?.body).toContain('reply `/retry synthesis` to run it again');
    expect(notices([synthesisRun(UNDER_WAY)])).toEqual([]);
  });
});

describe('decide: follow-up questions a synthesis proposed', () => {
  const followUp = make.worker({ id: 'W3.1', title: 'Microsoft accounts', follow_up: 1 });
  const plan = make.plan({ type: 'research', workers: [...make.plan().workers, followUp] });
  const first = synthesisRun({ createdAt: ago(60), updatedAt: ago(50) });
  const skip = make.command({ name: 'skip', worker: 'W1.2' });
  const approve = make.command({ name: 'approve' }, { commentId: 960, createdAt: ago(40) });
  const decline = make.command({ name: 'skip-follow-ups' }, { commentId: 961, createdAt: ago(40) });
  const play = (
    runs: RunInfo[],
    commands: CommandInfo[],
    more: Partial<BuildSnapshot> = {},
    cfg = config,
  ) => {
    const base = researched(runs, { commands: [skip, ...commands] });
    return decide({
      snapshot: {
        ...base,
        plan: { kind: 'valid', plan, sha: sha('p2') },
        ...more,
        pulls: [...base.pulls, ...(more.pulls ?? [])],
      },
      config: cfg,
      now: NOW,
    });
  };
  const progressOf = (actions: ReturnType<typeof decide>) => {
    const view = viewOf(actions);
    if (view.phase !== 'running') throw new Error(view.phase);
    return view.progress;
  };

  it('waits for a person once the synthesis proposed them: no worker, no final PR, and says what to type', () => {
    const actions = play([first], []);
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions)).not.toContain('open-final-pull');
    const progress = progressOf(actions);
    expect(progress.workers.map((row) => row.id)).toEqual(['W1.1', 'W1.2', 'W2.1']);
    expect(progress.followUps).toEqual({ round: 1, workers: ['W3.1'], state: 'proposed' });
    expect(renderStatus(viewOf(actions))).toContain(
      'The synthesis proposed 1 follow-up question (W3.1): reply `/approve` to investigate it (a worker each',
    );
    const notice = actions.find((action) => action.kind === 'notice');
    expect(notice?.kind === 'notice' && notice.key).toBe('follow-ups/1');
  });

  it('runs the follow-up workers after an /approve, as any worker', () => {
    const actions = play([first], [approve]);
    expect(dispatched(actions)).toEqual(['work W3.1 -']);
    expect(kinds(actions)).not.toContain('open-final-pull');
    expect(progressOf(actions).workers.map((row) => row.id)).toContain('W3.1');
  });

  it('holds them while the build is paused', () => {
    const pause = make.command({ name: 'pause' }, { commentId: 962, createdAt: ago(30) });
    expect(dispatched(play([first], [approve, pause]))).toEqual([]);
  });

  it('runs a second synthesis, answering the /approve, once they are merged', () => {
    const work = make.run({ id: 7031, worker: 'W3.1', createdAt: ago(35) });
    const merged = { pulls: [make.pull({ number: 105, worker: 'W3.1', state: 'merged' })] };
    const actions = play([first, work], [approve], merged);
    expect(dispatched(actions)).toEqual(['synthesis - comment-960']);
    expect(kinds(actions)).not.toContain('open-final-pull');

    const second = synthesisRun({
      id: 7101,
      trigger: 'comment-960',
      createdAt: ago(20),
      updatedAt: ago(10),
    });
    const done = play([first, work, second], [approve], merged);
    expect(dispatched(done)).toEqual([]);
    expect(kinds(done)).toContain('open-final-pull');
  });

  it('opens the final PR without them after /skip follow-ups', () => {
    const actions = play([first], [decline]);
    expect(dispatched(actions)).toEqual([]);
    expect(kinds(actions)).toContain('open-final-pull');
    expect(progressOf(actions).followUps?.state).toBe('skipped');
  });
});
