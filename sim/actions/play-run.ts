/**
 * One run attempt of the Baton workflow on the simulated runner: its jobs
 * (session-jobs.ts says which, when), each in its folders as a real process
 * (play-job.ts), the artifacts handed between them, the run's conclusion.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimRun } from '../github/records.js';
import type { ActionsRunnerOptions, JobRecord } from './actions-runner-options.js';
import { playJob } from './play-job.js';
import { playSessionJobs } from './session-jobs.js';

/**
 * One run attempt, as the workflow runs it: `agent`, its BATON_OUT handed on
 * as the artifact would be, then `publish` (which runs after a failed agent
 * too, `if: always()`), then the review of the head publish pushed, when its
 * outputs name one (`review`, its own artifact, `review-publish`), then the
 * run's conclusion, the session's jobs' alone. A run cancelled meanwhile
 * keeps the conclusion the cancel gave it.
 */
export async function playRun({
  options,
  run,
  jobs,
  closing,
}: {
  options: ActionsRunnerOptions;
  run: SimRun;
  jobs: JobRecord[];
  /** True once the runner is closing: the run is stopped and cancelled. */
  closing: () => boolean;
}): Promise<void> {
  const { gh } = options;
  const attempt = run.runAttempt;
  run.status = 'in_progress';
  run.updatedAt = gh.now();
  gh.events.run('in_progress', run);
  const root = await mkdtemp(join(tmpdir(), `baton-sim-run-${run.id}-`));
  const cancelled = () => closing() || run.status === 'completed' || run.runAttempt !== attempt;
  try {
    await playSessionJobs({
      gh,
      run,
      cancelled,
      reviewJobs: options.reviewJobs ?? true,
      play: async (job, { checkRunId, review }) => {
        const ended = await playJob({
          options,
          run,
          job,
          root,
          cancelled,
          checkRunId,
          review,
        });
        jobs.push(ended.record);
        return { code: ended.record.code, outputs: ended.outputs };
      },
    });
  } finally {
    await endRun({ options, run, root, closing });
  }
}

/**
 * What ends every played run, whichever way it went: a run the runner's
 * closing stopped is cancelled, and its folders go unless kept.
 */
export async function endRun({
  options,
  run,
  root,
  closing,
}: {
  options: ActionsRunnerOptions;
  run: SimRun;
  root: string;
  closing: () => boolean;
}): Promise<void> {
  if (closing() && run.conclusion === null) options.gh.finishRun(run.id, 'cancelled');
  if (!options.keepFolders) await rm(root, { recursive: true, force: true });
}

/** What a run that broke inside the runner itself leaves in the jobs log. */
export function crashRecord(run: SimRun, error: unknown): JobRecord {
  return {
    runId: run.id,
    attempt: run.runAttempt,
    job: 'agent',
    code: 1,
    stdout: '',
    stderr: `the simulated runner failed: ${error instanceof Error ? error.stack : String(error)}`,
    summary: '',
  };
}
