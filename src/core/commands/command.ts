/**
 * A steering command from a comment: its type is the table's
 * (`command-table.ts`), where each command is defined once.
 */
import type { Command } from './command-table.js';

export type { Command, CommandName } from './command-table.js';

/** A line that looked like a command but was not one; `message` says how to write it. */
export interface CommandError {
  line: string;
  message: string;
}

export interface ParsedCommands {
  commands: Command[];
  errors: CommandError[];
}
