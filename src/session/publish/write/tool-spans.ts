/**
 * A session's tool calls as spans of its build's trace (docs/governance.md,
 * "Traces"), sent by its publish job straight to the OTLP endpoint the
 * repository names (`vars.BATON_OTLP_ENDPOINT` in the session workflow, with
 * `secrets.BATON_OTLP_HEADERS`): an `execute_tool` span per call the model
 * proxy saw, under the session's `invoke_agent` span, whose id the app derives
 * alike when it exports the build's root. Ids, names and times only, as the
 * app's spans; nothing is sent where no endpoint is set, and a failure is said
 * in the job's log and costs the session nothing.
 */
import { toolSpans } from '../../../telemetry/build-spans.js';
import { createSpanSender } from '../../../telemetry/telemetry.js';
import type { SessionEnv } from '../../env.js';
import type { SessionResult } from '../../result.js';

export async function sendToolSpans({
  env,
  result,
  otel,
  log,
}: {
  env: Pick<SessionEnv, 'GITHUB_REPOSITORY' | 'GITHUB_RUN_ID' | 'BATON_BUILD' | 'BATON_ROLE'> & {
    BATON_WORKER?: string | undefined;
  };
  result: Pick<SessionResult, 'tools'>;
  /** The job's environment, where the OTLP settings are (the SDK reads them there too). */
  otel: Record<string, string | undefined>;
  log: (line: string) => void;
}): Promise<string | null> {
  if (result.tools.length === 0) return null;
  const runId = Number(env.GITHUB_RUN_ID);
  if (!Number.isInteger(runId) || runId <= 0) return null;
  const sender = await createSpanSender(otel, { log: { warn: log } });
  if (!sender) return null;
  try {
    sender.send(
      toolSpans({
        tools: result.tools,
        repository: env.GITHUB_REPOSITORY,
        build: env.BATON_BUILD,
        run: { id: runId, attempt: Number(otel.GITHUB_RUN_ATTEMPT ?? '1') || 1 },
        attributes: {
          'baton.role': env.BATON_ROLE,
          'baton.worker': env.BATON_WORKER,
          'baton.run': runId,
        },
      }),
    );
  } catch (error) {
    log(`baton: the session's tool spans were not made: ${String(error)}`);
  } finally {
    await sender.shutdown();
  }
  return `Sent ${result.tools.length} tool call span(s) to the OTLP endpoint.`;
}
