import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/core/audit/audit-trail.js';
import { pageReads, READ_AT } from '../support/page-builds.js';
import { type PageServer, request, signIn, startPageServer } from '../support/page-server.js';
import { type PageWorld, startPageWorld } from '../support/page-world.js';

let world: PageWorld;
let page: PageServer;

beforeEach(async () => {
  world = await startPageWorld();
  // alice owns acme; bob is a member of it, not an owner; eve is not in it.
  world.auth.memberships.set(
    'acme',
    new Map([
      ['alice', { role: 'admin', state: 'active' }],
      ['bob', { role: 'member', state: 'active' }],
    ]),
  );
  page = await startPageServer({ world, reads: pageReads(), now: () => Date.parse(READ_AT) });
});
afterEach(async () => {
  await page.close();
  await world.stop();
});

function linesOf(body: string): AuditEvent[] {
  return body
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent);
}

describe("the page's audit trail", () => {
  it('gives an owner of the organisation the events of every repository they can read, one JSON object a line', async () => {
    const cookie = await signIn(page, world, 'alice');
    const answer = await request(page, '/audit.jsonl?org=acme', { cookie });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/jsonl; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(
      'attachment; filename="baton-audit-acme.jsonl"',
    );
    const events = linesOf(answer.body);
    expect(new Set(events.map((event) => event.repository))).toEqual(
      new Set(['acme/shop', 'acme/vault', 'acme/docs']),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ repository: 'acme/shop', kind: 'merge', what: 'merge #101 W1.1' }),
    );
    // One repository, since a date: the same events, narrowed.
    const shop = linesOf(
      (await request(page, `/audit.jsonl?repo=acme/shop&since=${READ_AT}`, { cookie })).body,
    );
    expect(shop.every((event) => event.repository === 'acme/shop')).toBe(true);
    expect(shop.every((event) => Date.parse(event.at) >= Date.parse(READ_AT))).toBe(true);
  });

  it('refuses a member who is not an owner, and someone outside the organisation, with nothing of the trail', async () => {
    for (const login of ['bob', 'eve']) {
      const cookie = await signIn(page, world, login);
      const answer = await request(page, '/audit.jsonl?org=acme', { cookie });
      expect(answer.status).toBe(403);
      expect(answer.body).not.toContain('"kind"');
      expect(answer.body).not.toContain('acme/shop');
    }
    // Not signed in: nothing either.
    const anonymous = await request(page, '/audit.jsonl?org=acme');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toContain('"kind"');
  });

  it('gives an owner no event of a private repository GitHub does not list for them', async () => {
    world.auth.memberships.get('acme')?.set('bob', { role: 'admin', state: 'active' });
    const cookie = await signIn(page, world, 'bob');
    const answer = await request(page, '/audit.jsonl?org=acme', { cookie });
    expect(answer.status).toBe(200);
    const events = linesOf(answer.body);
    expect(events.length).toBeGreaterThan(0);
    expect(answer.body).not.toContain('vault');
  });

  it('refuses an owner whose invitation is pending, and an owner where the app may not read memberships', async () => {
    world.auth.memberships.get('acme')?.set('alice', { role: 'admin', state: 'pending' });
    const pending = await request(page, '/audit.jsonl?org=acme', {
      cookie: await signIn(page, world, 'alice'),
    });
    expect(pending.status).toBe(403);
    expect(pending.body).not.toContain('"kind"');
    world.auth.memberships.get('acme')?.set('alice', { role: 'admin', state: 'active' });
    for (const gh of [world.shop, world.vault, world.docs, world.lone])
      delete gh.installationGrants.permissions.members;
    const refused = await request(page, '/audit.jsonl?org=acme', {
      cookie: await signIn(page, world, 'alice'),
    });
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('"kind"');
    expect(world.auth.log.at(-1)).toMatchObject({
      route: 'GET /user/memberships/orgs/{org}',
      status: 403,
    });
  });

  it('answers a query it cannot read with 400, before asking GitHub anything', async () => {
    const cookie = await signIn(page, world, 'alice');
    const before = world.auth.log.length;
    for (const query of [
      '',
      '?org=-acme',
      '?repo=acme',
      '?org=acme&repo=other/shop',
      '?org=acme&since=yesterday',
    ])
      expect((await request(page, `/audit.jsonl${query}`, { cookie })).status).toBe(400);
    expect(world.auth.log.slice(before).map((one) => one.route)).not.toContain(
      'GET /user/memberships/orgs/{org}',
    );
  });

  it('links each organisation of the builds shown to its audit trail', async () => {
    const cookie = await signIn(page, world, 'alice');
    const home = await request(page, '/', { cookie });
    expect(home.body).toContain('href="/audit.jsonl?org=acme"');
  });
});
