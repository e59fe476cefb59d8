/**
 * A person's attention a build asked for, measured from its snapshot (pure,
 * for the bench): the notifications sent to a person, the decisions asked of
 * one, and the share of changed lines the review guide asks to read first.
 * Notices (each mentions the people notified) and the final pull request's
 * review request are read from the notices' keys; an autonomy wait is a
 * worker pull request whose evidence shows a class the settings wait for
 * (its comment mentions them too).
 */
import type { VerificationSettings } from '../config/verification-settings.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import { readFirst } from './read-first.js';
import { contractVettingOf, judgeRisk } from './risk.js';

export interface Attention {
  /** Comments that mention a person, and review requests. */
  notifications: number;
  /** Decisions asked of a person, by kind. */
  decisions: { plan: number; needsHuman: number; autonomy: number; other: number; total: number };
  /** Lines the guide asks to read first, of every changed line, and their share (0 when none changed). */
  readFirst: { lines: number; total: number; share: number };
}

/** The notice keys that ask a person to decide, by kind (src/core/rules/decide-notices.ts). */
const DECISION_KINDS: Record<string, 'plan' | 'needsHuman' | 'other'> = {
  'plan-ready': 'plan',
  'needs-human': 'needsHuman',
  partial: 'other',
  failed: 'other',
  adapted: 'other',
  'follow-ups': 'other',
  'synthesis-failed': 'other',
};

export function attentionOf(
  snapshot: Pick<BuildSnapshot, 'notices' | 'pulls' | 'contract' | 'plan'>,
  settings: VerificationSettings,
): Attention {
  const notices = snapshot.notices ?? [];
  const decisions = { plan: 0, needsHuman: 0, autonomy: 0, other: 0, total: 0 };
  for (const key of notices) {
    const kind = DECISION_KINDS[key.split('/')[0] ?? ''];
    if (kind) decisions[kind] += 1;
  }
  const waitFor = new Set(settings.autonomy.waitFor);
  const risks = snapshot.pulls
    .filter((pull) => pull.state !== 'closed')
    .map((pull) =>
      judgeRisk(pull, settings, { contract: contractVettingOf(snapshot, pull.worker) }),
    );
  decisions.autonomy = risks.filter(
    (risk) => risk.evidence === 'current' && risk.classes.some((one) => waitFor.has(one)),
  ).length;
  decisions.total = decisions.plan + decisions.needsHuman + decisions.autonomy + decisions.other;
  const reviewRequests = notices.filter((key) => key.startsWith('final-pull/')).length;
  const first = readFirst(risks);
  return {
    notifications: notices.length + reviewRequests + decisions.autonomy,
    decisions,
    readFirst: {
      lines: first.lines,
      total: first.total,
      share: first.total === 0 ? 0 : first.lines / first.total,
    },
  };
}
