import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import { clearInstallationUsage } from '../../src/github/observe/day-spend.js';
import { clearHiddenRefReading } from '../../src/github/observe/hidden-records.js';
import { clearUncountedUsage } from '../../src/github/reconcile/pass/uncounted-usage.js';
import { type AppHarness, labeledPayload, startApp } from '../support/app-harness.js';
import {
  BUILD,
  installedRepo,
  labelledIssue,
  pushUsageRecord,
  sessionSpent,
  statusBody,
  tickingClock,
} from '../support/builds.js';
import { type CapturedLog, captureLog } from '../support/captured-log.js';
import { driveBuild, makeScript } from '../support/scripted-sessions.js';

/**
 * Usage records are hidden refs that any writer of a repository, or a workflow
 * token with `contents: write`, can push. The daily caps and a build's budget
 * count only records tied to a run Baton dispatched in the same repository,
 * dated by that run: a record pushed to one repository of the installation
 * cannot stall the others or hide their spend, and a build's own namespace
 * cannot be salted either (docs/security.md, "Usage records").
 */

/** A record at `ref`, as a writer pushes it: any message, any committer date. */
function pushRecord(
  gh: FakeGitHub,
  ref: string,
  fields: Partial<UsageRecord> & { usd: number },
  committedAt?: string,
): void {
  pushUsageRecord(gh, { ref: `refs/baton/${ref}`, ...fields, at: committedAt });
}

describe('the installation’s daily cap counts only records tied to a run Baton dispatched there', () => {
  let a: FakeGitHub;
  let b: FakeGitHub;
  let now: () => string;
  let app: AppHarness | undefined;
  let logged: CapturedLog;

  beforeEach(() => {
    clearInstallationUsage();
    clearHiddenRefReading();
    clearUncountedUsage();
    now = tickingClock();
    a = installedRepo(now);
    b = new FakeGitHub({ now, repo: 'gadgets', repositoryId: 2 });
    a.installationPeers.push(b);
    logged = captureLog('warn');
  });
  afterEach(() => app?.stop());

  async function labelInA(): Promise<void> {
    app = await startApp({ gh: a, now, installationDailyUsd: 50, log: logged.log });
    const issue = a.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    for (let i = 0; i < 2; i++) await app.deliver('issues', labeledPayload(a, { issue }));
    expect(app.errors).toEqual([]);
  }
  const held = () => (statusBody(a, BUILD) ?? '').includes('Waiting for the daily cap');
  const planned = () => a.runs.some((run) => run.inputs.build === BUILD);

  it.each([
    ['naming no run at all', 'x/usage/123456-1', { run_id: 123456 }],
    ['naming a run of another repository', '9-b/usage/777-1', { run_id: 777 }],
    ['naming no record at all', 'x/usage/latest', {}],
  ])('a million-dollar record %s in B holds nothing in A', async (_name, ref, fields) => {
    pushRecord(b, ref, { usd: 1_000_000, ...fields }, now());
    await labelInA();
    expect(held()).toBe(false);
    expect(planned()).toBe(true);
  });

  it('a $1,000,000 record for a run a person dispatched by hand in B holds nothing', async () => {
    sessionSpent(b, { usd: 1_000_000, at: now(), runId: 888 });
    const run = b.runs.find((one) => one.id === 888);
    if (run) run.actor = 'maintainer';
    await labelInA();
    expect(held()).toBe(false);
  });

  it('a record that lies about the run its name gives holds nothing, and is said once', async () => {
    sessionSpent(b, { usd: 1, at: now(), runId: 901 });
    // The ref of B's real run 901, for another build, and one claiming another worker.
    pushRecord(b, '9-other-build/usage/901-2', { usd: 1_000_000, run_id: 901, attempt: 2 }, now());
    pushRecord(b, '5-elsewhere/usage/901-1', { usd: 1_000_000, run_id: 901 }, now());
    await labelInA();
    expect(held()).toBe(false);
    const warnings = logged
      .text()
      .split('\n')
      .filter((line) => line.includes('not counted'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('refs/baton/5-elsewhere/usage/901-1');
    expect(warnings[0]).toContain('refs/baton/9-other-build/usage/901-2');
  });

  it('a $0 record in A carrying B’s real run id, listed first, hides none of B’s $80', async () => {
    sessionSpent(b, { usd: 80, at: now(), runId: 601 });
    pushRecord(a, '0-first/usage/601-1', { usd: 0, run_id: 601 }, now());
    await labelInA();
    expect(held()).toBe(true);
    expect(planned()).toBe(false);
    expect(a.comments.map((comment) => comment.body).join('\n')).toContain('$80.00 today');
  });

  it('dates a record by its run: a record of yesterday’s run committed today holds nothing', async () => {
    const yesterday = new Date(Date.parse(now()) - 24 * 3600_000).toISOString();
    sessionSpent(b, { usd: 1_000_000, at: yesterday, runId: 602 });
    const ref = [...b.git.refs.keys()].find((name) => name.endsWith('/usage/602-1')) ?? '';
    const commit = b.git.objects.get(b.git.refs.get(ref) ?? '');
    if (commit?.type === 'commit') commit.committedAt = now();
    await labelInA();
    expect(held()).toBe(false);
  });

  it('reads 3,000 junk refs in one listing and none of their commits', async () => {
    sessionSpent(b, { usd: 1, at: now(), runId: 603 });
    for (let i = 0; i < 3_000; i++)
      pushRecord(b, `j${i}/usage/${10_000 + i}-1`, { usd: 1_000 }, now());
    await labelInA();
    expect(held()).toBe(false);
    const routes = b.log.map((entry) => entry.route);
    expect(routes.filter((route) => route.includes('matching-refs'))).toHaveLength(1);
    expect(routes.filter((route) => route.includes('git/commits'))).toEqual([]);
    // GraphQL is one endpoint for the installation: A's simulated GitHub answers it.
    const ids = [...a.log, ...b.log].flatMap((entry) =>
      entry.route === 'POST /graphql' &&
      (entry.body as { query: string }).query.includes('BatonRecordCommits')
        ? (entry.body as { variables: { ids: string[] } }).variables.ids
        : [],
    );
    expect(ids).toHaveLength(1);
  });
});

describe('a build’s budget counts only records tied to its own runs', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let app: AppHarness | undefined;

  beforeEach(() => {
    clearHiddenRefReading();
    clearUncountedUsage();
    now = tickingClock();
    gh = installedRepo(now);
  });
  afterEach(() => app?.stop());

  it('a $1,000,000 record pushed into the build’s namespace pauses nothing, and the status says so', async () => {
    app = await startApp({ gh, now });
    const script = makeScript({ usageUsd: { plan: 0.5, work: 1, review: 0.25 } });
    const issue = labelledIssue(gh);
    await driveBuild({ gh, apps: [app], script });
    // Before /approve: a record for no run, and one for an attempt the plan's run never reached.
    const plan = gh.runs.find((run) => run.inputs.role === 'plan');
    pushRecord(gh, `${BUILD}/usage/424242-1`, { usd: 1_000_000, run_id: 424242 });
    pushRecord(gh, `${BUILD}/usage/${plan?.id}-9`, {
      usd: 1_000_000,
      run_id: plan?.id ?? 0,
      attempt: 9,
      role: 'plan',
      worker: null,
    });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script });
    const status = statusBody(gh, BUILD) ?? '';
    expect(status).not.toContain('budget reached');
    expect(status).toContain('2 usage records under this build');
    expect(gh.pulls.size).toBeGreaterThan(0);
    expect(app.errors).toEqual([]);
  });
});
