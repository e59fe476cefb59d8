import { renderUsageMessage, type UsageRecord, usageRef } from '../../core/usage.js';
import type { SessionEnv } from '../env.js';
import type { SessionResult } from '../result.js';
import type { ScratchRepo } from './git.js';
import type { PublishOutcome } from './publish-session.js';

/** Git's empty tree: a usage record's commit holds no files, only its message. */
const EMPTY_TREE_INPUT = '';

/**
 * Leaves what the session spent where the app reads it, whatever the agent's
 * outcome: a commit whose message is the usage record, at the hidden ref
 * `refs/baton/<build>/usage/<run>-<attempt>` (clones do not fetch it, and it
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
}: {
  env: SessionEnv;
  result: SessionResult;
  repo: ScratchRepo;
  remote: string;
  token: string;
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
    worker: env.BATON_WORKER ?? null,
    outcome: result.status,
    usage: result.usage,
  };
  const ref = usageRef({ build: env.BATON_BUILD, runId, attempt });
  try {
    const tree = (await repo.must({ args: ['mktree'], input: EMPTY_TREE_INPUT })).trim();
    const commit = (
      await repo.must({
        args: [
          '-c',
          'user.name=Baton',
          '-c',
          'user.email=baton@users.noreply.github.com',
          'commit-tree',
          tree,
          '-F',
          '-',
        ],
        input: renderUsageMessage(record),
      })
    ).trim();
    const pushed = await repo.run({
      args: ['push', '--quiet', '--no-verify', remote, `${commit}:${ref}`],
      token,
    });
    if (pushed.code !== 0 && !/already exists|non-fast-forward|rejected/.test(pushed.stderr)) {
      return `Could not record usage at ${ref}: ${pushed.stderr.trim().split('\n')[0] ?? ''}`;
    }
    return `Recorded usage at ${ref}: ${record.usage.input_tokens + record.usage.output_tokens} tokens, $${record.usage.cost_usd.toFixed(2)}.`;
  } catch (error) {
    return `Could not record usage: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The outcome with the usage record's line in its job summary. */
export function withUsageLine(outcome: PublishOutcome, line: string): PublishOutcome {
  return outcome.kind === 'published' || outcome.kind === 'session-failed'
    ? { ...outcome, lines: [...outcome.lines, line] }
    : outcome;
}
