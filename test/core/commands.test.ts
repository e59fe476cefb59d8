import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/commands/command.js';
import { COMMAND_USAGE, parseCommands } from '../../src/core/commands/parse-commands.js';
import { makeContext } from '../../src/core/context/decide-context.js';
import type { CommandInfo } from '../../src/core/snapshot/snapshot.js';
import { parseCommandLedger, renderCommandLedger } from '../../src/core/status/command-ledger.js';
import { commandText } from '../../src/core/workers/build-progress.js';
import { makeCommand, makeConfig, makeSnapshot, NOW } from './factories.js';

/**
 * Every command and every option as a writer gives it: the comment, the pull
 * request's worker it is written on (if any), and what it means.
 */
const WRITTEN: [string, string | null, Command][] = [
  ['/approve', null, { name: 'approve' }],
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
