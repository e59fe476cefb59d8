import { EncryptJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { readPageSettings } from '../../src/page/page-settings.js';
import { POLL_SCRIPT, POLL_SCRIPT_SOURCE } from '../../src/page/render/page-style.js';
import { openCookie, sealCookie } from '../../src/page/session-cookie.js';
import { pageReads, READ_AT } from '../support/page-builds.js';
import {
  consented,
  type PageServer,
  pageEachTest,
  request,
  signIn,
  startPageServer,
} from '../support/page-server.js';
import { CLIENT_ID, type PageWorld } from '../support/page-world.js';

/**
 * Attacks on the page's session cookie: one forged, one changed, one of
 * another deployment, one kept after sign-out and sent again (here and on a
 * replica), one of a sign-in in progress passed off as a session; and on the
 * sign-in itself: a callback with another state, a sign-out from another site.
 */
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

/** Whether the cookie shows the page signed in (alice's private build in sight). */
async function readsAsAlice(target: Pick<PageServer, 'url'>, cookie: string): Promise<boolean> {
  const answer = await request(target, '/api/baton/overview', { cookie });
  return answer.status === 200 && answer.body.includes('Rotate the vault keys');
}

function withValue(cookie: string, value: string): string {
  return `${cookie.slice(0, cookie.indexOf('=') + 1)}${value}`;
}

describe('a forged or changed session cookie signs no one in', () => {
  it('refuses a session sealed with any key but this deployment’s', async () => {
    const alice = await signIn(page, world, 'alice');
    expect(await readsAsAlice(page, alice)).toBe(true);
    const claim = {
      typ: 'session',
      value: {
        sid: 'x',
        login: 'alice',
        token: 'ghu_forged',
        tokenExpiresAt: null,
        refreshToken: null,
        expiresAt: clock + 3_600_000,
      },
    };
    const guessed = await new EncryptJWT(claim)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setExpirationTime('1h')
      .encrypt(new Uint8Array(32).fill(7));
    expect(await readsAsAlice(page, withValue(alice, guessed))).toBe(false);
    const plain = Buffer.from(JSON.stringify(claim)).toString('base64url');
    expect(await readsAsAlice(page, withValue(alice, plain))).toBe(false);
  });

  it('refuses a real session cookie with one character changed', async () => {
    const alice = await signIn(page, world, 'alice');
    const value = alice.slice(alice.indexOf('=') + 1);
    for (const at of [10, Math.floor(value.length / 2), value.length - 3]) {
      const flipped = `${value.slice(0, at)}${value[at] === 'A' ? 'B' : 'A'}${value.slice(at + 1)}`;
      expect(await readsAsAlice(page, withValue(alice, flipped))).toBe(false);
    }
  });

  it('refuses a session of another deployment of the app (another client secret), a live token in it', async () => {
    const code = world.auth.tokens.issueCode({
      login: 'alice',
      redirectUri: null,
      challenge: null,
    });
    const token = world.auth.tokens.exchange({ code, redirectUri: null, verifier: null });
    if (!('access_token' in token)) throw new Error('no token');
    const session = {
      sid: 'elsewhere',
      login: 'alice',
      token: token.access_token,
      tokenExpiresAt: null,
      refreshToken: null,
      expiresAt: clock + 3_600_000,
    };
    const other = readPageSettings(
      {
        GITHUB_CLIENT_ID: CLIENT_ID,
        GITHUB_CLIENT_SECRET: 'another-deployments-secret',
        BATON_APP_URL: page.url,
      },
      { apiUrl: world.server.apiUrl },
    );
    const ours = page.settings;
    if (!other.ok || !ours.ok) throw new Error('settings');
    const elsewhere = await sealCookie(other.settings.cookieKey, 'session', session);
    expect(await readsAsAlice(page, `baton_session=${elsewhere}`)).toBe(false);
    // The same session sealed with this deployment's key reads: only the key kept it out.
    const here = await sealCookie(ours.settings.cookieKey, 'session', session);
    expect(await readsAsAlice(page, `baton_session=${here}`)).toBe(true);
  });

  it('refuses a sign-in in progress passed off as a session, and a session past its end', async () => {
    const start = await request(page, '/sign-in');
    const pending = start.cookies.find((cookie) => cookie.includes('baton_sign_in=')) ?? '';
    expect(
      await readsAsAlice(page, `baton_session=${pending.slice(pending.indexOf('=') + 1)}`),
    ).toBe(false);
    const alice = await signIn(page, world, 'alice');
    clock += 12 * 60 * 60_000 + 1;
    expect(await readsAsAlice(page, alice)).toBe(false);
  });

  it('opens a cookie only for the purpose it was sealed for, with the same key', async () => {
    if (!page.settings.ok) throw new Error('settings');
    const key = page.settings.settings.cookieKey;
    const expiresAt = clock + 60_000;
    const session = {
      sid: 's',
      login: 'alice',
      token: 't',
      tokenExpiresAt: null,
      refreshToken: null,
      expiresAt,
    };
    const pending = { state: 'st', verifier: 'v', returnTo: '/', expiresAt };
    const sealedSession = await sealCookie(key, 'session', session);
    const sealedSignIn = await sealCookie(key, 'sign-in', pending);
    expect(await openCookie(key, 'session', sealedSession, clock)).toEqual(session);
    expect(await openCookie(key, 'sign-in', sealedSignIn, clock)).toEqual(pending);
    expect(await openCookie(key, 'sign-in', sealedSession, clock)).toBeNull();
    expect(await openCookie(key, 'session', sealedSignIn, clock)).toBeNull();
  });
});

describe('a session cookie kept after sign-out is worth nothing', () => {
  it('refuses it here and on a replica that never saw the sign-out', async () => {
    const replica = await startPageServer({ world, reads: pageReads(), now: () => clock });
    try {
      const alice = await signIn(page, world, 'alice');
      expect(await readsAsAlice(page, alice)).toBe(true);
      expect(await readsAsAlice(replica, alice)).toBe(true);
      const out = await request(page, '/sign-out', {
        cookie: alice,
        method: 'POST',
        headers: { origin: page.url },
      });
      expect(out.status).toBe(303);
      expect(out.cookies).toContainEqual(expect.stringMatching(/^baton_session=$/));
      // The replica's minute of what GitHub listed for the session passes; the cookie is sent again.
      clock += 61_000;
      expect(await readsAsAlice(page, alice)).toBe(false);
      expect(await readsAsAlice(replica, alice)).toBe(false);
    } finally {
      await replica.close();
    }
  });

  it('does not sign out from another site’s form', async () => {
    const alice = await signIn(page, world, 'alice');
    const out = await request(page, '/sign-out', {
      cookie: alice,
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(out.status).toBe(403);
    expect(await readsAsAlice(page, alice)).toBe(true);
  });
});

describe('a callback signs in only the browser that started the sign-in', () => {
  it('refuses a code with another state, or without the sign-in cookie', async () => {
    const { signInCookie: pending, callback } = await consented(page, world, 'alice');
    const code = callback.searchParams.get('code') ?? '';
    const forged = await request(page, `/sign-in/callback?code=${code}&state=guessed`, {
      cookie: pending,
    });
    const cookieless = await request(page, `${callback.pathname}${callback.search}`);
    for (const answer of [forged, cookieless]) {
      expect(answer.status).toBe(400);
      expect(answer.cookies.filter((cookie) => /baton_session=./.test(cookie))).toEqual([]);
    }
  });
});

describe('the cookies and the policy the browser is given', () => {
  it('seals the session HttpOnly and SameSite=Lax, and allows no script in the page but its poll, by its hash', async () => {
    const start = await fetch(`${page.url}/sign-in`, { redirect: 'manual' });
    expect(start.headers.getSetCookie()[0]).toMatch(
      /; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/,
    );
    const alice = await signIn(page, world, 'alice');
    const home = await request(page, '/', { cookie: alice });
    const csp = home.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; script-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'; /,
    );
    expect(csp).toContain(`script-src ${POLL_SCRIPT_SOURCE};`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|strict-dynamic/);
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    const body = home.body.replace(`<script>${POLL_SCRIPT}</script>`, '');
    expect(body).not.toMatch(/<script|\son[a-z]+=/i);
  });
});
