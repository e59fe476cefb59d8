import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { renderUsageMessage, type UsageRecord, usageRef } from '../../src/core/records/usage.js';
import type { ReviewedInRun } from '../../src/core/sessions/session.js';
import { exchangeMarkerRef } from '../../src/server/session-token-deps.js';
import type { SessionScript } from './scripted-sessions.js';

/**
 * The hidden refs a scripted session's publish job leaves beside what it writes
 * (test/support/scripted-sessions.ts): the token exchange's marker and the usage
 * records, as the real publish pushes them.
 */

/** What the token endpoint leaves when a run attempt's publish job trades its OIDC token. */
export function recordExchange(gh: FakeGitHub, run: SimRun): void {
  gh.git.refs.set(exchangeMarkerRef(run.id, run.runAttempt), run.headSha);
}

/**
 * A usage record at its hidden ref, as `writeUsageRecord` pushes it: the run's own session's
 * at `<run>-<attempt>`, or (`after`) the review its run made after that session, at
 * `<run>-<attempt>-review`, whose role is `review` and whose `after` names the session's role.
 */
export function recordUsage(
  gh: FakeGitHub,
  script: Pick<SessionScript, 'build' | 'usageUsd'>,
  run: SimRun,
  { outcome, after }: { outcome: UsageRecord['outcome']; after?: ReviewedInRun },
): void {
  const ref = usageRef({
    build: script.build,
    runId: run.id,
    attempt: run.runAttempt,
    reviewInRun: after !== undefined,
  });
  // A session that wrote its own record (a partial one) keeps it, as a pushed ref stays.
  if (gh.git.refs.has(ref)) return;
  const role = after ? 'review' : (run.inputs.role as UsageRecord['role']);
  writeRecord(gh, ref, {
    version: 1,
    run_id: run.id,
    attempt: run.runAttempt,
    role,
    ...(after ? { after } : {}),
    worker: run.inputs.worker || null,
    outcome,
    usage: usageOf(script.usageUsd?.[role as 'plan'] ?? 0),
  });
}

/** The usage record of a session that stopped at the build's budget and handed in partial work. */
export function recordPartial(
  gh: FakeGitHub,
  script: Pick<SessionScript, 'build' | 'usageUsd'>,
  run: SimRun,
): void {
  writeRecord(gh, usageRef({ build: script.build, runId: run.id, attempt: run.runAttempt }), {
    version: 1,
    run_id: run.id,
    attempt: run.runAttempt,
    role: 'work',
    worker: run.inputs.worker || null,
    outcome: 'partial',
    limit: 'budget',
    reason: "wound down before the build's budget (budget.maxUsd)",
    usage: usageOf(script.usageUsd?.work ?? 1),
  });
}

/** What every scripted session spent but its dollars: the same small round figures. */
function usageOf(costUsd: number): UsageRecord['usage'] {
  return {
    input_tokens: 10_000,
    output_tokens: 1_000,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    cost_usd: costUsd,
    turns: 5,
    seconds: 60,
  };
}

/** A commit with no parent whose message is the record, at `ref`, as `pushRecordRef` leaves it. */
function writeRecord(gh: FakeGitHub, ref: string, record: UsageRecord): void {
  const sha = gh.git.commit({ parent: null, changes: {}, message: renderUsageMessage(record) });
  gh.git.refs.set(ref, sha);
}
