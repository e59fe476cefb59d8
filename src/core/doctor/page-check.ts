import type { DoctorCheck } from './doctor.js';

/** Where people come back from GitHub's authorize page: what the app's settings must list. */
export const PAGE_CALLBACK_PATH = '/sign-in/callback';

/**
 * Whether the page (docs/mission-control.md) can sign people in: the app's
 * user authorization needs its client id and secret (`GITHUB_CLIENT_ID`,
 * `GITHUB_CLIENT_SECRET`, which Probot's setup writes when it registers the
 * app) to be this app's, and the app's public https URL, whose
 * `/sign-in/callback` must be a Callback URL in the app's settings (GitHub
 * redirects only to a registered one; its API does not list them, so the line
 * names it). Neither variable set: the page is off, which builds do not need.
 */
export function checkPage({
  clientId,
  clientSecret,
  appClientId,
  appUrl,
  appUrlProblem,
  settingsUrl,
}: {
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** `GET /app`'s `client_id`: the app's own. */
  appClientId: string | null;
  appUrl: string | undefined;
  /** Why `BATON_APP_URL` is no public https URL (`findAppUrlProblem`), or null. */
  appUrlProblem: string | null;
  /** The app's settings page, where its callback URLs and client secrets are. */
  settingsUrl: string;
}): DoctorCheck {
  const id = clientId?.trim();
  const secret = clientSecret?.trim();
  if (!id && !secret) {
    return {
      id: 'page',
      ok: true,
      message:
        'the page is off (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are not set); builds do not need it (docs/mission-control.md)',
    };
  }
  const settings = `the app's settings (${settingsUrl})`;
  if (!id || !secret) {
    return {
      id: 'page',
      ok: false,
      message: `the page signs people in with ${id ? 'GITHUB_CLIENT_ID but no GITHUB_CLIENT_SECRET' : 'GITHUB_CLIENT_SECRET but no GITHUB_CLIENT_ID'}`,
      fix: `set both from ${settings}: the client id, and a client secret generated there`,
    };
  }
  if (appClientId !== null && id !== appClientId) {
    return {
      id: 'page',
      ok: false,
      message: `GITHUB_CLIENT_ID is ${id}, not this app's client id (${appClientId}): GitHub would sign people in to another app`,
      fix: `set GITHUB_CLIENT_ID to ${appClientId}, and GITHUB_CLIENT_SECRET to a client secret of this app (${settings})`,
    };
  }
  const url = appUrl?.trim().replace(/\/+$/, '');
  if (!url || appUrlProblem) {
    return {
      id: 'page',
      ok: false,
      message: `the page needs the app's public https URL to send people back to: ${appUrlProblem ?? 'BATON_APP_URL is not set'}`,
      fix: 'set BATON_APP_URL to the URL the app is served at (docs/deploy.md)',
    };
  }
  return {
    id: 'page',
    ok: true,
    message: `the page signs people in as this app (client ${id}) at ${url}; ${settings} must list ${url}${PAGE_CALLBACK_PATH} as a Callback URL, and keep "Expire user authorization tokens" on`,
  };
}
