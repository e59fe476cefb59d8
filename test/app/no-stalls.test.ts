import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { type AppHarness, startReplica } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, labelledIssue, statusBody } from '../support/builds.js';
import { type ManualLooks, manualLooksEachTest } from '../support/manual-looks.js';
import {
  driveBuild,
  dropping,
  makeScript,
  playReviewInRun,
  playSession,
  playSessionJobs,
  runApprovedBuild,
} from '../support/scripted-sessions.js';

/**
 * A build never waits on an event: whatever GitHub is finishing for it (a run
 * under way, CI, a branch it updates, a merge it refused while the base moved)
 * sets the build's next look (`nextLook`), and events only make it sooner. The
 * app here has no periodic resync; its looks fire only when the build is at
 * rest with nothing delivered (`driveBuild` with `looks`).
 */
describe('a build whose events GitHub never delivers', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  let looks: ManualLooks;

  startAppEachTest(
    (started) => ({ gh, apps } = started),
    manualLooksEachTest((made) => {
      looks = made;
    }),
  );

  function expectCompleted() {
    for (const app of apps) expect(app.errors).toEqual([]);
    const merged = [...gh.pulls.values()].filter((pull) => pull.mergedAt);
    expect(merged.map((pull) => pull.head).sort()).toEqual(
      ['W1.1', 'W1.2', 'W2.1'].map((worker) => workerBranch(BUILD, worker)),
    );
    const final = [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
    expect(final?.body).toContain('Closes #1');
    expect(statusBody(gh, BUILD)).toContain(`/pull/${final?.number}`);
    // Nothing is awaited any more: no look is left.
    expect(looks.schedule.pending()).toEqual([]);
  }

  it.each(['workflow_run', 'push', 'pull_request', 'pull_request_review', 'check_suite'])(
    'completes when no %s event ever comes',
    async (name) => {
      await runApprovedBuild({ gh, apps, script: makeScript(), delivery: dropping(name), looks });
      expectCompleted();
    },
  );

  it('completes when nothing comes but the maintainer’s label and comments', async () => {
    const delivery = (events: { name: string; payload: object }[]) =>
      events.filter((event) => event.name === 'issues' || event.name === 'issue_comment');
    await runApprovedBuild({ gh, apps, script: makeScript(), delivery, looks });
    expectCompleted();
  });
});

/**
 * The two stalls seen with two replicas of the app, each played on one
 * replica with the other's writes made on GitHub and its events gone to the
 * other: nothing but a look brings this replica back to the build.
 */
describe('a build left by the events to another replica', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  let apps: AppHarness[];
  let now: () => string;
  let looks: ManualLooks;

  startAppEachTest(
    (started) => ({ gh, app, apps, now } = started),
    manualLooksEachTest((made) => {
      looks = made;
    }),
  );

  const pullOf = (worker: string) =>
    [...gh.pulls.values()].find((pull) => pull.head === workerBranch(BUILD, worker));
  const reviewOf = (worker: string, runs: SimRun[] = gh.runs) =>
    runs.filter((run) => run.inputs.role === 'review' && run.inputs.worker === worker);

  /** Delivers every waiting event to each replica at once, as GitHub does to replicas behind one address. */
  async function deliverToBoth(replicas: AppHarness[]): Promise<void> {
    for (const event of gh.outbox.splice(0))
      await Promise.all(replicas.map((one) => one.deliver(event.name, event.payload)));
  }

  /** The maintainer's `/approve`, then every session but those `held` says, its events delivered. */
  async function approvedUntil(
    held: (run: SimRun) => boolean,
    replicas = [app],
    script = makeScript(),
  ): Promise<void> {
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps: replicas.slice(0, 1), script });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    for (let round = 0; round < 20; round++) {
      await deliverToBoth(replicas);
      const queued = gh.runs.filter((run) => run.status === 'queued' && !held(run));
      if (queued.length === 0 && gh.outbox.length === 0) return;
      for (const run of queued) playSession(gh, script, run);
    }
  }

  it('merges a pull request whose merge GitHub refused (405) as the base moved under another merge', async () => {
    // Both workers' runs land their pull requests and go on to review them; this replica
    // hears only of W1.2's review, approved.
    await approvedUntil((run) => run.inputs.role === 'work');
    const script = makeScript();
    const [w11Review, w12Review] = ['W1.1', 'W1.2'].map((worker) => {
      const work = gh.runs.find((run) => run.status === 'queued' && run.inputs.worker === worker);
      return work ? playSessionJobs(gh, script, work) : null;
    });
    if (!w11Review || !w12Review) throw new Error('no reviews');
    await deliverToBoth([app]);
    playReviewInRun(gh, script, w12Review);
    // As this replica's merge of W1.2 reaches GitHub, the other replica merges W1.1, whose
    // review it heard of: the base moves, and W1.2, behind it, is refused with 405.
    const handle = gh.handle.bind(gh);
    let moved = false;
    gh.handle = (request) => {
      const w12 = pullOf('W1.2')?.number;
      if (!moved && request.method === 'PUT' && request.path.endsWith(`/pulls/${w12}/merge`)) {
        moved = true;
        playReviewInRun(gh, script, w11Review);
        const w11 = pullOf('W1.1')?.number;
        const path = request.path.replace(`/pulls/${w12}/`, `/pulls/${w11}/`);
        handle({ ...request, path, body: { sha: gh.git.resolve(workerBranch(BUILD, 'W1.1')) } });
      }
      return handle(request);
    };
    const completion = gh.outbox.filter((event) => event.name === 'workflow_run');
    gh.outbox.splice(0);
    for (const event of completion) await app.deliver(event.name, event.payload);
    // The other replica's merge and review events went to it, which had read them: none comes here.
    gh.outbox.splice(0);
    expect(gh.log.some((entry) => entry.route.endsWith('/merge') && entry.status === 405)).toBe(
      true,
    );
    expect(pullOf('W1.1')?.mergedAt).not.toBeNull();
    expect(pullOf('W1.2')?.state).toBe('open');

    // The refused merge set a look: W1.2 is brought up to date and merged, and the build ends.
    expect(looks.schedule.pending()).toHaveLength(1);
    await driveBuild({ gh, apps, script, looks });
    expect(pullOf('W1.2')?.mergedAt).not.toBeNull();
    expect(pullOf('W2.1')?.mergedAt).not.toBeNull();
    expect(app.errors).toEqual([]);
  });

  it('merges a pull request both replicas sent to review though no reconcile follows the second review', async () => {
    const b = await startReplica({ now, looks: looks.schedule });
    // Twin review runs the app dispatched: W2.1's run completes with no review in it.
    const script = makeScript({ reviewInRun: false });
    // W2.1's review is dispatched twice, as by two replicas that read the build before either's run was listed.
    const handle = gh.handle.bind(gh);
    gh.handle = (request) => {
      const answer = handle(request);
      const inputs = (request.body as { inputs?: Record<string, string> } | undefined)?.inputs;
      if (
        request.path.endsWith('/dispatches') &&
        inputs?.role === 'review' &&
        inputs.worker === 'W2.1'
      )
        handle(request);
      return answer;
    };
    await approvedUntil((run) => reviewOf('W2.1', [run]).length > 0, [app, b], script);
    const [first, second] = reviewOf('W2.1');
    if (!first || !second) throw new Error('the review was dispatched once');
    // The first review is posted and its run completes: both replicas reconcile, and GitHub
    // answers their reads 502 (tried twice by the client in production, here once).
    playSession(gh, script, first);
    for (const _ of [app, b])
      gh.faults.push({
        route: 'POST /graphql',
        response: { status: 502, body: {} },
        unrouted: true,
      });
    await deliverToBoth([app, b]);
    expect(pullOf('W2.1')?.state).toBe('open');
    // The second, queued behind it in the workflow's concurrency group, finds the review and
    // ends; no reconcile follows its completion.
    playSession(gh, script, second);
    gh.outbox.splice(0);

    // A look was left for what GitHub was finishing: it merges W2.1, and the build ends.
    expect(looks.schedule.pending()).toHaveLength(1);
    await driveBuild({ gh, apps: [app, b], script, looks });
    expect(pullOf('W2.1')?.mergedAt).not.toBeNull();
    expect([...gh.pulls.values()].some((pull) => pull.head === integrationBranch(BUILD))).toBe(
      true,
    );
  });
});

/**
 * A look without an event at a build whose session is under way asks
 * GitHub's run listing first (conditionally: a 304 is not counted) and reads
 * the build whole only when the runs changed what it needs.
 */
describe('a look at a build whose session is under way', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  let looks: ManualLooks;

  startAppEachTest(
    (started) => ({ gh, app } = started),
    manualLooksEachTest((made) => {
      looks = made;
    }),
  );

  const queries = () => gh.log.filter((entry) => entry.route === 'POST /graphql').length;
  const listings = () =>
    gh.log.filter((entry) => entry.route.endsWith('/actions/workflows/{workflow_id}/runs')).length;

  /** Takes the soonest look and waits for what it queued. */
  async function takeLook(): Promise<void> {
    expect(looks.next()).toBe(true);
    await app.idle();
  }

  it('lists the runs alone while they change nothing, looks again, and reads the build once its run completed', async () => {
    labelledIssue(gh);
    await app.deliverAll(gh.outbox.splice(0));
    const plan = gh.runs.at(-1);
    if (!plan) throw new Error('no plan run');
    const read = queries();
    const listed = listings();
    // The plan session is still under way: one listing, no read, and the next look is set.
    await takeLook();
    await takeLook();
    expect(listings()).toBe(listed + 2);
    expect(queries()).toBe(read);
    expect(looks.schedule.pending()).toHaveLength(1);
    // Its run completes and GitHub loses the webhook: the look reads the build.
    gh.finishRun(plan.id, 'failure');
    gh.outbox.splice(0);
    await takeLook();
    expect(queries()).toBe(read + 1);
    expect(statusBody(gh, BUILD)).toMatch(/fail/i);
    expect(app.errors).toEqual([]);
  });
});
