import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageReads, READ_AT } from '../support/page-builds.js';
import { type PageServer, request, signIn, startPageServer } from '../support/page-server.js';
import { type PageWorld, startPageWorld } from '../support/page-world.js';

/**
 * Attacks on what the page shows: a person reads only the builds GitHub lets
 * them read. bob reads acme/shop and writes acme/docs; acme/vault is private
 * to alice. Its build ("Rotate the vault keys") and its part of the change set
 * on acme/shop#20 (the worker "Seal the vault") must never reach bob, nor
 * anyone not signed in.
 */
let world: PageWorld;
let page: PageServer;
let bob: string;

const PRIVATE = ['Rotate the vault keys', 'Seal the vault', 'acme/vault', '3-rotate-keys'];

beforeAll(async () => {
  world = await startPageWorld();
  page = await startPageServer({ world, reads: pageReads(), now: () => Date.parse(READ_AT) });
  bob = await signIn(page, world, 'bob');
});
afterAll(async () => {
  await page.close();
  await world.stop();
});

function expectNothingPrivate(body: string): void {
  for (const text of PRIVATE) expect(body).not.toContain(text);
}

describe('a viewer reads no private repository’s build', () => {
  it.each(['/', '/waiting', '/spend', '/api/baton/overview'])(
    '%s names nothing of acme/vault',
    async (path) => {
      const answer = await request(page, path, { cookie: bob });
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('acme/docs');
      expectNothingPrivate(answer.body);
    },
  );

  it('shows bob memory of acme/shop alone: not acme/vault’s learn pull request, its lessons nor its count', async () => {
    const answer = await request(page, '/memory', { cookie: bob });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('https://github.com/acme/shop/pull/57');
    expectNothingPrivate(answer.body);
    expect(answer.body).toContain('<b>3</b>lessons proposed');
  });

  it.each(['/builds/acme/vault/3-rotate-keys', '/api/baton/builds/acme/vault/3-rotate-keys'])(
    '%s answers as if there were no such build',
    async (path) => {
      const answer = await request(page, path, { cookie: bob });
      const none = await request(page, path.replace('3-rotate-keys', '4-no-such-build'), {
        cookie: bob,
      });
      expect(answer.status).toBe(404);
      expect(answer.body).toBe(none.body);
      expectNothingPrivate(answer.body);
    },
  );

  it('shows bob the change set without its private member: no line, no worker, no dependency', async () => {
    const home = await request(page, '/', { cookie: bob });
    expect(home.body).toContain('Rename fetch');
    const detail = await request(page, '/builds/acme/shop/20-rename-fetch', { cookie: bob });
    const json = await request(page, '/api/baton/builds/acme/shop/20-rename-fetch', {
      cookie: bob,
    });
    for (const answer of [detail, json]) {
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('Call get');
      expectNothingPrivate(answer.body);
    }
    expect(JSON.parse(json.body).graph).toEqual([
      { id: 'W2.1', title: 'Call get', repository: 'acme/shop', state: 'working', dependsOn: [] },
    ]);
  });

  it('shows alice, who may read acme/vault, all of it', async () => {
    const alice = await signIn(page, world, 'alice');
    const detail = await request(page, '/api/baton/builds/acme/shop/20-rename-fetch', {
      cookie: alice,
    });
    expect(detail.body).toContain('Seal the vault');
    expect(
      (await request(page, '/builds/acme/vault/3-rotate-keys', { cookie: alice })).status,
    ).toBe(200);
  });
});

describe('nothing is shown without signing in', () => {
  it.each(['/', '/waiting', '/spend', '/builds/acme/shop/12-add-login'])(
    '%s is the sign-in page',
    async (path) => {
      const answer = await request(page, path);
      expect(answer.status).toBe(401);
      expect(answer.body).toContain('Sign in with GitHub');
      expect(answer.body).not.toContain('Add login');
      expectNothingPrivate(answer.body);
    },
  );

  it.each(['/api/baton/overview', '/api/baton/builds/acme/shop/12-add-login'])(
    '%s answers 401 and no data',
    async (path) => {
      const answer = await request(page, path);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({
        message: 'sign in first: open /sign-in in a browser',
      });
    },
  );
});
