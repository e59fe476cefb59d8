import type { Engine } from '../vocabulary/engine-names.js';

/** A steering command from a comment (docs/usage.md, "Commands"). */
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
  | { name: 'rollback' }
  | MessageCommand;

/**
 * A message to a worker's sessions (docs/usage.md, "Talking to a session"):
 * `/steer W2.1 <text>` into the session running now, between two of its turns;
 * `/queue W2.1 <text>` to its next session; `/continue W2.1` starts a session
 * from its partial branch. `text` is kept only for the status history: a
 * session reads the message from the comment itself, by id.
 */
export type MessageCommand =
  | { name: 'steer'; worker: string; text: string }
  | { name: 'queue'; worker: string; text: string }
  | { name: 'continue'; worker: string };

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
