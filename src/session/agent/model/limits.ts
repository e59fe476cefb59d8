import type { Config } from '../../../core/config/config.js';
import { totalTokens, type UsageMeter } from './usage-meter.js';

/** What one session may spend before it stops and reports `failed`. */
export interface AgentLimits {
  /** Model requests, from `session.maxTurns`. */
  maxTurns: number;
  /** Tokens of every kind summed over the session. */
  maxTokens: number;
  /** US dollars for this session; the build's `budget.maxUsd` when set. */
  maxUsd: number | null;
  /** Epoch milliseconds after which no new request is started. */
  deadline: number;
  /** `max_tokens` of each request; at 16000 a non-streaming request stays under 10 minutes. */
  maxOutputTokens: number;
  /** Invalid `submit_*` calls answered with the problems before the session gives up. */
  maxInvalidSubmissions: number;
  /** Times the model is reminded to submit when it stops without doing so. */
  maxNudges: number;
  /** Per bash command. */
  commandTimeoutMs: number;
  /** Characters of one tool result; longer output keeps its head and tail. */
  maxToolOutputChars: number;
}

/** Enough for ~80 turns over a large context; the USD limit is the finer control. */
const DEFAULT_MAX_TOKENS = 25_000_000;
/** Time kept after the loop for the commit, the bundle and the artifact upload. */
const MARGIN_MINUTES = 3;
const MIN_RUN_MINUTES = 2;

/** The limits of a session that starts at `startedAt`, from the repository's config. */
export function resolveLimits({
  config,
  startedAt,
  overrides = {},
}: {
  config: Config;
  startedAt: number;
  overrides?: Partial<AgentLimits>;
}): AgentLimits {
  const minutes = Math.max(MIN_RUN_MINUTES, config.session.timeoutMinutes - MARGIN_MINUTES);
  return {
    maxTurns: config.session.maxTurns,
    maxTokens: DEFAULT_MAX_TOKENS,
    maxUsd: config.budget.maxUsd,
    deadline: startedAt + minutes * 60_000,
    maxOutputTokens: 16_000,
    maxInvalidSubmissions: 3,
    maxNudges: 2,
    commandTimeoutMs: 10 * 60_000,
    maxToolOutputChars: 30_000,
    ...overrides,
  };
}

/** Why the session must not start another request, or null while it may. */
export function findExceededLimit(
  meter: UsageMeter,
  limits: AgentLimits,
  now: number,
): string | null {
  if (meter.turns >= limits.maxTurns) {
    return `reached session.maxTurns (${limits.maxTurns}) before finishing; raise it in .github/baton.yml or split the task`;
  }
  const tokens = totalTokens(meter);
  if (tokens >= limits.maxTokens) {
    return `used ${tokens} tokens, the session's budget is ${limits.maxTokens}; split the task into smaller workers`;
  }
  if (limits.maxUsd !== null && meter.cost_usd >= limits.maxUsd) {
    return `spent $${meter.cost_usd.toFixed(2)}, the budget.maxUsd of $${limits.maxUsd} in .github/baton.yml`;
  }
  if (now >= limits.deadline) {
    return 'ran out of time (session.timeoutMinutes in .github/baton.yml, less a margin for publishing)';
  }
  return null;
}
