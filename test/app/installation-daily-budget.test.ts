import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import { type AppHarness, labeledPayload, startApp } from '../support/app-harness.js';
import { BUILD, installedRepo, sessionSpent, statusBody, tickingClock } from '../support/builds.js';
import { knownRestRoutes } from '../support/rest-routes.js';

describe('BATON_INSTALLATION_DAILY_USD: a cap across the installation’s repositories per UTC day', () => {
  let a: FakeGitHub;
  let b: FakeGitHub;
  let now: () => string;
  let app: AppHarness | undefined;

  beforeEach(() => {
    now = tickingClock();
    a = installedRepo(now);
    // More than a page of the installation's repositories (100), B on the second page.
    for (let i = 0; i < 100; i++) {
      joinInstallation(a, new FakeGitHub({ now, repo: `quiet-${i}`, repositoryId: 10 + i }));
    }
    b = new FakeGitHub({ now, repo: 'gadgets', repositoryId: 2 });
    joinInstallation(a, b);
  });
  afterEach(() => app?.stop());

  /** Labels an issue of repository A, twice: the notice follows the status comment. */
  async function labelInA(): Promise<void> {
    const issue = a.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    for (let i = 0; i < 2; i++) {
      await app?.deliver('issues', labeledPayload(a, { issue }));
    }
  }

  it('starts no session in A once B’s sessions spent the cap today, and says so', async () => {
    sessionSpent(b, { usd: 2, at: now(), runId: 601 });
    sessionSpent(b, { usd: 1, at: now(), runId: 602 });
    app = await startApp({ gh: a, now, installationDailyUsd: 3 });
    await labelInA();
    expect(app.errors).toEqual([]);
    expect(a.runs.filter((run) => run.inputs.build === BUILD)).toEqual([]);
    const said = a.comments.map((comment) => comment.body).join('\n');
    expect(said).toContain('$3.00 today');
    expect(said).toContain('daily cap of $3.00');
    expect(said).toContain('`BATON_INSTALLATION_DAILY_USD`');
    expect(said).toContain('00:00 UTC');
    expect(statusBody(a, BUILD)).toContain('Waiting for the daily cap');
    // B's records were read where B is: its runs of the day, its refs; their commits by GraphQL, in one request.
    // A later look at them is asked conditionally and answered 304 (not counted by GitHub).
    const counted = b.log.filter((entry) => entry.status !== 304);
    expect(counted.map((entry) => entry.route)).toEqual([
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
    ]);
    expect(new Set(b.log.map((entry) => entry.route))).toEqual(
      new Set([
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
      ]),
    );
    const routes = await knownRestRoutes();
    expect([...a.callsOutside(routes), ...b.callsOutside(routes)]).toEqual([]);
  });

  it('starts the plan in A while the installation is under the cap (yesterday left out)', async () => {
    const yesterday = new Date(Date.parse(now()) - 24 * 3600_000).toISOString();
    sessionSpent(b, { usd: 10, at: yesterday, runId: 600 });
    sessionSpent(b, { usd: 2.99, at: now(), runId: 601 });
    app = await startApp({ gh: a, now, installationDailyUsd: 3 });
    await labelInA();
    expect(app.errors).toEqual([]);
    expect(a.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    expect(a.comments.map((comment) => comment.body).join('\n')).not.toContain(
      'BATON_INSTALLATION_DAILY_USD',
    );
  });

  it('reads no other repository without the cap', async () => {
    sessionSpent(b, { usd: 5, at: now(), runId: 601 });
    app = await startApp({ gh: a, now });
    await labelInA();
    expect(app.errors).toEqual([]);
    expect(a.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    expect(b.log).toEqual([]);
    expect(a.log.some((entry) => entry.route === 'GET /installation/repositories')).toBe(false);
  });
});
