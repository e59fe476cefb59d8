import {
  oneLineReason,
  renderUsageMessage,
  type UsageRecord,
  usageRef,
} from '../../../core/records/usage.js';
import type { SessionEnv } from '../../env.js';
import type { SessionResult } from '../../result.js';
import type { ScratchRepo } from '../scratch-repo.js';
import { pushRecordRef } from './record-ref.js';

/**
 * Leaves what the session spent where the app reads it, whatever the agent's
 * outcome: a commit whose message is the usage record, at the hidden ref
 * `refs/baton/<build>/usage/<run>-<attempt>` (`…-review` for the review in a work or fix
 * session's run: `UsageRecord.after`; clones do not fetch it, and it
 * moves no branch, so no PR falls behind). Pushing a ref that exists already
 * (publish run again) changes nothing. Never throws: a record that cannot be
 * written leaves the run to be estimated from its duration. Returns a line for
 * the job summary.
 */
export async function writeUsageRecord({
  env,
  result,
  repo,
  remote,
  token,
  refusal = null,
}: {
  env: SessionEnv;
  result: SessionResult;
  repo: ScratchRepo;
  remote: string;
  token: string;
  /** Why publish refused the output, when it did: the record's reason then. */
  refusal?: string | null;
}): Promise<string> {
  const runId = Number(env.GITHUB_RUN_ID);
  if (!Number.isInteger(runId) || runId <= 0) return 'No usage record: GITHUB_RUN_ID is not set.';
  // The attempt is not in SessionEnv; Actions always sets it beside GITHUB_RUN_ID.
  const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? '1') || 1;
  const record: UsageRecord = {
    version: 1,
    run_id: runId,
    attempt,
    role: env.BATON_ROLE,
    ...(env.BATON_AFTER ? { after: env.BATON_AFTER } : {}),
    worker: env.BATON_WORKER ?? null,
    // A word that a criterion cannot be met which publish refused is a failed session.
    outcome: refusal && result.status === 'impossible' ? 'failed' : result.status,
    usage: result.usage,
    engine: result.engine,
    ...(result.limit ? { limit: result.limit } : {}),
    ...(result.limit_usd === null ? {} : { limit_usd: result.limit_usd }),
    ...(result.needed_usd === null ? {} : { needed_usd: result.needed_usd }),
    ...(result.messages.length > 0 ? { messages: result.messages } : {}),
    ...(!refusal && result.status === 'impossible'
      ? { criteria: result.completion?.impossible?.criteria ?? [] }
      : {}),
  };
  const reason = refusal
    ? oneLineReason(`publish refused: ${refusal}`)
    : result.status === 'complete'
      ? null
      : oneLineReason(result.reason);
  if (reason) record.reason = reason;
  const ref = usageRef({
    build: env.BATON_BUILD,
    runId,
    attempt,
    reviewInRun: env.BATON_AFTER !== undefined,
  });
  try {
    const message = renderUsageMessage(record);
    const problem = await pushRecordRef({ repo, remote, token, ref, message });
    if (problem !== null) return `Could not record usage at ${ref}: ${problem}`;
    return `Recorded usage at ${ref}: ${record.usage.input_tokens + record.usage.output_tokens} tokens, $${record.usage.cost_usd.toFixed(2)}.`;
  } catch (error) {
    return `Could not record usage: ${error instanceof Error ? error.message : String(error)}`;
  }
}
