import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import { parseAskRecord } from '../../src/core/snapshot/ask-record.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { buildIdFor, integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { CHAIN, statusBody } from '../support/builds.js';
import { branchPull, PULL_LABEL_ON } from '../support/labelled-pull.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

const SCRIPT = makeScript({ workers: CHAIN });

/** `pull` given the build label by `by`, its webhooks delivered to every app. */
async function label(
  { gh, apps }: { gh: FakeGitHub; apps: AppHarness[] },
  pull: SimPull,
  by = 'maintainer',
): Promise<void> {
  gh.outbox.splice(0);
  gh.events.pullLabeled(pull, 'orchestrate', by);
  const events = gh.outbox.splice(0);
  for (const app of apps) await app.deliverAll(events);
  for (const app of apps) expect(app.errors).toEqual([]);
}

const plans = (gh: FakeGitHub) => gh.runs.filter((run) => run.inputs.role === 'plan');
const statusComments = (gh: FakeGitHub) =>
  gh.comments.filter(
    (comment) => comment.user.login === gh.botLogin && findStatusBuild(comment.body),
  );

describe('a pull request labelled for a build, the door on', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  startAppEachTest((started) => ({ gh, apps } = started), { config: PULL_LABEL_ON });

  it('starts one build on the pull request, recorded as the pull-label door with its link, even when the delivery comes twice', async () => {
    const pull = branchPull(gh);
    gh.outbox.splice(0);
    gh.events.pullLabeled(pull, 'orchestrate', 'maintainer');
    const [labelled] = gh.outbox.splice(0);
    if (!labelled) throw new Error('no labeled event');
    const app = apps[0] as AppHarness;
    await app.deliver(labelled.name, labelled.payload);
    await app.deliver(labelled.name, labelled.payload);
    expect(app.errors).toEqual([]);

    const build = buildIdFor(pull.number, pull.title);
    expect(plans(gh)).toHaveLength(1);
    expect(plans(gh)[0]?.inputs.issue).toBe(String(pull.number));
    const [status, ...more] = statusComments(gh);
    expect(more).toEqual([]);
    expect(status?.issue).toBe(pull.number);
    expect(parseAskRecord(status?.body ?? '')).toMatchObject({
      by: 'maintainer',
      how: { way: 'pull-label', pull: pull.number, label: 'orchestrate', branch: 'release/2.0' },
      what: { kind: 'build', type: 'code' },
      link: `${gh.htmlUrl}/pull/${pull.number}`,
    });
    // The build branch starts from the pull request's branch, not the default branch.
    expect(gh.git.resolve(integrationBranch(build))).toBe(gh.git.resolve('release/2.0'));
    expect(gh.git.resolve(integrationBranch(build))).not.toBe(gh.git.resolve(gh.defaultBranch));
  });

  it("opens the final pull request into the pull request's branch, having merged that branch's new commits in", async () => {
    const pull = branchPull(gh);
    await label({ gh, apps }, pull);
    const build = buildIdFor(pull.number, pull.title);
    await driveBuild({ gh, apps, script: SCRIPT });
    gh.addComment({ issue: pull.number, body: '/approve', user: 'maintainer' });
    // The branch moves on while the build runs: the build branch takes its new head in.
    const moved = gh.git.commitOn('release/2.0', { 'src/notes.ts': 'x\n' }, 'More 2.0');
    await driveBuild({ gh, apps, script: SCRIPT });

    const final = [...gh.pulls.values()].find((one) => one.head === integrationBranch(build));
    expect(final?.base).toBe('release/2.0');
    expect(gh.git.isAncestor(moved, gh.git.resolve(integrationBranch(build)) ?? '')).toBe(true);
    expect(statusBody(gh, build)).toContain(`#${final?.number}`);
  });

  it("merges the branch's new head into the build branch when the labelled pull request is pushed to", async () => {
    const pull = branchPull(gh);
    await label({ gh, apps }, pull);
    const build = buildIdFor(pull.number, pull.title);
    const moved = gh.git.commitOn('release/2.0', { 'src/notes.ts': 'x\n' }, 'More 2.0');
    // Only the pull request's `synchronize` names it: the push names no build.
    gh.outbox.splice(0);
    gh.events.pull('synchronize', pull, 'maintainer');
    for (const app of apps) await app.deliverAll(gh.outbox.splice(0));
    for (const app of apps) expect(app.errors).toEqual([]);
    expect(gh.git.isAncestor(moved, gh.git.resolve(integrationBranch(build)) ?? '')).toBe(true);
  });

  it('starts nothing for a reader, who is told once', async () => {
    const pull = branchPull(gh);
    await label({ gh, apps }, pull, 'reader');
    expect(plans(gh)).toEqual([]);
    expect(
      gh.git.refs.has(`refs/heads/${integrationBranch(buildIdFor(pull.number, pull.title))}`),
    ).toBe(false);
    expect(gh.comments.map((comment) => comment.issue)).toEqual([pull.number]);
    expect(gh.comments[0]?.body).toContain('write');
  });

  it("refuses a fork's pull request with a reply saying why, and starts nothing", async () => {
    const pull = gh.openForkPull({ head: 'release/2.0', base: gh.defaultBranch, user: 'outsider' });
    await label({ gh, apps }, pull);
    expect(plans(gh)).toEqual([]);
    expect(
      gh.git.refs.has(`refs/heads/${integrationBranch(buildIdFor(pull.number, pull.title))}`),
    ).toBe(false);
    const replies = gh.comments.filter((comment) => comment.issue === pull.number);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('its branch is in another repository');
  });

  it("ignores Baton's own pull requests", async () => {
    gh.git.commitOn('baton/9-x/integration', { 'a.ts': 'x\n' }, 'A build');
    const pull = gh.openPull({
      title: 'A build',
      body: '',
      head: 'baton/9-x/integration',
      base: gh.defaultBranch,
      user: gh.botLogin,
    });
    await label({ gh, apps }, pull);
    expect(plans(gh)).toEqual([]);
    expect(gh.comments).toEqual([]);
  });

  it('stops the build with a notice naming why when the pull request closes before the final pull request', async () => {
    const pull = branchPull(gh);
    await label({ gh, apps }, pull);
    await driveBuild({ gh, apps, script: SCRIPT });
    Object.assign(pull, { state: 'closed', closedAt: gh.now() });
    gh.setIssueState(pull.number, 'closed', { by: 'reader' });
    // GitHub tells a pull request's close as `pull_request.closed`, not `issues.closed`.
    gh.outbox.splice(0);
    gh.events.pull('closed', pull, 'reader');
    await driveBuild({ gh, apps, script: SCRIPT });

    const build = buildIdFor(pull.number, pull.title);
    const notice = gh.comments.find((comment) => comment.body.includes('Baton stopped this build'));
    expect(notice?.issue).toBe(pull.number);
    expect(notice?.body).toContain(`the pull request #${pull.number} it builds on was closed`);
    expect(statusBody(gh, build)).toContain('Cancelled');
  });
});

describe('a pull request labelled for a build, the door off', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  startAppEachTest((started) => ({ gh, apps } = started));

  it('starts nothing and says once that the door is off and how to turn it on', async () => {
    const pull = branchPull(gh);
    await label({ gh, apps }, pull);
    await label({ gh, apps }, pull);
    expect(plans(gh)).toEqual([]);
    expect(statusComments(gh)).toEqual([]);
    const replies = gh.comments.filter((comment) => comment.issue === pull.number);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('pullLabel: true');
  });
});
