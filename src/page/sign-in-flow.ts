import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Access } from '../core/overview/build-read.js';
import { BoundedMap } from '../github/client/bounded-map.js';
import { cookieNames, readCookie, setCookie } from './cookies.js';
import {
  authorizeUrl,
  exchangeCode,
  refreshUserToken,
  revokeUserToken,
  SignInRefused,
  userOf,
} from './github-sign-in.js';
import type { PageSettings } from './page-settings.js';
import { signInDocument } from './render/documents.js';
import { sendHtml } from './respond.js';
import { openCookie, type PageSession, randomId, sealCookie } from './session-cookie.js';
import { createViewerAccess, type ViewerAccess } from './viewer-access.js';

/** How long a session lasts, whatever its user token does. */
export const SESSION_MS = 12 * 60 * 60_000;
/** How long a sign-in may take between the redirect to GitHub and the callback. */
export const SIGN_IN_MS = 10 * 60_000;
/** A user token this close to its expiry is refreshed before it is used. */
const REFRESH_BEFORE_MS = 5 * 60_000;

/** A request's person, and what GitHub lets them read. */
export interface SignedIn {
  session: PageSession;
  access: Access;
}

/**
 * Sign-in with GitHub (the app's user authorization), the session it makes,
 * and sign-out. A session is a sealed cookie (session-cookie.ts) holding the
 * person's user token; it counts only while GitHub still takes that token
 * (`ViewerAccess` asks with it), so a copy of the cookie kept after sign-out,
 * which revokes the token at GitHub, reads nothing on any replica.
 */
export function createSignInFlow({
  settings,
  now,
  log,
  access = createViewerAccess({ settings, now }),
}: {
  settings: PageSettings;
  now: () => number;
  log: { warn(message: string): void };
  access?: ViewerAccess;
}) {
  const names = cookieNames(settings.secure);
  /** Sessions signed out in this process, until they would have ended anyway. */
  const revoked = new BoundedMap<number>(10_000);
  const cookie = (name: string, value: string, maxAgeMs: number) =>
    setCookie({ name, value, maxAgeSeconds: maxAgeMs / 1000, secure: settings.secure });

  async function signedIn(req: IncomingMessage, res: ServerResponse): Promise<SignedIn | null> {
    let session = await openCookie(
      settings.cookieKey,
      'session',
      readCookie(req, names.session),
      now(),
    );
    if (!session || revoked.has(session.sid)) return null;
    if (
      session.refreshToken &&
      session.tokenExpiresAt !== null &&
      session.tokenExpiresAt - now() < REFRESH_BEFORE_MS
    ) {
      session = await refreshed(session);
      if (!session) return forget(res);
      res.appendHeader(
        'set-cookie',
        cookie(
          names.session,
          await sealCookie(settings.cookieKey, 'session', session),
          session.expiresAt - now(),
        ),
      );
    }
    const listed = await access.accessOf(session);
    if (!listed) return forget(res);
    return { session, access: listed };
  }

  async function refreshed(session: PageSession): Promise<PageSession | null> {
    try {
      const token = await refreshUserToken(settings, {
        refreshToken: session.refreshToken ?? '',
        now: now(),
      });
      access.forget(session.sid);
      return {
        ...session,
        token: token.token,
        tokenExpiresAt: token.expiresAt,
        refreshToken: token.refreshToken,
      };
    } catch (error) {
      log.warn(
        `baton: the page could not refresh ${session.login}'s GitHub token; they sign in again (${messageOf(error)})`,
      );
      return null;
    }
  }

  function forget(res: ServerResponse): null {
    res.appendHeader('set-cookie', cookie(names.session, '', 0));
    return null;
  }

  return {
    signedIn,

    /** `GET /sign-in`: off to GitHub's authorize page, with a state and a PKCE verifier kept in a sealed cookie. */
    async start(_req: IncomingMessage, res: ServerResponse, url: URL): Promise<true> {
      const state = randomId();
      const verifier = randomId(32);
      const returnTo = localPath(url.searchParams.get('return_to'));
      const sealed = await sealCookie(settings.cookieKey, 'sign-in', {
        state,
        verifier,
        returnTo,
        expiresAt: now() + SIGN_IN_MS,
      });
      res.appendHeader('set-cookie', cookie(names.signIn, sealed, SIGN_IN_MS));
      res.setHeader('cache-control', 'no-store');
      res.writeHead(302, { location: authorizeUrl(settings, { state, verifier }) }).end();
      return true;
    },

    /**
     * `GET /sign-in/callback`: only with the state this browser's sign-in
     * cookie holds (a callback another site sends cannot sign anyone in), the
     * code exchanged once with the verifier, then the session cookie.
     */
    async callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<true> {
      const pending = await openCookie(
        settings.cookieKey,
        'sign-in',
        readCookie(req, names.signIn),
        now(),
      );
      res.appendHeader('set-cookie', cookie(names.signIn, '', 0));
      const state = url.searchParams.get('state') ?? '';
      const code = url.searchParams.get('code') ?? '';
      if (!pending || !code || !sameSecret(state, pending.state)) {
        return sendHtml(
          res,
          400,
          signInDocument({
            href: '/sign-in',
            problem: 'That sign-in link is stale or was not started here: sign in again.',
          }),
        );
      }
      try {
        const token = await exchangeCode(settings, {
          code,
          verifier: pending.verifier,
          now: now(),
        });
        const { login } = await userOf(settings, token.token);
        const session: PageSession = {
          sid: randomId(),
          login,
          token: token.token,
          tokenExpiresAt: token.expiresAt,
          refreshToken: token.refreshToken,
          expiresAt: now() + SESSION_MS,
        };
        res.appendHeader(
          'set-cookie',
          cookie(
            names.session,
            await sealCookie(settings.cookieKey, 'session', session),
            SESSION_MS,
          ),
        );
        res.setHeader('cache-control', 'no-store');
        res.writeHead(303, { location: pending.returnTo }).end();
        return true;
      } catch (error) {
        log.warn(`baton: a sign-in to the page failed: ${messageOf(error)}`);
        const refused = error instanceof SignInRefused ? ` (GitHub said ${error.code})` : '';
        return sendHtml(
          res,
          400,
          signInDocument({
            href: '/sign-in',
            problem: `GitHub did not sign you in${refused}: try again.`,
          }),
        );
      }
    },

    /**
     * `POST /sign-out`, from this app's own page only (another site's form is
     * refused (`fromThisApp`); the cookie is `SameSite=Lax` besides): the user
     * token is revoked at GitHub, the session forgotten here, the cookie cleared.
     */
    async signOut(req: IncomingMessage, res: ServerResponse): Promise<true> {
      if (!fromThisApp(req, settings.appUrl)) {
        return sendHtml(
          res,
          403,
          signInDocument({ href: null, problem: 'Sign out from the page itself.' }),
        );
      }
      const session = await openCookie(
        settings.cookieKey,
        'session',
        readCookie(req, names.session),
        now(),
      );
      if (session) {
        revoked.set(session.sid, session.expiresAt);
        access.forget(session.sid);
        await revokeUserToken(settings, session.token).catch((error: unknown) =>
          log.warn(
            `baton: the page could not revoke ${session.login}'s GitHub token at sign-out (${messageOf(error)})`,
          ),
        );
      }
      res.appendHeader('set-cookie', cookie(names.session, '', 0));
      res.setHeader('cache-control', 'no-store');
      res.writeHead(303, { location: '/' }).end();
      return true;
    },
  };
}

export type SignInFlow = ReturnType<typeof createSignInFlow>;

/**
 * Whether a form post comes from this app's own page: the browser says so in
 * `Sec-Fetch-Site` (which no page can set), else in `Origin`. Another site's
 * form is refused; the session cookie, `SameSite=Lax`, would not come with it anyway.
 */
function fromThisApp(req: IncomingMessage, appUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  return origin === undefined || origin === new URL(appUrl).origin;
}

/** A path of this app to return to; anything else (another host, `//host`, a scheme) is `/`. */
function localPath(value: string | null): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  return /^[\w\-./~%]*$/.test(value) ? value : '/';
}

function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return a.length > 0 && timingSafeEqual(digest(a), digest(b));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
