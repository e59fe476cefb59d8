import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../support/builds.js';
import { CLIENT_ID, CLIENT_SECRET, type PageWorld, startPageWorld } from '../support/page-world.js';

const CALLBACK = 'http://127.0.0.1:1/page/callback';
const VERIFIER = 'a-verifier-of-forty-three-characters-or-more-000';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

let world: PageWorld;
const clock = manualClock(Date.parse('2026-05-01T09:00:00Z'));

beforeEach(async () => {
  world = await startPageWorld({ now: clock.now });
  world.auth.callbackUrls.push(CALLBACK);
});
afterEach(() => world.stop());

/** What a person's consent on the authorize page sends back: the code in the redirect. */
async function consent(login: string, fields: Record<string, string> = {}): Promise<Response> {
  return fetch(`${world.server.url}/login/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: CALLBACK,
      state: 'st4te',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      login,
      ...fields,
    }),
  });
}

async function codeFor(login: string): Promise<string> {
  const location = new URL((await consent(login)).headers.get('location') ?? '');
  expect(location.searchParams.get('state')).toBe('st4te');
  return location.searchParams.get('code') ?? '';
}

async function exchange(fields: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(`${world.server.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...fields }),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function tokenFor(login: string): Promise<string> {
  const answer = await exchange({
    code: await codeFor(login),
    redirect_uri: CALLBACK,
    code_verifier: VERIFIER,
  });
  return String(answer.access_token);
}

async function api(path: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${world.server.apiUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: response.status === 200 ? await response.json() : null };
}

describe('the simulated web flow, as GitHub refuses it', () => {
  it('shows an error page, and redirects nowhere, for a redirect_uri not registered', async () => {
    const response = await fetch(
      `${world.server.url}/login/oauth/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('redirect_uri is not associated with this application');
    expect((await consent('alice', { redirect_uri: 'https://evil.example/cb' })).status).toBe(400);
  });

  it.each<[string, (code: string) => Record<string, string>, string]>([
    [
      'without the PKCE verifier',
      (code) => ({ code, redirect_uri: CALLBACK }),
      'bad_verification_code',
    ],
    [
      'with another verifier',
      (code) => ({ code, code_verifier: `${VERIFIER}x` }),
      'bad_verification_code',
    ],
    [
      'for another redirect_uri',
      (code) => ({ code, redirect_uri: `${CALLBACK}2`, code_verifier: VERIFIER }),
      'redirect_uri_mismatch',
    ],
    [
      'with a wrong client secret',
      (code) => ({ code, code_verifier: VERIFIER, client_secret: 'nope' }),
      'incorrect_client_credentials',
    ],
  ])('refuses a code exchanged %s', async (_, fields, error) => {
    expect(await exchange(fields(await codeFor('alice')))).toMatchObject({ error });
  });

  it('takes a code once, and not after ten minutes', async () => {
    const code = await codeFor('alice');
    expect(await exchange({ code, code_verifier: VERIFIER })).toMatchObject({
      token_type: 'bearer',
      expires_in: 28800,
    });
    expect(await exchange({ code, code_verifier: VERIFIER })).toMatchObject({
      error: 'bad_verification_code',
    });
    const late = await codeFor('alice');
    clock.advance(10 * 60_000 + 1);
    expect(await exchange({ code: late, code_verifier: VERIFIER })).toMatchObject({
      error: 'bad_verification_code',
    });
  });
});

describe('a user access token reads what the person and the app can both read', () => {
  it.each<[string, number[], Record<number, string[]>]>([
    ['alice', [1], { 1: ['acme/shop', 'acme/vault', 'acme/docs'] }],
    ['bob', [1], { 1: ['acme/shop', 'acme/docs'] }],
    ['eve', [], {}],
  ])('%s', async (login, installations, repositories) => {
    const token = await tokenFor(login);
    expect((await api('/user', token)).body).toMatchObject({ login });
    const listed = (await api('/user/installations', token)).body as {
      installations: { id: number }[];
    };
    expect(listed.installations.map((one) => one.id)).toEqual(installations);
    for (const id of [1, 2]) {
      const answer = await api(`/user/installations/${id}/repositories`, token);
      const names = (
        answer.body as { repositories?: { full_name: string }[] } | null
      )?.repositories?.map((repo) => repo.full_name);
      expect(answer.status === 200 ? names : answer.status).toEqual(repositories[id] ?? 404);
    }
  });

  it('gives each repository the person’s permissions, and stops at an app no longer installed', async () => {
    const token = await tokenFor('bob');
    const answer = await api('/user/installations/1/repositories', token);
    const permissions = (
      answer.body as { repositories: { full_name: string; permissions: { push: boolean } }[] }
    ).repositories.map((repo) => [repo.full_name, repo.permissions.push]);
    expect(permissions).toEqual([
      ['acme/shop', false],
      ['acme/docs', true],
    ]);
    world.docs.installed = false;
    const after = await api('/user/installations/1/repositories', token);
    expect(
      (after.body as { repositories: { full_name: string }[] }).repositories.map(
        (repo) => repo.full_name,
      ),
    ).toEqual(['acme/shop']);
  });

  it('answers 401 once the token expires, is refreshed, or is revoked', async () => {
    const answer = await exchange({ code: await codeFor('alice'), code_verifier: VERIFIER });
    const token = String(answer.access_token);
    const refreshed = await exchange({
      grant_type: 'refresh_token',
      refresh_token: String(answer.refresh_token),
    });
    expect((await api('/user', token)).status).toBe(401);
    const next = String(refreshed.access_token);
    expect((await api('/user', next)).status).toBe(200);
    const revoke = await fetch(`${world.server.apiUrl}/applications/${CLIENT_ID}/token`, {
      method: 'DELETE',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ access_token: next }),
    });
    expect(revoke.status).toBe(204);
    expect((await api('/user', next)).status).toBe(401);
    const other = await tokenFor('bob');
    clock.advance(8 * 60 * 60_000 + 1);
    expect((await api('/user', other)).status).toBe(401);
  });

  it('answers a repeated listing 304 when nothing changed', async () => {
    const token = await tokenFor('alice');
    const first = await fetch(`${world.server.apiUrl}/user/installations`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(`${world.server.apiUrl}/user/installations`, {
      headers: { authorization: `Bearer ${token}`, 'if-none-match': etag },
    });
    expect([first.status, again.status]).toEqual([200, 304]);
  });
});
