import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Overview } from '../../src/core/overview/overview.js';
import { choreBuilds, docsBuild, pageReads, READ_AT, shopBuild } from '../support/page-builds.js';
import { type PageServer, request, signIn, startPageServer } from '../support/page-server.js';
import { type PageWorld, startPageWorld } from '../support/page-world.js';

/**
 * A long list narrowed by the page's query, without a script, and a view kept
 * current by conditional requests that cost GitHub nothing.
 */
let world: PageWorld;
let page: PageServer;
/** The page's clock: a test moves it. */
let clock = Date.parse(READ_AT);

beforeEach(async () => {
  clock = Date.parse(READ_AT);
  world = await startPageWorld();
  page = await startPageServer({
    world,
    reads: [...pageReads(), ...choreBuilds(100)],
    now: () => clock,
  });
});
afterEach(async () => {
  await page.close();
  await world.stop();
});

const rows = (html: string) => [...html.matchAll(/<tr><td><a href="\/builds\//g)].length;

describe('a hundred builds, filtered', () => {
  it('finds one by its title, its issue or its state, on the page and in the JSON', async () => {
    const cookie = await signIn(page, world, 'alice');
    const all = await request(page, '/', { cookie });
    expect(rows(all.body)).toBeGreaterThan(100);
    const one = await request(page, '/?q=chore+57', { cookie });
    expect(rows(one.body)).toBe(1);
    expect(one.body).toContain('Chore 57');
    expect(one.body).toContain('1 of ');
    expect(one.body).toContain('value="chore 57"');
    const byIssue = await request(page, '/api/baton/overview?q=%23157', { cookie });
    const overview = JSON.parse(byIssue.body) as Overview;
    expect(overview.builds.map((row) => row.title)).toEqual(['Chore 57']);
    expect(overview.filtered?.total).toBeGreaterThan(100);
    const running = await request(page, '/api/baton/overview?state=running', { cookie });
    const states = (JSON.parse(running.body) as Overview).builds.map((row) => row.phase);
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['running']));
    const both = await request(page, '/?state=plan-ready&q=acme/shop+%23163', { cookie });
    expect(rows(both.body)).toBe(1);
    expect(both.body).toContain('Chore 63');
  });
});

/** The overview's figures of builds running and change sets. */
const figures = (html: string) =>
  ['builds running', 'change sets'].map((label) =>
    Number(new RegExp(`<b>(\\d+)</b>${label}`).exec(html)?.[1] ?? Number.NaN),
  );

describe('the query, said and counted', () => {
  it('counts builds running and change sets whole under a filter, as what waits and the spend', async () => {
    const cookie = await signIn(page, world, 'alice');
    const whole = figures((await request(page, '/', { cookie })).body);
    expect(whole[0]).toBeGreaterThan(0);
    expect(whole[1]).toBe(1);
    for (const query of ['/?state=plan-ready', '/?q=chore+57', '/?state=delivered&q=nothing'])
      expect(figures((await request(page, query, { cookie })).body)).toEqual(whole);
  });

  it('says a state that is none instead of dropping it: a note on the page, 400 for the JSON', async () => {
    const cookie = await signIn(page, world, 'alice');
    const html = await request(page, '/?state=bogus', { cookie });
    expect(html.status).toBe(200);
    expect(html.body).toContain(
      '<p class="note">There is no state &quot;bogus&quot;: every state is shown. The states are running, delivered,',
    );
    const json = await request(page, '/api/baton/overview?state=%3Cb%3Ebogus', { cookie });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body).message).toContain('There is no state "<b>bogus": every state');
    const known = await request(page, '/?state=running', { cookie });
    expect(known.body).not.toContain('There is no state');
  });
});

describe('the page kept current', () => {
  it('answers a poll with what it holds 304, asking GitHub nothing, and a changed build with the new view', async () => {
    const cookie = await signIn(page, world, 'alice');
    const first = await request(page, '/?q=chore', { cookie });
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.body).toContain(
      `<meta name="baton-etag" content="${etag.replaceAll('"', '&quot;')}"`,
    );
    const before = world.server.requests.length;
    for (let poll = 0; poll < 20; poll++) {
      const again = await request(page, '/?q=chore', {
        cookie,
        headers: { 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
    }
    expect(
      world.server.requests.slice(before).map((asked) => `${asked.method} ${asked.path}`),
    ).toEqual([]);
    // A build the reconciles read again, changed: the next poll gets the new view.
    page.board.note(docsBuild());
    const unchanged = await request(page, '/?q=chore', {
      cookie,
      headers: { 'if-none-match': etag },
    });
    expect(unchanged.status).toBe(304);
    page.board.note(shopBuild({ planTitle: 'Add login, the chore' }));
    const changed = await request(page, '/?q=chore', {
      cookie,
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body).toContain('Add login, the chore');
  });

  it('answers a poll a minute later 304 with a change set on the page, its burndown drawn to the new now', async () => {
    const cookie = await signIn(page, world, 'alice');
    const addresses = [
      '/',
      '/api/baton/overview',
      '/builds/acme/shop/20-rename-fetch',
      '/api/baton/builds/acme/shop/20-rename-fetch',
    ];
    const first = await Promise.all(addresses.map((address) => request(page, address, { cookie })));
    expect(first.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(first[0]?.body).toContain('Workers left');
    for (const minutes of [1, 2, 10]) {
      clock = Date.parse(READ_AT) + minutes * 60_000;
      const polls = await Promise.all(
        addresses.map((address, index) =>
          request(page, address, {
            cookie,
            headers: { 'if-none-match': first[index]?.headers.get('etag') ?? '' },
          }),
        ),
      );
      expect(polls.map((answer) => answer.status)).toEqual([304, 304, 304, 304]);
    }
  });

  it('gives each viewer and each address its own tag', async () => {
    const alice = await signIn(page, world, 'alice');
    const bob = await signIn(page, world, 'bob');
    const tags = await Promise.all([
      request(page, '/', { cookie: alice }),
      request(page, '/', { cookie: bob }),
      request(page, '/waiting', { cookie: alice }),
      request(page, '/api/baton/overview', { cookie: alice }),
    ]);
    const etags = tags.map((answer) => answer.headers.get('etag'));
    expect(new Set(etags).size).toBe(4);
    const crossed = await request(page, '/', {
      cookie: bob,
      headers: { 'if-none-match': etags[0] ?? '' },
    });
    expect(crossed.status).toBe(200);
  });
});
