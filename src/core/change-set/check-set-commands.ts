import type { Command, CommandError } from '../commands/command.js';
import type { Config } from '../config/config.js';
import { checkCommands } from '../decide/check-commands.js';
import type { Plan } from '../plan/plan.js';
import { repositoryOf, sliceOf } from '../plan/set-plan.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import { code } from '../vocabulary/markdown.js';
import { commandText } from '../workers/build-progress.js';
import { messageReaches } from './member-snapshot.js';
import { plansAcross, repositoriesOf } from './set-commands.js';
import { canWrite, type SetSnapshot } from './set-snapshot.js';

/**
 * What a person is told of commands given on a change set's issue that cannot
 * apply: one that needs write access to repositories its author cannot
 * write (each named), a worker the set does not have, a `/rollback` with
 * nothing merged to roll back. The set build's own check answers the rest
 * (`checkCommands`).
 */
export function checkSetCommands({
  set,
  commands,
  author,
  config,
  now,
  at,
}: {
  set: SetSnapshot;
  commands: Command[];
  author: string;
  config: Config;
  now: string;
  at?: string;
}): CommandError[] {
  const across = plansAcross(set, config);
  const plan = set.home.plan.kind === 'valid' ? set.home.plan.plan : null;
  return commands.flatMap((command): CommandError[] => {
    const line = commandText(command);
    const message = setProblem({ set, command, author, config, across, plan });
    if (message) return [{ line, message }];
    if (command.name === 'rollback') return [];
    if (command.name === 'continue' && plan?.workers.some((w) => w.id === command.worker))
      return continueProblems({ set, command, config, now, ...(at ? { at } : {}) });
    // A worker's command is its repository's member build's to judge, once it runs.
    if ('worker' in command && plan?.workers.some((w) => w.id === command.worker)) return [];
    return checkCommands({
      commands: [command],
      snapshot: set.home,
      config,
      now,
      ...(at ? { at } : {}),
    });
  });
}

/**
 * What a `/continue` of a worker of the set is told, judged as its
 * repository's member build would: it needs the worker's partial work, which
 * a repository whose member has not begun has none of yet.
 */
function continueProblems({
  set,
  command,
  config,
  now,
  at,
}: {
  set: SetSnapshot;
  command: Extract<Command, { name: 'continue' }>;
  config: Config;
  now: string;
  at?: string;
}): CommandError[] {
  const read = set.home.plan;
  const home = set.homeRepository;
  const worker =
    read.kind === 'valid' ? read.plan.workers.find((one) => one.id === command.worker) : undefined;
  if (read.kind !== 'valid' || !worker) return [];
  const repository = repositoryOf(worker, home);
  const member = set.members.find(
    (one) => one.repository.toLowerCase() === repository.toLowerCase(),
  );
  const snapshot: BuildSnapshot = {
    ...(member?.snapshot ?? { ...set.home, runs: [], pulls: [], commands: [] }),
    plan: { kind: 'valid', plan: sliceOf(read.plan, repository, home), sha: read.sha },
  };
  return checkCommands({ commands: [command], snapshot, config, now, ...(at ? { at } : {}) });
}

/**
 * Why a `/steer` or `/queue` on the set's issue does not reach a worker of
 * another repository: its sessions read their messages with that repository's
 * token, which cannot read this issue (`messageReaches`).
 */
function messageElsewhere(worker: string, repository: string): string {
  return `${worker} runs in ${code(repository)}, whose sessions cannot read this issue's comments: send its messages on its pull request there, once its first session has opened it.`;
}

function setProblem({
  set,
  command,
  author,
  config,
  across,
  plan,
}: {
  set: SetSnapshot;
  command: Command;
  author: string;
  config: Config;
  across: boolean;
  plan: Plan | null;
}): string | null {
  const home = set.homeRepository;
  if ('worker' in command) {
    const worker = plan?.workers.find((one) => one.id === command.worker);
    if (!worker) return null;
    const repository = repositoryOf(worker, home);
    if (!canWrite(set, repository, author))
      return `${command.worker} runs in ${code(repository)}, which ${author} cannot write: only its writers steer its workers.`;
    const message = command.name === 'steer' || command.name === 'queue';
    return message && !messageReaches(repository, home)
      ? messageElsewhere(command.worker, repository)
      : null;
  }
  const repositories = repositoriesOf(set, { name: command.name, config, across });
  const cannot = repositories.filter((repository) => !canWrite(set, repository, author));
  if (command.name === 'rollback' && repositories.length <= 1)
    return 'nothing to roll back: no repository of this change set has merged its final pull request yet.';
  if (cannot.length === 0) return null;
  const names = cannot.map((repository) => code(repository)).join(', ');
  switch (command.name) {
    case 'approve':
    case 'replan':
    case 'rollback':
      return `only someone who can write every repository it concerns may give it, and ${author} cannot write ${names}.`;
    default:
      return `it applies only in the repositories ${author} can write; not in ${names}.`;
  }
}
