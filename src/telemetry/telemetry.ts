/**
 * The app's traces (docs/governance.md, "Traces"): one seam, `Telemetry`, that
 * the app is given at start. With no OTLP endpoint set it is the no-op and the
 * OpenTelemetry SDK is never loaded; with one, `otlp-telemetry.ts` is imported
 * then, and only then. What it exports is derived from what each reconcile read
 * and did (`ActedBuild`): GitHub's truth, never a store of its own.
 */
import {
  OTLP_PROTOCOLS,
  type OtlpOptions,
  type OtlpProtocol,
  type Telemetry,
} from './telemetry-seam.js';

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

/** Where traces go, when anywhere: the traces' own endpoint, else the OTLP one; null for none. */
export function findTracesEndpoint(env: Env): string | null {
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return endpoint || null;
}

/** The protocol the traces go by: the traces' own setting, else the OTLP one, else `http/protobuf` (the spec's default). */
export function tracesProtocolOf(env: Env): OtlpProtocol | { problem: string } {
  const asked = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ||
    'http/protobuf'
  ).toLowerCase();
  const known = OTLP_PROTOCOLS.find((protocol) => protocol === asked);
  if (known) return known;
  return {
    problem: `OTEL_EXPORTER_OTLP_PROTOCOL=${JSON.stringify(asked.slice(0, 40))} is not one Baton exports with (${OTLP_PROTOCOLS.join(', ')}); no traces are exported`,
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
  { log, load = loadOtlp }: { log: { warn: (message: string) => void }; load?: LoadOtlp },
): Promise<Telemetry> {
  // OTEL_SDK_DISABLED=true turns the SDK off whatever else is set, as the specification says.
  if (!findTracesEndpoint(env) || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true')
    return NO_TELEMETRY;
  const protocol = tracesProtocolOf(env);
  if (typeof protocol !== 'string') {
    log.warn(`baton: ${protocol.problem}`);
    return NO_TELEMETRY;
  }
  const { createOtlpTelemetry } = await load();
  return createOtlpTelemetry({
    protocol,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'baton',
    log,
  });
}
