import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/commands/command.js';
import { checkCommands, commandAnswers } from '../../src/core/decide/check-commands.js';
import type { BuildSnapshot, CommandInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { ago, make, NOW, sha } from './factories.js';

const config = (() => {
  const parsed = make.config();
  if (!parsed.ok) throw new Error('config');
  return parsed.config;
})();

function check(command: Command, snapshot: BuildSnapshot = make.snapshot()) {
  return checkCommands({ commands: [command], snapshot, config, now: NOW }).map((p) => p.message);
}

const started = make.snapshot({
  runs: [
    make.run({ id: 7000, role: 'plan', worker: null }),
    make.run({ id: 7002, worker: 'W1.1', status: 'in_progress', conclusion: null }),
  ],
});

describe('checkCommands', () => {
  it.each<[string, Command, BuildSnapshot, RegExp | null]>([
    ['takes /approve of a valid plan', { name: 'approve' }, make.snapshot(), null],
    [
      'refuses /approve without a plan',
      { name: 'approve' },
      make.snapshot({ plan: { kind: 'missing' } }),
      /no valid plan/,
    ],
    ['refuses /approve of a running build', { name: 'approve' }, started, /already running/],
    ['refuses /replan once workers started', { name: 'replan', feedback: 'x' }, started, /settled/],
    [
      'names the workers when the id is unknown',
      { name: 'skip', worker: 'W9.9' },
      make.snapshot(),
      /W9\.9 is not a worker of this build; its workers are W1\.1/,
    ],
    [
      'refuses worker commands without a plan',
      { name: 'retry', worker: 'W1.1', instructions: '' },
      make.snapshot({ plan: { kind: 'missing' } }),
      /no valid plan/,
    ],
    [
      'refuses /merge of a worker without an open PR',
      { name: 'merge', worker: 'W1.1' },
      started,
      /no open pull request/,
    ],
    [
      'refuses /retry of a worker that is still working',
      { name: 'retry', worker: 'W1.1', instructions: '' },
      started,
      /still running/,
    ],
    [
      'takes /retry on an open PR',
      { name: 'retry', worker: 'W1.1', instructions: 'again' },
      make.snapshot({
        runs: started.runs,
        pulls: [make.pull({ worker: 'W1.1', headSha: sha('h1') })],
      }),
      null,
    ],
    ['takes /pause at any time', { name: 'pause' }, started, null],
    [
      'takes /steer of a running worker',
      { name: 'steer', worker: 'W1.1', text: 'use fetch' },
      started,
      null,
    ],
    [
      'takes /queue of a worker not started yet',
      { name: 'queue', worker: 'W1.1', text: 'add a test' },
      make.snapshot(),
      null,
    ],
    [
      'refuses /steer of a merged worker',
      { name: 'steer', worker: 'W1.1', text: 'x' },
      make.snapshot({ pulls: [make.pull({ worker: 'W1.1', state: 'merged' })] }),
      /merged already/,
    ],
    [
      'refuses /continue of a worker still running',
      { name: 'continue', worker: 'W1.1' },
      started,
      /still running; `\/steer W1\.1 <message>` talks to its session/,
    ],
    [
      'refuses /continue of a worker with no partial work',
      { name: 'continue', worker: 'W1.1' },
      make.snapshot({ runs: started.runs, pulls: [make.pull({ worker: 'W1.1' })] }),
      /no partial work to continue/,
    ],
    [
      'takes /continue of a partial worker',
      { name: 'continue', worker: 'W1.1' },
      make.snapshot({
        runs: [make.run({ id: 7002, worker: 'W1.1' })],
        pulls: [make.pull({ worker: 'W1.1', draft: true })],
      }),
      null,
    ],
  ])('%s', (_, command, snapshot, expected) => {
    const messages = check(command, snapshot);
    if (expected === null) expect(messages).toEqual([]);
    else expect(messages).toEqual([expect.stringMatching(expected)]);
  });
});

describe('checkCommands judges a command as the build stood when it was written', () => {
  const workAt = (createdAt: string) =>
    make.snapshot({ runs: [make.run({ id: 7002, worker: 'W1.1', createdAt })] });

  it.each<[string, string, RegExp | null]>([
    ['takes the /approve that work started after', '2026-11-22T09:00:00.000Z', null],
    [
      'refuses an /approve written after work started',
      '2026-11-22T07:00:00.000Z',
      /already running/,
    ],
  ])('%s', (_name, runCreatedAt, expected) => {
    const problems = checkCommands({
      commands: [{ name: 'approve' }],
      snapshot: workAt(runCreatedAt),
      config,
      now: NOW,
      at: '2026-11-22T08:00:00.000Z',
    }).map((p) => p.message);
    expect(problems.join('\n')).toMatch(expected ?? /^$/);
  });
});

describe('an accepted /continue is judged without the continuation it asked for', () => {
  const proceed = (commentId: number, createdAt: string) =>
    make.command({ name: 'continue', worker: 'W1.1' }, { commentId, createdAt });
  // W1.1's session stopped short and handed in a draft (head a1) half an hour ago.
  const stopped = make.run({ id: 7002, worker: 'W1.1', createdAt: ago(40), updatedAt: ago(30) });
  const draft = make.pull({ worker: 'W1.1', draft: true, createdAt: ago(30) });
  const continuation = (createdAt: string, status: RunInfo['status'] = 'in_progress') =>
    make.run({
      id: 7300,
      role: 'fix',
      worker: 'W1.1',
      trigger: `continue-${draft.headSha}`,
      status,
      conclusion: status === 'completed' ? 'success' : null,
      createdAt,
      updatedAt: createdAt,
    });

  it.each<[string, CommandInfo[], RunInfo[], RegExp | null]>([
    ['the /continue read back with the build', [proceed(950, ago(5))], [], null],
    [
      'the continuation an earlier reconcile dispatched for it',
      [proceed(950, ago(5))],
      [continuation(ago(4))],
      null,
    ],
    [
      'a second /continue written while the first one’s continuation runs',
      [proceed(940, ago(8)), proceed(950, ago(5))],
      [continuation(ago(7))],
      /W1\.1 is being continued already/,
    ],
  ])('%s', (_name, commands, runs, expected) => {
    const snapshot = make.snapshot({ runs: [stopped, ...runs], pulls: [draft], commands });
    const problems = checkCommands({
      commands: [{ name: 'continue', worker: 'W1.1' }],
      snapshot,
      config,
      now: NOW,
      at: ago(5),
    }).map((p) => p.message);
    if (expected === null) expect(problems).toEqual([]);
    else expect(problems).toEqual([expect.stringMatching(expected)]);
    // The answer the app posts for the comment it took: none for a /continue that applies.
    const answers = commandAnswers({
      answers: [{ commentId: 950, number: 12, commands: [{ name: 'continue', worker: 'W1.1' }] }],
      snapshot,
      config,
      now: NOW,
    });
    expect(answers.map((action) => (action.kind === 'comment' ? action.key : action.kind))).toEqual(
      expected === null ? [] : ['answer-950'],
    );
  });
});

describe('checkCommands: /retry synthesis', () => {
  const research = (runs: RunInfo[], at = NOW) =>
    checkCommands({
      commands: [{ name: 'retry-synthesis' }],
      snapshot: make.snapshot({
        plan: { kind: 'valid', plan: make.plan({ type: 'research' }), sha: sha('p1') },
        runs: [make.run({ id: 7000, role: 'plan', worker: null }), ...runs],
      }),
      config,
      now: NOW,
      at,
    }).map((p) => p.message);
  const synthesis = (overrides: Partial<RunInfo> = {}) =>
    make.run({ id: 7100, role: 'synthesis', worker: null, conclusion: 'failure', ...overrides });

  it('takes it once the synthesis has failed', () => {
    expect(research([synthesis()])).toEqual([]);
  });

  it.each<[string, RunInfo[], string, RegExp]>([
    ['before the synthesis ran', [], NOW, /has not run yet: it starts once every worker/],
    [
      'while the synthesis runs',
      [synthesis({ status: 'in_progress', conclusion: null })],
      NOW,
      /still running; `\/retry synthesis` runs it again once it has failed/,
    ],
    [
      'written before the failed attempt ended',
      [synthesis({ createdAt: ago(60), updatedAt: ago(20) })],
      ago(30),
      /still running/,
    ],
    ['after the synthesis succeeded', [synthesis({ conclusion: 'success' })], NOW, /has succeeded/],
  ])('refuses it %s', (_name, runs, at, expected) => {
    expect(research(runs, at)).toEqual([expect.stringMatching(expected)]);
  });

  it('refuses it in a code build, which has no synthesis', () => {
    expect(check({ name: 'retry-synthesis' })).toEqual([
      expect.stringMatching(/only a research build has a synthesis/),
    ]);
  });
});

describe('checkCommands: answers to follow-up questions', () => {
  const followUp = make.worker({ id: 'W3.1', follow_up: 1 });
  const snapshot = (commands: CommandInfo[] = []) =>
    make.snapshot({
      plan: {
        kind: 'valid',
        plan: make.plan({ type: 'research', workers: [...make.plan().workers, followUp] }),
        sha: sha('p1'),
      },
      runs: [
        make.run({ id: 7000, role: 'plan', worker: null }),
        make.run({ id: 7001, worker: 'W1.1', createdAt: ago(90) }),
        make.run({
          id: 7100,
          role: 'synthesis',
          worker: null,
          createdAt: ago(60),
          updatedAt: ago(50),
        }),
      ],
      commands,
    });
  const problems = (command: Command, commands: CommandInfo[] = [], at = NOW) =>
    checkCommands({ commands: [command], snapshot: snapshot(commands), config, now: NOW, at }).map(
      (p) => p.message,
    );

  it('takes /approve and /skip follow-ups while follow-up questions are proposed', () => {
    expect(problems({ name: 'approve' })).toEqual([]);
    expect(problems({ name: 'skip-follow-ups' })).toEqual([]);
  });

  it('takes the /approve that started them, and refuses a later one as the build runs', () => {
    const approve = make.command({ name: 'approve' }, { commentId: 960, createdAt: ago(40) });
    expect(problems({ name: 'approve' }, [approve], ago(40))).toEqual([]);
    expect(problems({ name: 'approve' }, [approve], ago(30))).toEqual([
      expect.stringMatching(/already running/),
    ]);
  });

  it('refuses /skip follow-ups with none proposed, or skipped already', () => {
    const skipped = make.command(
      { name: 'skip-follow-ups' },
      { commentId: 961, createdAt: ago(40) },
    );
    expect(problems({ name: 'skip-follow-ups' }, [skipped], ago(30))).toEqual([
      expect.stringMatching(/skipped already/),
    ]);
    expect(check({ name: 'skip-follow-ups' })).toEqual([
      expect.stringMatching(/no follow-up questions wait for an answer/),
    ]);
  });
});

describe('commandAnswers', () => {
  const answer = (commands: Command[]) => ({ commentId: 42, number: 7, commands });
  const answers = (commands: Command[], snapshot = make.snapshot()) =>
    commandAnswers({ answers: [answer(commands)], snapshot, config, now: NOW });

  it('replies once to a comment whose command cannot apply, on the thread it was written in', () => {
    const [reply, ...rest] = answers([{ name: 'skip', worker: 'W9.9' }]);
    expect(rest).toEqual([]);
    expect(reply).toMatchObject({ kind: 'comment', number: 7, key: 'answer-42' });
    expect(reply?.kind === 'comment' && reply.body).toMatch(/W9\.9 is not a worker/);
  });

  it('says a /steer is kept when its worker has no session running', () => {
    expect(answers([{ name: 'steer', worker: 'W1.1', text: 'use fetch' }])).toEqual([
      expect.objectContaining({ kind: 'comment', number: 7, key: 'queued-42' }),
    ]);
  });

  it('asks nothing of a comment whose commands apply', () => {
    expect(answers([{ name: 'approve' }])).toEqual([]);
    expect(answers([{ name: 'steer', worker: 'W1.1', text: 'use fetch' }], started)).toEqual([]);
  });
});
