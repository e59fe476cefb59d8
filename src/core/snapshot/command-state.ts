import type { Command } from '../commands/command.js';
import type { CommandInfo } from './snapshot.js';

/** How many commands the status comment lists. */
export const HISTORY_LENGTH = 10;

/**
 * The accepted commands of a build, folded into what they mean for it now.
 * Everything stays a `CommandInfo`, so rules can compare a command's time and
 * comment id with the runs it should have started.
 */
export interface CommandState {
  approvals: CommandInfo[];
  replans: CommandInfo[];
  /** `/retry` comments by worker, oldest first. */
  retries: Map<string, CommandInfo[]>;
  /** `/retry synthesis` comments, oldest first. */
  synthesisRetries: CommandInfo[];
  /** `/skip follow-ups` comments, oldest first. */
  followUpSkips: CommandInfo[];
  /** The first `/skip` of each worker. */
  skips: Map<string, CommandInfo>;
  /** `/merge` comments by worker, oldest first. */
  merges: Map<string, CommandInfo[]>;
  /** The `/pause` in force (not followed by a `/resume`), if any. */
  paused: CommandInfo | null;
  /** `/improve` comments, oldest first; the first one before any session makes a build a series of loops. */
  improves: CommandInfo[];
  /** The first `/cancel`; a cancelled build stays cancelled. */
  cancelled: CommandInfo | null;
  /** `/rollback` comments, oldest first: a change set's way back (docs/change-sets.md). */
  rollbacks: CommandInfo[];
  /** `/steer` and `/queue` comments by worker, oldest first: messages to its sessions. */
  messages: Map<string, CommandInfo[]>;
  /** `/continue` comments by worker, oldest first. */
  continues: Map<string, CommandInfo[]>;
  /** The last commands, oldest first, for the status comment. */
  history: CommandInfo[];
}

/** Folds commands, already in order (oldest first), into a build's command state. */
export function foldCommands(commands: CommandInfo[]): CommandState {
  const state: CommandState = {
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
  };
  for (const info of commands) applyCommand(state, info);
  return state;
}

function applyCommand(state: CommandState, info: CommandInfo): void {
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
    default: {
      const _exhaustive: never = command;
      throw new Error(`unknown command ${String(_exhaustive)}`);
    }
  }
}

function push(map: Map<string, CommandInfo[]>, key: string, info: CommandInfo): void {
  map.set(key, [...(map.get(key) ?? []), info]);
}
