import { STATE_LABELS } from '../../src/core/status/progress-format.js';
import type { FakeGitHub } from '../github/fake-github.js';

/**
 * What a build's status comment shows a person of why it does not move, as
 * it renders it (src/core/status/): a worker row that waits for a person, for
 * money or failed (🙋, ❌, ⏸️ partial, 💸), or a line of the build's own that
 * starts with what asks or stops (❌, ⚠️, 💸, ⏸️ paused, a `/approve` asked
 * for). A build that delivers needs none; one that neither delivers nor shows
 * one has stalled without a word. Answers the first such line, or null.
 */
export function reasonShown(status: string): string | null {
  for (const line of status.split('\n')) {
    const text = line.trim();
    if (ROW_REASONS.some((emoji) => text.startsWith(`| ${emoji} |`))) return text;
    if (LINE_REASONS.some((start) => text.startsWith(start))) return text;
    if (/reply `\/approve`/i.test(text)) return text;
  }
  return null;
}

/** The emojis of worker rows that wait for a person or for money, or failed. */
const ROW_REASONS = (
  ['needs-human', 'failed', 'partial', 'impossible', 'awaiting-budget'] as const
).map((state) => STATE_LABELS[state].emoji);

/** How the lines of the status that say what stops the build begin. */
const LINE_REASONS = ['🙋', '❌', '⚠️', '💸', '⏸️'];

/** Baton's status comment of a build on its issue, as GitHub holds it now; null when there is none. */
export function statusOf(gh: FakeGitHub, { issue, build }: { issue: number; build: string }) {
  return (
    gh.comments.find(
      (comment) =>
        comment.issue === issue &&
        comment.user.type === 'Bot' &&
        comment.body.startsWith(`<!-- baton:status build=${build}`),
    )?.body ?? null
  );
}

/** The standing invariant's name, as its violations begin after the build's id. */
export const SAYS_WHY = 'delivered or says why';

/**
 * The standing invariant of a build on the simulator: it delivered (its final
 * pull request opened), or its status says why it does not move. Answers the
 * violation, or null.
 */
export function deliveredOrSaysWhy(
  gh: FakeGitHub,
  { issue, build, delivered }: { issue: number; build: string; delivered: boolean },
): string | null {
  if (delivered) return null;
  const status = statusOf(gh, { issue, build });
  if (status && reasonShown(status)) return null;
  return `${build}: ${SAYS_WHY} (no final pull request, and its status says nothing of why${status ? '' : ': it has none'})`;
}
