/**
 * The app's metrics over OTLP (docs/governance.md, "Metrics"), loaded with the
 * traces only where an endpoint is set: each instrument of the Prometheus
 * registry `/metrics` serves is observed at every export, as an observable
 * counter or gauge of the same name and labels; a histogram goes as its
 * `_sum` and `_count`. One set of instruments, two ways out: nothing is
 * counted twice.
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { OtlpProtocol } from './telemetry-seam.js';

/** How often the metrics go, unless `OTEL_METRIC_EXPORT_INTERVAL` says (the specification's default). */
const EXPORT_INTERVAL_MS = 60_000;

export interface OtlpMetrics {
  /** Sends the last values and stops. */
  shutdown(): Promise<void>;
}

export function exportRegistry({
  registry,
  protocol,
  resource,
  intervalMs = EXPORT_INTERVAL_MS,
}: {
  registry: Registry;
  protocol: OtlpProtocol;
  resource: Resource;
  intervalMs?: number;
}): OtlpMetrics {
  const exporter = protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter();
  const provider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs })],
  });
  const meter = provider.getMeter('baton');
  for (const { name } of registry.getMetricsAsArray()) {
    const metric = registry.getSingleMetric(name);
    if (!metric) continue;
    const description = { description: (metric as unknown as { help: string }).help };
    const read = async (result: ObservableResult, suffix = '') => {
      const { values } = await metric.get();
      for (const point of values) {
        const named = (point as { metricName?: string }).metricName;
        if (suffix && named !== `${name}${suffix}`) continue;
        result.observe(point.value, point.labels as Attributes);
      }
    };
    if (metric instanceof Counter)
      meter.createObservableCounter(name, description).addCallback((r) => read(r));
    else if (metric instanceof Gauge)
      meter.createObservableGauge(name, description).addCallback((r) => read(r));
    else if (metric instanceof Histogram)
      for (const suffix of ['_sum', '_count'])
        meter
          .createObservableCounter(`${name}${suffix}`, description)
          .addCallback((r) => read(r, suffix));
  }
  return { shutdown: () => provider.shutdown() };
}
