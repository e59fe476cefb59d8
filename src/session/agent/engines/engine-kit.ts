import type { CodingEngine } from '../../../core/sessions/engines.js';
import type { EngineCommand, EngineRunInput } from './engine-commands.js';
import type { EnginePin } from './engine-pins.js';
import type { EngineTalk, TalkSeat } from './engine-talk.js';

/**
 * Everything of one engine a session needs beyond its name and provider
 * (those are the core's, ENGINE_TRAITS): how it installs (its pin), the
 * folders of its own in its HOME, how it is started for a run, and how a run
 * is talked to, steered and read. How it is metered and which key it needs
 * follow from its provider (the model proxy); so does what `baton doctor`
 * asks. One folder an engine (claude-code/, codex/) exports one EngineKit,
 * and engine-registry.ts lists it.
 */
export interface EngineKit {
  engine: CodingEngine;
  /** The pinned release a session installs (install-engine.ts). */
  pin: EnginePin;
  /**
   * Folders in its HOME, relative to it, that the engine writes and Baton
   * writes a file into before each run: made Baton's and sticky, as /tmp
   * (engine-home.ts), so what Baton writes there stays Baton's.
   */
  homeFolders: readonly string[];
  /** Its command line, environment and HOME files for one run. */
  command(input: EngineRunInput): EngineCommand;
  /** One run's conversation: the prompt, messages while it works, and how it ended. */
  talk(seat: TalkSeat): EngineTalk;
}
