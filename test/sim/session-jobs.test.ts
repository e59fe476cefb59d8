import { describe, expect, it } from 'vitest';
import type { JobName, ReviewHead } from '../../sim/actions/job-env.js';
import { batonCommand, stepInputs } from '../../sim/actions/run-step.js';
import { type JobEnd, playSessionJobs, reviewOf } from '../../sim/actions/session-jobs.js';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimJob, SimRun } from '../../sim/github/records.js';

const HEAD = 'b'.repeat(40);

/** A dispatched run of the Baton workflow, queued as the runner takes it. */
function dispatch(gh: FakeGitHub, inputs: Record<string, string>): SimRun {
  return gh.startRun({
    workflow: 'baton.yml',
    ref: 'baton/1-add-a-greeting/W1.1',
    sha: 'a'.repeat(40),
    inputs: { build: '1-add-a-greeting', issue: '1', worker: 'W1.1', ...inputs },
  });
}

/** The run's jobs as the API lists them: name, status, conclusion. */
function listing(run: SimRun) {
  return (run.jobs ?? []).map((job: SimJob) => [job.name, job.status, job.conclusion ?? null]);
}

interface Played {
  job: JobName;
  checkRunId: number;
  review?: ReviewHead;
  /** The listing while the job ran. */
  listed: ReturnType<typeof listing>;
  runStatus: string;
}

/** Plays the run's jobs with scripted ends (success and no outputs unless told). */
async function play(
  gh: FakeGitHub,
  run: SimRun,
  ends: Partial<Record<JobName, Partial<JobEnd>>> = {},
  cancelled: () => boolean = () => false,
): Promise<Played[]> {
  const played: Played[] = [];
  await playSessionJobs({
    gh,
    run,
    cancelled,
    play: async (job, at) => {
      played.push({ job, ...at, listed: listing(run), runStatus: run.status });
      return { code: 0, outputs: {}, ...ends[job] };
    },
  });
  return played;
}

const REVIEWED = { 'review-pr': '7', 'review-head': HEAD };

describe('the jobs of a session run on the simulated runner', () => {
  it('reviews the head publish names, in the same run, each job listed from the start', async () => {
    const gh = new FakeGitHub();
    const run = dispatch(gh, { role: 'work' });
    run.status = 'in_progress';
    const played = await play(gh, run, { publish: { outputs: REVIEWED } });
    const review = { pr: '7', head: HEAD };
    expect(played.map(({ job, review: under }) => [job, under])).toEqual([
      ['agent', undefined],
      ['publish', undefined],
      ['review', review],
      ['review-publish', review],
    ]);
    // The jobs that wait on `needs` are listed queued while the agent runs.
    expect(played[0]?.listed).toEqual([
      ['baton agent', 'in_progress', null],
      ['baton publish', 'queued', null],
      ['baton review', 'queued', null],
      ['baton review publish', 'queued', null],
    ]);
    expect(played[3]?.listed).toEqual([
      ['baton agent', 'completed', 'success'],
      ['baton publish', 'completed', 'success'],
      ['baton review', 'completed', 'success'],
      ['baton review publish', 'in_progress', null],
    ]);
    // Each job plays under its own id (its OIDC token's check_run_id); the run waits for all.
    expect(played.map((one) => one.checkRunId)).toEqual(run.jobs?.map((job) => job.id));
    expect(played.map((one) => one.runStatus)).toEqual(Array(4).fill('in_progress'));
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it("leaves the run's conclusion to the session's jobs when the review jobs fail", async () => {
    const gh = new FakeGitHub();
    const run = dispatch(gh, { role: 'fix' });
    await play(gh, run, {
      publish: { outputs: REVIEWED },
      review: { code: 1 },
      'review-publish': { code: 3 },
    });
    expect(listing(run).slice(2)).toEqual([
      ['baton review', 'completed', 'failure'],
      ['baton review publish', 'completed', 'failure'],
    ]);
    expect(run.conclusion).toBe('success');
  });

  it('skips both review jobs, as a false `if:` shows them, when publish names no head', async () => {
    const gh = new FakeGitHub();
    const run = dispatch(gh, { role: 'work' });
    const played = await play(gh, run, { agent: { code: 1 }, publish: { code: 1 } });
    expect(played.map((one) => one.job)).toEqual(['agent', 'publish']);
    expect(listing(run)).toEqual([
      ['baton agent', 'completed', 'failure'],
      ['baton publish', 'completed', 'failure'],
      ['baton review', 'completed', 'skipped'],
      ['baton review publish', 'completed', 'skipped'],
    ]);
    expect(run.conclusion).toBe('failure');
  });

  it('plays review-publish alone (`always()`) when publish named a head but failed', async () => {
    const gh = new FakeGitHub();
    const run = dispatch(gh, { role: 'work' });
    const played = await play(gh, run, { publish: { code: 3, outputs: REVIEWED } });
    expect(played.map((one) => one.job)).toEqual(['agent', 'publish', 'review-publish']);
    expect(listing(run)[2]).toEqual(['baton review', 'completed', 'skipped']);
    expect(run.conclusion).toBe('failure');
  });

  it("skips the agent after a change set's failed views job, and still publishes", async () => {
    const gh = new FakeGitHub();
    const run = dispatch(gh, { role: 'plan', views: '1' });
    const played = await play(gh, run, { views: { code: 1 } });
    expect(played.map((one) => one.job)).toEqual(['views', 'publish']);
    expect(listing(run).slice(0, 2)).toEqual([
      ['baton views', 'completed', 'failure'],
      ['baton agent', 'completed', 'skipped'],
    ]);
    expect(run.conclusion).toBe('failure');
  });

  it('keeps the conclusion a cancel gave, the review jobs cancelled with the run', async () => {
    const gh = new FakeGitHub();
    const run = dispatch(gh, { role: 'work' });
    const played = await playSessionJobs({
      gh,
      run,
      cancelled: () => run.status === 'completed',
      play: async (job) => {
        if (job === 'review') gh.finishRun(run.id, 'cancelled');
        return { code: job === 'review' ? 143 : 0, outputs: job === 'publish' ? REVIEWED : {} };
      },
    }).then(() => listing(run));
    expect(played.slice(2)).toEqual([
      ['baton review', 'completed', 'cancelled'],
      ['baton review publish', 'completed', 'cancelled'],
    ]);
    expect(run.conclusion).toBe('cancelled');
  });

  it("reads the review's head from publish's outputs, none when it is empty", () => {
    expect(reviewOf(REVIEWED)).toEqual({ pr: '7', head: HEAD });
    expect(reviewOf({ 'review-pr': '7', 'review-head': '' })).toBeNull();
    expect(reviewOf({})).toBeNull();
  });

  it("runs the session's own commands in the review jobs: agent, then publish", () => {
    expect(stepInputs('review', 'action')).toEqual({ INPUT_COMMAND: 'agent' });
    expect(stepInputs('review-publish', 'action')).toEqual({ INPUT_COMMAND: 'publish' });
    expect(batonCommand('review', 'bin').slice(-2)).toEqual(['session', 'agent']);
    expect(batonCommand('review-publish', 'bin').slice(-2)).toEqual(['session', 'publish']);
    expect(batonCommand('publish', 'bin').slice(-2)).toEqual(['session', 'publish']);
  });
});
