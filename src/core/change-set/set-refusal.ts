import type { Command } from '../commands/command.js';
import { COMMANDS } from '../commands/command-table.js';
import type { Config } from '../config/config.js';
import { planRepositories, repositoryOf } from '../plan/set-plan.js';
import { compareTimes } from '../snapshot/normalize-snapshot.js';
import type { CommandInfo } from '../snapshot/snapshot.js';
import { code } from '../vocabulary/markdown.js';
import { messageReaches } from './member-snapshot.js';
import { canWrite, type SetSnapshot } from './set-snapshot.js';

/** What the set judges of a command: what it says, who wrote it and when. */
export type JudgedCommand = Pick<CommandInfo, 'command' | 'author' | 'createdAt'>;

/** What a judgement of the set's reads beside the set: the configuration, and whether it plans across. */
export interface SetJudging {
  config: Config;
  across: boolean;
}

/**
 * The repositories a command of the set's issue whose writers are `plan` or
 * `listed` (its table entry's `writers`) must be able to write to count for
 * the set. `/approve` and `/rollback` concern every repository the plan
 * touches: the one starts each, the other reverts each that merged and holds
 * every final pull request that did not, so it acts in all of them whenever
 * it is given (a judgement that does not move with the moment the last final
 * pull request merges).
 */
export function repositoriesOf(
  set: SetSnapshot,
  { writers, config, across }: SetJudging & { writers: 'plan' | 'listed' },
): string[] {
  const home = set.homeRepository;
  const listed = across ? [home, ...config.changeSets.repositories] : [home];
  const plan = set.home.plan;
  if (writers === 'listed' || plan.kind !== 'valid') return listed;
  return [...new Set([home, ...planRepositories(plan.plan, home)])];
}

/**
 * Why the set does not take a command given on its issue, or null when it
 * does. The one judgement of a command of the set's issue: what the set acts
 * on (`setCommands`), what its writer is told (`checkSetCommands`), and
 * whether Baton's 👀 goes on the comment (`takesComment`) all ask it, of the
 * same read. It refuses a worker's command from someone who cannot write
 * the worker's repository, a message the worker's sessions cannot read,
 * `/approve`, `/replan` and `/rollback` from someone who cannot write every
 * repository they concern, a `/replan` once a member build has begun (the
 * members run the plan as approved), and a `/rollback` with nothing merged.
 */
export function setRefusal(
  set: SetSnapshot,
  { command, author, createdAt }: JudgedCommand,
  judging: SetJudging,
): string | null {
  const { writers } = COMMANDS[command.name];
  if (writers === 'worker')
    return 'worker' in command ? workerRefusal(set, { command, author }) : null;
  // Only the repository's writers give commands on it at all (`onIssueComment` asks).
  if (writers === 'home') return null;
  const repositories = repositoriesOf(set, { ...judging, writers });
  const cannot = repositories.filter((repository) => !canWrite(set, repository, author));
  if (cannot.length > 0) {
    const names = cannot.map((repository) => code(repository)).join(', ');
    return `only someone who can write every repository it concerns may give it, and ${author} cannot write ${names}.`;
  }
  if (command.name === 'rollback' && !set.members.some((m) => m.final?.state === 'merged'))
    return 'nothing to roll back: no repository of this change set has merged its final pull request yet.';
  if (command.name === 'replan' && begunBefore(set, createdAt))
    return 'the plan is settled once workers have started; steer a worker with `/retry W1.2 <instructions>` or `/skip W1.2`.';
  return null;
}

/** Whether the set takes a comment of its issue (Baton's 👀): only when it takes every command in it. */
export function takesComment(
  set: SetSnapshot,
  commands: JudgedCommand[],
  judging: SetJudging,
): boolean {
  return commands.every((command) => setRefusal(set, command, judging) === null);
}

/**
 * A worker's command: only from a writer of the worker's repository, and a
 * message only where the worker's sessions can read it. A worker the plan
 * does not have is the set build's own check to answer.
 */
function workerRefusal(
  set: SetSnapshot,
  { command, author }: { command: Extract<Command, { worker: string }>; author: string },
): string | null {
  const plan = set.home.plan.kind === 'valid' ? set.home.plan.plan : null;
  const worker = plan?.workers.find((one) => one.id === command.worker);
  if (!worker) return null;
  const home = set.homeRepository;
  const repository = repositoryOf(worker, home);
  if (!canWrite(set, repository, author))
    return `${command.worker} runs in ${code(repository)}, which ${author} cannot write: only its writers steer its workers.`;
  const message = COMMANDS[command.name].inSet === 'home-workers';
  return message && !messageReaches(repository, home)
    ? messageElsewhere(command.worker, repository)
    : null;
}

/**
 * Why a `/steer` or `/queue` on the set's issue does not reach a worker of
 * another repository: its sessions read their messages with that repository's
 * token, which cannot read this issue (`messageReaches`).
 */
function messageElsewhere(worker: string, repository: string): string {
  return `${worker} runs in ${code(repository)}, whose sessions cannot read this issue's comments: send its messages on its pull request there, once its first session has opened it.`;
}

/** Whether a member build had begun (its first run) before `at`. */
function begunBefore(set: SetSnapshot, at: string): boolean {
  const began = set.members
    .flatMap((member) => member.snapshot.runs.map((run) => run.createdAt))
    .sort(compareTimes)[0];
  return began !== undefined && compareTimes(at, began) >= 0;
}
