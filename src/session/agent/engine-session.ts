/**
 * A conversation of a session that runs on another engine than Baton's own
 * loop (docs/sessions.md, "Engines"; engines/engine-registry.ts): the pinned engine installed or found in
 * the tool cache, the session's sandbox (the work tree a work or fix session
 * changes; a copy of its own for a role that only reads), and the engine run
 * in it under the loop's contract (engines/run-engine.ts).
 */
import type { Config } from '../../core/config/config.js';
import type { MODEL_KINDS } from '../../core/config/model-settings.js';
import { type CodingEngine, isCodingEngine, providerOf } from '../../core/sessions/engines.js';
import { PROVIDER_TRAITS, providerModel } from '../../core/sessions/providers.js';
import type { Engine } from '../../core/vocabulary/engine-names.js';
import type { SessionEnv } from '../env.js';
import { confinementOf, engineSandboxOptions } from './engines/confinement.js';
import { engineCacheDir, ensureEngine, type InstalledEngine } from './engines/install-engine.js';
import { type EngineSeat, runEngineConversation } from './engines/run-engine.js';
import type { MemoryAsk } from './memory/session-lessons.js';
import type { Interjections } from './model/interjection.js';
import type { ModelFeatures } from './model/model-features.js';
import type { LoopOutcome } from './model/model-loop.js';
import type { ModelProxy } from './model-proxy/model-proxy.js';
import type { Forward } from './sandbox/forwarder.js';
import { openSandbox, type Sandbox } from './sandbox/sandbox.js';
import type { AgentTool } from './tools/agent-tool.js';
import type { SubmitTool } from './tools/submit-tool.js';

/** The kinds of session `models` names a model for (plan, easy, normal, complex, review). */
export type ModelKind = (typeof MODEL_KINDS)[number];

/** What a role asks of one conversation, on whichever engine the session runs. */
export interface ConversationParts<T> {
  /** Which of `models` it runs on: engines on Anthropic take `models.<kind>`, on OpenAI `models.openai.<kind>` (its provider's `modelsKey`). */
  kind: ModelKind;
  model: string;
  /**
   * A model the configuration names for this conversation on any engine
   * (`verification.validation.model`), in place of `models.<kind>` or `models.openai.<kind>`.
   */
  named?: string;
  system: string;
  prompt: string;
  tools: readonly AgentTool[];
  submit: SubmitTool<T>;
  /** Thinking budget and server tools; context management is on for every session. */
  features?: Partial<ModelFeatures>;
  /** Checks a valid submission before it is taken (see LoopRequest). */
  verify?: (value: T) => Promise<string | null>;
  /** Work and fix: the sandbox whose copy the model changes; read-only roles get one of their own on an engine. */
  sandbox?: Sandbox;
  /** What the model is told between two turns (work and fix: a person's `/steer`, the wind-down). */
  interjections?: Interjections;
  /** Files an engine reads in place of one of Baton's tools (a review's patches), and what to tell it of them. */
  engineFiles?: { files: { name: string; content: string }[]; describe: (dir: string) => string };
  /**
   * The lessons of `.baton/memory/` this conversation's first message carries
   * (docs/memory.md), for the paths the session touches; absent, none.
   */
  memory?: MemoryAsk;
}

/**
 * What of the session a conversation on an engine needs (the agent context has it all):
 * with the limits, meter, clock and log it seats the engine with.
 */
export interface EngineSessionContext extends Pick<EngineSeat, 'limits' | 'meter' | 'now' | 'log'> {
  env: SessionEnv;
  root: string;
  config: Config;
  engine: Engine;
  modelProxy: ModelProxy;
  /** The environment of the session's commands, scrubbed of every credential. */
  toolEnv: Record<string, string>;
  egressHosts?: Readonly<Record<string, string>>;
}

/** Runs the conversation on the session's engine; what keeps it from running is a failed outcome with the reason. */
export async function converseOnEngine<T>(
  ctx: EngineSessionContext,
  parts: ConversationParts<T>,
): Promise<LoopOutcome<T>> {
  const engine = ctx.engine;
  if (!isCodingEngine(engine)) return { kind: 'failed', reason: 'Baton’s loop runs no engine' };
  const installed = await installEngine(ctx, engine);
  if (installed instanceof Error) return { kind: 'failed', reason: installed.message };
  const writes = parts.sandbox !== undefined;
  const sandbox = parts.sandbox ?? (await openReadOnlySandbox(ctx, installed));
  try {
    const confinement = await confinementOf(sandbox, {
      ownNetwork: ctx.config.session.network !== 'open',
      proxyUrl: ctx.modelProxy.url,
    });
    if (!confinement) {
      return {
        kind: 'failed',
        reason: `the ${engine} engine runs only confined, as the tools user (BATON_TOOL_USER, which the Baton workflow sets); it is never run as the job's own user`,
      };
    }
    const model =
      parts.named ??
      // A provider whose models are `models`' own runs on the conversation's; another on its own of the kind.
      (PROVIDER_TRAITS[providerOf(engine)].modelsKey === null
        ? parts.model
        : providerModel(ctx.config.models, providerOf(engine), parts.kind));
    ctx.log(
      `${ctx.env.BATON_ROLE} session on ${engine} ${installed.version} (${model}), at most ${ctx.limits.maxTurns} model requests`,
    );
    return await runEngineConversation(
      {
        role: ctx.env.BATON_ROLE,
        repository: ctx.env.GITHUB_REPOSITORY,
        model,
        prompt: parts.prompt,
        submit: parts.submit,
        verify: parts.verify,
        writes,
        web: (parts.features?.serverTools?.length ?? 0) > 0,
        extra: parts.engineFiles ?? null,
        env: { ...ctx.toolEnv, ...sandbox.env },
        interjections: parts.interjections,
      },
      {
        installed,
        confinement,
        proxy: ctx.modelProxy,
        limits: ctx.limits,
        meter: ctx.meter,
        now: ctx.now,
        log: ctx.log,
      },
    );
  } finally {
    if (!parts.sandbox) await sandbox.close();
  }
}

/**
 * A copy of the checkout for a role that only reads: the engine has a shell,
 * so it runs confined like a worker's, with no host but the model proxy
 * (`session.network: open` lets it reach any), and its changes are dropped.
 */
function openReadOnlySandbox(
  ctx: EngineSessionContext,
  installed: InstalledEngine,
): Promise<Sandbox> {
  const open = ctx.config.session.network === 'open';
  const { forwards, readOnly } = engineSandboxOptions({
    modelSocket: ctx.modelProxy.socket,
    installRoot: installed.root,
  });
  return openSandbox({
    root: ctx.root,
    user: ctx.env.BATON_TOOL_USER ?? null,
    egress: open
      ? null
      : { allow: [], log: ctx.log, ...(ctx.egressHosts ? { hosts: ctx.egressHosts } : {}) },
    ...(open ? {} : { forwards }),
    readOnly,
  });
}

/** The session's engine, installed or found in the tool cache; what kept it from it, as an error. */
function installEngine(
  ctx: EngineSessionContext,
  engine: CodingEngine,
): Promise<InstalledEngine | Error> {
  return ensureEngine({
    engine,
    cacheDir: engineCacheDir(),
    log: ctx.log,
  }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}

/**
 * What a work or fix session's sandbox needs when its engine is not Baton's
 * loop: the model proxy forwarded into its network (none with
 * `session.network: open`, where the runs share the runner's) and the
 * engine's install readable. Nothing for Baton's loop, whose commands never
 * reach the model; an engine that cannot be installed, as an error.
 */
export async function sandboxOptionsForEngine(
  ctx: EngineSessionContext,
): Promise<{ forwards?: Forward[]; readOnly?: string[] } | Error> {
  if (!isCodingEngine(ctx.engine)) return {};
  const installed = await installEngine(ctx, ctx.engine);
  if (installed instanceof Error) return installed;
  const { forwards, readOnly } = engineSandboxOptions({
    modelSocket: ctx.modelProxy.socket,
    installRoot: installed.root,
  });
  return ctx.config.session.network === 'open' ? { readOnly } : { forwards, readOnly };
}
