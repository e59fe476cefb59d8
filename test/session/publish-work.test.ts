import { describe, expect, it } from 'vitest';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import type { SessionResult } from '../../src/session/result.js';
import { INSTALLATION_TOKEN } from './publish/fake-github.js';
import { BUILD, makeCompletion, makeResult, workSession } from './publish/fixture.js';
import { PULL_URL, PULLS, usePublishHarness } from './publish/harness.js';
import { WORKER_BRANCH, WORKER_COMPLETION } from './publish/worker-paths.js';

const h = usePublishHarness();

/** W1.1's work session with its completion; `result` changes what its result says. */
function commitWork(result: Partial<SessionResult> = {}): string {
  return workSession(
    h.fixture,
    {
      'src/login.ts': 'export const login = true;\n',
      [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
    },
    { result },
  );
}

describe('publish of a work session', () => {
  it('pushes the worker branch as the app and opens the PR into the build branch', async () => {
    const head = commitWork();

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    const basic = Buffer.from(`x-access-token:${INSTALLATION_TOKEN}`).toString('base64');
    expect(h.github.gitAuth).toContain(`basic ${basic}`);
    expect(h.writes()).toEqual([`POST ${PULLS}`]);
    const opened = h.github.api.find((call) => call.method === 'POST');
    expect(opened?.authorization).toBe(`Bearer ${INSTALLATION_TOKEN}`);
    expect(opened?.body).toMatchObject({
      title: '[add-login] W1.1: Add the login form',
      head: WORKER_BRANCH,
      base: integrationBranch(BUILD),
    });
    const body = (opened!.body as { body: string }).body;
    expect(body).toContain('Added the login form and its tests.');
    expect(body).toContain('- The form has no rate limit yet.');
    expect(body).toMatch(
      /<!-- baton:worker build=12-add-login worker=W1.1 -->\n\n<!-- baton:evidence [\w-]+ -->$/,
    );
    expect(parseEvidenceMarker(body)?.head).toBe(head);
  });

  it('sums the connections the egress proxy refused in the PR body and the job summary', async () => {
    commitWork({
      blocked: [
        { host: 'example.com', port: 443, count: 3 },
        { host: '10.0.0.7', port: 80, count: 1 },
      ],
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    const opened = h.github.api.find((call) => call.method === 'POST');
    const body = (opened!.body as { body: string }).body;
    const line = 'blocked: 3 connections to example.com:443, 1 connection to 10.0.0.7:80';
    expect(body).toContain(`### Network\n\n${line}`);
    expect(body).toContain('`session.network.allow`');
    expect(h.summary()).toContain(`Network: ${line}`);
  });

  it('refuses a result whose refused host is not a host name (no text of the model’s in the PR body)', async () => {
    commitWork({ blocked: [{ host: '@maintainer **see**', port: 443, count: 1 }] });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.writes()).toEqual([]);
  });

  it('never writes the installation token to the log or the job summary', async () => {
    commitWork();

    await h.publish();

    expect(h.logs.join('\n')).not.toContain(INSTALLATION_TOKEN);
    expect(h.summary()).not.toContain(INSTALLATION_TOKEN);
    expect(h.summary()).toContain(`Opened pull request #7: ${PULL_URL}`);
  });

  it('updates the body of the PR already open instead of opening a second one', async () => {
    h.github.routes.set(`GET ${PULLS}`, (call) => ({
      status: 200,
      body:
        call.query.get('head') === `acme:${WORKER_BRANCH}`
          ? [{ number: 7, html_url: PULL_URL }]
          : [],
    }));
    commitWork();

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(h.writes()).toEqual([`PATCH ${PULLS}/7`]);
  });

  it('finishes the job on a second run after the first pushed and GitHub kept failing', async () => {
    const head = commitWork();
    h.github.routes.set(`POST ${PULLS}`, () => ({ status: 502, body: { message: 'Bad gateway' } }));
    expect(await h.publish()).toBe(PUBLISH_EXIT.error);
    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    // Bounded: the first try and four more, each logged.
    expect(h.writes()).toEqual(Array(5).fill(`POST ${PULLS}`));
    expect(h.logs.filter((line) => line.startsWith('GitHub answered 502 to POST'))).toHaveLength(5);
    expect(h.logs.join('\n')).toContain('after 5 tries');
    h.github.routes.set(`POST ${PULLS}`, () => ({
      status: 201,
      body: { number: 7, html_url: PULL_URL },
    }));

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    expect(h.writes()).toEqual(Array(6).fill(`POST ${PULLS}`));
  });

  it('retries a 502 on opening the PR after the push, within one run', async () => {
    const head = commitWork();
    let tries = 0;
    h.github.routes.set(`POST ${PULLS}`, () =>
      ++tries === 1
        ? { status: 502, body: { message: 'Bad gateway' } }
        : { status: 201, body: { number: 7, html_url: PULL_URL } },
    );

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    expect(h.writes()).toEqual([`POST ${PULLS}`, `POST ${PULLS}`]);
    expect(h.summary()).toContain('Opened pull request #7');
  });

  it('reuses the PR that a retried POST already created (the 502 came after GitHub acted)', async () => {
    commitWork();
    let created = false;
    h.github.routes.set(`GET ${PULLS}`, () => ({
      status: 200,
      body: created ? [{ number: 7, html_url: PULL_URL }] : [],
    }));
    h.github.routes.set(`POST ${PULLS}`, () => {
      if (created) {
        return { status: 422, body: { message: 'A pull request already exists for acme:branch.' } };
      }
      created = true;
      return { status: 502, body: { message: 'Bad gateway' } };
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(h.writes()).toEqual([`POST ${PULLS}`, `POST ${PULLS}`, `PATCH ${PULLS}/7`]);
    expect(h.summary()).toContain('Updated pull request #7');
  });

  it('stops with the app’s reason when the token exchange is refused, pushing nothing', async () => {
    commitWork();
    h.github.exchange = { status: 403, body: { message: 'the run is not on a Baton branch' } };

    expect(await h.publish()).toBe(PUBLISH_EXIT.error);

    expect(h.logs.join('\n')).toContain('the run is not on a Baton branch');
    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(h.fixture.base);
    expect(h.github.api).toEqual([]);
  });

  it('keeps a failed session’s commits on its branch, opens no PR and exits 1', async () => {
    const head = h.fixture.agentCommit({
      branch: WORKER_BRANCH,
      files: { 'src/login.ts': 'half\n' },
    });
    h.fixture.writeResult(
      makeResult({
        status: 'failed',
        reason: 'The tests kept failing.',
        base: h.fixture.base,
        head,
      }),
    );

    expect(await h.publish()).toBe(PUBLISH_EXIT.sessionFailed);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    expect(h.github.api).toEqual([]);
    expect(h.summary()).toContain('The session ended failed: The tests kept failing.');
    expect(h.summary()).toContain('$0.1234');
  });
});

describe('publish of partial work', () => {
  const partial = makeCompletion({
    status: 'partial',
    summary: 'The form renders; its validation is not done.',
    handoff: {
      done: 'The login form renders.',
      left: 'Validation and its tests.',
      next: 'Validate the e-mail field.',
    },
  });

  /** The GraphQL endpoint publish uses, under the fake's REST prefix so that it is recorded. */
  function graphql() {
    const calls: unknown[] = [];
    h.github.routes.set('POST /graphql', (request) => {
      calls.push(request.body);
      return {
        status: 200,
        body: { data: { convertPullRequestToDraft: { pullRequest: { isDraft: true } } } },
      };
    });
    return { calls, env: { GITHUB_GRAPHQL_URL: `${h.github.url}/api/v3/graphql` } };
  }

  it('opens a work session’s partial work as a draft pull request with its hand-off note, and records its limit and messages', async () => {
    const head = workSession(
      h.fixture,
      {
        'src/login.ts': 'export const login = true;\n',
        [WORKER_COMPLETION]: JSON.stringify(partial),
      },
      {
        result: {
          status: 'partial',
          reason: 'The form renders; its validation is not done.',
          limit: 'budget',
          messages: [{ comment: 77, turn: 3 }],
          completion: partial,
        },
      },
    );
    const { env } = graphql();

    expect(await h.publish({ ...env, GITHUB_RUN_ID: '4242' })).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    const opened = h.github.api.find((call) => call.method === 'POST' && call.path === PULLS);
    expect(opened?.body).toMatchObject({ draft: true, head: WORKER_BRANCH });
    const body = (opened!.body as { body: string }).body;
    expect(body).toContain('⏸️ **Partial work.**');
    expect(body).toContain('`/continue W1.1`');
    expect(body).toContain('- **Next:** Validate the e-mail field.');
    const record = h.usageMessage('4242');
    expect(record).toContain('"outcome":"partial"');
    expect(record).toContain('"limit":"budget"');
    expect(record).toContain('"messages":[{"comment":77,"turn":3}]');
  });

  it('refuses partial work whose report is another worker’s, writing nothing', async () => {
    const other = makeCompletion({ ...partial, worker_id: 'W1.2' });
    workSession(
      h.fixture,
      {
        'src/login.ts': 'export const login = true;\n',
        [WORKER_COMPLETION]: JSON.stringify(other),
      },
      { result: { status: 'partial', reason: 'stopped', limit: 'budget', completion: other } },
    );

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);

    expect(h.github.api.filter((call) => call.method !== 'GET')).toEqual([]);
    expect(h.summary()).toContain('the completion is for W1.2, not W1.1');
  });

  it('makes a fix session’s pull request a draft when it hands in partial work', async () => {
    const head = workSession(
      h.fixture,
      { [WORKER_COMPLETION]: JSON.stringify(partial), 'src/login.ts': 'export const login = 2;\n' },
      { result: { role: 'fix', pr: 7, status: 'partial', reason: 'partial', completion: partial } },
    );
    const { calls, env } = graphql();

    expect(await h.publish({ BATON_ROLE: 'fix', BATON_PR: '7', ...env })).toBe(
      PUBLISH_EXIT.published,
    );

    expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(head);
    expect(calls).toEqual([
      expect.objectContaining({
        variables: { id: 'PR_7' },
        query: expect.stringContaining('convertPullRequestToDraft'),
      }),
    ]);
  });
});
