import type { AskedRow, BuildPhase } from '../../core/overview/build-row.js';
import { formatUsd } from '../../core/status/progress-format.js';

/** `$1.23` (`$0.001` for what rounds to no cent, as the status says it), or `–` for none. */
export function usd(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formatUsd(value);
}

/** `42 s`, `3 min`, `1 h 5 min`. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long before `now` a time was: `5 min ago`; `–` where there is none. */
export function ago(iso: string | null, now: string): string {
  if (!iso) return '–';
  const seconds = (Date.parse(now) - Date.parse(iso)) / 1000;
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

/** A time as `2026-03-01 12:00 UTC`. */
export function when(iso: string | null): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return '–';
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A link's target where it is a web address: `https:` or `http:` only, so no
 * text read from GitHub or written by a model becomes a `javascript:` link.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:'
      ? parsed.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

const PHASES: Record<BuildPhase, string> = {
  improving: 'improving',
  planning: 'planning',
  'plan-failed': 'plan failed',
  'plan-invalid': 'plan invalid',
  'plan-ready': 'waiting for /approve',
  'config-invalid': 'configuration invalid',
  'missing-workflow': 'workflow missing',
  running: 'running',
  delivered: 'delivered: final pull request open',
  done: 'done',
  cancelled: 'cancelled',
  unread: 'not read yet',
};

export function phaseText(phase: BuildPhase): string {
  return PHASES[phase];
}

/** `asked by alice through schedule` (`alice, mapped from Ada in linear`): a build's ask in words; `–` before the record. */
export function askedText(asked: AskedRow | null): string {
  if (!asked) return '–';
  const mapped = asked.mappedFrom ? `, mapped from ${asked.mappedFrom} in ${asked.door}` : '';
  return `asked by ${asked.by}${mapped} through ${asked.door}`;
}
