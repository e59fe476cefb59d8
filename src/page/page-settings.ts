import { hkdfSync } from 'node:crypto';
import { PAGE_CALLBACK_PATH } from '../core/doctor/page-check.js';

/**
 * What the page needs to sign people in (docs/mission-control.md): the app's
 * own user authorization, whose client id and secret the manifest flow that
 * registers the app writes as `GITHUB_CLIENT_ID` and `GITHUB_CLIENT_SECRET`
 * (Probot's setup), and the app's public URL, where GitHub sends people back.
 */
export interface PageSettings {
  clientId: string;
  clientSecret: string;
  /** The app's public URL (`BATON_APP_URL`), without a trailing slash. */
  appUrl: string;
  /** `<appUrl>/sign-in/callback`: the callback URL to register in the app's settings. */
  callbackUrl: string;
  /** GitHub's web host (`https://github.com`, or the simulator's), where people authorize the app. */
  webUrl: string;
  /** GitHub's REST API. */
  apiUrl: string;
  /** The key that seals session cookies: derived from the client secret (HKDF-SHA256), never stored. */
  cookieKey: Uint8Array;
  /** Cookies only over https (`Secure`, the `__Host-` prefix) where the app's URL is https. */
  secure: boolean;
}

/** Why the page cannot sign anyone in, in words that say what to set. */
export type PageSettingsRead =
  | { ok: true; settings: PageSettings }
  | { ok: false; problem: string };

/** Where people come back from GitHub's authorize page. */
export const CALLBACK_PATH = PAGE_CALLBACK_PATH;

export function readPageSettings(
  env: Record<string, string | undefined>,
  { apiUrl }: { apiUrl: string },
): PageSettingsRead {
  const clientId = env.GITHUB_CLIENT_ID?.trim();
  const clientSecret = env.GITHUB_CLIENT_SECRET?.trim();
  const appUrl = env.BATON_APP_URL?.trim().replace(/\/+$/, '');
  const missing = [
    ...(clientId ? [] : ['GITHUB_CLIENT_ID']),
    ...(clientSecret ? [] : ['GITHUB_CLIENT_SECRET']),
    ...(appUrl ? [] : ['BATON_APP_URL']),
  ];
  if (missing.length > 0 || !clientId || !clientSecret || !appUrl) {
    return {
      ok: false,
      problem: `the page signs people in with the app's user authorization and needs ${missing.join(', ')}: Probot's setup writes GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET to .env when it registers the app (else copy them from the app's settings), and BATON_APP_URL is the app's public URL`,
    };
  }
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    return { ok: false, problem: `BATON_APP_URL is not a URL ("${appUrl}")` };
  }
  return {
    ok: true,
    settings: {
      clientId,
      clientSecret,
      appUrl,
      callbackUrl: `${appUrl}${CALLBACK_PATH}`,
      webUrl: webUrlOf(apiUrl),
      apiUrl: apiUrl.replace(/\/+$/, ''),
      cookieKey: new Uint8Array(
        hkdfSync('sha256', clientSecret, 'baton', 'baton page session cookie v1', 32),
      ),
      secure: url.protocol === 'https:',
    },
  };
}

/**
 * GitHub's web host from its API URL, as Octokit's OAuth methods find it:
 * api.github.com is github.com; an Enterprise Server's (or the simulator's)
 * `<host>/api/v3` is `<host>`.
 */
export function webUrlOf(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  if (/^https:\/\/api\.github\.com$/.test(base)) return 'https://github.com';
  return base.replace(/\/api\/v3$/, '');
}

/** The REST API Probot's clients call, from its variables (`GHE_HOST`, `GHE_PROTOCOL`). */
export function apiUrlOf(env: Record<string, string | undefined>): string {
  return env.GHE_HOST
    ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}/api/v3`
    : 'https://api.github.com';
}
