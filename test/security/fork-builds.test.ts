import { afterEach, describe, expect, it } from 'vitest';
import { repositoryPayload } from '../../sim/github/events.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import { type AppHarness, startApp } from '../support/app-harness.js';
import { BUILD, installedRepo, labelledIssue, tickingClock } from '../support/builds.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * An outsider cannot start or steer a build with a branch name: a fork's pull
 * request, its review, its run and a check suite on its branch name a build
 * only as a hint, and a hint never creates a build (docs/security.md, "Who
 * starts a build").
 */
const script = makeScript({ workers: [{ id: 'W1.1' }] });
const FORK = { id: 424242, full_name: 'outsider/app' };

function base(gh: FakeGitHub) {
  return {
    repository: repositoryPayload(gh),
    installation: { id: gh.installationId },
    sender: gh.user('outsider'),
  };
}

let forkNumber = 900;

/** What GitHub delivers when an outsider opens a pull request from their fork, head `head`. */
function forkPull(gh: FakeGitHub, head: string) {
  const sha = 'f'.repeat(40);
  const pull = {
    number: ++forkNumber,
    title: 'Small fix',
    state: 'open',
    merged: false,
    head: { ref: head, sha, repo: FORK },
    base: {
      ref: gh.defaultBranch,
      sha: gh.git.resolve(gh.defaultBranch),
      repo: { id: gh.repositoryId, full_name: gh.fullName },
    },
  };
  gh.outbox.push(
    { name: 'pull_request', payload: { ...base(gh), action: 'opened', pull_request: pull } },
    {
      name: 'pull_request_review',
      payload: {
        ...base(gh),
        action: 'submitted',
        review: { id: forkNumber, state: 'approved', commit_id: sha, body: 'LGTM' },
        pull_request: pull,
      },
    },
    {
      name: 'workflow_run',
      payload: {
        ...base(gh),
        action: 'completed',
        workflow_run: {
          id: 70_000 + forkNumber,
          display_title: `baton plan ${head.split('/')[1]} - -`,
          head_branch: head,
          head_sha: sha,
          head_repository: FORK,
          status: 'completed',
          conclusion: 'success',
          event: 'pull_request',
        },
      },
    },
  );
}

/** A check suite of another CI app on the fork's branch: GitHub's payload names no repository for its head. */
function forkSuite(gh: FakeGitHub, head: string) {
  gh.outbox.push({
    name: 'check_suite',
    payload: {
      ...base(gh),
      sender: gh.user('circleci[bot]'),
      action: 'completed',
      check_suite: {
        app: { slug: 'circleci' },
        head_branch: head,
        head_sha: 'f'.repeat(40),
        status: 'completed',
        conclusion: 'success',
        pull_requests: [],
      },
    },
  });
}

describe('an outsider cannot start builds with a fork pull request branch name', () => {
  let apps: AppHarness[] = [];
  afterEach(() => {
    for (const app of apps) app.stop();
    apps = [];
  });

  async function start(config?: string) {
    const now = tickingClock();
    const gh = installedRepo(now);
    if (config) gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': config });
    apps = [await startApp({ gh, now })];
    return gh;
  }

  const batonRefs = (gh: FakeGitHub) =>
    [...gh.git.refs.keys()].filter((ref) => ref.startsWith('refs/heads/baton/'));
  /** The builds of Baton's runs (`baton <role> <build> …`); CI runs are the repository's. */
  const buildsRun = (gh: FakeGitHub) =>
    new Set(
      gh.runs
        .filter((run) => run.workflow === 'baton.yml')
        .map((run) => run.displayTitle.split(' ')[2]),
    );
  const botComments = (gh: FakeGitHub) =>
    gh.comments.filter((comment) => comment.user.login === gh.botLogin);

  it('creates nothing for a fork PR, review, run or suite naming a build of an unlabelled issue', async () => {
    const gh = await start();
    gh.openIssue({ title: 'Add OAuth login', labels: [] });
    forkPull(gh, 'baton/1-pwn/W1.1');
    forkSuite(gh, 'baton/1-pwn/W1.1');
    await driveBuild({ gh, apps, script });

    expect(batonRefs(gh)).toEqual([]);
    expect(gh.runs).toEqual([]);
    expect(botComments(gh)).toEqual([]);
    expect(apps[0]?.errors).toEqual([]);
  });

  it("costs nothing for a fork's pull request, review or run: not one request", async () => {
    const gh = await start();
    gh.openIssue({ title: 'Add OAuth login', labels: [] });
    const before = gh.log.length;
    forkPull(gh, 'baton/1-pwn/W1.1');
    await driveBuild({ gh, apps, script });
    expect(gh.log.slice(before)).toEqual([]);
  });

  it('runs one build on a labelled issue with approval none, whatever three fork PRs name', async () => {
    const gh = await start('approval: none\n');
    labelledIssue(gh);
    for (const name of ['x', 'y', 'z']) {
      forkPull(gh, `baton/1-${name}/W1.1`);
      forkSuite(gh, `baton/1-${name}/W1.1`);
    }
    await driveBuild({ gh, apps, script });

    expect(buildsRun(gh)).toEqual(new Set([BUILD]));
    expect(batonRefs(gh).filter((ref) => !ref.startsWith(`refs/heads/baton/${BUILD}/`))).toEqual(
      [],
    );
    expect(gh.runs.some((run) => run.inputs.role === 'work')).toBe(true);
  });

  const finalPulls = (gh: FakeGitHub) =>
    [...gh.pulls.values()].filter((pull) => pull.head === `baton/${BUILD}/integration`);

  it.each([
    ['one, before Baton opens its own', 1, 'before'],
    ['more than the query reads (25), after Baton opened its own', 25, 'after'],
  ] as const)(
    "never takes a fork's pull request named after the build branch for the final one: %s",
    async (_, forks, when) => {
      const gh = await start('approval: none\nfinal:\n  autoMerge: true\n');
      labelledIssue(gh);
      const planted: SimPull[] = [];
      const plant = async () => {
        const opened = finalPulls(gh).length > 0;
        if (planted.length > 0 || (when === 'after') !== opened) return;
        for (let i = 0; i < forks; i++)
          planted.push(
            gh.openForkPull({
              head: `baton/${BUILD}/integration`,
              base: gh.defaultBranch,
              user: 'outsider',
            }),
          );
      };
      await driveBuild({ gh, apps, script, afterRound: plant });
      const [final, ...more] = finalPulls(gh).filter((pull) => !pull.fork);
      expect(final && [final.state, final.autoMerge, more.length]).toEqual(['open', true, 0]);
      expect(planted.map((pull) => [pull.state, pull.autoMerge])).toEqual(
        planted.map(() => ['open', false]),
      );

      // A maintainer merges the build's final pull request: the build ends, no other is opened.
      if (!final) return;
      Object.assign(final, { state: 'closed', mergedAt: gh.now() });
      gh.events.pull('closed', final, 'maintainer');
      await driveBuild({ gh, apps, script });
      expect(finalPulls(gh).filter((pull) => !pull.fork)).toEqual([final]);
      const status = botComments(gh).find((comment) => comment.body.includes('baton:status'));
      expect(status?.body).toContain(`/pull/${final.number}`);
      expect(apps[0]?.errors).toEqual([]);
    },
  );

  it("approves only the writer's build with /approve (approval plan), one plan-ready notice", async () => {
    const gh = await start();
    labelledIssue(gh);
    await driveBuild({ gh, apps, script });
    for (const name of ['x', 'y']) {
      forkPull(gh, `baton/1-${name}/W1.1`);
      forkSuite(gh, `baton/1-${name}/W1.1`);
    }
    await driveBuild({ gh, apps, script });
    gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps, script });

    expect(buildsRun(gh)).toEqual(new Set([BUILD]));
    const planReady = botComments(gh).filter((comment) => comment.body.includes('plan-ready/'));
    expect(planReady.map((comment) => comment.body.split('\n')[0])).toEqual([
      expect.stringContaining(`baton:notice ${BUILD} plan-ready/`),
    ]);
    expect(gh.runs.filter((run) => run.inputs.role === 'work').length).toBeGreaterThan(0);
  });
});
