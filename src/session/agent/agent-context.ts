import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Config, RepositoryVisibility } from '../../core/config/config.js';
import { Plan } from '../../core/plan/plan.js';
import {
  engineFor,
  engineProblem,
  providerOf,
  readEngineSettings,
} from '../../core/sessions/engines.js';
import type { SessionRole } from '../../core/sessions/session.js';
import { formatUsd } from '../../core/status/progress-format.js';
import type { Engine } from '../../core/vocabulary/engine-names.js';
import {
  CONFIG_FILE,
  integrationBranch,
  memoryBranch,
  planPath,
  rememberedComment,
  workerBranch,
} from '../../core/vocabulary/ids.js';
import type { SessionEnv } from '../env.js';
import { createGitHubReads, type GitHubReads } from '../reads/github-reads.js';
import { type LoadedConfig, loadConfig } from '../reads/load-config.js';
import { readRepositoryVisibility } from '../reads/repository-visibility.js';
import { readSpentSoFar } from '../reads/spent-so-far.js';
import type { SessionClientOptions } from '../session-octokit.js';
import { type ConversationParts, converseOnEngine, type ModelKind } from './engine-session.js';
import { git } from './git/git.js';
import {
  findSteeringSource,
  installDefaultSkills,
  readSteeringFile,
  type SteeringSource,
} from './git/steering-files.js';
import { type LessonsRead, sessionLessons } from './memory/session-lessons.js';
import { type AgentLimits, resolveLimits } from './model/limits.js';
import { ModelAuthError } from './model/model-credentials.js';
import type { ModelFeatures } from './model/model-features.js';
import { plainFeatures } from './model/model-features.js';
import { type LoopOutcome, runModelLoop } from './model/model-loop.js';
import type { UsageMeter } from './model/usage-meter.js';
import { type ModelProxy, startModelProxy } from './model-proxy/model-proxy.js';
import { sessionModels } from './model-proxy/model-routes.js';
import { sessionUpstreams } from './model-proxy/upstreams.js';
import { renderReadOnlySystemPrompt } from './prompts/system-prompt.js';
import { scrubEnv } from './tools/scrub-env.js';

/** Options of runAgent, for tests and simulations. */
export interface RunAgentOptions {
  /** For the GitHub reads. */
  fetch?: typeof globalThis.fetch;
  /** How hard the GitHub client tries (tests make its waits short). */
  github?: SessionClientOptions;
  /** Epoch milliseconds; drives `seconds` and the deadline. */
  now?: () => number;
  /** Overrides of the limits that the config and the defaults give. */
  limits?: Partial<AgentLimits>;
  /** The SDK's own retry count (default 2) and request timeout. */
  anthropic?: { maxRetries?: number; timeoutMs?: number };
  /** One line of progress; default stderr. */
  log?: (line: string) => void;
  /** Where the job summary goes; default `$GITHUB_STEP_SUMMARY`. */
  stepSummaryPath?: string;
  /** Fixed addresses for host names the egress proxy would resolve (tests, simulations). */
  egressHosts?: Readonly<Record<string, string>>;
  /**
   * Without BATON_TOOL_USER, run the model's commands unconfined whatever
   * `session.network` says: tests of the agent's own logic. The CLI never sets it.
   */
  unconfined?: boolean;
  /** How often a running work or fix session looks for new messages (default `MESSAGE_POLL_MS`). */
  messagePollMs?: number;
  /** Where the session's cancel listeners go (`runAgent` calls them when the run is cancelled). */
  cancellation?: (() => void | Promise<void>)[];
  /** Stands for the run's cancel (SIGINT, SIGTERM) in tests: the process's signals are left alone then. */
  cancelSignal?: AbortSignal;
}

/** Everything a role needs, opened once at the start of a session. */
export interface AgentContext {
  env: SessionEnv;
  /** The real path of the checkout. */
  root: string;
  /** HEAD when the session started: the dispatched commit. */
  base: string;
  /** The branch the bundle is for, or null for roles that commit nothing. */
  branch: string | null;
  config: Config;
  /** Why the config file was not used, if it was not. */
  configProblems: string[];
  limits: AgentLimits;
  meter: UsageMeter;
  /** The engine the session runs on (docs/sessions.md, "Engines"). */
  engine: Engine;
  /** Holds the model credentials; every model request of the session goes through it. */
  modelProxy: ModelProxy;
  /** Baton's own loop's client: it reaches the model through the proxy, with the proxy's token. */
  client: Anthropic;
  github: GitHubReads;
  /** The environment for bash and git: the process's own, scrubbed of credentials. */
  toolEnv: Record<string, string>;
  startedAt: number;
  now: () => number;
  log: (line: string) => void;
  /** See RunAgentOptions. */
  egressHosts?: Readonly<Record<string, string>>;
  /** See RunAgentOptions. */
  unconfined?: boolean;
  /** See RunAgentOptions. */
  messagePollMs?: number;
  /** The repository's visibility from the run's event payload; null when it does not say. */
  visibility: RepositoryVisibility | null;
  /**
   * Where what steers the session comes from (settings, skills, the ecosystems
   * of its network): the default branch, never the branch under review.
   */
  steering: SteeringSource;
  /** Told when the run is being cancelled: each listener stops what it runs, so the work is kept. */
  onCancel(listener: () => void | Promise<void>): void;
  /** The lessons the session read, once its first conversation that asks for them started (docs/memory.md). */
  lessons?: LessonsRead & { section: string | null };
}

/** A session that cannot start: what to set or fix, for the result's reason. */
export class SessionSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionSetupError';
  }
}

/** Opens a session: the checkout, its base, the config, the limits and the clients. */
export async function openContext({
  env,
  options,
  meter,
  startedAt,
}: {
  env: SessionEnv;
  options: RunAgentOptions;
  meter: UsageMeter;
  startedAt: number;
}): Promise<AgentContext> {
  const root = await realpath(env.GITHUB_WORKSPACE).catch(() => {
    throw new SessionSetupError(
      `GITHUB_WORKSPACE ${env.GITHUB_WORKSPACE} does not exist; check out the repository first`,
    );
  });
  const secrets = [
    env.ANTHROPIC_API_KEY,
    env.OPENAI_API_KEY,
    env.GITHUB_TOKEN,
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
  ];
  const toolEnv = scrubEnv(process.env, secrets);
  const base = await git({ root, env: toolEnv }, ['rev-parse', 'HEAD']);
  const branch = sessionBranch(env);
  const { steering, config, problems } = await openSteering(
    { root, env: toolEnv },
    env.GITHUB_EVENT_PATH,
  );
  // Models the config prices itself (models.prices) count at those prices, not as free.
  meter.prices = config.models.prices;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => process.stderr.write(`baton: ${line}\n`));
  const github = createGitHubReads({
    apiUrl: env.GITHUB_API_URL,
    ...(env.GITHUB_GRAPHQL_URL ? { graphqlUrl: env.GITHUB_GRAPHQL_URL } : {}),
    repository: env.GITHUB_REPOSITORY,
    token: env.GITHUB_TOKEN,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.github ? { options: options.github } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const setLeftUsd =
    env.BATON_SET_BUDGET_USD === undefined ? null : Number(env.BATON_SET_BUDGET_USD);
  if (setLeftUsd !== null)
    log(
      `the build's budget (a change set's, or the schedule's that fired it) had ${formatUsd(setLeftUsd)} left when this session was dispatched; it spends no more`,
    );
  const limits = resolveLimits({
    config,
    startedAt,
    ...(await readSpentSoFar({ env, config, github, now: startedAt, log })),
    setLeftUsd,
    overrides: options.limits ?? {},
  });
  const engine = await sessionEngine({ env, config, root });
  const { upstreams, missing } = sessionUpstreams(env);
  const provider = providerOf(engine);
  // What the provider's kit says is missing (the key's own check's words), before any model call.
  const problem = missing[provider];
  if (problem !== undefined) throw new ModelAuthError(problem);
  const modelProxy = await startModelProxy({
    upstreams,
    meter,
    limits,
    now,
    log,
    // Every web tool the proxy lets through is held to research.* (model-routes.ts).
    research: config.research,
    // Only the config's models pass: the meter prices exactly those.
    models: sessionModels(config.models, [config.verification.validation.model]),
  });
  const client = new Anthropic({
    apiKey: modelProxy.token,
    baseURL: modelProxy.url,
    ...(options.anthropic?.maxRetries !== undefined
      ? { maxRetries: options.anthropic.maxRetries }
      : {}),
    ...(options.anthropic?.timeoutMs !== undefined ? { timeout: options.anthropic.timeoutMs } : {}),
  });
  return {
    env,
    root,
    base,
    branch,
    config,
    configProblems: problems,
    limits,
    meter,
    engine,
    modelProxy,
    client,
    github,
    toolEnv,
    startedAt,
    now,
    log,
    ...(options.egressHosts ? { egressHosts: options.egressHosts } : {}),
    ...(options.unconfined ? { unconfined: true } : {}),
    ...(options.messagePollMs ? { messagePollMs: options.messagePollMs } : {}),
    visibility: await readRepositoryVisibility(env.GITHUB_EVENT_PATH),
    steering,
    onCancel: (listener) => void options.cancellation?.push(listener),
  };
}

/**
 * The session's engine: the one the app chose (`engine` dispatch input), or,
 * from a workflow that passes none, the one `session.engine` and the plan give
 * the role, as the app works it out; refused with what to do when the
 * configuration does not allow it.
 */
async function sessionEngine({
  env,
  config,
  root,
}: {
  env: SessionEnv;
  config: Config;
  root: string;
}): Promise<Engine> {
  const settings = readEngineSettings(config.session.engine, config.verification.validation.engine);
  // The plan is read only where the app chose no engine.
  const planned = env.BATON_ENGINE
    ? undefined
    : await plannedEngine(root, env.BATON_BUILD, env.BATON_WORKER);
  const engine =
    (env.BATON_ENGINE as Engine | undefined) ??
    engineFor({ settings, role: env.BATON_ROLE, planned });
  const problem = engineProblem(settings, engine);
  if (problem) throw new SessionSetupError(problem);
  return engine;
}

/** The plan's `engine` for a worker, from `plan.json` in the checkout, when it names one. */
async function plannedEngine(
  root: string,
  build: string,
  worker: string | undefined,
): Promise<Engine | undefined> {
  if (!worker) return undefined;
  const text = await readFile(path.join(root, planPath(build)), 'utf8').catch(() => null);
  try {
    const plan = Plan.safeParse(JSON.parse(text ?? ''));
    return plan.success
      ? plan.data.workers.find((entry) => entry.id === worker)?.engine
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Settings and skills come from the default branch, never from the branch
 * under review (a worker must not write the rules of its own review): the
 * skills are put in the checkout, the settings read.
 */
async function openSteering(
  options: { root: string; env: Record<string, string> },
  eventPath: string | undefined,
): Promise<{ steering: SteeringSource } & LoadedConfig> {
  let steering: SteeringSource;
  try {
    steering = await findSteeringSource(options, eventPath);
    await installDefaultSkills(options, steering);
  } catch (error) {
    throw new SessionSetupError(
      `cannot read the settings and skills of the default branch: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const settings = await readSteeringFile(options, steering, `.github/${CONFIG_FILE}`);
  return { steering, ...loadConfig(settings) };
}

/** The branch a role's commits are for; derived from the ids, like every Baton name. */
export function sessionBranch(env: SessionEnv): string | null {
  switch (env.BATON_ROLE) {
    case 'plan':
    case 'research':
    case 'summary':
    case 'synthesis':
      return integrationBranch(env.BATON_BUILD);
    case 'work':
    case 'contract':
    case 'fix':
      return env.BATON_WORKER ? workerBranch(env.BATON_BUILD, env.BATON_WORKER) : null;
    case 'review':
    case 'validate':
      return null;
    case 'learn':
      return memoryBranch(env.BATON_BUILD, rememberedComment(env.BATON_TRIGGER));
    default: {
      const _exhaustive: never = env.BATON_ROLE;
      return _exhaustive;
    }
  }
}

/**
 * One model conversation with the session's client, meter and limits: Baton's
 * own loop, or the session's engine (engine-session.ts) under the same contract.
 */
export async function converse<T>(
  ctx: AgentContext,
  given: ConversationParts<T>,
): Promise<LoopOutcome<T>> {
  const parts = await withLessons(ctx, given);
  if (ctx.engine !== 'baton') return converseOnEngine(ctx, parts);
  const {
    features: asked,
    kind: _kind,
    named: _named,
    sandbox: _sandbox,
    engineFiles: _files,
    memory: _memory,
    ...rest
  } = parts;
  const features: ModelFeatures = { ...plainFeatures(), ...asked };
  // The provider's web tools pass the model proxy only for a conversation that declares them (research).
  ctx.modelProxy.allowWeb(features.serverTools.length > 0);
  const thinking = features.thinkingBudget > 0 ? `, thinking ${features.thinkingBudget}` : '';
  const web = features.serverTools.length > 0 ? ', web search and fetch' : '';
  ctx.log(
    `${ctx.env.BATON_ROLE} session on ${parts.model}, at most ${ctx.limits.maxTurns} turns${thinking}${web}`,
  );
  const outcome = await runModelLoop({
    ...rest,
    features,
    client: ctx.client,
    meter: ctx.meter,
    limits: ctx.limits,
    now: ctx.now,
    log: ctx.log,
  });
  // A request the model proxy refused at a limit (its cap) ended the loop: the limit is the reason.
  const stopped = ctx.modelProxy.stopped();
  const limit = ctx.modelProxy.stoppedAt();
  if (outcome.kind === 'failed' && !outcome.limit && stopped && limit)
    return { kind: 'failed', reason: stopped, limit };
  return outcome;
}

/**
 * The first message with the session's lessons after it, the same for Baton's
 * loop and every engine; read once a session, on its first conversation that
 * asks for them.
 */
async function withLessons<T>(
  ctx: AgentContext,
  parts: ConversationParts<T>,
): Promise<ConversationParts<T>> {
  if (!parts.memory) return parts;
  ctx.lessons ??= await sessionLessons(ctx, parts.memory);
  const { section } = ctx.lessons;
  return section ? { ...parts, prompt: `${parts.prompt}\n\n${section}` } : parts;
}

/**
 * What a read-only role's conversation is held with: the plan or the review
 * model, its thinking budget, and the read-only system prompt that names the
 * role's submit tool.
 */
export function readOnlyParts(
  ctx: AgentContext,
  { models, role, submit }: { models: 'plan' | 'review'; role: SessionRole; submit: string },
): { kind: ModelKind; model: string; features: Partial<ModelFeatures>; system: string } {
  return {
    kind: models,
    model: ctx.config.models[models],
    features: { thinkingBudget: ctx.config.models.thinking[models] },
    system: renderReadOnlySystemPrompt(ctx, { role, submit }),
  };
}
