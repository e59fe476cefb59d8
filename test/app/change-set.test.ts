import { describe, expect, it } from 'vitest';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startSetApp } from '../support/app-tests.js';
import { statusBody } from '../support/builds.js';
import {
  CLIENT,
  changeSetCheck,
  driveSet,
  driveSetIssue,
  finalPullOf,
  LIB,
  mergeAsPerson,
  SET_BUILD,
  SET_MEMBER,
  type SetRepos,
  serviceAloneScripts,
  setScripts,
} from '../support/change-sets.js';
import { dropping } from '../support/scripted-sessions.js';

/** The set's issue labelled by the maintainer, and driven until its plan waits for `/approve`. */
async function plannedSet(repos: SetRepos, app: AppHarness) {
  const scripts = setScripts(repos);
  const issue = await driveSetIssue({ repos, app, scripts, approve: false });
  return { scripts, issue };
}

describe('a change set across three repositories, on the simulated GitHub', () => {
  it('plans across them, runs each repository’s workers there, and lands the final pull requests in order', async () => {
    const { repos, app } = await startSetApp();
    const { scripts, issue } = await plannedSet(repos, app);
    const plan = statusBody(repos.service, SET_BUILD) ?? '';
    expect(plan).toContain('landing in this order: `acme/lib` → `acme/service` → `acme/client`');
    expect(repos.lib.git.resolve(integrationBranch(SET_MEMBER))).toBeNull();

    repos.service.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    expect(app.errors).toEqual([]);

    const finals = repos.all.map((gh) => finalPullOf(gh));
    expect(finals.map((pull) => pull?.state)).toEqual(['open', 'open', 'open']);
    const [service, lib, client] = finals.map((pull) => pull?.number ?? 0) as [
      number,
      number,
      number,
    ];
    expect(changeSetCheck(repos.lib, lib)).toBe('success');
    expect(changeSetCheck(repos.service, service)).toBe('in_progress');
    expect(mergeAsPerson(repos.client, client)).toEqual({
      status: 405,
      message: 'Required status check "baton/change-set" is expected.',
    });
    const body = statusBody(repos.service, SET_BUILD) ?? '';
    expect(body).toContain('waits for acme/lib');
    expect(body).toContain(`\`${LIB}\``);
    expect(body).toContain(`\`${CLIENT}\``);
    const libFinal = finalPullOf(repos.lib);
    expect(libFinal?.body).toContain('Part of the change set [acme/service#1]');
    expect(libFinal?.body).not.toContain('Closes');
    expect(finalPullOf(repos.client)?.body).toContain(
      'It merges after the final pull requests of `acme/service`',
    );

    expect(mergeAsPerson(repos.lib, lib).status).toBe(200);
    await driveSet({ repos, apps: [app], scripts });
    expect(changeSetCheck(repos.service, service)).toBe('success');
    expect(changeSetCheck(repos.client, client)).toBe('in_progress');
    expect(mergeAsPerson(repos.service, service).status).toBe(200);
    await driveSet({ repos, apps: [app], scripts });
    expect(mergeAsPerson(repos.client, client).status).toBe(200);
    await driveSet({ repos, apps: [app], scripts });
    expect(repos.service.issues.get(issue)?.state).toBe('closed');
    expect(statusBody(repos.service, SET_BUILD)).toContain(
      "Every repository's final pull request was merged, in order.",
    );

    repos.service.addComment({ issue, body: '/rollback', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    const reverts = repos.all.map((gh) =>
      [...gh.pulls.values()].find((pull) => pull.head === `baton/${SET_MEMBER}/revert`),
    );
    expect(reverts.map((pull) => pull?.state)).toEqual(['open', 'open', 'open']);
    const [serviceRevert = 0, libRevert = 0, clientRevert = 0] = reverts.map((p) => p?.number ?? 0);
    // Opened in reverse order, the client's first; each held until what built on it is reverted.
    const [serviceAt = '', libAt = '', clientAt = ''] = reverts.map((p) => p?.createdAt ?? '');
    expect(clientAt < serviceAt && serviceAt < libAt).toBe(true);
    expect(changeSetCheck(repos.client, clientRevert)).toBe('success');
    expect(changeSetCheck(repos.service, serviceRevert)).toBe('in_progress');
    expect(changeSetCheck(repos.lib, libRevert)).toBe('in_progress');
    expect(mergeAsPerson(repos.lib, libRevert).status).toBe(405);
    expect(mergeAsPerson(repos.client, clientRevert).status).toBe(200);
    await driveSet({ repos, apps: [app], scripts });
    expect(changeSetCheck(repos.service, serviceRevert)).toBe('success');
    expect(
      repos.client.git.filesOf(repos.client.git.resolve('main') ?? '').has('src/W3.1.ts'),
    ).toBe(false);
    expect(app.errors).toEqual([]);
  });

  it('takes a writer’s command with its 👀 from the reconcile, on a build of the issue’s repository alone', async () => {
    // The service lists change sets, so its comment handler leaves the 👀 to the build's reconcile.
    const { repos, app } = await startSetApp();
    // The set build runs its plan's workers itself: W2.1's first attempt fails.
    const scripts = serviceAloneScripts(repos);
    const issue = repos.service.openIssue({ title: 'Rename fetch to get' });
    repos.service.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveSet({ repos, apps: [app], scripts });
    const approve = repos.service.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    const retry = repos.service.addComment({ issue, body: '/retry W2.1', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    const taken = `${repos.service.botLogin} eyes`;
    expect(
      [...approve.reactions, ...retry.reactions].map((r) => `${r.login} ${r.content}`),
    ).toEqual([taken, taken]);
    const work = repos.service.runs.filter(
      (run) => run.inputs.role === 'work' && run.inputs.worker === 'W2.1',
    );
    expect(work.map((run) => run.inputs.trigger ?? '')).toEqual(['', `comment-${retry.id}`]);
    expect(app.errors).toEqual([]);
  });

  it('releases the next final pull request on the push of a merge whose pull request event it never hears', async () => {
    // The conductor runs on no pull request event a bot sent (an auto-merge Baton enabled
    // merges as the app), and a webhook may be lost: the default branch's push is then all.
    const { repos, app } = await startSetApp();
    const { scripts, issue } = await plannedSet(repos, app);
    repos.service.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    const [service = 0, lib = 0] = repos.all.map((gh) => finalPullOf(gh)?.number ?? 0);
    expect(changeSetCheck(repos.service, service)).toBe('in_progress');

    expect(mergeAsPerson(repos.lib, lib).status).toBe(200);
    await driveSet({ repos, apps: [app], scripts, delivery: dropping('pull_request') });

    expect(changeSetCheck(repos.service, service)).toBe('success');
    expect(app.errors).toEqual([]);
  });
});
