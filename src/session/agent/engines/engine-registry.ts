/**
 * The engines a session can run besides Baton's own loop, one line each
 * (AGENTS.md, "How to add an engine"): the name's kit, from the engine's
 * folder. The core knows each engine's name, title and provider
 * (ENGINE_TRAITS, src/core/sessions/engines.ts); everything else of an
 * engine is here, and nothing outside this folder asks which engine it is.
 */
import type { CodingEngine } from '../../../core/sessions/engines.js';
import { CLAUDE_CODE } from './claude-code/claude-code-engine.js';
import { CODEX } from './codex/codex-engine.js';
import { COPILOT } from './copilot/copilot-engine.js';
import type { EngineKit } from './engine-kit.js';
import type { EnginePin } from './engine-pins.js';

export const ENGINE_KITS: Readonly<Record<CodingEngine, EngineKit>> = {
  'claude-code': CLAUDE_CODE,
  codex: CODEX,
  copilot: COPILOT,
};

/** The kit of one engine. */
export function engineKit(engine: CodingEngine): EngineKit {
  return ENGINE_KITS[engine];
}

/** Every engine's pin (scripts/install-engines.ts warms the cache with them). */
export const ENGINE_PINS: readonly EnginePin[] = Object.values(ENGINE_KITS).map((kit) => kit.pin);
