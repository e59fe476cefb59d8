/**
 * A person's attention a build asked for (pure, for the bench): the
 * notifications GitHub sent a person, the decisions asked of one, and the
 * share of changed lines the review guide asks to read first. A notification
 * is what GitHub sends for Baton's writes: a comment of Baton's that
 * @-mentions the person, and a review requested of them (an edit, such as the
 * status comment's, notifies nobody). Decisions are read from the notices'
 * keys, and an autonomy wait is a worker pull request whose evidence shows a
 * class the settings wait for.
 */
import type { VerificationSettings } from '../config/verification-settings.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';
import { mentionedIn } from '../vocabulary/notice.js';
import { readFirst } from './read-first.js';
import { contractVettingOf, judgeRisk, waitingClasses } from './risk.js';

export interface Attention {
  /** The most notifications any one person got: Baton's comments that mention them, and reviews asked of them. */
  notifications: number;
  /** Decisions asked of a person, by kind. */
  decisions: { plan: number; needsHuman: number; autonomy: number; other: number; total: number };
  /**
   * Lines the guide asks to read first, of every changed line of the work, and their share (0 when
   * none changed); the lines of Baton's build records, apart.
   */
  readFirst: { lines: number; total: number; records: number; share: number };
}

/** What Baton wrote that GitHub notifies people of: its comments on the issue and the build's pull requests, and its review requests. */
export interface BatonWrites {
  comments: readonly string[];
  reviewRequests: readonly { pull: number; logins: readonly string[] }[];
}

/** The notice keys that ask a person to decide, by kind (src/core/rules/decide-notices.ts). */
const DECISION_KINDS: Record<string, 'plan' | 'needsHuman' | 'other'> = {
  'plan-ready': 'plan',
  'needs-human': 'needsHuman',
  waiting: 'other',
  partial: 'other',
  failed: 'other',
  adapted: 'other',
  'follow-ups': 'other',
  'synthesis-failed': 'other',
};

export function attentionOf(
  snapshot: Pick<BuildSnapshot, 'notices' | 'pulls' | 'contract' | 'plan'>,
  settings: VerificationSettings,
  writes: BatonWrites,
): Attention {
  const decisions = { plan: 0, needsHuman: 0, autonomy: 0, other: 0, total: 0 };
  for (const key of snapshot.notices ?? []) {
    const kind = DECISION_KINDS[key.split('/')[0] ?? ''];
    // The notice that asks for the workers waiting by risk is counted by its workers, below.
    if (kind && !key.startsWith('waiting/')) decisions[kind] += 1;
  }
  const waitFor = waitingClasses(settings);
  const risks = snapshot.pulls
    .filter((pull) => pull.state !== 'closed')
    .map((pull) =>
      judgeRisk(pull, settings, { contract: contractVettingOf(snapshot, pull.worker) }),
    );
  decisions.autonomy = risks.filter(
    (risk) => risk.evidence === 'current' && risk.classes.some((one) => waitFor.has(one)),
  ).length;
  decisions.total = decisions.plan + decisions.needsHuman + decisions.autonomy + decisions.other;
  const first = readFirst(risks);
  return {
    notifications: notificationsOf(writes),
    decisions,
    readFirst: {
      lines: first.lines,
      total: first.total,
      records: first.records,
      share: first.total === 0 ? 0 : first.lines / first.total,
    },
  };
}

/** The most notifications one person got from Baton's writes. */
export function notificationsOf({ comments, reviewRequests }: BatonWrites): number {
  const byPerson = new Map<string, number>();
  const note = (login: string) => byPerson.set(login, (byPerson.get(login) ?? 0) + 1);
  for (const body of comments) for (const login of mentionedIn(body)) note(login);
  for (const request of reviewRequests) for (const login of new Set(request.logins)) note(login);
  return Math.max(0, ...byPerson.values());
}
