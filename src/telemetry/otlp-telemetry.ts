/**
 * The telemetry that exports, loaded only where an OTLP endpoint is set
 * (`createTelemetry`): each reconcile's spans (otlp-spans.ts) and, where an
 * endpoint takes them, the app's metrics (otlp-metrics.ts).
 */
import { buildSpans } from './build-spans.js';
import { exportRegistry } from './otlp-metrics.js';
import { createOtlpSpans, resourceOf } from './otlp-spans.js';
import type { OtlpOptions, Telemetry } from './telemetry-seam.js';

export function createOtlpTelemetry(options: OtlpOptions): Telemetry {
  const { log, metrics } = options;
  const spans = createOtlpSpans(options);
  const exported = metrics
    ? exportRegistry({ ...metrics, protocol: options.protocol, resource: resourceOf(options) })
    : null;
  let stopped = false;
  return {
    acted(acted) {
      if (stopped) return;
      try {
        spans.send(buildSpans(acted));
      } catch (error) {
        // A trace is never worth a reconcile: what fails here is said and dropped.
        log.warn(`baton: a build's spans were not made: ${String(error)}`);
      }
    },
    async shutdown() {
      stopped = true;
      await Promise.all([
        spans.shutdown(),
        exported?.shutdown().catch((error: unknown) => {
          log.warn(`baton: the last metrics were not sent: ${String(error)}`);
        }),
      ]);
    },
  };
}
