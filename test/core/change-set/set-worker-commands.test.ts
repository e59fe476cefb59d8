import { describe, expect, it } from 'vitest';
import { checkSetCommands } from '../../../src/core/change-set/check-set-commands.js';
import { decideSet } from '../../../src/core/change-set/decide-set.js';
import { takesComment } from '../../../src/core/change-set/set-refusal.js';
import type { Command } from '../../../src/core/commands/command.js';
import { COMMAND_NAMES, COMMANDS } from '../../../src/core/commands/command-table.js';
import { parseCommands } from '../../../src/core/commands/parse-commands.js';
import { ago, make, NOW } from '../factories.js';
import {
  approval,
  CLIENT,
  HOME,
  LIB,
  MAINTAINER,
  makeSet,
  recordedMember,
  setConfig,
  setDispatches,
} from './set-factories.js';

/** Every command of the table that a writer of the worker's repository gives. */
const WORKER_COMMANDS = COMMAND_NAMES.filter((name) => COMMANDS[name].writers === 'worker');

/** The command as a person writes it for `worker`: its head and the worker, then a few words if it needs them. */
function written(name: (typeof WORKER_COMMANDS)[number], worker: string): Command {
  const head = COMMANDS[name].head;
  for (const text of [`${head} ${worker}`, `${head} ${worker} keep the old name`]) {
    const [command] = parseCommands(text).commands;
    if (command?.name === name) return command;
  }
  throw new Error(`${name} cannot be written for ${worker}`);
}

const config = setConfig();
if (!config.ok) throw new Error('the set’s configuration');
const judging = { config: config.config, across: true };
/** Approved, each member's part landed; carol writes only the repository (acme/service). */
const members = () => [recordedMember(LIB), recordedMember(HOME), recordedMember(CLIENT)];

describe("a worker's command on a change set's issue counts only from a writer of the worker's repository", () => {
  it('covers the commands that name a worker', () => {
    expect(WORKER_COMMANDS).toEqual(expect.arrayContaining(['retry', 'skip', 'merge', 'hold']));
  });

  it.each(WORKER_COMMANDS)('/%s: refused to carol for W1.1 (acme/lib), taken for W2.1', (name) => {
    const set = makeSet({ home: { commands: [approval()] }, members: members() });
    const judged = (worker: string) => ({
      command: written(name, worker),
      author: 'carol',
      createdAt: ago(1),
    });
    expect(takesComment(set, [judged('W1.1')], judging)).toBe(false);
    expect(takesComment(set, [judged('W2.1')], judging)).toBe(true);
    expect(
      checkSetCommands({
        set,
        commands: [written(name, 'W1.1')],
        author: 'carol',
        config: config.config,
        now: NOW,
      }).map((problem) => problem.message),
    ).toEqual([
      'W1.1 runs in `acme/lib`, which carol cannot write: only its writers steer its workers.',
    ]);
  });

  it('holds a worker of another repository only when one who can write it says /hold', () => {
    const hold = (author: string) =>
      make.command({ name: 'hold', worker: 'W1.1' }, { author, createdAt: ago(5), commentId: 970 });
    const decide = (author: string) =>
      decideSet({
        set: makeSet({ home: { commands: [approval(), hold(author)] }, members: members() }),
        config: setConfig(),
        now: NOW,
      });
    // Read with its 👀 (given by hand), carol's hold still holds nothing in acme/lib.
    expect(setDispatches(decide('carol'))).toEqual([`${LIB} work W1.1`]);
    expect(setDispatches(decide(MAINTAINER))).toEqual([]);
  });
});
