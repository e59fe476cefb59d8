import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyPolicy, checkPolicy, effectiveSettings } from '../../src/core/config/org-policy.js';
import { READ_AT } from '../support/page-builds.js';
import { type PageServer, pageEachTest, request, signIn } from '../support/page-server.js';
import { type PageWorld, setConfig, setPolicy } from '../support/page-world.js';

const POLICY = `defaults:
  budget:
    maxUsd: 20
limits:
  maxUsd: 30
`;

/** acme/shop's file: one setting that loosens the policy's limit, one within it. */
const SHOP = `budget:
  maxUsd: 500
maxParallel: 2
`;

let world: PageWorld;
let page: PageServer;
let clock: number;

beforeEach(() => {
  clock = Date.parse(READ_AT);
});
pageEachTest(
  () => clock,
  (started, server) => {
    world = started;
    page = server;
  },
);

/** The settings table of a view: each row's setting, value and where it came from. */
function rowsOf(body: string): Record<string, { value: string; from: string }> {
  const rows = body.matchAll(
    /<tr class="origin-[a-z-]+"><td><code>([^<]+)<\/code><\/td><td><code>([^<]*)<\/code><\/td><td>([^<]+)<\/td><\/tr>/g,
  );
  return Object.fromEntries(
    [...rows].map(([, field = '', value = '', from = '']) => [field, { value, from }]),
  );
}

/** The requests the simulated GitHub served after the `before`-th, as `METHOD path`. */
function servedSince(before: number): string[] {
  return world.server.requests.slice(before).map((one) => `${one.method} ${one.path}`);
}

describe("the page's view of a repository's settings in effect", () => {
  it('lists each setting with where it came from, and the setting the policy ignores with its limit', async () => {
    const policyCommit = setPolicy(world, POLICY);
    const fileCommit = setConfig(world.shop, SHOP);
    const cookie = await signIn(page, world, 'alice');
    const view = await request(page, '/settings/acme/shop', { cookie });
    expect(view.status).toBe(200);
    const policy = `acme/.github: baton-policy.yml at ${policyCommit.slice(0, 7)}`;
    const rows = rowsOf(view.body);
    expect(rows['budget.maxUsd']).toEqual({ value: '20', from: `${policy} (limit)` });
    expect(rows.maxParallel).toEqual({
      value: '2',
      from: `.github/baton.yml at ${fileCommit.slice(0, 7)}`,
    });
    expect(rows.label).toEqual({ value: 'orchestrate', from: 'Baton’s default' });
    expect(view.body).toContain(`Under the organisation’s policy, ${policy}.`);
    expect(view.body).toContain(
      '<li><code>budget.maxUsd: 500</code>: at most 30 US dollars a build</li>',
    );
    // The JSON is what `baton check --effective` works out from the same two files.
    const json = await request(page, '/api/baton/settings/acme/shop', { cookie });
    const checked = checkPolicy(parse(POLICY));
    const source = { source: 'acme/.github', commit: policyCommit };
    const { config, applied } = applyPolicy(parse(SHOP), { source, policy: checked.policy! });
    if (!config.ok) throw new Error('the fixture does not parse');
    const effective = effectiveSettings({
      config: config.config,
      repoRaw: parse(SHOP),
      policy: checked.policy,
      ignored: applied?.ignored ?? [],
    });
    expect(JSON.parse(json.body)).toMatchObject({
      repository: 'acme/shop',
      fileCommit,
      files: ['acme/shop'],
      policy: source,
      outcome: { ok: true, settings: effective, ignored: applied?.ignored },
    });
  });

  it('with no policy, says so and gives the repository file’s settings over Baton’s defaults', async () => {
    const fileCommit = setConfig(world.docs, 'maxParallel: 3\n');
    const cookie = await signIn(page, world, 'bob');
    const view = await request(page, '/settings/acme/docs', { cookie });
    expect(view.status).toBe(200);
    expect(view.body).toContain('No organisation policy (baton-policy.yml in acme/.github).');
    const rows = rowsOf(view.body);
    expect(rows.maxParallel).toEqual({
      value: '3',
      from: `.github/baton.yml at ${fileCommit.slice(0, 7)}`,
    });
    expect(rows['budget.maxUsd']).toEqual({ value: '50', from: 'Baton’s default' });
    expect(Object.values(rows).every((row) => !row.from.includes('baton-policy.yml'))).toBe(true);
    expect(view.body).not.toContain('id="ignored"');
  });

  it('with no baton.yml, says so and gives the policy’s defaults and Baton’s', async () => {
    const policyCommit = setPolicy(world, POLICY);
    const cookie = await signIn(page, world, 'alice');
    const view = await request(page, '/settings/acme/shop', { cookie });
    expect(view.status).toBe(200);
    expect(view.body).toContain('No .github/baton.yml: the policy’s defaults and Baton’s.');
    const rows = rowsOf(view.body);
    expect(rows['budget.maxUsd']).toEqual({
      value: '20',
      from: `acme/.github: baton-policy.yml at ${policyCommit.slice(0, 7)}`,
    });
    expect(rows.maxParallel?.from).toBe('Baton’s default');
    expect(Object.values(rows).some((row) => row.from.startsWith('.github/baton.yml'))).toBe(false);
  });

  it('says why there is no config where the repository’s file breaks, and lists no setting', async () => {
    setConfig(world.shop, 'label: orchestrate\nmaxParallel: many\n');
    const cookie = await signIn(page, world, 'alice');
    const view = await request(page, '/settings/acme/shop', { cookie });
    expect(view.status).toBe(200);
    expect(view.body).toContain('No build starts until this is fixed:');
    expect(view.body).toMatch(/<li><code>maxParallel<\/code> \(line 2\): [^<]+<\/li>/);
    expect(rowsOf(view.body)).toEqual({});
  });

  it('refuses a private repository’s settings to a person who cannot read it, and reads nothing of it for them', async () => {
    const policyCommit = setPolicy(world, POLICY);
    const fileCommit = setConfig(world.vault, 'label: vault-only-label\n');
    for (const login of ['bob', 'eve']) {
      const cookie = await signIn(page, world, login);
      const before = world.server.requests.length;
      for (const path of ['/settings/acme/vault', '/api/baton/settings/acme/vault']) {
        const answer = await request(page, path, { cookie });
        const none = await request(page, path.replace('vault', 'no-such-repo'), { cookie });
        expect(answer.status).toBe(404);
        expect(answer.body).toBe(none.body);
        for (const secret of ['vault-only-label', fileCommit.slice(0, 7), policyCommit.slice(0, 7)])
          expect(answer.body).not.toContain(secret);
      }
      expect(servedSince(before).filter((one) => one.includes('/repos/'))).toEqual([]);
    }
    // Its writer sees them.
    const alice = await request(page, '/settings/acme/vault', {
      cookie: await signIn(page, world, 'alice'),
    });
    expect(alice.status).toBe(200);
    expect(rowsOf(alice.body).label?.value).toBe('vault-only-label');
  });

  it('costs the installation nothing more within a minute, and one conditional request after it', async () => {
    setPolicy(world, POLICY);
    setConfig(world.shop, SHOP);
    const cookie = await signIn(page, world, 'alice');
    await request(page, '/settings/acme/shop', { cookie });
    const before = world.server.requests.length;
    await request(page, '/settings/acme/shop', { cookie });
    await request(page, '/api/baton/settings/acme/shop', { cookie });
    expect(servedSince(before).filter((one) => one.includes('/repos/'))).toEqual([]);
    clock += 61_000;
    const later = world.server.requests.length;
    expect((await request(page, '/settings/acme/shop', { cookie })).status).toBe(200);
    const asked = world.server.requests.slice(later).filter((one) => one.path.includes('/repos/'));
    expect(asked.map((one) => [`${one.method} ${one.path}`, one.status])).toEqual([
      ['GET /repos/acme/shop/commits', 304],
    ]);
  });

  it("links each build's row and view to its repository's settings", async () => {
    const cookie = await signIn(page, world, 'alice');
    const home = await request(page, '/', { cookie });
    expect(home.body).toContain('href="/settings/acme/shop"');
    const build = await request(page, '/builds/acme/shop/12-add-login', { cookie });
    expect(build.body).toContain('<a href="/settings/acme/shop">settings of acme/shop</a>');
  });
});
