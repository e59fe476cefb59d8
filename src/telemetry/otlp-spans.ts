/**
 * The SDK's tracer provider, a batch of spans at a time to the exporter of the
 * protocol asked for, which reads the endpoint and `OTEL_EXPORTER_OTLP_HEADERS`
 * from the environment as the SDK does. A build's ids are its own (`traceIdOf`,
 * `rootSpanIdOf`, `agentSpanIdOf`): a span is made with the ids its plan
 * derives, and hangs under the parent it names from any process. Loaded by
 * the app's telemetry and by a session's publish job (its tool calls).
 */
import {
  type Context,
  DiagLogLevel,
  diag,
  ROOT_CONTEXT,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type IdGenerator,
  RandomIdGenerator,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { SpanPlan } from './build-spans.js';
import type { OtlpOptions, SpanSender } from './telemetry-seam.js';

/**
 * The SDK's tracer over an exporter of the protocol asked for: span plans made
 * anywhere (a reconcile's, a session's tool calls) go out, each under the
 * parent it names, with the ids it derives.
 */
export function createOtlpSpans({ protocol, serviceName, log }: OtlpOptions): SpanSender {
  // The SDK tells a failed export (a collector down, a refusal) through its diagnostics: said as warnings.
  const said = (...args: unknown[]) => log.warn(`baton: traces: ${args.map(String).join(' ')}`);
  const quiet = () => {};
  diag.setLogger(
    { error: said, warn: said, info: quiet, debug: quiet, verbose: quiet },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const ids = new DerivedIds();
  const exporter = protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter();
  const provider = new TracerProvider({
    resource: resourceOf({ serviceName }),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('baton');
  const start = (plan: SpanPlan, parent: Context): void => {
    const span = ids.with(plan, () =>
      tracer.startSpan(plan.name, { startTime: plan.startMs, attributes: plan.attributes }, parent),
    );
    if (plan.failed) span.setStatus({ code: SpanStatusCode.ERROR });
    const within = trace.setSpan(parent, span);
    for (const child of plan.children) start(child, within);
    span.end(plan.endMs);
  };
  return {
    send(plans) {
      for (const plan of plans) start(plan, parentOf(plan));
    },
    async shutdown() {
      await provider.shutdown().catch((error: unknown) => {
        log.warn(`baton: the last traces were not sent: ${String(error)}`);
      });
    },
  };
}

/** What the traces and metrics come from: `service.name`, and `OTEL_RESOURCE_ATTRIBUTES`' own. */
export function resourceOf({ serviceName }: Pick<OtlpOptions, 'serviceName'>) {
  return defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
}

/** The context a span starts in: its parent's, where that is the build's root made elsewhere. */
function parentOf(plan: SpanPlan): Context {
  if (!plan.parentSpanId) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: plan.traceId,
    spanId: plan.parentSpanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/**
 * The SDK's random ids, but for a span made `with` a plan that names them: a
 * root takes the build's trace id, and its own span id where the plan derives it.
 * Spans are started one at a time, synchronously, so the ids asked for meanwhile are the plan's.
 */
class DerivedIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private next: { traceId: string; spanId?: string } | null = null;

  with<T>(plan: SpanPlan, start: () => T): T {
    this.next = { traceId: plan.traceId, ...(plan.spanId ? { spanId: plan.spanId } : {}) };
    try {
      return start();
    } finally {
      this.next = null;
    }
  }

  generateTraceId(): string {
    return this.next?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.next?.spanId ?? this.random.generateSpanId();
  }
}
