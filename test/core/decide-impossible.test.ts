/**
 * A worker whose session said a criterion cannot be met (docs/sessions.md,
 * "This cannot be done"): it stops, one notice shows the criterion and the
 * reason, and nothing counts it as a failure to fix until a person answers.
 */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import { impossibleProblems, nameableCriteria } from '../../src/core/records/impossible.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { dispatched, noticeKeys, rowsOf } from './decide-helpers.js';
import {
  ago,
  fixRun,
  make,
  makePlan,
  makeWorker,
  NOW,
  planRun,
  sha,
  validPlan,
} from './factories.js';

const PLAN = makePlan({
  criteria: ['The greeting is the same in every locale'],
  workers: [
    makeWorker({ id: 'W1.1', title: 'Greet by name', criteria: ['greet() says the name back'] }),
    makeWorker({ id: 'W2.1', title: 'Use the greeting', depends_on: ['W1.1'] }),
  ],
});

const worked = make.run({ id: 7011, worker: 'W1.1', conclusion: 'failure', createdAt: ago(60) });
const said = make.impossibleRecord({ run_id: 7011 });

function decideOn(overrides: Partial<BuildSnapshot>): Action[] {
  return decide({
    snapshot: make.snapshot({
      plan: validPlan(PLAN),
      runs: [planRun(), worked],
      pulls: [],
      commands: [],
      completions: {},
      usage: [said],
      ...overrides,
    }),
    config: make.config({ approval: 'none' }),
    now: NOW,
  });
}

function noticeBodies(actions: Action[]): string[] {
  return actions.flatMap((action) => (action.kind === 'notice' ? [action.body] : []));
}

describe('decide: a worker whose session said its criterion cannot be met', () => {
  it('stops it: no retry, no fix, one notice with the criterion and the reason, no failure notice', () => {
    const actions = decideOn({});
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'impossible',
      note: 'says W1.1:1 cannot be met: `The criterion asks greet() to return two different strings for one name.`; a person answers',
    });
    expect(dispatched(actions)).toEqual([]);
    expect(noticeKeys(actions.filter((action) => action.kind === 'notice'))).toEqual([
      'impossible/W1.1/7011',
    ]);
    const [body = ''] = noticeBodies(actions);
    expect(body).toContain('W1.1 says this cannot be done');
    expect(body).toContain('- **W1.1:1** “greet() says the name back”');
    expect(body).toContain(
      'Its reason: “The criterion asks greet() to return two different strings for one name.”',
    );
    expect(body).toContain('https://github.com/acme/shop/actions/runs/7011');
    expect(body).toContain('`/retry W1.1 <instructions>`');
    expect(body).toContain('`/skip W1.1`');
    expect(body).toContain('`/replan <what to change>`');
  });

  it('posts its notice once', () => {
    const [key = ''] = noticeKeys(decideOn({}).filter((action) => action.kind === 'notice'));
    expect(noticeBodies(decideOn({ notices: [key] }))).toEqual([]);
  });

  it("shows the build's criterion it names, and a reason that quotes a model inert", () => {
    const reason = 'done @admin <!-- baton:status --> ![x](https://evil.example/p.png) Fixes #3';
    const actions = decideOn({
      usage: [make.impossibleRecord({ run_id: 7011, criteria: ['build:1'], reason })],
    });
    const [body = ''] = noticeBodies(actions);
    expect(body).toContain('- **build:1** “The greeting is the same in every locale”');
    expect(body).not.toContain('@admin');
    expect(body).not.toContain('<!-- baton:status');
    expect(body).not.toContain('![x]');
    expect(body).not.toMatch(/Fixes #3/);
  });

  it('starts a new attempt on a /retry given after it, and goes on without it on a /skip', () => {
    const retry = make.command(
      { name: 'retry', worker: 'W1.1', instructions: 'greet in English only' },
      { commentId: 77, createdAt: ago(10) },
    );
    const retried = decideOn({ commands: [retry] });
    expect(rowsOf(retried)['W1.1']?.state).toBe('ready');
    expect(dispatched(retried)).toEqual(['work W1.1 comment-77']);
    const skipped = decideOn({
      commands: [make.command({ name: 'skip', worker: 'W1.1' }, { createdAt: ago(10) })],
    });
    expect(rowsOf(skipped)['W1.1']?.state).toBe('skipped');
    expect(dispatched(skipped)).toEqual(['work W2.1 -']);
  });

  it('is no runaway, however many attempts said so', () => {
    const runs = [7011, 7012, 7013, 7014].map((id, at) =>
      make.run({ id, worker: 'W1.1', conclusion: 'failure', createdAt: ago(50 - at * 10) }),
    );
    const actions = decideOn({
      runs: [planRun(), ...runs],
      usage: runs.map((run) => make.impossibleRecord({ run_id: run.id })),
    });
    expect(noticeKeys(actions.filter((action) => action.kind === 'notice'))).toEqual([
      'impossible/W1.1/7014',
    ]);
  });

  it('is a failed session like any other where publish refused the word (recorded as failed)', () => {
    const actions = decideOn({
      usage: [
        make.usageRecord({
          run_id: 7011,
          role: 'work',
          worker: 'W1.1',
          outcome: 'failed',
          reason: 'publish refused: the impossible hand-in: impossible names W9.9:1',
        }),
      ],
    });
    expect(rowsOf(actions)['W1.1']?.state).toBe('failed');
    expect(noticeKeys(actions.filter((action) => action.kind === 'notice'))).toEqual([
      'failed/W1.1/1',
    ]);
  });

  it('asks a person once where a fix session on its pull request said so, and runs no other fix', () => {
    const head = sha('h1');
    const pull = make.pull({
      headSha: head,
      reviews: [make.review({ id: 9, commitSha: head, verdict: 'changes-requested' })],
    });
    const fix = fixRun('review-9', { id: 7201, conclusion: 'failure', createdAt: ago(30) });
    const actions = decideOn({
      runs: [planRun(), make.run({ id: 7011, worker: 'W1.1', createdAt: ago(60) }), fix],
      pulls: [pull],
      usage: [make.impossibleRecord({ run_id: 7201, role: 'fix' })],
    });
    expect(rowsOf(actions)['W1.1']?.state).toBe('needs-human');
    expect(dispatched(actions)).toEqual([]);
    expect(noticeKeys(actions.filter((action) => action.kind === 'notice'))).toEqual([
      'impossible/W1.1/7201',
    ]);
    expect(noticeBodies(actions)[0]).toContain(`its pull request ${pull.url}`);
  });
});

describe('which criteria a session may say cannot be met', () => {
  const plan = makePlan({
    criteria: ['build wide'],
    workers: [
      makeWorker({
        id: 'W0.1',
        title: 'Contract: checks for the acceptance criteria',
        contract: true,
      }),
      makeWorker({ id: 'W1.1', title: 'One', criteria: ['a', 'b'] }),
      makeWorker({ id: 'W1.2', title: 'Two', criteria: ['c'] }),
      makeWorker({ id: 'W2.1', title: 'Fix: W1.2:1 fails', depends_on: ['W1.1', 'W1.2'] }),
    ],
  });

  it.each<[string, string[]]>([
    ['W0.1', ['build:1', 'W1.1:1', 'W1.1:2', 'W1.2:1']],
    ['W1.1', ['build:1', 'W1.1:1', 'W1.1:2']],
    ['W2.1', ['W1.2:1', 'build:1']],
  ])('%s: %j', (worker, nameable) => {
    expect(nameableCriteria(plan, worker)).toEqual(nameable);
  });

  it.each<[string, string[], string[]]>([
    ['its own', ['W1.1:2'], []],
    [
      "another worker's",
      ['W1.2:1'],
      [
        'impossible names W1.2:1, which is not among the criteria W1.1 may name (build:1, W1.1:1, W1.1:2)',
      ],
    ],
    [
      'none, where it has some',
      [],
      ['impossible names no criterion: name which of build:1, W1.1:1, W1.1:2 cannot be met'],
    ],
  ])('W1.1 naming %s', (_name, criteria, problems) => {
    const word = { criteria, reason: 'they contradict each other', evidence: ['src/a.ts:3'] };
    expect(impossibleProblems(word, nameableCriteria(plan, 'W1.1'), 'W1.1')).toEqual(problems);
  });
});
