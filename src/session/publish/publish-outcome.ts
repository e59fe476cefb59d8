import type { Usage } from '../../core/records/completion.js';

/** How a publish ended; each kind maps to one exit code. */
export type PublishOutcome =
  | {
      kind: 'published';
      lines: string[];
      /**
       * A work, contract or fix session's pull request head it pushed, ready for review: the
       * workflow's review jobs review it in this run (`review-pr`, `review-head` outputs).
       */
      review?: { pr: number; head: string };
    }
  | {
      kind: 'session-failed';
      status: 'partial' | 'blocked' | 'failed' | 'impossible';
      reason: string;
      usage: Usage;
      lines: string[];
    }
  | { kind: 'refused'; problems: string[] }
  | { kind: 'error'; message: string };

/** The outcome with one more line in its job summary; a refusal or an error has no summary lines. */
export function withSummaryLine(outcome: PublishOutcome, line: string): PublishOutcome {
  return outcome.kind === 'published' || outcome.kind === 'session-failed'
    ? { ...outcome, lines: [...outcome.lines, line] }
    : outcome;
}
