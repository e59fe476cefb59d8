/**
 * A session's tool calls leave its publish job as spans of its build's trace,
 * under the `invoke_agent` span the app exports with the same derived id,
 * straight to the OTLP endpoint the repository names: ids, names and times only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendToolSpans, sessionSpanIds } from '../../src/session/publish/tool-spans.js';
import { agentSpanIdOf, traceIdOf } from '../../src/telemetry/build-spans.js';
import { attributesOf, type OtlpRequest, startReceiver } from '../support/otlp-receiver.js';

const ENV = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '7011',
  BATON_BUILD: '12-add-login',
  BATON_ROLE: 'work' as const,
  BATON_WORKER: 'W1.1',
};
const TOOLS = [
  { name: 'bash', turn: 1, at: 1_764_000_000_000, ms: 250, ok: true },
  { name: 'str_replace', turn: 2, at: 1_764_000_001_000, ms: 20, ok: false },
];

describe("a session's tool call spans", () => {
  afterEach(() => vi.unstubAllEnvs());

  it('go to the endpoint the job names, under the invoke_agent span the app derives, with the headers', async () => {
    const receiver = await startReceiver();
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=planted-header',
      GITHUB_RUN_ATTEMPT: '2',
    };
    // The SDK's exporter reads the endpoint and headers from the process's environment.
    for (const [key, value] of Object.entries(otel)) vi.stubEnv(key, value);
    const lines: string[] = [];
    const said = await sendToolSpans({
      env: ENV,
      result: { tools: TOOLS },
      otel,
      log: (line) => lines.push(line),
    });
    expect(lines).toEqual([]);
    expect(said).toBe('Sent 2 tool call span(s) to the OTLP endpoint.');
    expect(receiver.received.map((one) => one.headers['x-collector-key'])).toEqual([
      'planted-header',
    ]);
    const spans = receiver.received.flatMap((one) =>
      (JSON.parse(one.body) as OtlpRequest).resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) => scope.spans),
      ),
    );
    expect(spans.map((span) => span.name)).toEqual([
      'execute_tool bash',
      'execute_tool str_replace',
    ]);
    for (const span of spans) {
      expect(span.traceId).toBe(traceIdOf('acme/shop', '12-add-login'));
      expect(span.parentSpanId).toBe(
        agentSpanIdOf('acme/shop', '12-add-login', { id: 7011, attempt: 2 }),
      );
    }
    expect(attributesOf(spans[0]?.attributes)).toEqual({
      'baton.repository': 'acme/shop',
      'baton.build': '12-add-login',
      'baton.role': 'work',
      'baton.worker': 'W1.1',
      'baton.run': 7011,
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'bash',
      'baton.turn': 1,
    });
  });

  it("hang under the ids the app derives for the build's trace and the session's span", () => {
    for (const [repository, build, id, attempt] of [
      ['acme/shop', '12-add-login', 7011, 1],
      ['Octo-Org/Widgets', '3-x.octo-org.lib', 99, 4],
    ] as const) {
      expect(sessionSpanIds(repository, build, { id, attempt })).toEqual({
        traceId: traceIdOf(repository, build),
        spanId: agentSpanIdOf(repository, build, { id, attempt }),
      });
    }
  });

  it('are not made where the job names no endpoint', async () => {
    const said = await sendToolSpans({
      env: ENV,
      result: { tools: TOOLS },
      otel: { OTEL_EXPORTER_OTLP_ENDPOINT: '' },
      log: () => expect.fail('nothing to say'),
    });
    expect(said).toBeNull();
  });
});
