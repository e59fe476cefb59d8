import { describe, expect, it } from 'vitest';
import { completionPath, integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { mintSessionToken } from '../../src/session/publish/write/token/mint-session-token.js';
import {
  APP_ID,
  everyJwtWasTheApps,
  INSTALLATION_ID,
  serveApp,
  serverlessEnv,
} from './publish/app-routes.js';
import { INSTALLATION_TOKEN } from './publish/fake-github.js';
import { BUILD, makeCompletion, WORKER, workSession } from './publish/fixture.js';
import { PULLS, usePublishHarness } from './publish/harness.js';

const BRANCH = workerBranch(BUILD, WORKER);
const h = usePublishHarness();

function commitWork(): string {
  return workSession(h.fixture, {
    'src/login.ts': 'export const login = true;\n',
    [completionPath(BUILD, WORKER)]: JSON.stringify(makeCompletion()),
  });
}

describe('publish with nothing hosted: it mints its own token from the app’s key', () => {
  it('mints a token for this repository with the work role’s permissions, writes with it, and revokes it', async () => {
    const minted = serveApp(h.github);
    const head = commitWork();

    expect(await h.publish(serverlessEnv())).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(BRANCH)).toBe(head);
    expect(await everyJwtWasTheApps(minted)).toBe(true);
    expect(minted.map((request) => request.body)).toEqual([
      { repository_ids: [901], permissions: { contents: 'write', pull_requests: 'write' } },
    ]);
    const opened = h.github.api.find((call) => call.method === 'POST' && call.path === PULLS);
    expect(opened?.authorization).toBe(`Bearer ${INSTALLATION_TOKEN}`);
    expect(h.github.revoked).toEqual([`Bearer ${INSTALLATION_TOKEN}`]);
    // No OIDC exchange: nothing asked the app's endpoint.
    expect(h.github.api.map((call) => call.path)).not.toContain('/app/api/baton/session-token');
    // The bot's login came with the installation: no `GET /app` of its own.
    expect(h.github.api.filter((call) => /\/app$/.test(call.path))).toEqual([]);
  });

  /** Mints as publish would for `role`, on the harness's fake GitHub. */
  function mintFor(
    role: 'plan' | 'fix' | 'learn' | 'work',
    overrides: Record<string, string> = {},
  ) {
    return mintSessionToken({
      env: {
        ...(serverlessEnv() as Record<string, string>),
        BATON_BUILD: BUILD,
        GITHUB_API_URL: `${h.github.url}/api/v3`,
        GITHUB_REPOSITORY: 'acme/app',
        ...overrides,
      },
      role,
      fetch: globalThis.fetch,
      mask: () => {},
      log: () => {},
    });
  }

  it('gives a plan session issues: read and actions: read, as the endpoint does', async () => {
    const minted = serveApp(h.github);
    expect(await mintFor('plan')).toMatchObject({ ok: true, token: INSTALLATION_TOKEN });
    expect(minted[0]?.body.permissions).toEqual({
      contents: 'write',
      pull_requests: 'write',
      issues: 'read',
      actions: 'read',
    });
  });

  it('mints for a learn session on the default branch, and for no other session there', async () => {
    const minted = serveApp(h.github);
    const main = { GITHUB_REF: 'refs/heads/main' };
    expect(await mintFor('learn', main)).toMatchObject({ ok: true, token: INSTALLATION_TOKEN });
    expect(minted[0]?.body.permissions).toEqual({ contents: 'write', pull_requests: 'write' });
    expect(await mintFor('work', main)).toEqual({
      ok: false,
      message:
        'The run is on refs/heads/main, not on a Baton branch (refs/heads/baton/<build>/...).',
    });
    expect(await mintFor('learn', { GITHUB_REF: 'refs/tags/v1' })).toEqual({
      ok: false,
      message: 'The run is on refs/tags/v1.',
    });
    expect(minted).toHaveLength(1);
  });

  it('widens a fix’s token with workflows only when its merge of the build branch brings a workflow change', async () => {
    const minted = serveApp(h.github);
    const workflows = { integration: 'new' };
    h.github.routes.set('GET /repos/acme/app/contents/.github/workflows', (request) => ({
      status: 200,
      body: [
        {
          path: '.github/workflows/ci.yml',
          sha:
            request.query.get('ref') === integrationBranch(BUILD) ? workflows.integration : 'old',
        },
      ],
    }));
    expect(await mintFor('fix')).toMatchObject({ ok: true, token: `${INSTALLATION_TOKEN}-2` });
    expect(minted.map((request) => request.body.permissions)).toEqual([
      { contents: 'write', pull_requests: 'write' },
      { contents: 'write', pull_requests: 'write', workflows: 'write' },
    ]);
    expect(h.github.revoked).toEqual([`Bearer ${INSTALLATION_TOKEN}`]);

    workflows.integration = 'old';
    expect(await mintFor('fix')).toMatchObject({ ok: true });
    expect(minted.at(-1)?.body.permissions).toEqual({ contents: 'write', pull_requests: 'write' });
  });

  it('widens a first attempt’s token with workflows only when its commit changes a workflow since its merge base with the default branch', async () => {
    const minted = serveApp(h.github);
    // The run's commit (the build branch's head at dispatch), compared with `main`.
    const head = 'c'.repeat(40);
    const world = { changed: true, comparable: true };
    h.github.routes.set('GET /repos/acme/app', () => ({
      status: 200,
      body: { default_branch: 'main' },
    }));
    h.github.routes.set(`GET /repos/acme/app/compare/main...${head}`, () =>
      world.comparable
        ? {
            status: 200,
            body: {
              merge_base_commit: { sha: 'b'.repeat(40) },
              files: [{ filename: world.changed ? '.github/workflows/ci.yml' : 'src/login.ts' }],
            },
          }
        : { status: 404, body: { message: 'No common ancestor' } },
    );
    // Where the two share no history: the folder's listings on the default branch and the commit.
    h.github.routes.set('GET /repos/acme/app/contents/.github/workflows', (request) => ({
      status: 200,
      body: [
        {
          path: '.github/workflows/ci.yml',
          sha: request.query.get('ref') === head && world.changed ? 'new' : 'old',
        },
      ],
    }));
    // The first attempt runs on the build branch; its publish opens the worker's branch.
    const firstAttempt = { GITHUB_REF: `refs/heads/${integrationBranch(BUILD)}`, GITHUB_SHA: head };
    const plain = { contents: 'write', pull_requests: 'write' };
    const permissions = async (overrides: Record<string, string> = {}) => {
      expect(await mintFor('work', { ...firstAttempt, ...overrides })).toMatchObject({ ok: true });
      return minted.at(-1)?.body.permissions;
    };
    expect(await permissions()).toEqual({ ...plain, workflows: 'write' });
    expect(minted.map((request) => request.body.permissions)).toEqual([
      plain,
      { ...plain, workflows: 'write' },
    ]);
    expect(h.github.revoked).toEqual([`Bearer ${INSTALLATION_TOKEN}`]);
    // A run with a trigger (a retry, an answer to a comment) is no first attempt: its branch is there.
    expect(await permissions({ BATON_TRIGGER: 'retry-1' })).toEqual(plain);
    world.comparable = false;
    expect(await permissions()).toEqual({ ...plain, workflows: 'write' });

    world.changed = false;
    expect(await permissions()).toEqual(plain);
    world.comparable = true;
    expect(await permissions()).toEqual(plain);
  });

  it('says which variable to set when the app id is not the key’s app, or the app is not installed', async () => {
    serveApp(h.github);
    h.github.routes.set('GET /repos/acme/app/installation', () => ({
      status: 404,
      body: { message: 'Not Found' },
    }));
    commitWork();
    expect(await h.publish(serverlessEnv())).toBe(PUBLISH_EXIT.error);
    expect(h.summary()).toContain(
      `The app with id ${APP_ID} is not installed on acme/app: install it there, or set BATON_APP_ID`,
    );
    expect(h.summary()).not.toContain(String(INSTALLATION_ID));
  });

  it('never shows the key, the JWT or the token in its log or summary', async () => {
    const minted = serveApp(h.github);
    commitWork();
    await h.publish(serverlessEnv());
    const text = `${h.logs.join('\n')}\n${h.summary()}`;
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(INSTALLATION_TOKEN);
    expect(minted).toHaveLength(1);
  });
});
