import type { Command } from '../commands/command.js';
import type { CommandInfo, TimedCommand } from './snapshot.js';

/** How many commands the status comment lists. */
export const HISTORY_LENGTH = 10;

/**
 * The accepted commands of a build, folded into what they mean for it now.
 * Everything stays a `CommandInfo` (timed, as `normalizeSnapshot` leaves it),
 * so rules can compare a command's time and comment id with the runs it should
 * have started.
 */
export interface CommandState<C extends CommandInfo = TimedCommand> {
  approvals: C[];
  replans: C[];
  /** `/retry` comments by worker, oldest first. */
  retries: Map<string, C[]>;
  /** `/retry synthesis` comments, oldest first. */
  synthesisRetries: C[];
  /** `/skip follow-ups` comments, oldest first. */
  followUpSkips: C[];
  /** The first `/skip` of each worker. */
  skips: Map<string, C>;
  /** `/merge` comments by worker, oldest first. */
  merges: Map<string, C[]>;
  /** The `/pause` in force (not followed by a `/resume`), if any. */
  paused: C | null;
  /** `/improve` comments, oldest first; the first one before any session makes a build a series of loops. */
  improves: C[];
  /** The first `/cancel`; a cancelled build stays cancelled. */
  cancelled: C | null;
  /** `/rollback` comments, oldest first: a change set's way back (docs/change-sets.md). */
  rollbacks: C[];
  /** `/steer` and `/queue` comments by worker, oldest first: messages to its sessions. */
  messages: Map<string, C[]>;
  /** `/continue` comments by worker, oldest first. */
  continues: Map<string, C[]>;
  /** The last commands, oldest first, for the status comment. */
  history: C[];
  /** Every command, oldest first: a command folded nowhere above is read from here by its rule. */
  accepted: C[];
}

/** Folds commands, already in order (oldest first), into a build's command state. */
export function foldCommands<C extends CommandInfo>(commands: C[]): CommandState<C> {
  const state: CommandState<C> = {
    approvals: [],
    replans: [],
    retries: new Map(),
    synthesisRetries: [],
    followUpSkips: [],
    skips: new Map(),
    merges: new Map(),
    paused: null,
    cancelled: null,
    improves: [],
    rollbacks: [],
    messages: new Map(),
    continues: new Map(),
    history: commands.slice(-HISTORY_LENGTH),
    accepted: commands,
  };
  for (const info of commands) applyCommand(state, info);
  return state;
}

function applyCommand<C extends CommandInfo>(state: CommandState<C>, info: C): void {
  const command: Command = info.command;
  switch (command.name) {
    case 'approve':
      state.approvals.push(info);
      return;
    case 'replan':
      state.replans.push(info);
      return;
    case 'retry':
      push(state.retries, command.worker, info);
      return;
    case 'retry-synthesis':
      state.synthesisRetries.push(info);
      return;
    case 'skip-follow-ups':
      state.followUpSkips.push(info);
      return;
    case 'skip':
      if (!state.skips.has(command.worker)) state.skips.set(command.worker, info);
      return;
    case 'merge':
      push(state.merges, command.worker, info);
      return;
    case 'pause':
      state.paused ??= info;
      return;
    case 'resume':
      state.paused = null;
      return;
    case 'cancel':
      state.cancelled ??= info;
      return;
    case 'improve':
      state.improves.push(info);
      return;
    case 'status':
      // `/status` only asks for this very reconciliation.
      return;
    case 'rollback':
      state.rollbacks.push(info);
      return;
    case 'steer':
    case 'queue':
      push(state.messages, command.worker, info);
      return;
    case 'continue':
      push(state.continues, command.worker, info);
      return;
    default:
      // Any other command's rule reads it from `accepted`.
      return;
  }
}

function push<C>(map: Map<string, C[]>, key: string, info: C): void {
  map.set(key, [...(map.get(key) ?? []), info]);
}
