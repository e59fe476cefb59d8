/**
 * A session's tool calls as spans of its build's trace (docs/governance.md,
 * "Traces"), sent by its publish job straight to the OTLP endpoint the
 * repository names (`vars.BATON_OTLP_ENDPOINT` in the session workflow, with
 * `secrets.BATON_OTLP_HEADERS`): an `execute_tool` span per call the model
 * proxy saw, under the session's `invoke_agent` span, whose ids the app
 * derives alike (src/telemetry/build-spans.ts `traceIdOf`, `agentSpanIdOf`;
 * test/telemetry/tool-spans.test.ts holds the two together). Ids, names and
 * times only; the SDK is loaded only where an endpoint is set, and a failure
 * is said in the job's log and costs the session nothing.
 */
import { createHash } from 'node:crypto';
import type { ToolCall } from '../../core/records/tool-call.js';
import type { SessionEnv } from '../env.js';
import type { SessionResult } from '../result.js';

type Env = Record<string, string | undefined>;

/** Names and ids that may be exported, as the app's spans take them; anything else is left out. */
const SAFE_NAME = /^[\w.:/@[\]-]{1,100}$/;

/** The build's trace id and the session's `invoke_agent` span id, as the app derives them. */
export function sessionSpanIds(
  repository: string,
  build: string,
  run: { id: number; attempt: number; reviewInRun?: boolean },
): { traceId: string; spanId: string } {
  const digest = (text: string) => createHash('sha256').update(text).digest('hex');
  const key = `${repository.toLowerCase()}#${build}`;
  const session = `${run.id}-${run.attempt}${run.reviewInRun ? '-review' : ''}`;
  return {
    traceId: digest(key).slice(0, 32),
    spanId: digest(`${key} invoke_agent ${session}`).slice(0, 16),
  };
}

/** Whether and how the job sends: the endpoint set, the SDK not disabled, a protocol it speaks. */
export function otlpProtocolOf(env: Env): 'http/json' | 'http/protobuf' | null {
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  const asked = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ||
    env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ||
    'http/protobuf'
  ).toLowerCase();
  return asked === 'http/json' || asked === 'http/protobuf' ? asked : null;
}

export async function sendToolSpans({
  env,
  result,
  otel,
  log,
}: {
  env: Pick<SessionEnv, 'GITHUB_REPOSITORY' | 'GITHUB_RUN_ID' | 'BATON_BUILD' | 'BATON_ROLE'> & {
    BATON_WORKER?: string | undefined;
    BATON_AFTER?: string | undefined;
  };
  result: Pick<SessionResult, 'tools'>;
  /** The job's environment, where the OTLP settings are (the SDK's exporter reads them there too). */
  otel: Env;
  log: (line: string) => void;
}): Promise<string | null> {
  const runId = Number(env.GITHUB_RUN_ID);
  const protocol = otlpProtocolOf(otel);
  if (result.tools.length === 0 || !protocol || !Number.isInteger(runId) || runId <= 0) return null;
  const run = {
    id: runId,
    attempt: Number(otel.GITHUB_RUN_ATTEMPT ?? '1') || 1,
    reviewInRun: env.BATON_AFTER !== undefined,
  };
  try {
    const { sendSpans } = await import('./tool-spans-sdk.js');
    await sendSpans({
      protocol,
      serviceName: otel.OTEL_SERVICE_NAME?.trim() || 'baton',
      parent: sessionSpanIds(env.GITHUB_REPOSITORY, env.BATON_BUILD, run),
      spans: result.tools.map((tool) => toolSpan(tool, env, runId)),
      log,
    });
  } catch (error) {
    log(`baton: the session's tool call spans were not sent: ${String(error)}`);
    return null;
  }
  return `Sent ${result.tools.length} tool call span(s) to the OTLP endpoint.`;
}

function toolSpan(tool: ToolCall, env: Parameters<typeof sendToolSpans>[0]['env'], run: number) {
  const attributes: Record<string, string | number> = {};
  const values: Record<string, string | number | undefined> = {
    'baton.repository': env.GITHUB_REPOSITORY,
    'baton.build': env.BATON_BUILD,
    'baton.role': env.BATON_ROLE,
    'baton.worker': env.BATON_WORKER,
    'baton.run': run,
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': tool.name,
    'baton.turn': tool.turn,
  };
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'number' && Number.isFinite(value)) attributes[key] = value;
    else if (typeof value === 'string' && SAFE_NAME.test(value)) attributes[key] = value;
  }
  return {
    name: `execute_tool ${SAFE_NAME.test(tool.name) ? tool.name : 'other'}`,
    startMs: tool.at,
    endMs: tool.at + tool.ms,
    failed: tool.ok === false,
    attributes,
  };
}
