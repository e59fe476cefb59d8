import { describe, expect, it } from 'vitest';
import { GITHUB_ACTIONS_APP } from '../../sim/github/records.js';
import { CHANGE_SET_CHECK_NAME } from '../../src/core/vocabulary/ids.js';
import { startSetApp } from '../support/app-tests.js';
import {
  changeSetCheck,
  driveSet,
  driveSetIssue,
  finalPullOf,
  mergeAsPerson,
  setScripts,
} from '../support/change-sets.js';

/**
 * The order a change set lands in (docs/security.md, "Change sets") is held
 * by `baton/change-set`, required from the app (a ruleset's
 * `integration_id`). A check run of that name another app makes (a
 * workflow's job named `baton/change-set`, run by GitHub Actions) neither
 * lets a final pull request merge early nor stands, in Baton's read, for its
 * own: Baton still holds the client's final pull request, and releases it in
 * its turn.
 */
describe('a change set’s order, attacked', () => {
  it('reads only its own baton/change-set: another app’s check of that name releases nothing, nor keeps Baton from releasing', async () => {
    const { repos, app } = await startSetApp();
    const scripts = setScripts(repos);
    const drive = () => driveSet({ repos, apps: [app], scripts });
    await driveSetIssue({ repos, app, scripts });
    const [service = 0, lib = 0, client = 0] = repos.all.map((gh) => finalPullOf(gh)?.number);
    const head = repos.client.git.resolve(finalPullOf(repos.client)?.head ?? '') ?? '';
    // A workflow of the client's with a job named baton/change-set reports success on the head.
    // Its check suite was made at the push, before Baton's: GitHub lists it first.
    repos.client.checkRuns.unshift({
      id: 990_001,
      headSha: head,
      name: CHANGE_SET_CHECK_NAME,
      status: 'completed',
      conclusion: 'success',
      detailsUrl: `${repos.client.htmlUrl}/actions/runs/1/job/1`,
      app: GITHUB_ACTIONS_APP,
    });

    expect(mergeAsPerson(repos.client, client).status).toBe(405);
    expect(mergeAsPerson(repos.lib, lib).status).toBe(200);
    await drive();
    expect(changeSetCheck(repos.client, client)).toBe('in_progress');
    expect(mergeAsPerson(repos.client, client).status).toBe(405);
    expect(mergeAsPerson(repos.service, service).status).toBe(200);
    await drive();
    expect(changeSetCheck(repos.client, client)).toBe('success');
    expect(mergeAsPerson(repos.client, client).status).toBe(200);
    expect(app.errors).toEqual([]);
  });
});
