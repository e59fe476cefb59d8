/**
 * The app's metrics over OTLP (docs/governance.md, "Metrics"): the instruments
 * `/metrics` serves, observed at each export and sent to a receiver on
 * 127.0.0.1 with the SDK's exporter (`http/json`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../../src/server/metrics.js';
import { createTelemetry, metricsOf } from '../../src/telemetry/telemetry.js';
import { attributesOf, type OtlpValue, startReceiver } from '../support/otlp-receiver.js';

interface OtlpPoint {
  attributes?: { key: string; value: OtlpValue }[];
  asInt?: number | string;
  asDouble?: number;
}

interface OtlpMetric {
  name: string;
  sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean };
  gauge?: { dataPoints: OtlpPoint[] };
}

const pointValue = (point: OtlpPoint | undefined) => Number(point?.asInt ?? point?.asDouble);

describe('metrics over OTLP', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('sends what /metrics counts, each instrument under its own name and labels', async () => {
    const receiver = await startReceiver();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    };
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
    const metrics = createMetrics();
    const telemetry = await createTelemetry(env, {
      log: { warn: (message) => expect.fail(message) },
      registry: metrics.registry,
    });
    metrics.webhooks.inc({ event: 'issues.labeled', outcome: 'received' }, 3);
    metrics.builds.set({ phase: 'running' }, 2);
    metrics.reconciles.observe({ outcome: 'ok' }, 0.25);
    metrics.reconciles.observe({ outcome: 'ok' }, 0.5);
    await telemetry.shutdown();

    const sent = receiver.received.flatMap(
      (one) =>
        (
          JSON.parse(one.body) as {
            resourceMetrics?: { scopeMetrics: { metrics: OtlpMetric[] }[] }[];
          }
        ).resourceMetrics?.flatMap((resource) =>
          resource.scopeMetrics.flatMap((scope) => scope.metrics),
        ) ?? [],
    );
    const named = (name: string) => sent.find((metric) => metric.name === name);
    const webhooks = named('baton_webhooks_total')?.sum;
    expect(webhooks?.isMonotonic).toBe(true);
    expect(attributesOf(webhooks?.dataPoints[0]?.attributes)).toEqual({
      event: 'issues.labeled',
      outcome: 'received',
    });
    expect(pointValue(webhooks?.dataPoints[0])).toBe(3);
    expect(pointValue(named('baton_builds')?.gauge?.dataPoints[0])).toBe(2);
    expect(pointValue(named('baton_reconcile_duration_seconds_count')?.sum?.dataPoints[0])).toBe(2);
    expect(pointValue(named('baton_reconcile_duration_seconds_sum')?.sum?.dataPoints[0])).toBe(
      0.75,
    );
  });

  it('goes only where an endpoint takes metrics, at the interval the specification names', () => {
    const { registry } = createMetrics();
    expect(metricsOf({}, registry)).toBeNull();
    expect(
      metricsOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }, registry),
    ).toBeNull();
    expect(
      metricsOf(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'none' },
        registry,
      ),
    ).toBeNull();
    expect(metricsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, registry)?.intervalMs).toBe(
      60_000,
    );
    expect(
      metricsOf(
        {
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/v1/metrics',
          OTEL_METRIC_EXPORT_INTERVAL: '5000',
        },
        registry,
      )?.intervalMs,
    ).toBe(5_000);
  });
});
