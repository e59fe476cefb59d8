/**
 * The OpenTelemetry SDK's side of a session's tool call spans (tool-spans.ts),
 * imported only where an endpoint is set: each span under the session's
 * `invoke_agent` span, a remote parent the app exports with the same ids.
 */
import {
  DiagLogLevel,
  diag,
  ROOT_CONTEXT,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** One call's span: its tool's name and turn, and the session's role, worker and run. */
export interface ToolSpan {
  name: string;
  startMs: number;
  endMs: number;
  failed: boolean;
  attributes: Record<string, string | number>;
}

export async function sendSpans({
  protocol,
  serviceName,
  parent,
  spans,
  log,
}: {
  protocol: 'http/json' | 'http/protobuf';
  serviceName: string;
  parent: { traceId: string; spanId: string };
  spans: readonly ToolSpan[];
  log: (line: string) => void;
}): Promise<void> {
  const said = (...args: unknown[]) => log(`baton: traces: ${args.map(String).join(' ')}`);
  const quiet = () => {};
  diag.setLogger(
    { error: said, warn: said, info: quiet, debug: quiet, verbose: quiet },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const exporter = protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter();
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('baton');
  const within = trace.setSpanContext(ROOT_CONTEXT, {
    ...parent,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  for (const plan of spans) {
    const span = tracer.startSpan(
      plan.name,
      { startTime: plan.startMs, attributes: plan.attributes },
      within,
    );
    if (plan.failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(plan.endMs);
  }
  await provider.shutdown();
}
