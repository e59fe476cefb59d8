/**
 * Which coding engine runs a session (docs/sessions.md, "Engines"): Baton's
 * own model loop, or one of the engines ENGINE_TRAITS names. The default per role comes from
 * `session.engine` in `.github/baton.yml`; a plan may name one per worker, a
 * `/retry W2.1 engine=codex` one for a worker's next attempt; each only among
 * the engines the configuration allows. Pure: the app frames every dispatch
 * with the engine (`engineFor`), the session checks it against the same rules.
 */
import { z } from 'zod';
import {
  DEFAULT_ENGINE,
  ENGINES,
  type Engine as EngineName,
  isEngine,
} from '../vocabulary/engine-names.js';
import type { Provider } from '../vocabulary/provider-names.js';
import { SESSION_ROLES, type SessionRole } from './session.js';

export type { Provider } from '../vocabulary/provider-names.js';

/** An engine's name, checked: one of ENGINES. */
export const Engine = z.enum(ENGINES);
export type Engine = EngineName;

/** An engine that runs as a program of its own in the sandbox: every one but Baton's loop. */
export type CodingEngine = Exclude<Engine, 'baton'>;

export function isCodingEngine(engine: Engine): engine is CodingEngine {
  return engine !== 'baton';
}

/**
 * What the app and a session know of each engine, one line an engine: its
 * name to people, and whose models it calls (so the key it needs, the models
 * of `models` it takes, what `baton doctor` asks). The rest of an engine (how
 * it installs, starts, is steered) is the session's, in its folder under
 * src/session/agent/engines/ and one line of engine-registry.ts there.
 */
export const ENGINE_TRAITS: Readonly<Record<Engine, { title: string; provider: Provider }>> = {
  baton: { title: 'Baton’s loop', provider: 'anthropic' },
  'claude-code': { title: 'Claude Code', provider: 'anthropic' },
  codex: { title: 'Codex', provider: 'openai' },
  copilot: { title: 'GitHub Copilot CLI', provider: 'anthropic' },
};

/** Whose models `engine` calls. */
export function providerOf(engine: Engine): Provider {
  return ENGINE_TRAITS[engine].provider;
}

/** Whether any of `engines` (names as a report gives them; unknown ones call no one) calls `provider`. */
export function callsProvider(engines: readonly string[], provider: Provider): boolean {
  return engines.some((engine) => isEngine(engine) && providerOf(engine) === provider);
}

/** The engines that call `provider`, named for people: "Baton’s loop and Claude Code". */
export function enginesCalling(provider: Provider): string {
  const titles = ENGINES.filter((engine) => providerOf(engine) === provider).map(
    (engine) => ENGINE_TRAITS[engine].title,
  );
  return titles.length > 1
    ? `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)}`
    : titles.join('');
}

/** What `session.engine` says, read into one shape. */
export interface EngineSettings {
  /** The engine of every role not named in `roles`. */
  default: Engine;
  /** A role's own engine. */
  roles: Partial<Record<SessionRole, Engine>>;
  /** The engines a plan's worker or a `/retry` may choose; always holds the ones above. */
  allow: Engine[];
}

/** The engines a setting names, each once, in the order of ENGINES. */
function named(engines: Iterable<Engine>): Engine[] {
  const set = new Set(engines);
  return ENGINES.filter((engine) => set.has(engine));
}

/** `session.engine` written as a table: an engine per role, the default for the rest, and what else is allowed. */
const EngineTable = z.strictObject({
  /** Roles not named below. */
  default: Engine.default(DEFAULT_ENGINE),
  /** Plan sessions (adapt mode included). */
  plan: Engine.optional(),
  /** A worker's work sessions, unless its plan entry or a `/retry` names another engine. */
  work: Engine.optional(),
  /** Reviews of worker pull requests. */
  review: Engine.optional(),
  /** Fix sessions, unless the worker's plan entry or a `/retry` names another engine. */
  fix: Engine.optional(),
  /** An improvement loop's research. */
  research: Engine.optional(),
  /** An improvement loop's summary. */
  summary: Engine.optional(),
  /** A research build's synthesis. */
  synthesis: Engine.optional(),
  /** What a plan's worker (`engine` in plan.json) or `/retry W2.1 engine=…` may choose besides the engines named here. */
  allow: z.array(Engine).min(1).optional(),
});

/** `session.engine`: one engine for every role, or a table (EngineTable); `readEngineSettings` reads either. */
export const EngineSetting = z.union([Engine, EngineTable]).default(DEFAULT_ENGINE);
export type EngineSetting = z.infer<typeof EngineSetting>;

/**
 * `session.engine` as a default, an engine per role, and what is allowed.
 * Validation sessions run on `verification.validation.engine` (`validation`),
 * else on the reviews' engine: the validator may differ from the work's.
 * Learn sessions (docs/memory.md) run on the reviews' engine.
 */
export function readEngineSettings(setting: EngineSetting, validation?: Engine): EngineSettings {
  const roles: Partial<Record<SessionRole, Engine>> = {};
  if (typeof setting !== 'string') {
    for (const role of SESSION_ROLES) {
      // The contract's session is its worker's work: it runs on the engine of `work`;
      // a validation on its own setting, else the reviews' (below).
      // A learn session runs on the reviews' engine (below), as it reads as a review does.
      const engine =
        role === 'contract' || role === 'validate' || role === 'learn' ? undefined : setting[role];
      if (engine) roles[role] = engine;
    }
  }
  const validator = validation ?? roles.review;
  if (validator) roles.validate = validator;
  if (roles.review) roles.learn = roles.review;
  if (typeof setting === 'string')
    return { default: setting, roles, allow: named([setting, ...Object.values(roles)]) };
  const allow = named([setting.default, ...Object.values(roles), ...(setting.allow ?? [])]);
  return { default: setting.default, roles, allow };
}

/** The engine settings when the config names none: Baton's loop for everything. */
export function defaultEngineSettings(): EngineSettings {
  return { default: DEFAULT_ENGINE, roles: {}, allow: [DEFAULT_ENGINE] };
}

/**
 * The engine of a session: a worker's `/retry … engine=` (its latest retry
 * decides, for its work and fix sessions), then the plan's `engine` for the
 * worker (work and fix; the contract's session is its worker's work), then the
 * role's own, then the default. Reviews and
 * every session that is not a worker's own follow the role.
 */
export function engineFor({
  settings,
  role,
  planned,
  retried,
}: {
  settings: EngineSettings;
  role: SessionRole;
  /** The plan's `engine` for the session's worker. */
  planned?: Engine | undefined;
  /** The engine the worker's latest accepted `/retry` named. */
  retried?: Engine | undefined;
}): Engine {
  const own = role === 'work' || role === 'contract' || role === 'fix';
  if (own && retried) return retried;
  if (own && planned) return planned;
  return settings.roles[role === 'contract' ? 'work' : role] ?? settings.default;
}

/** Why an engine may not run here, or null when the configuration allows it. */
export function engineProblem(settings: EngineSettings, engine: Engine): string | null {
  if (settings.allow.includes(engine)) return null;
  return `the engine ${engine} is not allowed by session.engine in .github/baton.yml (allowed: ${settings.allow.join(', ')}); add it to session.engine.allow, or choose one of those`;
}
