import type { GitHubServer } from '../sim/server/github-server.js';
import type { AppProcess } from '../sim/start-app.js';

/**
 * What the fast clock lets the bench judge. On bench/fast-clock.mjs the app's
 * own processing is stretched K times (20 real ms read as 1.2 simulated s at
 * K = 60), and a machine busy with other work stretches it further: the same
 * code read 1.13 or 1.74 for ten builds in one installation, depending only on
 * how long the app waited for a core. So a makespan ratio measured on the fast
 * clock is given with the app's median wait from a webhook's delivery to the end
 * of its reconcile, in real milliseconds, and past `JUDGED_WITHIN_REAL_MS` it is
 * not judged at all: the bench says so instead of printing a ratio the machine
 * made.
 */
export const JUDGED_WITHIN_REAL_MS = 250;

/** Delivery to the end of its reconcile: the longest, the p99 and the median, simulated and real ms. */
export interface WebhookWait {
  maxMs: number;
  maxRealMs: number;
  medianMs: number;
  medianRealMs: number;
  p99Ms: number;
  p99RealMs: number;
  /** Deliveries that queued a reconcile of their own. */
  count: number;
}

/**
 * A figure measured on the fast clock, as a row shows it: with the app's median
 * webhook wait in real ms, or, past `JUDGED_WITHIN_REAL_MS` (or with no delivery
 * to time), not judged and no figure.
 */
export function judgedOnFastClock({
  measured,
  met,
  waits,
}: {
  measured: string;
  met: boolean;
  /** The median real ms of each run the figure stands on; the worst decides. */
  waits: readonly number[];
}): { measured: string; met: boolean | null } {
  const worst = Math.max(...waits.map((wait) => (Number.isFinite(wait) ? wait : Infinity)));
  const shown = waits.map((wait) => `${Math.round(wait)}`).join(' · ');
  if (!(worst <= JUDGED_WITHIN_REAL_MS)) {
    return {
      measured: `not judged: the app's median webhook wait was ${shown} real ms, past ${JUDGED_WITHIN_REAL_MS} (the machine could not keep up)`,
      met: null,
    };
  }
  return { measured: `${measured}; median webhook wait ${shown} real ms`, met };
}

/**
 * Delivery to the end of the reconcile that carries its id, from the apps' logs
 * (the first reconcile a delivery queued; a timed one it set off later, a
 * trailing status edit or a deferred dispatch, logs the same id and is not a
 * wait for the webhook), for the deliveries of `repos` sent between `from` and `to`.
 */
export function webhookWait({
  apps,
  server,
  repos,
  from,
  to,
  k,
}: {
  apps: readonly AppProcess[];
  server: GitHubServer;
  /** `owner/name` of the repositories counted. */
  repos: readonly string[];
  from: number;
  to: number;
  k: number;
}): WebhookWait {
  const names = new Set(repos);
  const sent = new Map(
    server.deliveries
      .filter((d) => names.has(d.repository) && d.sentAt >= from && d.sentAt <= to)
      .map((d) => [d.id, d.sentAt]),
  );
  const reconciled = new Map<string, number>();
  const lines = apps.flatMap((app) => reconciledLines(app)).sort((a, b) => a.at - b.at);
  for (const { deliveryId, at } of lines) {
    if (deliveryId !== null && sent.has(deliveryId) && !reconciled.has(deliveryId))
      reconciled.set(deliveryId, at);
  }
  const waits = [...reconciled].map(([id, at]) => at - (sent.get(id) ?? at));
  waits.sort((a, b) => a - b);
  const max = waits.at(-1) ?? Number.NaN;
  const median = waits[Math.floor(waits.length / 2)] ?? Number.NaN;
  const p99 = waits[Math.max(0, Math.ceil(waits.length * 0.99) - 1)] ?? Number.NaN;
  return {
    maxMs: max,
    maxRealMs: max / k,
    medianMs: median,
    medianRealMs: median / k,
    p99Ms: p99,
    p99RealMs: p99 / k,
    count: waits.length,
  };
}

/** The app's `baton: reconciled` lines, oldest first: the delivery that queued each (null for a resync), when it ended, and its repository. */
export function reconciledLines(
  app: AppProcess,
): { deliveryId: string | null; at: number; repo: string; buildId: string }[] {
  return app
    .output()
    .split('\n')
    .flatMap((line) => {
      if (!line.includes('baton: reconciled')) return [];
      const entry = parseLine(line);
      if (!entry) return [];
      return [
        {
          deliveryId: typeof entry.deliveryId === 'string' ? entry.deliveryId : null,
          at: timeOf(entry.time),
          repo: String(entry.build ?? '').split('#')[0] ?? '',
          buildId: String(entry.buildId ?? ''),
        },
      ];
    });
}

function parseLine(
  line: string,
): { deliveryId?: unknown; time?: unknown; build?: unknown; buildId?: unknown } | null {
  try {
    return JSON.parse(line) as {
      deliveryId?: unknown;
      time?: unknown;
      build?: unknown;
      buildId?: unknown;
    };
  } catch {
    return null;
  }
}

function timeOf(time: unknown): number {
  return typeof time === 'number' ? time : Date.parse(String(time));
}
