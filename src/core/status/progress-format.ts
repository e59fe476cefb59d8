import type { WorkerDisplayState } from './status-view.js';

/** How each worker state is shown: an emoji and a word or two. */
export const STATE_LABELS: Record<WorkerDisplayState, { emoji: string; text: string }> = {
  waiting: { emoji: '⏳', text: 'waiting' },
  ready: { emoji: '🔜', text: 'ready' },
  queued: { emoji: '🕒', text: 'queued' },
  working: { emoji: '🔨', text: 'working' },
  reviewing: { emoji: '🔍', text: 'in review' },
  fixing: { emoji: '🔧', text: 'fixing' },
  checks: { emoji: '🧪', text: 'checks' },
  approved: { emoji: '👍', text: 'approved' },
  'needs-human': { emoji: '🙋', text: 'needs a person' },
  partial: { emoji: '⏸️', text: 'partial' },
  'awaiting-budget': { emoji: '💸', text: 'waits for budget' },
  failed: { emoji: '❌', text: 'failed' },
  impossible: { emoji: '🚫', text: 'says it cannot be done' },
  merged: { emoji: '✅', text: 'merged' },
  skipped: { emoji: '⏭️', text: 'skipped' },
};

/** `✅ merged`, `❌ failed`, … */
export function stateLabel(state: WorkerDisplayState): string {
  const label = STATE_LABELS[state];
  return `${label.emoji} ${label.text}`;
}

/** `1234567` → `1,234,567`, the same on every machine (no locale). */
export function formatTokens(tokens: number): string {
  return String(Math.round(tokens)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `$0.42`: cents are enough for a status. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** `2026-03-01T09:30:12Z` → `2026-03-01 09:30 UTC`; anything else as it came. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}
