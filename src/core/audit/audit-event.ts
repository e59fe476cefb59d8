/** The audit trail's events (docs/governance.md, "The audit trail"), one JSON line each. */
import type { Door } from '../snapshot/ask-record.js';

/**
 * What kind of decision an event records: a build asked for, a session dispatched, a
 * command taken, a merge; and what Baton said on the issue: a worker held for a person, a
 * stop for money, a failed attempt, a command or label refused, the final pull request; a
 * session started again after a stop for money, a change set's revert.
 */
export type AuditKind =
  | 'ask'
  | 'dispatch'
  | 'command'
  | 'merge'
  | 'hold'
  | 'budget-stop'
  | 'failure'
  | 'refusal'
  | 'final-pull'
  | 'resume'
  | 'rollback';

/** One decision that wrote or spent. */
export interface AuditEvent {
  /** When it happened (ISO 8601), as GitHub dates it. */
  at: string;
  repository: string;
  build: string;
  kind: AuditKind;
  /** The person accountable: who asked, commanded or approved; null where none did. */
  who: string | null;
  /** Which way it came: an ask's door (`label`, `schedule` …), `command` (a comment), `app` (Baton's own decision). */
  door: Door | 'command' | 'app';
  /** What was done: a role and worker, a command, a merge. */
  what: string;
  /** Why, in Baton's words: the ask it serves, the approval it waited for. */
  why: string | null;
  /** Links and ids a person can follow: the run, the comment, the pull request, the checks. */
  evidence: string[];
  /** Dollars it spent, by the build's ledger; null where it spends nothing itself. */
  costUsd: number | null;
}

/** Whether `text` is a date the trail may start at: `2026-03-01` or `2026-03-01T12:00:00Z`. */
export function isAuditDate(text: string): boolean {
  const date = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z)?$/;
  return date.test(text) && !Number.isNaN(Date.parse(text));
}
