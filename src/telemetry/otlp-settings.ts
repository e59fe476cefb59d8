/**
 * The OTLP settings the app's telemetry and a session's tool call spans both
 * go by, read from the environment as the specification names them.
 */
import { OTLP_PROTOCOLS, type OtlpOptions, type OtlpProtocol } from './telemetry-seam.js';

type Env = Record<string, string | undefined>;

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

/** The exporter's settings, or null where nothing is exported (no endpoint, the SDK disabled, a protocol not served). */
export function otlpOptionsOf(
  env: Env,
  log: { warn: (message: string) => void },
): OtlpOptions | null {
  // OTEL_SDK_DISABLED=true turns the SDK off whatever else is set, as the specification says.
  if (!findTracesEndpoint(env) || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true')
    return null;
  const protocol = tracesProtocolOf(env);
  if (typeof protocol !== 'string') {
    log.warn(`baton: ${protocol.problem}`);
    return null;
  }
  return { protocol, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'baton', log };
}
