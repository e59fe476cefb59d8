/**
 * The app's traces (docs/governance.md, "Traces"): one seam, `Telemetry`, that
 * the app is given at start. With no OTLP endpoint set it is the no-op and the
 * OpenTelemetry SDK is never loaded; with one, `otlp-telemetry.ts` is imported
 * then, and only then. What it exports is derived from what each reconcile read
 * and did (`ActedBuild`): GitHub's truth, never a store of its own.
 */
import type { Registry } from 'prom-client';
import { otlpOptionsOf } from './otlp-settings.js';
import type { OtlpOptions, Telemetry } from './telemetry-seam.js';

export { findTracesEndpoint } from './otlp-settings.js';

export type { Telemetry } from './telemetry-seam.js';

/** What nothing is exported with: no endpoint set. */
export const NO_TELEMETRY: Telemetry = {
  acted() {},
  shutdown: () => Promise.resolve(),
};

type Env = Record<string, string | undefined>;

/** Several hearers of the reconciles as one (the traces, the audit stream): each hears every pass; all stop together. */
export function joinTelemetry(parts: readonly Telemetry[]): Telemetry {
  const heard = parts.filter((part) => part !== NO_TELEMETRY);
  if (heard.length <= 1) return heard[0] ?? NO_TELEMETRY;
  return {
    acted(acted) {
      for (const part of heard) part.acted(acted);
    },
    said(events) {
      for (const part of heard) part.said?.(events);
    },
    async shutdown() {
      await Promise.all(heard.map((part) => part.shutdown()));
    },
  };
}

/** The module that holds the SDK, loaded only where an endpoint is set. */
export type LoadOtlp = () => Promise<{ createOtlpTelemetry: (options: OtlpOptions) => Telemetry }>;

const loadOtlp: LoadOtlp = () => import('./otlp-telemetry.js');

/**
 * The app's telemetry from its environment: the no-op unless an OTLP endpoint
 * is set and `OTEL_SDK_DISABLED` is not `true` (nothing loaded, nothing sent); else the SDK's exporter, which reads
 * the endpoint and `OTEL_EXPORTER_OTLP_HEADERS` from the process's environment
 * itself. A protocol Baton does not export with is said, and nothing is exported.
 */
export async function createTelemetry(
  env: Env,
  {
    log,
    load = loadOtlp,
    registry,
  }: {
    log: { warn: (message: string) => void };
    load?: LoadOtlp;
    /** The app's Prometheus registry: its metrics go too where an endpoint takes them (`metricsOf`). */
    registry?: Registry;
  },
): Promise<Telemetry> {
  const options = otlpOptionsOf(env, log);
  if (!options) return NO_TELEMETRY;
  const metrics = registry ? metricsOf(env, registry) : null;
  const { createOtlpTelemetry } = await load();
  return createOtlpTelemetry({ ...options, ...(metrics ? { metrics } : {}) });
}

/**
 * Whether the metrics go over OTLP too: where the OTLP endpoint (or the
 * metrics' own) is set and `OTEL_METRICS_EXPORTER` is not `none`, every
 * `OTEL_METRIC_EXPORT_INTERVAL` ms (60,000 unless set), as the specification names them.
 */
export function metricsOf(
  env: Env,
  registry: Registry,
): { registry: Registry; intervalMs: number } | null {
  const endpoint =
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint || env.OTEL_METRICS_EXPORTER?.trim().toLowerCase() === 'none') return null;
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return { registry, intervalMs: Number.isInteger(interval) && interval > 0 ? interval : 60_000 };
}
