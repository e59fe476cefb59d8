import type { Config } from '../../../core/config/config.js';
import type { SessionLimit } from '../../../core/records/usage.js';
import { formatUsd } from '../../../core/status/progress-format.js';
import { totalTokens, type UsageMeter } from './usage-meter.js';

/** What one session may spend before it stops and reports `failed`. */
export interface AgentLimits {
  /** Model requests, from `session.maxTurns`. */
  maxTurns: number;
  /** Tokens of every kind summed over the session. */
  maxTokens: number;
  /**
   * US dollars for this session: the smaller of what the build's
   * `budget.maxUsd` and the repository's `budget.dailyUsd` have left, read when
   * the session starts (`readBuildSpend`, `readDaySpend`).
   */
  maxUsd: number | null;
  /** Which limit `maxUsd` is, as the session's result names it. */
  usdLimit: SessionLimit;
  /** The build's `budget.maxUsd`, of which `maxUsd` is what was left (null: no budget). */
  budgetUsd: number | null;
  /**
   * Whose budget a `budget` limit is: the build's, or, for a change set's
   * session whose set had less left when it was dispatched, the set's.
   */
  budgetOf: 'build' | 'set';
  /** When the session started (epoch milliseconds): its pace per turn is read from it. */
  startedAt: number;
  /** Turns' worth of any limit left when the session is told to wrap up (`windDownLimit`). */
  windDownTurns: number;
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
  buildSpentUsd = null,
  daySpentUsd = null,
  setLeftUsd = null,
  overrides = {},
}: {
  config: Config;
  startedAt: number;
  /** What the build's sessions spent before this one (`readBuildSpend`); null: unknown. */
  buildSpentUsd?: number | null;
  /** What the repository's sessions spent today before this one (`readDaySpend`); null: unknown. */
  daySpentUsd?: number | null;
  /** A change set's session: what the set's budget had left when it was dispatched; null: none. */
  setLeftUsd?: number | null;
  overrides?: Partial<AgentLimits>;
}): AgentLimits {
  const minutes = Math.max(MIN_RUN_MINUTES, config.session.timeoutMinutes - MARGIN_MINUTES);
  return {
    maxTurns: config.session.maxTurns,
    maxTokens: DEFAULT_MAX_TOKENS,
    ...usdLimitOf({ budget: config.budget, buildSpentUsd, daySpentUsd, setLeftUsd }),
    budgetUsd: config.budget.maxUsd,
    startedAt,
    windDownTurns: 3,
    deadline: startedAt + minutes * 60_000,
    maxOutputTokens: 16_000,
    maxInvalidSubmissions: 3,
    maxNudges: 2,
    commandTimeoutMs: 10 * 60_000,
    maxToolOutputChars: 30_000,
    ...overrides,
  };
}

/**
 * The session's dollar limit and which it is: what the build's budget has left,
 * or what the repository's day has left when that is less, or, for a change
 * set's session, what the set's one budget had left when it was dispatched
 * when that is less still (its repository's own budget may be larger, or
 * off). A day whose spend could not be read leaves the build's limit alone
 * (the app still stops new sessions at the cap); a build's unknown spend
 * leaves its whole budget.
 */
export function usdLimitOf({
  budget,
  buildSpentUsd,
  daySpentUsd,
  setLeftUsd = null,
}: {
  budget: Pick<Config['budget'], 'maxUsd' | 'dailyUsd'>;
  buildSpentUsd: number | null;
  daySpentUsd: number | null;
  setLeftUsd?: number | null;
}): Pick<AgentLimits, 'maxUsd' | 'usdLimit' | 'budgetOf'> {
  const build = leftOf(budget.maxUsd, buildSpentUsd);
  const day = daySpentUsd === null ? null : leftOf(budget.dailyUsd, daySpentUsd);
  const own: Pick<AgentLimits, 'maxUsd' | 'usdLimit' | 'budgetOf'> =
    day !== null && (build === null || day < build)
      ? { maxUsd: day, usdLimit: 'daily', budgetOf: 'build' }
      : { maxUsd: build, usdLimit: 'budget', budgetOf: 'build' };
  if (setLeftUsd !== null && (own.maxUsd === null || setLeftUsd < own.maxUsd))
    return { maxUsd: Math.max(0, setLeftUsd), usdLimit: 'budget', budgetOf: 'set' };
  return own;
}

/** What a cap has left after `spent`, never below zero; the cap itself when the spend is unknown. */
function leftOf(cap: number | null, spent: number | null): number | null {
  if (cap === null || spent === null) return cap;
  return Math.max(0, cap - spent);
}

/** A limit the session reached, and why it stops, in words a person can act on. */
export interface Exceeded {
  limit: SessionLimit;
  reason: string;
}

/** Why the session must not start another request, or null while it may. */
export function findExceededLimit(
  meter: UsageMeter,
  limits: AgentLimits,
  now: number,
): string | null {
  return exceededLimit(meter, limits, now)?.reason ?? null;
}

/** The limit the session reached, with its reason, or null while it may go on. */
export function exceededLimit(
  meter: UsageMeter,
  limits: AgentLimits,
  now: number,
): Exceeded | null {
  if (meter.turns >= limits.maxTurns) {
    return {
      limit: 'turns',
      reason: `reached session.maxTurns (${limits.maxTurns}) before finishing; raise it in .github/baton.yml or split the task`,
    };
  }
  const tokens = totalTokens(meter);
  if (tokens >= limits.maxTokens) {
    return {
      limit: 'tokens',
      reason: `used ${tokens} tokens, the session's budget is ${limits.maxTokens}; split the task into smaller workers`,
    };
  }
  if (limits.maxUsd !== null && meter.cost_usd >= limits.maxUsd) {
    return { limit: limits.usdLimit, reason: usdReason(meter, limits) };
  }
  if (now >= limits.deadline) {
    return {
      limit: 'time',
      reason:
        'ran out of time (session.timeoutMinutes in .github/baton.yml, less a margin for publishing)',
    };
  }
  return null;
}

function usdReason(meter: UsageMeter, limits: AgentLimits): string {
  return `spent ${formatUsd(meter.cost_usd)}, ${usdLimitText(limits)}`;
}

/**
 * Why the session stops before a model request that could cost `worstUsd` at
 * the least output worth sending (`fitToRoom`): with what it spent and what
 * requests under way may cost (`heldUsd`), that would be past its dollar
 * limit (the model proxy's cap, docs/costs.md).
 */
export function crossingLimit(
  meter: UsageMeter,
  limits: AgentLimits,
  { worstUsd, heldUsd }: { worstUsd: number; heldUsd: number },
): Exceeded {
  const held = heldUsd > 0 ? ` (and ${formatUsd(heldUsd)} held for requests under way)` : '';
  return {
    limit: limits.usdLimit,
    reason: `spent ${formatUsd(meter.cost_usd)}${held}, and its next model request could cost up to ${formatUsd(worstUsd)}, past ${usdLimitText(limits)}`,
  };
}

/** The session's dollar limit in words: which it is, and how much. */
function usdLimitText(limits: AgentLimits): string {
  const left = formatUsd(limits.maxUsd ?? 0);
  switch (limits.usdLimit) {
    case 'budget':
      if (limits.budgetOf === 'set')
        return `what the change set's budget.maxUsd (in its issue's repository's .github/baton.yml) had left when Baton dispatched the session (${left})`;
      return limits.maxUsd === limits.budgetUsd
        ? `the budget.maxUsd of $${limits.budgetUsd} in .github/baton.yml`
        : `what the build's budget.maxUsd of $${limits.budgetUsd} in .github/baton.yml had left when the session started (${left})`;
    case 'daily':
      return `what the repository's day (budget.dailyUsd in .github/baton.yml) had left when the session started (${left})`;
    default:
      return `the session's dollar limit of ${left}`;
  }
}

/**
 * Output tokens a hand-in takes at most (the `submit_*` call, or an engine's
 * hand-in file and last words): what the wind-down keeps room for in each of
 * the requests that follow it (`UsageMeter.hand_in_request_usd`).
 */
export const HAND_IN_OUTPUT_TOKENS = 4_096;

/** The least time a session keeps for wrapping up: its tests, its commit, its hand-off note. */
const WIND_DOWN_MIN_MS = 3 * 60_000;

/**
 * The limit the session is about to reach: fewer than `windDownTurns` turns'
 * worth of it is left, at the pace of the session's turns so far (its turns,
 * its tokens and dollars per turn, its seconds per turn, and never less than
 * three minutes of its time); a turn's dollars are never less than the
 * dearest turn's so far, and the dollars keep room beside them for what the
 * model proxy's cap would hold for a hand-in request like the latest. Null while every limit is further off. The
 * session is told to wrap up then (`WindDown`), so what it did is handed in
 * rather than lost at the limit.
 */
export function windDownLimit(
  meter: UsageMeter,
  limits: AgentLimits,
  now: number,
): SessionLimit | null {
  const turns = Math.max(1, meter.turns);
  const reserve = limits.windDownTurns;
  // A session of very few turns keeps at least one turn of its own before it is told.
  const turnReserve = Math.min(reserve, Math.max(1, Math.floor(limits.maxTurns / 5)));
  if (limits.maxTurns - meter.turns <= turnReserve) return 'turns';
  if (meter.turns === 0) return null;
  if (limits.maxTokens - totalTokens(meter) <= (reserve * totalTokens(meter)) / turns) {
    return 'tokens';
  }
  // Dollars: turns' worth at the dearer of their average and the dearest so far (turns grow
  // dearer as the context grows), and beside them room for the hand-in's request at the most a
  // request like the latest may cost with a hand-in's output, which the model proxy's cap must
  // let through.
  const usdPerTurn = Math.max(meter.cost_usd / turns, meter.dearest_turn_usd);
  if (
    limits.maxUsd !== null &&
    limits.maxUsd - meter.cost_usd <= reserve * usdPerTurn + meter.hand_in_request_usd
  ) {
    return limits.usdLimit;
  }
  const perTurn = (now - limits.startedAt) / turns;
  if (limits.deadline - now <= Math.max(reserve * perTurn, WIND_DOWN_MIN_MS)) return 'time';
  return null;
}
