import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/commands/command.js';
import { COMMAND_USAGE, parseCommands } from '../../src/core/commands/parse-commands.js';
import { makeContext } from '../../src/core/context/decide-context.js';
import { checkCommands } from '../../src/core/decide/check-commands.js';
import { decide } from '../../src/core/decide/decide.js';
import type { CommandInfo, PullInfo, RunInfo } from '../../src/core/snapshot/snapshot.js';
import { parseCommandLedger, renderCommandLedger } from '../../src/core/status/command-ledger.js';
import { renderStatus } from '../../src/core/status/render-status.js';
import { commandText } from '../../src/core/workers/build-progress.js';
import { dispatched, kinds, rowsOf, viewOf } from './decide-helpers.js';
import {
  ago,
  makeCommand,
  makeConfig,
  makePull,
  makeReview,
  makeRun,
  makeSnapshot,
  NOW,
  planOf,
  planRun,
  sha,
} from './factories.js';

/**
 * Every command and every option as a writer gives it: the comment, the pull
 * request's worker it is written on (if any), and what it means.
 */
const WRITTEN: [string, string | null, Command][] = [
  ['/approve', null, { name: 'approve' }],
  [
    '/remember log through src/log.ts, never console.log',
    null,
    { name: 'remember', rule: 'log through src/log.ts, never console.log' },
  ],
  ['/replan split W2.1 in two', null, { name: 'replan', feedback: 'split W2.1 in two' }],
  [
    '/replan fewer workers\nand one for the docs',
    null,
    { name: 'replan', feedback: 'fewer workers\nand one for the docs' },
  ],
  ['/retry W2.1', null, { name: 'retry', worker: 'W2.1', instructions: '' }],
  [
    '/retry W2.1 use the new API',
    null,
    { name: 'retry', worker: 'W2.1', instructions: 'use the new API' },
  ],
  [
    '/retry W2.1 engine=codex',
    null,
    { name: 'retry', worker: 'W2.1', instructions: '', engine: 'codex' },
  ],
  [
    '/retry W2.1 engine=claude-code use the new API',
    null,
    { name: 'retry', worker: 'W2.1', instructions: 'use the new API', engine: 'claude-code' },
  ],
  [
    '/retry engine=codex keep the tests',
    'W1.2',
    { name: 'retry', worker: 'W1.2', instructions: 'keep the tests', engine: 'codex' },
  ],
  ['/retry synthesis', null, { name: 'retry-synthesis' }],
  ['/skip W2.1', null, { name: 'skip', worker: 'W2.1' }],
  ['/skip', 'W1.2', { name: 'skip', worker: 'W1.2' }],
  ['/skip follow-ups', null, { name: 'skip-follow-ups' }],
  ['/merge W2.1', null, { name: 'merge', worker: 'W2.1' }],
  ['/hold W2.1', null, { name: 'hold', worker: 'W2.1' }],
  ['/hold', 'W1.2', { name: 'hold', worker: 'W1.2' }],
  ['/release w2.1', null, { name: 'release', worker: 'W2.1' }],
  ['/pause', null, { name: 'pause' }],
  ['/resume', null, { name: 'resume' }],
  ['/cancel', null, { name: 'cancel' }],
  ['/status', null, { name: 'status' }],
  ['/improve', null, { name: 'improve', loops: 1 }],
  ['/improve 3', null, { name: 'improve', loops: 3 }],
  ['/rollback', null, { name: 'rollback' }],
  ['/steer W2.1 use the new API', null, { name: 'steer', worker: 'W2.1', text: 'use the new API' }],
  ['/steer keep it small', 'W1.2', { name: 'steer', worker: 'W1.2', text: 'keep it small' }],
  ['/queue W2.1 mind the docs', null, { name: 'queue', worker: 'W2.1', text: 'mind the docs' }],
  ['/continue W2.1', null, { name: 'continue', worker: 'W2.1' }],
];

/** The status comment's ledger, written with the command in it and read back. */
function throughLedger(info: CommandInfo): CommandInfo[] {
  return parseCommandLedger(`Status\n\n${renderCommandLedger([info])}`);
}

describe('every command of the table goes through parse → ledger → read back → the same command', () => {
  it.each(WRITTEN)('%s (on the pull request of %s)', (text, worker, command) => {
    const parsed = parseCommands(text, worker ? { worker } : {});
    expect(parsed).toEqual({ commands: [command], errors: [] });
    const source: CommandInfo['source'] = worker
      ? { kind: 'pull', number: 7, worker }
      : { kind: 'issue' };
    const info = makeCommand(command, { commentId: 42, source });
    expect(throughLedger(info)).toEqual([info]);
    // As the status history writes it, it is the same command again, wherever it is written.
    expect(parseCommands(commandText(command))).toEqual({ commands: [command], errors: [] });
  });

  it('covers every command', () => {
    const covered = new Set(WRITTEN.map(([, , command]) => command.name));
    expect([...covered].sort()).toEqual(Object.keys(COMMAND_USAGE).sort());
  });
});

describe('a /retry that names an engine, read back from the ledger', () => {
  it("runs the worker's fix sessions and shows its row on that engine", () => {
    const [retry] = throughLedger(
      makeCommand({ name: 'retry', worker: 'W1.1', instructions: '', engine: 'codex' }),
    );
    const parsed = makeConfig({ session: { engine: { default: 'baton', allow: ['codex'] } } });
    if (!parsed.ok) throw new Error('bad config');
    const ctx = makeContext({
      snapshot: makeSnapshot({ commands: retry ? [retry] : [] }),
      config: parsed.config,
      now: NOW,
    });
    expect(ctx.engineOf({ role: 'fix', worker: 'W1.1' })).toBe('codex');
    expect(ctx.engineOf({ role: 'work', worker: 'W1.1' })).toBe('codex');
  });
});

/** W1.1 and W1.2, both free to start, with what has run and been said about them. */
function decideHeld({
  runs = [],
  pulls = [],
  commands = [],
}: {
  runs?: RunInfo[];
  pulls?: PullInfo[];
  commands?: CommandInfo[];
}) {
  return decide({
    snapshot: makeSnapshot({
      plan: planOf('W1.1', 'W1.2'),
      runs: [planRun(), ...runs],
      pulls,
      commands,
    }),
    config: makeConfig({ approval: 'none' }),
    now: NOW,
  });
}

const hold = (minutes: number, worker = 'W1.1') =>
  makeCommand({ name: 'hold', worker }, { commentId: 910 + minutes, createdAt: ago(minutes) });
const release = (minutes: number) =>
  makeCommand(
    { name: 'release', worker: 'W1.1' },
    { commentId: 930 + minutes, createdAt: ago(minutes) },
  );
const retry = (minutes: number) =>
  makeCommand(
    { name: 'retry', worker: 'W1.1', instructions: '' },
    { commentId: 950 + minutes, createdAt: ago(minutes), author: 'bob' },
  );
const failedWork = makeRun({ id: 7011, worker: 'W1.1', createdAt: ago(60), conclusion: 'failure' });
const workRun = makeRun({ id: 7011, worker: 'W1.1', createdAt: ago(60) });
/** W1.1's pull request, approved on its head and clean: it merges unless held. */
const approvedPull = makePull({ reviews: [makeReview({ commitSha: sha('a1') })] });
const changesPull = makePull({
  reviews: [makeReview({ id: 9, commitSha: sha('a1'), verdict: 'changes-requested' })],
});
const HELD_NOTE = 'held by alice: `/release W1.1` lets it go on';

describe('/hold W2.1: no new session for the worker and no merge of its pull request', () => {
  it('keeps a worker from its first session while the others start; its row says who held it', () => {
    const actions = decideHeld({ commands: [hold(5)] });
    expect(dispatched(actions)).toEqual(['work W1.2 -']);
    expect(rowsOf(actions)['W1.1']).toEqual({ state: 'waiting', note: HELD_NOTE });
    expect(renderStatus(viewOf(actions))).toContain('held by alice');
  });

  it('keeps a failed worker from the retry a /retry before it asked for', () => {
    const runs = [failedWork];
    expect(dispatched(decideHeld({ runs, commands: [retry(10)] }))).toContain(
      'work W1.1 comment-960',
    );
    const held = decideHeld({ runs, commands: [retry(10), hold(5)] });
    expect(dispatched(held)).not.toContain('work W1.1 comment-960');
    expect(rowsOf(held)['W1.1']?.note).toBe(HELD_NOTE);
  });

  it('keeps its pull request from a fix session and from merging', () => {
    expect(dispatched(decideHeld({ runs: [workRun], pulls: [changesPull] }))).toEqual([
      'fix W1.1 review-9',
      'work W1.2 -',
    ]);
    const unfixed = decideHeld({ runs: [workRun], pulls: [changesPull], commands: [hold(5)] });
    expect(dispatched(unfixed)).toEqual(['work W1.2 -']);
    expect(kinds(decideHeld({ runs: [workRun], pulls: [approvedPull] }))).toContain('merge-pull');
    const unmerged = decideHeld({ runs: [workRun], pulls: [approvedPull], commands: [hold(5)] });
    expect(kinds(unmerged)).not.toContain('merge-pull');
    expect(rowsOf(unmerged)['W1.1']).toEqual({ state: 'approved', note: HELD_NOTE });
  });

  it('lets it go on from where it stood at a /release given after the /hold, not before', () => {
    const pulls = [approvedPull];
    const released = decideHeld({ runs: [workRun], pulls, commands: [hold(10), release(5)] });
    expect(kinds(released)).toContain('merge-pull');
    expect(dispatched(released)).toEqual(['work W1.2 -']);
    const heldAgain = decideHeld({ runs: [workRun], pulls, commands: [release(10), hold(5)] });
    expect(kinds(heldAgain)).not.toContain('merge-pull');
  });

  it('lets a /retry given after the /hold release it, and retry it', () => {
    const actions = decideHeld({ runs: [failedWork], commands: [hold(10), retry(5)] });
    expect(dispatched(actions)).toContain('work W1.1 comment-955');
    expect(rowsOf(actions)['W1.1']?.note).not.toBe(HELD_NOTE);
  });

  it('is answered when it names a worker it cannot hold', () => {
    const snapshot = makeSnapshot({
      plan: planOf('W1.1'),
      runs: [planRun(), workRun],
      pulls: [makePull({ state: 'merged' })],
    });
    const config = makeConfig({ approval: 'none' });
    if (!config.ok) throw new Error('bad config');
    const answers = checkCommands({
      commands: [
        { name: 'hold', worker: 'W1.1' },
        { name: 'hold', worker: 'W9.9' },
      ],
      snapshot,
      config: config.config,
      now: NOW,
    });
    expect(answers.map((answer) => answer.message)).toEqual([
      'W1.1 is merged already.',
      'W9.9 is not a worker of this build; its workers are W1.1.',
    ]);
  });
});
