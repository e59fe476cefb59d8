import { realpath } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import type { Config, RepositoryVisibility } from '../../core/config/config.js';
import type { SessionRole } from '../../core/sessions/session.js';
import { CONFIG_FILE, integrationBranch, workerBranch } from '../../core/vocabulary/ids.js';
import type { SessionEnv } from '../env.js';
import type { SessionClientOptions } from '../octokit.js';
import { createGitHubReads, type GitHubReads } from '../reads/github-reads.js';
import { loadConfig } from '../reads/load-config.js';
import { readRepositoryVisibility } from '../reads/repository-visibility.js';
import {
  findSteeringSource,
  installDefaultSkills,
  readSteeringFile,
  type SteeringSource,
} from './git/default-branch.js';
import { git } from './git/git.js';
import { type AgentLimits, resolveLimits } from './model/limits.js';
import { modelAuth } from './model/model-credentials.js';
import type { ModelFeatures } from './model/model-features.js';
import { plainFeatures } from './model/model-features.js';
import { type LoopOutcome, runModelLoop } from './model/model-loop.js';
import type { UsageMeter } from './model/usage-meter.js';
import { renderReadOnlySystemPrompt } from './prompts/system-prompt.js';
import type { AgentTool } from './tools/agent-tool.js';
import { scrubEnv } from './tools/scrub-env.js';
import type { SubmitTool } from './tools/submit-tool.js';

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
  /** The repository's visibility from the run's event payload; null when it does not say. */
  visibility: RepositoryVisibility | null;
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
  const secrets = [env.ANTHROPIC_API_KEY, env.GITHUB_TOKEN, env.ACTIONS_ID_TOKEN_REQUEST_TOKEN];
  const toolEnv = scrubEnv(process.env, secrets);
  const base = await git({ root, env: toolEnv }, ['rev-parse', 'HEAD']);
  const steering = await openSteering({ root, env: toolEnv }, env.GITHUB_EVENT_PATH);
  const { config, problems } = loadConfig(
    await readSteeringFile({ root, env: toolEnv }, steering, `.github/${CONFIG_FILE}`),
  );
  // Models the config prices itself (models.prices) count at those prices, not as free.
  meter.prices = config.models.prices;
  const client = new Anthropic({
    ...modelAuth(env),
    ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}),
    ...(options.anthropic?.maxRetries !== undefined
      ? { maxRetries: options.anthropic.maxRetries }
      : {}),
    ...(options.anthropic?.timeoutMs !== undefined ? { timeout: options.anthropic.timeoutMs } : {}),
  });
  const github = createGitHubReads({
    apiUrl: env.GITHUB_API_URL,
    ...(env.GITHUB_GRAPHQL_URL ? { graphqlUrl: env.GITHUB_GRAPHQL_URL } : {}),
    repository: env.GITHUB_REPOSITORY,
    token: env.GITHUB_TOKEN,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.github ? { options: options.github } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    env,
    root,
    base,
    branch: sessionBranch(env),
    config,
    configProblems: problems,
    limits: resolveLimits({ config, startedAt, overrides: options.limits ?? {} }),
    meter,
    client,
    github,
    toolEnv,
    startedAt,
    now: options.now ?? Date.now,
    log: options.log ?? ((line) => process.stderr.write(`baton: ${line}\n`)),
    ...(options.egressHosts ? { egressHosts: options.egressHosts } : {}),
    ...(options.unconfined ? { unconfined: true } : {}),
    visibility: await readRepositoryVisibility(env.GITHUB_EVENT_PATH),
  };
}

/**
 * Settings and skills come from the default branch, never from the branch
 * under review (DESIGN: a worker must not write the rules of its own review).
 */
async function openSteering(
  options: { root: string; env: Record<string, string> },
  eventPath: string | undefined,
): Promise<SteeringSource> {
  try {
    const source = await findSteeringSource(options, eventPath);
    await installDefaultSkills(options, source);
    return source;
  } catch (error) {
    throw new SessionSetupError(
      `cannot read the settings and skills of the default branch: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
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
    case 'fix':
      return env.BATON_WORKER ? workerBranch(env.BATON_BUILD, env.BATON_WORKER) : null;
    case 'review':
      return null;
    default: {
      const _exhaustive: never = env.BATON_ROLE;
      return _exhaustive;
    }
  }
}

/** One model conversation with the session's client, meter and limits. */
export function converse<T>(
  ctx: AgentContext,
  parts: {
    model: string;
    system: string;
    prompt: string;
    tools: readonly AgentTool[];
    submit: SubmitTool<T>;
    /** Thinking budget and server tools; context management is on for every session. */
    features?: Partial<ModelFeatures>;
    /** Checks a valid submission before it is taken (see LoopRequest). */
    verify?: (value: T) => Promise<string | null>;
  },
): Promise<LoopOutcome<T>> {
  const { features: asked, ...rest } = parts;
  const features: ModelFeatures = { ...plainFeatures(), ...asked };
  const thinking = features.thinkingBudget > 0 ? `, thinking ${features.thinkingBudget}` : '';
  const web = features.serverTools.length > 0 ? ', web search and fetch' : '';
  ctx.log(
    `${ctx.env.BATON_ROLE} session on ${parts.model}, at most ${ctx.limits.maxTurns} turns${thinking}${web}`,
  );
  return runModelLoop({
    ...rest,
    features,
    client: ctx.client,
    meter: ctx.meter,
    limits: ctx.limits,
    now: ctx.now,
    log: ctx.log,
  });
}

/**
 * What a read-only role's conversation is held with: the plan or the review
 * model, its thinking budget, and the read-only system prompt that names the
 * role's submit tool.
 */
export function readOnlyParts(
  ctx: AgentContext,
  { models, role, submit }: { models: 'plan' | 'review'; role: SessionRole; submit: string },
): { model: string; features: Partial<ModelFeatures>; system: string } {
  return {
    model: ctx.config.models[models],
    features: { thinkingBudget: ctx.config.models.thinking[models] },
    system: renderReadOnlySystemPrompt(ctx, { role, submit }),
  };
}
