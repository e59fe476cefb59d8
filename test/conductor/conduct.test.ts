import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateAppKey } from '../../sim/e2e.js';
import { repositoryPayload } from '../../sim/github/events.js';
import { type FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import { conduct } from '../../src/conductor/conduct.js';
import { testOctokit } from '../support/app-harness.js';
import { mountEachTest } from '../support/app-tests.js';
import { installedRepo, tickingClock } from '../support/builds.js';
import { captureLog } from '../support/captured-log.js';
import { branchPull, PULL_LABEL_ON, pullLabelEvent } from '../support/labelled-pull.js';

const KEY = generateAppKey();

/**
 * A repository with Baton set up, whose GitHub knows the app by KEY, and
 * another of its installation with Baton too (`lib`).
 */
function repo(): FakeGitHub {
  const now = tickingClock();
  const gh = installedRepo(now);
  gh.appPublicKey = createPublicKey(KEY);
  lib = installedRepo(now, { repo: 'lib', repositoryId: 2 });
  joinInstallation(gh, lib);
  return gh;
}

let gh: FakeGitHub;
let lib: FakeGitHub;
mountEachTest((mounted) => {
  gh = mounted;
}, repo);

/** Runs the conduct job for one event, as the conductor workflow does; answers its exit code and log. */
async function run(
  event: { name: string; payload: Record<string, unknown> },
  {
    key = KEY,
    patienceMs,
    paced = false,
    now,
  }: {
    key?: string;
    patienceMs?: number;
    /** The job's clock; the machine's unless given. */
    now?: () => string;
    /** With Baton's own Octokit, paced by the installation's runs (writes not spaced here). */
    paced?: boolean;
  } = {},
): Promise<{ code: number; log: string }> {
  const log = captureLog('info');
  const spacing = process.env.BATON_WRITE_SPACING_MS;
  if (paced) process.env.BATON_WRITE_SPACING_MS = '0';
  const code = await conduct({
    env: {
      BATON_APP_ID: '1',
      BATON_APP_PRIVATE_KEY: key,
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_REPOSITORY: gh.fullName,
      GITHUB_REPOSITORY_ID: String(gh.repositoryId),
      GITHUB_RUN_ID: '7001',
    },
    event,
    log: log.log,
    mask: () => {},
    ...(paced ? {} : { Octokit: testOctokit() }),
    ...(patienceMs === undefined ? {} : { patienceMs }),
    ...(now ? { now } : {}),
  }).finally(() => {
    if (spacing === undefined) delete process.env.BATON_WRITE_SPACING_MS;
    else process.env.BATON_WRITE_SPACING_MS = spacing;
  });
  return { code, log: log.text() };
}

/** `issues.labeled` as a workflow reads it: no `installation`, a repository's event. */
function labelled(issue: number) {
  const payload = {
    action: 'labeled',
    issue: { number: issue, title: 'Add a login page', labels: [{ name: 'orchestrate' }] },
    label: { name: 'orchestrate' },
    sender: { login: 'maintainer', type: 'User' },
    repository: repositoryPayload(gh),
  };
  return { name: 'issues', payload };
}

describe('the conduct job', () => {
  it("starts a build from a writer's label as the app, with a token it minted for this repository", async () => {
    const issue = gh.openIssue({ title: 'Add a login page', user: 'maintainer' });

    const { code } = await run(labelled(issue));

    expect(code).toBe(0);
    expect(gh.runs.map((r) => r.displayTitle)).toEqual([
      `baton plan ${issue}-add-a-login-page - -`,
    ]);
    expect(gh.comments.filter((c) => c.body.includes('<!-- baton:status'))).toHaveLength(1);
    const minted = gh.log.filter((entry) => entry.route.endsWith('/access_tokens'));
    expect(minted.map((entry) => entry.body)).toEqual([{ repository_ids: [gh.repositoryId] }]);
    expect(minted.map((entry) => entry.status)).toEqual([201]);
  });

  it("paces by the session runs of every repository of the installation, read with a read-only token of the installation's", async () => {
    const issue = gh.openIssue({ title: 'Add a login page', user: 'maintainer' });

    const { code } = await run(labelled(issue), { paced: true });

    expect(code).toBe(0);
    const minted = gh.log.filter((entry) => entry.route.endsWith('/access_tokens'));
    expect(minted.map((entry) => entry.body)).toEqual([
      { repository_ids: [gh.repositoryId] },
      { permissions: { metadata: 'read', actions: 'read' } },
    ]);
    // The other repository's runs were listed too, though the job did nothing there.
    const listings = (one: FakeGitHub) =>
      one.log
        .filter((entry) => entry.route.endsWith('/workflows/{workflow_id}/runs'))
        .map((entry) => entry.status);
    expect(listings(gh)).toContain(200);
    expect(listings(lib)).toContain(200);
  });

  it('revokes every token it minted when it ends: none of them works after the job', async () => {
    const issue = gh.openIssue({ title: 'Add a login page', user: 'maintainer' });

    const { code, log } = await run(labelled(issue), { paced: true });

    expect(code).toBe(0);
    const minted = gh.log.filter((entry) => entry.route.endsWith('/access_tokens'));
    expect(minted).toHaveLength(2);
    expect([...gh.tokens.keys()].filter((token) => !gh.revokedTokens.has(token))).toEqual([]);
    expect(gh.revokedTokens.size).toBe(2);
    expect(lib.tokens.size).toBe(0);
    expect(gh.log.filter((entry) => entry.route === 'DELETE /installation/token')).toHaveLength(2);
    expect(log).not.toContain('could not be revoked');
  });

  it('says which secret to fix when GitHub refuses the key, and writes nothing', async () => {
    const issue = gh.openIssue({ title: 'Add a login page', user: 'maintainer' });

    const { code, log } = await run(labelled(issue), { key: generateAppKey() });

    expect(code).toBe(2);
    expect(log).toContain('could not act as the app');
    expect(log).toContain('A JSON web token could not be decoded');
    expect(gh.runs).toEqual([]);
    expect(gh.comments).toEqual([]);
  });

  it('ends when the next try of a reconcile GitHub failed is further off than its patience', async () => {
    const issue = gh.openIssue({ title: 'Add a login page', user: 'maintainer' });
    // GitHub fails every read of the build for a while; a retry is 5 s away, past a patience of 1 s.
    for (let i = 0; i < 20; i++)
      gh.faults.push({
        route: 'POST /graphql',
        response: { status: 502, body: { message: 'Bad' } },
      });

    const { code, log } = await run(labelled(issue), { patienceMs: 1_000 });

    expect(code).toBe(1);
    expect(log).toContain('reconcile failed; the next event or the hourly run tries again');
    expect(gh.log.filter((entry) => entry.route === 'POST /graphql')).toHaveLength(1);
    expect(gh.runs).toEqual([]);
  });

  it('looks at every open build on the hourly run', async () => {
    const issue = gh.openIssue({ title: 'Add a login page', user: 'maintainer' });
    await run(labelled(issue));
    const before = gh.log.length;

    const { code, log } = await run({ name: 'schedule', payload: { schedule: '17 * * * *' } });

    expect(code).toBe(0);
    expect(log).toContain(`"builds":["${issue}-add-a-login-page"]`);
    // The build was read again: its one GraphQL query, at least.
    expect(gh.log.slice(before).some((entry) => entry.route === 'POST /graphql')).toBe(true);
  });

  it("asks for one fix build from a named workflow's red run on the default branch, however often it comes", async () => {
    gh.git.commitOn(
      gh.defaultBranch,
      { '.github/baton.yml': 'events:\n  checkFailed:\n    workflows: [CI]\n' },
      'Name CI',
    );
    const head = gh.git.commitOn(gh.defaultBranch, { 'src/a.ts': 'x\n' }, 'A push');
    const at = gh.now();
    const red = {
      ...{ id: gh.nextId(), workflow: 'ci.yml', displayTitle: 'CI', event: 'push' },
      ...{ headBranch: gh.defaultBranch, headSha: head, status: 'completed' as const },
      ...{ conclusion: 'failure', createdAt: at, updatedAt: at, runAttempt: 1, inputs: {} },
      ...{ actor: 'maintainer', triggeringActor: 'maintainer' },
    };
    gh.runs.push(red);
    gh.events.run('completed', red);
    const [event] = gh.outbox.splice(0);
    if (!event) throw new Error('no workflow_run event');
    for (let again = 0; again < 2; again++) expect((await run(event)).code).toBe(0);

    const fixes = [...gh.issues.values()].filter((issue) =>
      issue.body.startsWith('<!-- baton:check-failed'),
    );
    expect(fixes.map((issue) => issue.title)).toEqual([
      `Fix main: CI failed at ${head.slice(0, 7)}`,
    ]);
    expect(gh.runs.filter((one) => one.inputs.role === 'plan')).toHaveLength(1);
  });

  it("starts a build on a pull request's branch from a writer's label on it, as pull_request_target", async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': PULL_LABEL_ON }, 'On');
    const pull = branchPull(gh, { title: 'Ship 2.0' });
    const { installation: _, ...payload } = pullLabelEvent(gh, pull).payload;

    expect((await run({ name: 'pull_request_target', payload })).code).toBe(0);
    expect(gh.runs.map((r) => r.displayTitle)).toEqual([`baton plan ${pull.number}-ship-2-0 - -`]);
    expect(gh.git.resolve(`baton/${pull.number}-ship-2-0/integration`)).toBe(
      gh.git.resolve('release/2.0'),
    );
  });

  it("answers the build label on a fork's pull request with why it is not built, and starts nothing", async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': PULL_LABEL_ON }, 'On');
    const pull = branchPull(gh, { branch: 'baton/12-add-login/W1.1', fork: 'mallory/widgets' });
    const { installation: _, ...payload } = pullLabelEvent(gh, pull).payload;

    expect((await run({ name: 'pull_request_target', payload })).code).toBe(0);
    expect(gh.runs).toEqual([]);
    const replies = gh.comments.filter((comment) => comment.issue === pull.number);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('mallory/widgets');
  });

  it('asks again on the hourly run for a build whose label no run heard, once', async () => {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    gh.outbox.splice(0); // GitHub started no conductor run for it
    const hourly = { name: 'schedule', payload: { schedule: '17 * * * *' } };
    // The job's clock is GitHub's, whose times the label's event carries.
    const now = () => gh.now();

    expect((await run(hourly, { now })).code).toBe(0);
    expect((await run(hourly, { now })).code).toBe(0);
    expect(gh.runs.map((r) => r.displayTitle)).toEqual([`baton plan ${issue}-add-oauth-login - -`]);
  });

  it('fires a schedule due on the hourly run, once however often the run comes', async () => {
    const sha = gh.git.commitOn(
      gh.defaultBranch,
      {
        '.github/baton.yml': "schedules:\n  - name: weekly\n    cron: '0 9 * * 1'\n    issue: 1\n",
      },
      'A weekly build',
    );
    gh.commitAuthors.set(sha, 'maintainer');
    const again = gh.openIssue({ title: 'Tidy the docs', user: 'maintainer' });
    expect(again).toBe(1);
    const hourly = { name: 'schedule', payload: { schedule: '17 * * * *' } };
    const monday = () => '2026-11-30T09:17:00.000Z';

    expect((await run(hourly, { now: () => '2026-11-30T08:17:00.000Z' })).code).toBe(0);
    expect(gh.runs).toEqual([]);
    expect((await run(hourly, { now: monday })).code).toBe(0);
    expect((await run(hourly, { now: monday })).code).toBe(0);

    expect(gh.runs.map((r) => r.displayTitle)).toEqual([
      'baton plan 2-weekly-2026-11-30-09-00-utc - -',
    ]);
    expect(gh.issues.get(2)?.body).toContain('Again, as #1 asks: Tidy the docs');
  });
});
