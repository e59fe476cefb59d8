import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { parseAskRecord } from '../../src/core/snapshot/ask-record.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';

const NAMED = 'events:\n  checkFailed:\n    workflows: [CI]\n';

/** A run of CI on the push of `sha` by `actor`, failed, its webhook delivered to each app in turn. */
async function failedRun(
  { gh, apps }: { gh: FakeGitHub; apps: AppHarness[] },
  sha: string,
  actor = 'maintainer',
  workflow = 'ci.yml',
): Promise<void> {
  const at = gh.now();
  const run: SimRun = {
    id: gh.nextId(),
    workflow,
    displayTitle: 'CI',
    event: 'push',
    headBranch: gh.defaultBranch,
    headSha: sha,
    status: 'completed',
    conclusion: 'failure',
    createdAt: at,
    updatedAt: at,
    runAttempt: 1,
    inputs: {},
    actor,
    triggeringActor: actor,
  };
  gh.runs.push(run);
  gh.events.run('completed', run);
  const events = gh.outbox.splice(0);
  await Promise.all(apps.map((app) => app.deliverAll(events)));
  for (const app of apps) expect(app.errors).toEqual([]);
}

describe('a named workflow that turns the default branch red', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];

  startAppEachTest(
    (started) => {
      ({ gh, apps } = started);
    },
    { config: NAMED, replicas: 1 },
  );

  /** A push to the default branch by `by`: its new head. */
  function push(by = 'maintainer'): string {
    return gh.git.commitOn(gh.defaultBranch, { [`src/${gh.nextId()}.ts`]: 'x\n' }, `Push by ${by}`);
  }

  const failed = (sha: string, actor?: string, workflow?: string) =>
    failedRun({ gh, apps }, sha, actor, workflow);

  const plans = () => gh.runs.filter((run) => run.inputs.role === 'plan');
  const fixes = () =>
    [...gh.issues.values()].filter((issue) => issue.body.startsWith('<!-- baton:check-failed'));

  it('starts one fix build for several failed runs of the same head, asked by its pusher', async () => {
    const head = push();
    await failed(head);
    await failed(head);
    await failed(head);

    expect(fixes().map((issue) => issue.title)).toEqual([
      `Fix main: CI failed at ${head.slice(0, 7)}`,
    ]);
    expect(plans()).toHaveLength(1);
    const status = gh.comments.find(
      (comment) => comment.user.login === gh.botLogin && findStatusBuild(comment.body),
    );
    expect(parseAskRecord(status?.body ?? '')).toMatchObject({
      by: 'maintainer',
      how: { way: 'check-failed', head },
      what: { kind: 'build', type: 'code' },
    });

    // A later red head waits while that fix build's issue is open: one at a time.
    await failed(push());
    expect(fixes()).toHaveLength(1);
  });

  it('starts nothing for an older head, a workflow not named, or a push by a reader', async () => {
    const old = push();
    push();
    await failed(old);
    await failed(push(), 'maintainer', 'release.yml');
    await failed(push('reader'), 'reader');
    expect(fixes()).toEqual([]);
    expect(plans()).toEqual([]);
  });
});

describe('a red default branch where no workflow is named', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  startAppEachTest((started) => {
    ({ gh, apps } = started);
  });

  it('starts nothing: the door is off by default', async () => {
    const head = gh.git.commitOn(gh.defaultBranch, { 'src/a.ts': 'x\n' }, 'Push');
    await failedRun({ gh, apps }, head);
    expect([...gh.issues.values()]).toEqual([]);
  });
});
