import type { Command, CommandError } from '../commands/command.js';
import type { Config } from '../config/config.js';
import { checkCommands } from '../decide/check-commands.js';
import { repositoryOf, sliceOf } from '../plan/set-plan.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import { commandText } from '../workers/build-progress.js';
import { plansAcross } from './set-commands.js';
import { setRefusal } from './set-refusal.js';
import type { SetSnapshot } from './set-snapshot.js';

/**
 * What a person is told of commands given on a change set's issue that cannot
 * apply: first what the set refuses (`setRefusal`: write access its author
 * lacks, each repository named; a message a worker cannot read; a `/rollback`
 * with nothing merged), the same judgement the set acts on; then a worker the
 * set does not have, and what the set build's own check answers
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
    const judged = { command, author, createdAt: at ?? now };
    const message = setRefusal(set, judged, { config, across });
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
