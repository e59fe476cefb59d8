import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { SETTLE_MS } from '../../src/core/context/runs.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { findNotice } from '../../src/core/vocabulary/notice.js';
import { createStatusPacer, PROGRESS_STATUS_EDIT_MS } from '../../src/github/act/status-pacer.js';
import {
  createLookSchedule,
  type MemoryLookSchedule,
} from '../../src/github/store/look-schedule.js';
import {
  type AppHarness,
  commentPayload,
  deliverLabelledIssue,
  finishPlanRun,
  pushPayload,
  startApp,
  workflowRunPayload,
} from '../support/app-harness.js';
import { BUILD, installedRepo, landPlan, statusBody, tickingClock } from '../support/builds.js';
import { type ManualTimers, manualTimers } from '../support/manual-timers.js';
import { EDIT_COMMENT } from '../support/rest-routes.js';

const GET_COMMENT = 'GET /repos/{owner}/{repo}/issues/comments/{comment_id}';

let gh: FakeGitHub;
let app: AppHarness;
/** The pacer's clock and timers; `advance` moves the app's clock (and GitHub's) by as much. */
let time: ManualTimers;
/**
 * The looks at builds without an event for a session settling or a write that failed, on
 * timers of their own (`advance` moves them when asked). Looks at work GitHub is finishing
 * are left out: test/app/no-stalls.test.ts plays them.
 */
let lookTime: ManualTimers;
let looks: MemoryLookSchedule;
/** GitHub's and the app's clock: ticking, and moved by `advance`. */
let now: () => string;

beforeEach(async () => {
  time = manualTimers();
  lookTime = manualTimers();
  looks = createLookSchedule({
    clock: lookTime.now,
    setTimer: lookTime.setTimer,
    takes: (next) => !next.awaited,
  });
  const ticking = tickingClock();
  now = () => new Date(Date.parse(ticking()) + time.now()).toISOString();
  gh = installedRepo(now);
  const statusPacer = createStatusPacer({
    intervalMs: 5000,
    clock: time.now,
    setTimer: time.setTimer,
  });
  app = await startApp({ gh, now, statusPacer, looks });
});
afterEach(() => app.stop());

/** Moves the clocks and fires the timers that are due, then waits for their reconciles. */
async function advance(ms: number, { withLooks = false } = {}) {
  time.advance(ms);
  if (withLooks) lookTime.advance(ms);
  await app.idle();
}

const edits = () => gh.log.filter((entry) => entry.route === EDIT_COMMENT).length;
const queries = () => gh.log.filter((entry) => entry.route === 'POST /graphql').length;

async function plannedBuild() {
  const issue = await deliverLabelledIssue(app, gh);
  landPlan(gh, { build: BUILD, issue, workers: [{ id: 'W1.1' }, { id: 'W1.2' }] });
  await finishPlanRun(app, gh, { build: BUILD });
  return issue;
}

/** The planned build approved and its start shown: the issue, and the edits of the status so far. */
async function startedBuild() {
  const issue = await plannedBuild();
  await maintainerSays(issue, '/approve');
  await advance(5000);
  return { issue, started: edits() };
}

describe('status comment edits, at most one per interval per build', () => {
  it('defers a change that comes within the interval, then edits once with the truth as it is', async () => {
    const issue = await plannedBuild();
    expect(statusBody(gh, BUILD)).toContain('/approve');
    const before = edits();
    await maintainerSays(issue, '/approve');
    // The workers were dispatched, but the status still shows the plan: its edit waits.
    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toHaveLength(2);
    expect(edits()).toBe(before);
    const planned = statusBody(gh, BUILD);
    expect(time.pending()).toHaveLength(1);

    await advance(4999);
    expect(edits()).toBe(before);
    const reads = queries();
    await advance(1);
    // The trailing edit: one edit, the dispatched workers in it, made without reading the build
    // again (the reconcile that deferred it rendered it), only the comment, to see it unchanged:
    // asked with the tag of the body this process posted, and answered 304 (not counted).
    expect(edits()).toBe(before + 1);
    expect(queries()).toBe(reads);
    expect(gh.log.at(-2)).toMatchObject({ route: GET_COMMENT, status: 304 });
    expect(statusBody(gh, BUILD)).not.toEqual(planned);
    expect(statusBody(gh, BUILD)).toContain(`/actions/runs/${gh.runs.at(-1)?.id}`);
    expect(app.errors).toEqual([]);
  });

  it('reconciles instead of a held edit when the comment changed meanwhile (another replica)', async () => {
    const issue = await plannedBuild();
    await maintainerSays(issue, '/approve');
    const comment = gh.comments.find((c) => c.body === statusBody(gh, BUILD));
    if (!comment) throw new Error('no status comment');
    comment.body = `${comment.body}\n<!-- edited by another replica -->`;
    const reads = queries();
    await advance(5000);
    // Its read of the comment found another body (not the one its tag stands for): the build is
    // read afresh, and its status rendered.
    expect(gh.log.filter((entry) => entry.route === GET_COMMENT).at(-1)?.status).toBe(200);
    expect(queries()).toBe(reads + 1);
    await advance(5000);
    expect(statusBody(gh, BUILD)).not.toContain('another replica');
    expect(statusBody(gh, BUILD)).toContain(`/actions/runs/${gh.runs.at(-1)?.id}`);
    expect(app.errors).toEqual([]);
  });

  it('drops a held edit that a later reconcile rendered afresh', async () => {
    const issue = await plannedBuild();
    await maintainerSays(issue, '/approve');
    await advance(4000);
    // A push reconciles the build before the held edit's time: its render is held in its place.
    await app.deliver('push', pushPayload(gh, { branch: integrationBranch(BUILD) }));
    const before = edits();
    await advance(1000);
    expect(edits()).toBe(before + 1);
    expect(gh.log.filter((entry) => entry.route === GET_COMMENT)).toHaveLength(1);
    await advance(10_000);
    expect(edits()).toBe(before + 1);
  });

  it('does not defer or schedule anything when the status has not changed', async () => {
    await plannedBuild();
    await advance(10_000);
    const before = edits();
    await app.deliver('push', pushPayload(gh, { branch: integrationBranch(BUILD) }));
    await app.deliver('push', pushPayload(gh, { branch: integrationBranch(BUILD) }));
    expect(edits()).toBe(before);
    expect(time.pending()).toHaveLength(0);
  });
});

describe('progress alone, gathered into fewer edits', () => {
  it('edits a change of progress alone ten minutes after the last edit, and one that answers a person at the pace of every edit', async () => {
    // The build starts: a new phase, edited at the pace of every edit.
    const { issue, started } = await startedBuild();
    const running = statusBody(gh, BUILD);
    expect(running).toContain(`/actions/runs/${gh.runs.at(-1)?.id}`);
    // W1.1's session opens its pull request and ends: progress only, held for ten minutes.
    openWorkerPull('W1.1');
    await finishWork('W1.1', 'success');
    await advance(60_000);
    expect(edits()).toBe(started);
    expect(statusBody(gh, BUILD)).toBe(running);
    // A /pause answers a person: it is shown at once, with the progress held so far.
    await maintainerSays(issue, '/pause');
    await advance(5000);
    expect(edits()).toBe(started + 1);
    expect(statusBody(gh, BUILD)).toContain('Paused');
    // W1.1 in review: the review its run makes of the pull request, awaited as it settles.
    expect(statusBody(gh, BUILD)).toContain('in review');
    expect(app.errors).toEqual([]);
  });

  it('holds progress ten minutes from the comment’s own last edit in a process that did not make it (another replica, a restart)', async () => {
    const { started } = await startedBuild();
    // Another process takes over, with a pacer of its own that has made no edit.
    app.stop();
    const pacer = createStatusPacer({ intervalMs: 5000, clock: time.now, setTimer: time.setTimer });
    app = await startApp({ gh, now, statusPacer: pacer, looks });
    openWorkerPull('W1.1');
    await finishWork('W1.1', 'success');
    await advance(60_000);
    // The comment says it shows what the new render shows a person, and was edited a minute ago.
    expect(edits()).toBe(started);
    await advance(PROGRESS_STATUS_EDIT_MS - 65_000);
    expect(edits()).toBe(started + 1);
    expect(statusBody(gh, BUILD)).toContain('in review');
    expect(app.errors).toEqual([]);
  });

  it('shows at once that the issue was closed by someone who cannot steer the build, as it answers a command', async () => {
    const { issue, started } = await startedBuild();
    // Progress alone is held for ten minutes …
    openWorkerPull('W1.1');
    await finishWork('W1.1', 'success');
    await advance(60_000);
    expect(edits()).toBe(started);
    // … but a close is a person's act: the build goes on, and the status says why within the interval.
    gh.setIssueState(issue, 'closed', { by: 'octocat' });
    const closed = gh.outbox.at(-1);
    if (closed?.name !== 'issues') throw new Error('no issues.closed event');
    await app.deliver('issues', closed.payload);
    await advance(5000);
    expect(edits()).toBe(started + 1);
    expect(statusBody(gh, BUILD)).toContain('The issue was closed by octocat (');
    expect(app.errors).toEqual([]);
  });

  it('edits progress alone once its ten minutes are up', async () => {
    const { started } = await startedBuild();
    await finishWork('W1.2', 'failure');
    // A failed worker asks a person: shown at the pace of every edit, once its run has settled
    // (it wrote no usage record, which the next look would have found).
    await advance(5000);
    expect(edits()).toBe(started);
    await advance(SETTLE_MS, { withLooks: true });
    expect(edits()).toBe(started + 1);
    const failed = edits();
    openWorkerPull('W1.1');
    await finishWork('W1.1', 'success');
    await advance(PROGRESS_STATUS_EDIT_MS - 10_000);
    expect(edits()).toBe(failed);
    await advance(10_000);
    expect(edits()).toBe(failed + 1);
    expect(statusBody(gh, BUILD)).toContain('in review');
    expect(app.errors).toEqual([]);
  });
});

describe('a session that succeeded before its result was read', () => {
  /** The keys of Baton's failure notices on the issue. */
  const failureNotices = () =>
    gh.comments.flatMap((comment) => {
      const key = findNotice(comment.body)?.key;
      return key?.startsWith('failed/') ? [key] : [];
    });

  it('is not reported failed while it settles, and is looked at again when it has', async () => {
    const issue = await plannedBuild();
    await maintainerSays(issue, '/approve');
    await advance(5000);
    const works = gh.runs.filter((run) => run.inputs.role === 'work');
    expect(works.map((run) => run.inputs.worker)).toEqual(['W1.1', 'W1.2']);
    // Both runs are listed as completed while no PR is in sight: W1.1's publish opened its PR
    // after the reconcile's build query (it is opened below); W1.2's never did.
    for (const run of works) {
      gh.finishRun(run.id, 'success');
      await app.deliver('workflow_run', workflowRunPayload(gh, { runId: run.id }));
    }
    expect(failureNotices()).toEqual([]);
    expect(gh.issues.get(issue)?.labels).not.toContain('baton:needs-human');
    // One look again within the settle time (a held progress edit may wait its ten minutes beside it).
    const pending = looks.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]?.at).toBeLessThanOrEqual(lookTime.now() + 30_000);

    openWorkerPull('W1.1');
    await advance(30_000, { withLooks: true });
    // The look again sees W1.1's PR and reviews it; W1.2 settled without one and failed.
    const reviews = gh.runs.filter((run) => run.inputs.role === 'review');
    expect(reviews.map((run) => run.inputs.worker)).toEqual(['W1.1']);
    expect(failureNotices()).toEqual(['failed/W1.2/1']);
    expect(app.errors).toEqual([]);
  });
});

/** A maintainer's comment on the build's issue, delivered to the app. */
async function maintainerSays(issue: number, body: string): Promise<void> {
  const comment = gh.addComment({ issue, body, user: 'maintainer' });
  await app.deliver('issue_comment', commentPayload(gh, { commentId: comment.id }));
}

/** The work session of `worker` ends with `conclusion`, and GitHub says so. */
async function finishWork(worker: string, conclusion: 'success' | 'failure'): Promise<void> {
  const work = gh.runs.find((run) => run.inputs.role === 'work' && run.inputs.worker === worker);
  if (!work) throw new Error(`no work run of ${worker}`);
  gh.finishRun(work.id, conclusion);
  await app.deliver('workflow_run', workflowRunPayload(gh, { runId: work.id }));
}

/** The pull request a work session of `worker` opens, as the app, on the branch its publish opened. */
function openWorkerPull(worker: string): void {
  const work = gh.runs.find((run) => run.inputs.role === 'work' && run.inputs.worker === worker);
  if (!work) throw new Error(`no work run of ${worker}`);
  const commit = gh.git.commit({
    parent: work.headSha,
    changes: { [`src/${worker}.ts`]: '' },
    message: `${worker}: work`,
  });
  gh.setBranch(workerBranch(BUILD, worker), commit);
  gh.openPull({
    title: `[add-oauth-login] ${worker}: Worker ${worker}`,
    body: `Work of ${worker}.`,
    head: workerBranch(BUILD, worker),
    base: integrationBranch(BUILD),
    user: gh.botLogin,
  });
}

describe('a write GitHub failed', () => {
  const COMMENT = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
  const failNextComment = () =>
    gh.faults.push({
      route: COMMENT,
      response: { status: 502, body: { message: 'Server Error' } },
      unrouted: true,
    });

  it('is tried again by a later reconcile, with no event: 5 s on, then four times longer while GitHub keeps failing', async () => {
    // The status comment's post never reaches GitHub, twice; no event would follow a post that did not happen.
    failNextComment();
    failNextComment();
    await deliverLabelledIssue(app, gh);
    await app.idle();
    expect(statusBody(gh, BUILD)).toBeUndefined();
    await advance(4999, { withLooks: true });
    expect(statusBody(gh, BUILD)).toBeUndefined();
    // Tried again at 5 s, and failed again: the next try waits 20 s.
    await advance(1, { withLooks: true });
    expect(statusBody(gh, BUILD)).toBeUndefined();
    await advance(19_999, { withLooks: true });
    expect(statusBody(gh, BUILD)).toBeUndefined();
    await advance(1, { withLooks: true });
    expect(statusBody(gh, BUILD)).toContain('Planning');
    // A pass with no write failed sets no further try.
    const reads = queries();
    await advance(80_000, { withLooks: true });
    expect(queries()).toBe(reads);
  });
});
