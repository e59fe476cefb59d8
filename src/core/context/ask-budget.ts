/**
 * A build's budget as its ask sets it (docs/intake.md, "Schedules"): a build a
 * schedule fired spends no more than that schedule's `maxUsd`, where it is
 * lower than `budget.maxUsd` (which an organisation's policy has capped
 * already). Every other build's budget is the repository's. Decided once, on
 * the settings `decide` reads, so every rule and the dispatch that tells a
 * session what it may spend see the same number. Pure.
 */

import type { Config } from '../config/config.js';
import type { AskRecord } from '../snapshot/ask-record.js';

/** Where a build's `maxUsd` came from: the repository's budget, or a schedule's own. */
export type BudgetSource = { kind: 'repository' } | { kind: 'schedule'; schedule: string };

/** The settings with the build's budget as its ask sets it, and where that budget came from. */
export function withAskBudget(
  config: Config,
  ask: AskRecord | undefined,
): { config: Config; source: BudgetSource } {
  const repository = { config, source: { kind: 'repository' } as const };
  if (ask?.how.way !== 'schedule') return repository;
  const name = ask.how.schedule;
  const own = config.schedules.find((schedule) => schedule.name === name)?.maxUsd;
  const { maxUsd } = config.budget;
  if (own === undefined || (maxUsd !== null && maxUsd <= own)) return repository;
  return {
    config: { ...config, budget: { ...config.budget, maxUsd: own } },
    source: { kind: 'schedule', schedule: name },
  };
}

/** How a person names the setting that set the build's budget, in a notice. */
export function budgetSetting(source: BudgetSource): string {
  return source.kind === 'schedule'
    ? `\`maxUsd\` of the schedule \`${source.schedule}\``
    : '`budget.maxUsd`';
}
