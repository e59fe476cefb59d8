import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import { parseAskRecord } from '../../src/core/snapshot/ask-record.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { buildIdFor, integrationBranch } from '../../src/core/vocabulary/ids.js';
import { BuildQueue } from '../../src/github/client/build-queue.js';
import { clearPermissionCache } from '../../src/github/observe/permissions.js';
import { startFromResync } from '../../src/github/reconcile/doors/heal-asks.js';
import { resyncAll } from '../../src/github/reconcile/doors/resync.js';
import { scheduleReconcile } from '../../src/github/reconcile/queue/schedule-reconcile.js';
import { type AppHarness, startApp, startReplica } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD } from '../support/builds.js';
import { type CapturedLog, captureLog } from '../support/captured-log.js';
import { holdFirstRequest } from '../support/held-request.js';
import { branchPull, PULL_LABEL_ON } from '../support/labelled-pull.js';
import { resyncDeps } from '../support/resync-deps.js';

/** A build queue whose work never runs: the process stopped after it heard a delivery, before its reconcile. */
class StoppedQueue extends BuildQueue {
  constructor() {
    super(() => {});
  }
  override enqueue(): Promise<void> {
    return Promise.resolve();
  }
}

describe('a build a writer asked for by a label, whose ask was lost', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let app: AppHarness;
  let log: CapturedLog;

  startAppEachTest((started) => {
    ({ gh, app, now } = started);
    log = captureLog();
  });

  const integration = `refs/heads/baton/${BUILD}/integration`;
  const plans = () => gh.runs.filter((run) => run.inputs.role === 'plan');
  const refusals = () => gh.comments.filter((comment) => comment.body.includes('write access'));

  /** The label `by` added, heard by a process that stopped before its reconcile ran. */
  async function labelLost(issue: number, by: string, label = 'orchestrate'): Promise<void> {
    const stopped = await startReplica({ now, queue: new StoppedQueue() });
    if (!gh.issues.get(issue)?.labels.includes(label)) gh.issues.get(issue)?.labels.push(label);
    gh.events.labeled(issue, label, by);
    await stopped.deliverAll(gh.outbox.splice(0));
  }

  /** One resync as src/index.ts runs it, lost asks healed (`heal`) unless told not to. */
  async function resync({
    heal = true,
    schedule = true,
  }: {
    heal?: boolean;
    schedule?: boolean;
  } = {}): Promise<void> {
    const deps = resyncDeps({ app, gh, now });
    await resyncAll(
      app.probot,
      (ctx, ref, defaultBranch) => {
        if (schedule)
          scheduleReconcile(ctx, { ref, defaultBranch, deps, log: log.log, deliveryId: null });
        return schedule;
      },
      deps.botLogin,
      {
        // GitHub's clock: the labels' times are the simulator's.
        now: () => Date.parse(gh.now()),
        ...(heal
          ? {
              heal: (ctx, defaultBranch) =>
                startFromResync(ctx, { defaultBranch, deps, log: log.log }),
            }
          : {}),
      },
    );
    await deps.queue.idle();
  }

  const asks = () =>
    log
      .records()
      .filter((record) => String(record.msg).includes('the resync asks again'))
      .map((record) => record.asker);

  it('is started by the next resync, once, with the labeller as the asker', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    await labelLost(issue, 'maintainer');
    expect(gh.git.refs.has(integration)).toBe(false);
    expect(plans()).toEqual([]);

    await resync();
    expect(app.errors).toEqual([]);
    expect(gh.git.refs.has(integration)).toBe(true);
    expect(plans()).toHaveLength(1);
    expect(asks()).toEqual(['maintainer']);
    // The build's status comment records the healed ask as the label made it.
    const status = gh.comments.find((c) => c.user.login === gh.botLogin && findStatusBuild(c.body));
    expect(parseAskRecord(status?.body ?? '')).toMatchObject({
      by: 'maintainer',
      how: { way: 'label', label: 'orchestrate' },
    });

    await resync();
    expect(app.errors).toEqual([]);
    expect(plans()).toHaveLength(1);
    expect(asks()).toEqual(['maintainer']);
  });

  it('makes one build when the resync asks while the delivery’s start is under way', async () => {
    app.stop();
    // The delivery's reconcile is about to create the build branch, and waits.
    const hold = holdFirstRequest(gh, {
      method: 'POST',
      path: /\/git\/refs$/,
      body: (body) => String((body as { ref?: string }).ref).endsWith('/integration'),
    });
    app = await startApp({ gh, now });
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    const delivered = app.deliverAll(gh.outbox.splice(0));
    await hold.held;
    await resync();
    expect(asks()).toEqual(['maintainer']);
    hold.release();
    await delivered;

    expect(app.errors).toEqual([]);
    expect(plans()).toHaveLength(1);
    expect(gh.comments).toHaveLength(1);
    expect([...gh.git.refs.keys()].filter((ref) => ref.includes('integration'))).toHaveLength(1);
  });

  it('starts improvement loops from a lost improve.label, as the label would have', async () => {
    gh.git.commitOn(
      gh.defaultBranch,
      { '.github/baton.yml': 'improve:\n  label: improve\n  loops: 2\n' },
      'Configure Baton',
    );
    const issue = gh.openIssue({ title: 'Add OAuth login' });
    await labelLost(issue, 'maintainer', 'improve');

    await resync();
    expect(app.errors).toEqual([]);
    expect(gh.runs.map((run) => [run.inputs.role, run.inputs.worker])).toEqual([
      ['research', 'L1'],
    ]);
  });

  it('starts nothing for a reader’s label, and says so once across resyncs', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'reader');
    gh.outbox.splice(0); // the delivery is lost

    await resync();
    await resync();
    expect(app.errors).toEqual([]);
    expect(gh.git.refs.has(integration)).toBe(false);
    expect(gh.runs).toEqual([]);
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]?.body).toContain('@reader');
    // The refusal follows the label on the timeline: the next resync asks nothing of it.
    clearPermissionCache();
    const asked = gh.log.length;
    await resync({ schedule: false });
    const after = gh.log.slice(asked).map((entry) => entry.route);
    expect(after).toContain('GET /repos/{owner}/{repo}/issues/{issue_number}/timeline');
    expect(after).not.toContain('GET /repos/{owner}/{repo}/collaborators/{username}/permission');
    expect(after).not.toContain('GET /repos/{owner}/{repo}/issues/{issue_number}/comments');
    expect(after).not.toContain('GET /repos/{owner}/{repo}/contents/{path}');
    expect(refusals()).toHaveLength(1);
  });

  it('starts nothing when a reader added the label again after a writer removed it', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    gh.events.unlabeled(issue, 'orchestrate', 'maintainer');
    await labelLost(issue, 'reader');
    gh.outbox.splice(0);

    await resync();
    expect(app.errors).toEqual([]);
    expect(gh.git.refs.has(integration)).toBe(false);
    expect(gh.runs).toEqual([]);
    expect(asks()).toEqual([]);
  });

  it('leaves alone a build that exists, one whose branch someone deleted, and a closed issue', async () => {
    const built = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(built, 'orchestrate', 'maintainer');
    await app.deliverAll(gh.outbox.splice(0));
    expect(plans()).toHaveLength(1);
    const closed = gh.openIssue({ title: 'Drop the old API', labels: ['orchestrate'] });
    await labelLost(closed, 'maintainer');
    gh.setIssueState(closed, 'closed', { by: 'maintainer' });
    gh.outbox.splice(0);

    await resync();
    expect(app.errors).toEqual([]);
    expect(plans()).toHaveLength(1);
    expect(asks()).toEqual([]);

    // Its branch deleted by hand: the status comment still says a build was made.
    gh.git.refs.delete(integration);
    await resync({ schedule: false });
    expect(plans()).toHaveLength(1);
    expect(asks()).toEqual([]);
  });

  it('costs a resync with no lost ask one conditional listing of each repository’s open issues', async () => {
    const built = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(built, 'orchestrate', 'maintainer');
    await app.deliverAll(gh.outbox.splice(0));
    const closed = gh.openIssue({ title: 'Drop the old API', labels: ['orchestrate'] });
    gh.setIssueState(closed, 'closed', { by: 'maintainer' });
    gh.outbox.splice(0);
    const routes = async (heal: boolean) => {
      const from = gh.log.length;
      await resync({ heal, schedule: false });
      return gh.log.slice(from).map((entry) => ({ route: entry.route, status: entry.status }));
    };

    const without = await routes(false);
    const healing = await routes(true);
    expect(healing.length - without.length).toBe(1);
    const listings = healing.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/issues');
    expect(listings).toEqual([{ route: 'GET /repos/{owner}/{repo}/issues', status: 200 }]);
    // Nothing changed on the issues: GitHub answers 304, which costs no rate limit.
    const again = await routes(true);
    expect(again.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/issues')).toEqual([
      { route: 'GET /repos/{owner}/{repo}/issues', status: 304 },
    ]);
    expect(app.errors).toEqual([]);
  });
  describe('on a pull request, the pull-label door on', () => {
    /** A branch of this repository with one commit, and a pull request of it; or a fork's. */
    function labelledPull(fork = false) {
      gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': PULL_LABEL_ON }, 'Turn it on');
      return branchPull(gh, fork ? { fork: 'stranger/widgets' } : {});
    }

    /** The build label `by` gave `pull`, heard by a process that stopped before its reconcile ran. */
    async function pullLabelLost(pull: SimPull, by: string): Promise<void> {
      const stopped = await startReplica({ now, queue: new StoppedQueue() });
      gh.outbox.splice(0);
      gh.events.pullLabeled(pull, 'orchestrate', by);
      await stopped.deliverAll(gh.outbox.splice(0));
    }

    it('is started by the next resync on the pull request’s branch, recorded as the door made it', async () => {
      const pull = labelledPull();
      await pullLabelLost(pull, 'maintainer');
      expect(plans()).toEqual([]);

      await resync();
      expect(app.errors).toEqual([]);
      expect(plans()).toHaveLength(1);
      expect(asks()).toEqual(['maintainer']);
      const build = buildIdFor(pull.number, pull.title);
      expect(gh.git.resolve(integrationBranch(build))).toBe(gh.git.resolve('release/2.0'));
      const status = gh.comments.find(
        (c) => c.user.login === gh.botLogin && findStatusBuild(c.body),
      );
      expect(status?.issue).toBe(pull.number);
      expect(parseAskRecord(status?.body ?? '')).toMatchObject({
        by: 'maintainer',
        how: { way: 'pull-label', pull: pull.number, label: 'orchestrate', branch: 'release/2.0' },
        link: `${gh.htmlUrl}/pull/${pull.number}`,
      });
    });

    it('starts nothing for a fork’s pull request, nor with the door off', async () => {
      const fork = labelledPull(true);
      await pullLabelLost(fork, 'maintainer');
      await resync();
      expect(app.errors).toEqual([]);
      expect(plans()).toEqual([]);

      gh.git.commitOn(
        gh.defaultBranch,
        { '.github/baton.yml': 'events:\n  pullLabel: false\n' },
        'Turn it off',
      );
      const here = branchPull(gh, { branch: 'hotfix', title: 'Fix' });
      await pullLabelLost(here, 'maintainer');
      await resync();
      expect(app.errors).toEqual([]);
      expect(plans()).toEqual([]);
      expect(asks()).toEqual([]);
    });
  });
});
