import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { docsBuild, pageReads, READ_AT } from '../support/page-builds.js';
import { type PageServer, request, signIn, startPageServer } from '../support/page-server.js';
import { type PageWorld, startPageWorld } from '../support/page-world.js';

let world: PageWorld;
let page: PageServer;

beforeEach(async () => {
  world = await startPageWorld();
  page = await startPageServer({ world, reads: pageReads(), now: () => Date.parse(READ_AT) });
});
afterEach(async () => {
  await page.close();
  await world.stop();
});

describe('the page, signed in', () => {
  it('shows a writer every build they can read, each view, and the same as JSON', async () => {
    const cookie = await signIn(page, world, 'alice');
    const home = await request(page, '/', { cookie });
    expect(home.status).toBe(200);
    expect(home.body).toContain('Add login');
    expect(home.body).toContain('Rotate the vault keys');
    expect(home.body).toContain('Rename fetch');
    const build = await request(page, '/builds/acme/shop/12-add-login', { cookie });
    expect(build.status).toBe(200);
    expect(build.body).toContain('Timeline');
    const waiting = await request(page, '/waiting', { cookie });
    expect(waiting.body).toContain('/retry W1.2 &lt;instructions&gt;');
    const spend = await request(page, '/spend', { cookie });
    expect(spend.body).toContain('Spend over time');
    const json = await request(page, '/api/baton/overview', { cookie });
    expect(JSON.parse(json.body).builds.map((row: { key: string }) => row.key)).toContain(
      'acme/vault/3-rotate-keys',
    );
  });

  it('shows memory per repository: lessons proposed, merged and applied, and each learn pull request', async () => {
    const cookie = await signIn(page, world, 'alice');
    const memory = await request(page, '/memory', { cookie });
    expect(memory.status).toBe(200);
    const rows = [...memory.body.matchAll(/<tr><td>(acme\/[a-z]+)<\/td>(.*?)<\/tr>/g)].map(
      ([, repository, cells]) => [
        repository,
        [...(cells ?? '').matchAll(/>([^<]+)<\/td>/g)].map((cell) => cell[1]),
      ],
    );
    expect(rows).toEqual([
      ['acme/shop', ['3', '3', '1', 'no finding yet']],
      ['acme/vault', ['2', '0', '0', 'no finding yet']],
    ]);
    expect(memory.body).toContain('href="https://github.com/acme/shop/pull/57"');
    expect(memory.body).toContain('merged: later sessions read them');
    expect(memory.body).toContain('href="https://github.com/acme/vault/pull/31"');
    expect(memory.body).toContain('waits for a person');
    const json = JSON.parse((await request(page, '/api/baton/overview', { cookie })).body);
    expect(json.memory).toMatchObject({ proposed: 5, merged: 3, applied: 1, rate: null });
    expect(json.memoryByRepository.map((one: { repository: string }) => one.repository)).toEqual([
      'acme/shop',
      'acme/vault',
    ]);
  });

  it('costs at most one listing of installations and one of repositories per installation, then none for a minute', async () => {
    const cookie = await signIn(page, world, 'bob');
    const before = world.server.requests.length;
    await request(page, '/', { cookie });
    await request(page, '/spend', { cookie });
    await request(page, '/api/baton/overview', { cookie });
    const asked = world.server.requests.slice(before).map((one) => `${one.method} ${one.path}`);
    expect(asked).toEqual(['GET /user/installations', 'GET /user/installations/1/repositories']);
  });

  it('adds a build the reconciles read to what the next view shows', async () => {
    const cookie = await signIn(page, world, 'bob');
    page.board.clear();
    expect((await request(page, '/', { cookie })).body).not.toContain('A new guide');
    page.board.note(docsBuild());
    expect((await request(page, '/', { cookie })).body).toContain('A new guide');
  });
});
