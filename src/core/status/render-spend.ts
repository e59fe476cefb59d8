import { SESSION_ROLES, type SessionRole } from '../sessions/session.js';
import type { Tally } from '../snapshot/ledger.js';
import { formatTokens, formatUsd, STATE_LABELS } from './progress-format.js';
import type { BuildProgress, ReviewRound } from './status-view.js';

/**
 * How each role's spend is shown, in the order of `SESSION_ROLES`: plan, work,
 * review and fix always; the contract (a build with criteria), research and
 * summary (improvement loops), synthesis (research builds) and validate
 * (milestones' validations) and learn (an ended build's lessons) only when there were some. A new role must say.
 */
const SHOWN: Record<SessionRole, 'always' | 'occasional'> = {
  plan: 'always',
  work: 'always',
  contract: 'occasional',
  review: 'always',
  fix: 'always',
  research: 'occasional',
  summary: 'occasional',
  synthesis: 'occasional',
  validate: 'occasional',
  learn: 'occasional',
};

/**
 * The build's spend by role, from the same ledger as its total:
 * `plan $0.90 (84,000 tokens) · work $2.10 (…) · …`, and how many sessions
 * were estimated for want of a usage record.
 */
export function renderSpendByRole(totals: BuildProgress['totals']): string {
  const parts = SESSION_ROLES.filter(
    (role) => SHOWN[role] === 'always' || totals.byRole[role].sessions > 0,
  ).map((role) => `${role} ${renderTally(totals.byRole[role])}`);
  const sessions = `${totals.sessions} ${totals.sessions === 1 ? 'session' : 'sessions'}`;
  const estimated =
    totals.estimated > 0
      ? `; ${totals.estimated} without a usage record, estimated from ${totals.estimated === 1 ? "its run's" : "their runs'"} duration`
      : '';
  const uncounted = totals.uncounted
    ? ` ${totals.uncounted} usage ${totals.uncounted === 1 ? 'record' : 'records'} under this build's refs ${totals.uncounted === 1 ? 'is' : 'are'} not counted: no run Baton dispatched for it matches (the app's log names them).`
    : '';
  return `By role: ${parts.join(' · ')} (${sessions}${estimated}).${uncounted}`;
}

function renderTally(tally: Tally): string {
  return `${formatUsd(tally.costUsd)} (${formatTokens(tally.tokens)} tokens)`;
}

/** Every worker state's icon and word on one line, so no state is told by colour alone. */
export function renderStateLegend(): string {
  const entries = Object.values(STATE_LABELS).map((label) => `${label.emoji} ${label.text}`);
  return `<sub>${entries.join(' · ')}</sub>`;
}

const ROUND_TEXT: Record<ReviewRound, string> = {
  'changes-requested': 'changes requested',
  fixed: 'fixed',
  approved: 'approved',
};

/** `changes requested → fixed → approved`, or null before any review. */
export function renderRounds(rounds: ReviewRound[]): string | null {
  return rounds.length === 0 ? null : rounds.map((round) => ROUND_TEXT[round]).join(' → ');
}
