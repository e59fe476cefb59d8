/**
 * What the app and the exporting telemetry agree on (`createTelemetry`,
 * `createOtlpTelemetry`), apart from both, so the module that holds the SDK
 * is loaded only by the dynamic import of `telemetry.ts`.
 */
import type { Registry } from 'prom-client';
import type { AuditEvent } from '../core/audit/audit-event.js';
import type { ActedBuild } from '../github/act/act.js';
import type { SpanPlan } from './build-spans.js';

export interface Telemetry {
  /** Hears one build's reconcile once it is done: its writes become spans of the build's trace. */
  acted(acted: ActedBuild): void;
  /**
   * Hears the audit trail's events of a write made beside a build's pass (a command's 👀,
   * a refusal's note, a change set's revert), once that write went: the audit stream's.
   */
  said?(events: readonly AuditEvent[]): void;
  /** Sends what is still held and stops; the app calls it as it shuts down. */
  shutdown(): Promise<void>;
}

/** Span plans made elsewhere, sent as they come (a session's tool calls). */
export interface SpanSender {
  send(plans: readonly SpanPlan[]): void;
  /** Sends what is still held and stops. */
  shutdown(): Promise<void>;
}

/** The OTLP protocols the app exports with, as the SDK names them. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** What the OTLP telemetry is made with, once its module is loaded. */
export interface OtlpOptions {
  protocol: OtlpProtocol;
  /** `service.name` of the resource: `OTEL_SERVICE_NAME`, else `baton`. */
  serviceName: string;
  log: { warn: (message: string) => void };
  /**
   * The app's Prometheus registry, sent as metrics every `intervalMs` where an
   * endpoint takes them (otlp-metrics.ts); absent: traces only.
   */
  metrics?: { registry: Registry; intervalMs: number };
}
