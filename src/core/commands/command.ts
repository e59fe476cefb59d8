import type { Engine } from '../vocabulary/engine-names.js';

/** A steering command from a comment (DESIGN §5). */
export type Command =
  | { name: 'approve' }
  | { name: 'replan'; feedback: string }
  /** `engine`: the coding engine of the worker's sessions from this retry on (`/retry W2.1 engine=codex`). */
  | { name: 'retry'; worker: string; instructions: string; engine?: Engine }
  /** `/retry synthesis`: a research build's failed synthesis runs again (docs/build-types.md). */
  | { name: 'retry-synthesis' }
  | { name: 'skip'; worker: string }
  /** `/skip follow-ups`: a research build goes on without the follow-up questions its synthesis proposed. */
  | { name: 'skip-follow-ups' }
  | { name: 'merge'; worker: string }
  | { name: 'pause' }
  | { name: 'resume' }
  | { name: 'cancel' }
  | { name: 'status' }
  | { name: 'improve'; loops: number }
  /** A change set's way back: revert pull requests where its final pull requests merged. */
  | { name: 'rollback' };

export type CommandName = Command['name'];

/** A line that looked like a command but was not one; `message` says how to write it. */
export interface CommandError {
  line: string;
  message: string;
}

export interface ParsedCommands {
  commands: Command[];
  errors: CommandError[];
}
