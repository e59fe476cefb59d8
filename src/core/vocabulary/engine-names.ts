/**
 * The coding engines a session can run on, by name (docs/sessions.md,
 * "Engines"): `baton`, Baton's own loop (the default); `claude-code`,
 * Anthropic's Claude Code; `codex`, OpenAI's Codex CLI; `copilot`, GitHub
 * Copilot CLI. What each is, and
 * whose models it calls, is ENGINE_TRAITS (src/core/sessions/engines.ts);
 * which one runs a session is `engineFor`'s there.
 */
export const ENGINES = ['baton', 'claude-code', 'codex', 'copilot'] as const;
export type Engine = (typeof ENGINES)[number];

/** The engine a session runs on when nothing names one. */
export const DEFAULT_ENGINE: Engine = 'baton';

/** The engines' names as a sentence lists them: "baton, claude-code, codex or copilot". */
export function listEngines(): string {
  return `${ENGINES.slice(0, -1).join(', ')} or ${ENGINES.at(-1)}`;
}

export function isEngine(value: string): value is Engine {
  return (ENGINES as readonly string[]).includes(value);
}

/** An engine's name as a person writes it (`/retry … engine=Codex`), or null when it names none. */
export function parseEngine(word: string): Engine | null {
  const name = word.trim().toLowerCase();
  return isEngine(name) ? name : null;
}
