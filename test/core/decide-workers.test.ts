import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import type {
  CommandInfo,
  PullInfo,
  RunConclusion,
  RunInfo,
} from '../../src/core/snapshot/snapshot.js';
import { dispatched, kinds, rowsOf, viewOf } from './decide-helpers.js';
import { ago, make, NOW, planOf, planRun, sha, validPlan } from './factories.js';

const config = make.config({ approval: 'none' });

function work(worker: string, overrides: Partial<RunInfo> = {}): RunInfo {
  const id = 7000 + Number(worker.replace(/\D/g, ''));
  return make.run({
    id,
    worker,
    status: 'in_progress',
    conclusion: null,
    createdAt: ago(20),
    ...overrides,
  });
}

function merged(worker: string, number: number): PullInfo {
  return make.pull({ number, worker, state: 'merged' });
}

function run(overrides: {
  plan?: string[];
  runs?: RunInfo[];
  pulls?: PullInfo[];
  commands?: CommandInfo[];
  maxParallel?: number;
  maxUsd?: number;
  now?: string;
  usage?: UsageRecord[];
  /** Worker branches that exist, by worker id. */
  branches?: Record<string, string>;
}) {
  return decide({
    snapshot: make.snapshot({
      plan: overrides.plan ? planOf(...overrides.plan) : validPlan(),
      runs: [planRun(), ...(overrides.runs ?? [])],
      pulls: overrides.pulls ?? [],
      commands: overrides.commands ?? [],
      completions: {},
      ...(overrides.usage ? { usage: overrides.usage } : {}),
      ...(overrides.branches ? { branches: overrides.branches } : {}),
    }),
    config: make.config({
      approval: 'none',
      maxParallel: overrides.maxParallel ?? 4,
      budget: { maxUsd: overrides.maxUsd ?? null },
    }),
    now: overrides.now ?? NOW,
  });
}

describe('decide: scheduling workers', () => {
  it('does not dispatch a worker whose dependency is unmerged', () => {
    const actions = run({
      runs: [work('W1.1', { status: 'completed', conclusion: 'success' })],
      pulls: [merged('W1.1', 101)],
    });
    expect(dispatched(actions)).toEqual(['work W1.2 -']);
    expect(rowsOf(actions)['W2.1']).toEqual({ state: 'waiting', note: 'waits for W1.2' });
  });

  it('dispatches a worker as soon as its own dependencies are merged, not its whole wave', () => {
    const actions = run({
      plan: ['W1.1', 'W1.2', 'W2.1<W1.1'],
      runs: [work('W1.1', { status: 'completed', conclusion: 'success' }), work('W1.2')],
      pulls: [merged('W1.1', 101)],
    });
    expect(dispatched(actions)).toEqual(['work W2.1 -']);
  });

  it('treats a skipped dependency as done', () => {
    const actions = run({
      runs: [work('W1.1', { status: 'completed', conclusion: 'success' }), work('W1.2')],
      pulls: [merged('W1.1', 101)],
      commands: [make.command({ name: 'skip', worker: 'W1.2' })],
    });
    expect(dispatched(actions)).toEqual(['work W2.1 -']);
    expect(actions).toContainEqual({ kind: 'cancel-run', runId: 7012 });
  });

  it('counts every command of one comment, not only its first', () => {
    const actions = run({
      runs: [work('W1.1', { status: 'completed', conclusion: 'success' }), work('W1.2')],
      pulls: [merged('W1.1', 101)],
      // One comment: `/skip W1.2`, then `/pause`.
      commands: [
        make.command({ name: 'skip', worker: 'W1.2' }, { commentId: 7 }),
        make.command({ name: 'pause' }, { commentId: 7 }),
      ],
    });
    expect(actions).toContainEqual({ kind: 'cancel-run', runId: 7012 });
    expect(dispatched(actions)).toEqual([]);
  });

  it('closes the open pull request of a skipped worker', () => {
    const actions = run({
      runs: [work('W1.1', { status: 'completed', conclusion: 'success' })],
      pulls: [make.pull({ number: 101, worker: 'W1.1' })],
      commands: [make.command({ name: 'skip', worker: 'W1.1' })],
    });
    expect(actions).toContainEqual({ kind: 'close-pull', pull: 101 });
    expect(actions.some((action) => action.kind === 'merge-pull')).toBe(false);
  });

  it('never runs more than maxParallel and prefers the longest chain of dependents', () => {
    const actions = run({
      plan: ['W1.1', 'W1.2', 'W1.3', 'W2.1<W1.3', 'W3.1<W2.1'],
      maxParallel: 2,
    });
    expect(dispatched(actions)).toEqual(['work W1.3 -', 'work W1.1 -']);
    // Each says its chain, by which the write budget lets the most urgent waiting worker go first.
    expect(actions.flatMap((action) => (action.kind === 'dispatch' ? [action.chain] : []))).toEqual(
      [3, 1],
    );
  });

  it.each<[string, RunInfo[], PullInfo[], string[]]>([
    ['a queued work run', [work('W1.1', { status: 'queued' })], [], ['work W1.2 -']],
    [
      'an open pull request',
      [work('W1.1', { status: 'completed', conclusion: 'success' })],
      [make.pull({ worker: 'W1.1' })],
      ['work W1.2 -'],
    ],
    [
      'a failed attempt frees its slot',
      [work('W1.1', { status: 'completed', conclusion: 'failure' })],
      [],
      ['work W1.2 -', 'work W1.3 -'],
    ],
    [
      'a merged worker frees its slot',
      [work('W1.1', { status: 'completed', conclusion: 'success' })],
      [merged('W1.1', 101)],
      ['work W1.2 -', 'work W1.3 -'],
    ],
  ])('counts %s towards maxParallel accordingly', (_name, runs, pulls, expected) => {
    const actions = run({ plan: ['W1.1', 'W1.2', 'W1.3'], runs, pulls, maxParallel: 2 });
    expect(dispatched(actions).filter((line) => line.startsWith('work'))).toEqual(expected);
  });

  it('never dispatches a worker that already has a first attempt', () => {
    const actions = run({ runs: [work('W1.1'), work('W1.2', { status: 'queued' })] });
    expect(dispatched(actions)).toEqual([]);
    expect(rowsOf(actions)).toMatchObject({
      'W1.1': { state: 'working' },
      'W1.2': { state: 'queued' },
    });
  });

  it('stops dispatching work on /pause, and goes on reviewing and merging', () => {
    const actions = run({
      plan: ['W1.1', 'W1.2', 'W1.3'],
      runs: [
        work('W1.1', { status: 'completed', conclusion: 'success' }),
        work('W1.2', { status: 'completed', conclusion: 'success' }),
      ],
      pulls: [
        make.pull({ number: 101, worker: 'W1.1', reviews: [make.review()] }),
        make.pull({ number: 102, worker: 'W1.2', headSha: sha('b2') }),
      ],
      commands: [make.command({ name: 'pause' }, { commentId: 1 })],
    });
    expect(dispatched(actions)).toEqual([`review W1.2 head-${sha('b2')}`]);
    expect(actions).toContainEqual(expect.objectContaining({ kind: 'merge-pull', pull: 101 }));
    const view = viewOf(actions);
    expect(view.phase === 'running' && view.progress.paused).toEqual({ by: 'alice', at: ago(10) });
  });

  it('goes on after /resume', () => {
    const commands = [
      make.command({ name: 'pause' }, { commentId: 1, createdAt: ago(9) }),
      make.command({ name: 'resume' }, { commentId: 2, createdAt: ago(8) }),
    ];
    expect(dispatched(run({ commands }))).toEqual(['work W1.1 -', 'work W1.2 -']);
  });

  it('pauses every new session once the budget is spent, and says so', () => {
    const actions = decide({
      snapshot: make.snapshot({
        runs: [
          planRun(),
          work('W1.1', { status: 'completed', conclusion: 'success' }),
          work('W1.2', { status: 'completed', conclusion: 'success' }),
        ],
        pulls: [merged('W1.1', 101), make.pull({ number: 102, worker: 'W1.2' })],
        completions: {
          'W1.1': {
            kind: 'valid',
            completion: make.completion({ usage: { ...make.completion().usage, cost_usd: 2 } }),
          },
        },
      }),
      config: make.config({ approval: 'none', budget: { maxUsd: 2 } }),
      now: NOW,
    });
    expect(dispatched(actions)).toEqual([]);
    const view = viewOf(actions);
    expect(view.phase === 'running' && view.progress.budget).toEqual({ maxUsd: 2, reached: true });
  });

  it('counts Baton review costs towards the budget', () => {
    const review = {
      id: 1,
      author: 'baton[bot]',
      byBaton: true,
      verdict: 'comment' as const,
      commitSha: 'x',
      submittedAt: ago(5),
      costUsd: 1.5,
    };
    const actions = run({
      pulls: [make.pull({ worker: 'W1.1', state: 'closed', reviews: [review] })],
      maxUsd: 1,
    });
    expect(dispatched(actions)).toEqual([]);
  });
});

describe('decide: failed attempts and retries', () => {
  it.each<[RunConclusion, string]>([
    ['failure', 'the session failed'],
    ['cancelled', 'the session was cancelled'],
    ['timed_out', 'the session timed out'],
    ['startup_failure', 'the workflow could not start'],
    ['success', 'the session ended without a pull request'],
  ])('marks a work run that ended (%s) without a PR as failed', (conclusion, note) => {
    const actions = run({
      runs: [work('W1.1', { status: 'completed', conclusion })],
      plan: ['W1.1'],
    });
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'failed', note });
    const view = viewOf(actions);
    const row = view.phase === 'running' ? view.progress.workers[0] : undefined;
    expect(row).toMatchObject({
      hint: '/retry W1.1',
      run: { label: 'work run', url: 'https://github.com/acme/shop/actions/runs/7011' },
    });
    expect(dispatched(actions)).toEqual([]);
  });

  it("shows the failed session's own reason from its usage record, as a code span", () => {
    const failed = work('W1.1', { status: 'completed', conclusion: 'failure' });
    const record = (attempt: number, reason: string) =>
      make.usageRecord({
        run_id: failed.id,
        attempt,
        role: 'work',
        worker: 'W1.1',
        outcome: 'failed',
        reason,
      });
    const actions = run({
      runs: [failed],
      plan: ['W1.1'],
      usage: [
        record(2, 'the model request failed after retries (529): overloaded_error'),
        record(1, 'an older attempt'),
      ],
    });
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'failed',
      note: 'the session failed: `the model request failed after retries (529): overloaded_error`',
    });
    const notice = actions.find((action) => action.kind === 'notice');
    expect(notice && 'body' in notice ? notice.body : JSON.stringify(notice)).toContain(
      '`the model request failed after retries (529): overloaded_error`',
    );
  });

  it('keeps a reason that quotes a model inert: no mention, markup or marker escapes its code span', () => {
    const failed = work('W1.1', { status: 'completed', conclusion: 'failure' });
    const reason = 'done` @admin <!-- baton:status --> **bold** [x](https://evil.example) ``';
    const actions = run({
      runs: [failed],
      plan: ['W1.1'],
      usage: [
        make.usageRecord({
          run_id: failed.id,
          role: 'work',
          worker: 'W1.1',
          outcome: 'failed',
          reason,
        }),
      ],
    });
    const note = rowsOf(actions)['W1.1']?.note ?? '';
    const span = /^the session failed: (`{3,}) (.*) \1$/.exec(note);
    expect(span?.[2]).toBe(
      'done` @admin  !-- baton:status --  **bold** [x](https://evil.example) ``',
    );
  });

  it.each<[string, Partial<RunInfo>, string]>([
    [
      'runs past session.timeoutMinutes',
      { status: 'in_progress', createdAt: ago(121) },
      'ran longer than 120 minutes (twice session.timeoutMinutes: its session and the review after it)',
    ],
    [
      'sits queued past session.queuedMinutes',
      { status: 'queued', createdAt: ago(31) },
      'queued longer than 30 minutes (session.queuedMinutes)',
    ],
  ])('cancels a work run that %s and marks it failed', (_name, overrides, note) => {
    const actions = run({
      runs: [work('W1.1', overrides)],
      plan: ['W1.1', 'W1.2'],
      maxParallel: 1,
    });
    expect(actions[0]).toEqual({ kind: 'cancel-run', runId: 7011 });
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'failed', note });
    expect(dispatched(actions)).toEqual(['work W1.2 -']);
  });

  it('leaves a work run going past session.timeoutMinutes alone: its review follows in it', () => {
    const actions = run({
      runs: [work('W1.1', { status: 'in_progress', createdAt: ago(61) })],
      plan: ['W1.1'],
    });
    expect(kinds(actions)).not.toContain('cancel-run');
    expect(rowsOf(actions)['W1.1']?.state).toBe('working');
  });

  it('marks a worker whose PR was closed without merging as failed', () => {
    const actions = run({
      runs: [work('W1.1', { status: 'completed', conclusion: 'success' })],
      pulls: [make.pull({ worker: 'W1.1', state: 'closed', createdAt: ago(15) })],
      plan: ['W1.1'],
    });
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'failed',
      note: 'its pull request was closed without merging',
    });
  });

  it('starts a new attempt for /retry on a failed worker, by comment id, and counts attempts', () => {
    const failed = work('W1.1', { status: 'completed', conclusion: 'failure', createdAt: ago(30) });
    const retry = make.command(
      { name: 'retry', worker: 'W1.1', instructions: '' },
      { commentId: 77, createdAt: ago(5) },
    );
    const actions = run({ runs: [failed], commands: [retry], plan: ['W1.1'] });
    expect(dispatched(actions)).toEqual(['work W1.1 comment-77']);
    const again = run({
      runs: [failed, work('W1.1', { id: 7100, trigger: 'comment-77', createdAt: ago(4) })],
      commands: [retry],
      plan: ['W1.1'],
    });
    expect(dispatched(again)).toEqual([]);
    const view = viewOf(again);
    expect(view.phase === 'running' && view.progress.workers[0]?.attempts).toBe(2);
  });

  it('ignores a /retry given before the attempt that then failed', () => {
    const retry = make.command(
      { name: 'retry', worker: 'W1.1', instructions: '' },
      { createdAt: ago(40) },
    );
    const failed = work('W1.1', { status: 'completed', conclusion: 'failure', createdAt: ago(30) });
    expect(dispatched(run({ runs: [failed], commands: [retry], plan: ['W1.1'] }))).toEqual([]);
  });

  it('starts a worker whose branch (its first lock) exists with no run again on /retry, under a lock of its own', () => {
    // The first dispatch took the branch and no run followed (the process died, or the
    // dispatch's answer was lost): every first dispatch stands down on the branch for good.
    const branches = { 'W1.1': sha('w11') };
    expect(dispatched(run({ plan: ['W1.1'], branches }))).toEqual(['work W1.1 -']);
    const retry = make.command(
      { name: 'retry', worker: 'W1.1', instructions: '' },
      { commentId: 78, createdAt: ago(5) },
    );
    const actions = run({ plan: ['W1.1'], branches, commands: [retry] });
    expect(dispatched(actions)).toEqual(['work W1.1 comment-78']);
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'ready', note: 'retry asked by alice' });
    // Answered: its run is the worker's attempt, and nothing is dispatched again.
    const answered = work('W1.1', { trigger: 'comment-78', createdAt: ago(4) });
    expect(
      dispatched(run({ plan: ['W1.1'], branches, commands: [retry], runs: [answered] })),
    ).toEqual([]);
    // A worker with no branch yet starts as usual: its first dispatch takes the branch.
    expect(dispatched(run({ plan: ['W1.1'], commands: [retry] }))).toEqual(['work W1.1 -']);
  });

  it('holds a /retry while paused', () => {
    const commands = [
      make.command({ name: 'pause' }, { commentId: 1, createdAt: ago(6) }),
      make.command(
        { name: 'retry', worker: 'W1.1', instructions: '' },
        { commentId: 2, createdAt: ago(5) },
      ),
    ];
    const failed = work('W1.1', { status: 'completed', conclusion: 'failure', createdAt: ago(30) });
    const actions = run({ runs: [failed], commands, plan: ['W1.1'] });
    expect(dispatched(actions)).toEqual([]);
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'ready', note: 'retry asked by alice' });
  });
});

describe('decide: a work session that succeeded moments ago without a PR in sight', () => {
  // Its PR may have been opened after the reconcile read the pull requests (SETTLE_MS).
  const ended = work('W1.1', {
    status: 'completed',
    conclusion: 'success',
    updatedAt: ago(2 / 60),
  });

  it('keeps the worker working and asks to look again when the settle time is over', () => {
    const actions = run({ runs: [ended], plan: ['W1.1'] });
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'working', note: null });
    expect(actions.filter((action) => action.kind === 'look-again')).toEqual([
      { kind: 'look-again', inMs: 28_000 },
    ]);
    expect(kinds(actions)).not.toContain('notice');
    expect(kinds(actions)).not.toContain('add-label');
  });

  it('marks it failed, with its notice, once the settle time is over', () => {
    const later = new Date(Date.parse(NOW) + 58_000).toISOString();
    const actions = run({ runs: [ended], plan: ['W1.1'], now: later });
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'failed',
      note: 'the session ended without a pull request',
    });
    expect(actions).toContainEqual(
      expect.objectContaining({ kind: 'notice', key: expect.stringContaining('failed') }),
    );
    expect(kinds(actions)).not.toContain('look-again');
  });

  it('does not wait on a run that failed moments ago with its usage record in sight', () => {
    const failed = { ...ended, conclusion: 'failure' as const };
    const actions = run({ runs: [failed], plan: ['W1.1'], usage: [refusal(failed.id)] });
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'failed',
      note: "publish refused the session's changes: `.npmrc changes the build's seal`",
    });
    expect(kinds(actions)).not.toContain('look-again');
  });

  it('once its PR is in sight, waits the settle time only for the review the run made after it', () => {
    const opened = run({ runs: [ended], plan: ['W1.1'], pulls: [make.pull({ worker: 'W1.1' })] });
    expect(rowsOf(opened)['W1.1']?.state).toBe('reviewing');
    expect(opened.filter((action) => action.kind === 'look-again')).toEqual([
      { kind: 'look-again', inMs: 28_000 },
    ]);
    expect(kinds(opened)).not.toContain('dispatch');
  });
});

describe('decide: a work session that failed moments ago without its usage record in sight', () => {
  // Publish wrote the record, with why it refused, before the run ended; the reconcile read the
  // records before the runs (SETTLE_MS).
  const failed = work('W1.1', {
    status: 'completed',
    conclusion: 'failure',
    updatedAt: ago(2 / 60),
  });

  it('keeps the worker working, notifies no one, and asks to look again when the settle time is over', () => {
    const actions = run({ runs: [failed], plan: ['W1.1'] });
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'working', note: null });
    expect(actions.filter((action) => action.kind === 'look-again')).toEqual([
      { kind: 'look-again', inMs: 28_000 },
    ]);
    expect(kinds(actions)).not.toContain('notice');
  });

  it('shows why it failed once the record is in sight, and notifies once', () => {
    const later = new Date(Date.parse(NOW) + 5_000).toISOString();
    const actions = run({
      runs: [failed],
      plan: ['W1.1'],
      usage: [refusal(failed.id)],
      now: later,
    });
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'failed',
      note: "publish refused the session's changes: `.npmrc changes the build's seal`",
    });
    expect(actions).toContainEqual(
      expect.objectContaining({ kind: 'notice', key: expect.stringContaining('failed') }),
    );
  });

  it('marks it failed with no record once the settle time is over', () => {
    const later = new Date(Date.parse(NOW) + 58_000).toISOString();
    const actions = run({ runs: [failed], plan: ['W1.1'], now: later });
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'failed', note: 'the session failed' });
    expect(kinds(actions)).not.toContain('look-again');
  });
});

/** The usage record of a work run whose publish refused the session's changes. */
function refusal(runId: number): UsageRecord {
  return make.usageRecord({
    run_id: runId,
    role: 'work',
    worker: 'W1.1',
    outcome: 'complete',
    reason: "publish refused: .npmrc changes the build's seal",
  });
}

describe('decide: base sync', () => {
  it('merges a moved default branch into the build branch once', () => {
    const actions = decide({
      snapshot: make.snapshot({ integration: { sha: 'i', containsDefault: false } }),
      config,
      now: NOW,
    });
    expect(actions.filter((action) => action.kind === 'sync-build-branch')).toHaveLength(1);
  });

  it('does not sync a build branch that already contains the default branch', () => {
    const actions = decide({ snapshot: make.snapshot(), config, now: NOW });
    expect(actions.some((action) => action.kind === 'sync-build-branch')).toBe(false);
  });
});

/** The requests a fresh build dispatches with `session` in its config (there is at least one). */
function firstRequests(session: { timeoutMinutes?: number; runsOn?: string }) {
  const actions = decide({
    snapshot: make.snapshot({ plan: validPlan() }),
    config: make.config({ approval: 'none', session }),
    now: NOW,
  });
  const requests = actions.flatMap((action) =>
    action.kind === 'dispatch' ? [action.request] : [],
  );
  expect(requests.length).toBeGreaterThan(0);
  return requests;
}

describe('decide: the timeout of a session', () => {
  it.each([
    { session: {}, timeoutMinutes: undefined },
    { session: { timeoutMinutes: 60 }, timeoutMinutes: undefined },
    { session: { timeoutMinutes: 240 }, timeoutMinutes: 240 },
  ])(
    'dispatches with session.timeoutMinutes $session.timeoutMinutes',
    ({ session, timeoutMinutes }) => {
      for (const request of firstRequests(session)) {
        expect(request.timeoutMinutes).toBe(timeoutMinutes);
      }
    },
  );
});

describe('decide: the runner of a session', () => {
  it.each([
    { session: {}, runner: undefined },
    { session: { runsOn: 'ubuntu-latest' }, runner: undefined },
    { session: { runsOn: 'self-hosted-gpu' }, runner: 'self-hosted-gpu' },
  ])('dispatches on session.runsOn $session.runsOn', ({ session, runner }) => {
    for (const request of firstRequests(session)) expect(request.runner).toBe(runner);
  });
});

describe("decide: the contract's worker", () => {
  const plan = ['W0.1', 'W1.1<W0.1', 'W1.2<W0.1', 'W2.1<W1.1,W1.2'];
  const contract = (overrides: Partial<RunInfo> = {}) =>
    work('W0.1', { role: 'contract', ...overrides });

  it("dispatches W0.1's first session in the role contract, and no worker before it", () => {
    const actions = run({ plan });
    expect(dispatched(actions)).toEqual(['contract W0.1 -']);
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'waiting', note: 'waits for W0.1' });
  });

  it("holds every worker while the contract's session runs and while its pull request is open", () => {
    expect(dispatched(run({ plan, runs: [contract()] }))).toEqual([]);
    const done = contract({ status: 'completed', conclusion: 'success' });
    const open = make.pull({ number: 100, worker: 'W0.1', state: 'open' });
    const actions = run({ plan, runs: [done], pulls: [open] });
    // Reviewed like any worker's pull request; no work starts.
    expect(dispatched(actions)).toEqual([`review W0.1 head-${open.headSha}`]);
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'waiting', note: 'waits for W0.1' });
  });

  it('starts the workers of wave 1 once the contract is merged', () => {
    const done = contract({ status: 'completed', conclusion: 'success' });
    const actions = run({ plan, runs: [done], pulls: [merged('W0.1', 100)] });
    expect(dispatched(actions)).toEqual(['work W1.1 -', 'work W1.2 -']);
  });

  it('answers a /retry of the contract with a contract session', () => {
    const failed = contract({ status: 'completed', conclusion: 'failure', createdAt: ago(30) });
    const retry = make.command(
      { name: 'retry', worker: 'W0.1', instructions: '' },
      { commentId: 78, createdAt: ago(5) },
    );
    expect(dispatched(run({ plan, runs: [failed], commands: [retry] }))).toEqual([
      'contract W0.1 comment-78',
    ]);
    const again = run({
      plan,
      runs: [failed, contract({ id: 7101, trigger: 'comment-78', createdAt: ago(4) })],
      commands: [retry],
    });
    expect(dispatched(again)).toEqual([]);
  });
});
