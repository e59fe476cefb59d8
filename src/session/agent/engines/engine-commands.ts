/**
 * What starting an engine for one run of a session takes, and what its output
 * tells: each engine's folder (claude-code/, codex/) makes the exact command
 * line and environment that run it non-interactively, with nothing reached
 * but the model proxy (its own update checks, telemetry and plugin fetches
 * turned off by its documented settings), the role prompt passed by path, and
 * the permission to act without asking, which is safe only because the whole
 * engine runs in Baton's sandbox as the tools user.
 */
import path from 'node:path';
import type { CodingEngine } from '../../../core/sessions/engines.js';
import { SYSTEM_PATH } from '../../programs.js';

export type { CodingEngine };

/** What one run needs to know to be started. */
export interface EngineRunInput {
  binary: string;
  /** Helper programs' folders the engine expects first on PATH. */
  pathDirs: readonly string[];
  /** The PATH the session's commands have (the project's setup may have added its toolchain). */
  basePath: string;
  /** The first message: the role's prompt, which names the brief and every file by path. */
  prompt: string;
  model: string;
  /** The role's system prompt with the engine's hand-in instructions; the engine reads it from a file. */
  system: string;
  workDir: string;
  /** The run's own HOME (and its temp folder inside it). */
  home: string;
  /** Where the model proxy is reached from inside the sandbox, and the key it takes. */
  modelUrl: string;
  token: string;
  /** The providers' web tools: research sessions only. */
  web: boolean;
  maxTurns: number;
  /** A later run of the same session: go on with the conversation the earlier run left. */
  resume: boolean;
}

/** A command line, its environment (nothing else is passed) and files it needs in its HOME first. */
export interface EngineCommand {
  args: string[];
  env: Record<string, string>;
  files: { path: string; content: string }[];
}

/** What every engine's environment holds: its own HOME and temp folder, the session's PATH after its own helpers. */
export function baseEnv(input: EngineRunInput): Record<string, string> {
  return {
    HOME: input.home,
    PATH: [...input.pathDirs, input.basePath || SYSTEM_PATH].join(':'),
    LANG: 'C.UTF-8',
    TMPDIR: path.join(input.home, 'tmp'),
  };
}

/** How a run ended, as the engine's own output says. */
export interface EngineRunReport {
  /** The engine says it finished its turn (it may still have handed nothing in). */
  finished: boolean;
  /** Why not, in the engine's words, cut to a line. */
  error: string | null;
  /** The engine's tool calls by name, for the job summary. */
  tools: Map<string, number>;
}
