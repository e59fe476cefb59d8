import { z } from 'zod';
import {
  classifyGitHubFailure,
  describeGitHubFailure,
  reachFix,
} from '../../../../core/doctor/github-failure.js';
import type { SessionEnv } from '../../../env.js';

/** The installation token the app minted for this run, or why there is none. */
export type SessionToken =
  | { ok: true; token: string; expiresAt: string }
  | { ok: false; message: string };

const IdToken = z.object({ value: z.string().min(1) });
const Issued = z.object({ token: z.string().min(1), expires_at: z.string() });
const Refusal = z.object({ message: z.string() });

/** The app's token exchange endpoint (docs/sessions.md, "The token exchange"). */
export const SESSION_TOKEN_PATH = '/api/baton/session-token';

/**
 * How often the job asks the app while it answers "try again later" (502, 503, 504: GitHub
 * failed its reads or mint, or the issuer's keys could not be fetched): the app takes the
 * attempt's one exchange only once its reads passed, so a try again is answered afresh
 * (src/server/session-token.ts).
 */
const APP_TRIES = 3;
/** The wait before the n-th try again is n times this. */
const APP_WAIT_MS = 2_000;
/** The app's answers that say to try again later. */
const TRY_AGAIN_LATER = new Set([502, 503, 504]);

/** What reading this job's OIDC token needs: the runtime's variables, fetch, and the log's mask. */
interface IdTokenRequest {
  env: Pick<
    SessionEnv,
    | 'ACTIONS_ID_TOKEN_REQUEST_URL'
    | 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
    | 'BATON_APP_URL'
    | 'BATON_OIDC_AUDIENCE'
  >;
  fetch: typeof globalThis.fetch;
  mask: (secret: string) => void;
  /** The wait before a try again, times its number (tests make it short). */
  waitMs?: number;
}

/**
 * Gets this run's OIDC token from the Actions runtime and exchanges it at the
 * app for an installation token scoped to this repository. Both tokens are
 * masked in the run's log the moment they are known.
 */
export async function getSessionToken({
  env,
  fetch,
  mask,
  waitMs,
}: IdTokenRequest): Promise<SessionToken> {
  const jwt = await requestIdToken({ env, fetch, mask });
  if (!jwt.ok) return jwt;
  const answer = await askApp({ appUrl: jwt.appUrl, jwt: jwt.value, fetch, waitMs });
  if (!answer.ok) {
    return {
      ok: false,
      message: `${answer.message}; BATON_APP_URL must be the app's public URL, and the app up`,
    };
  }
  const { status, body, endpoint } = answer;
  if (status === 200) {
    const issued = Issued.safeParse(body);
    if (issued.success) {
      mask(issued.data.token);
      return { ok: true, token: issued.data.token, expiresAt: issued.data.expires_at };
    }
    return { ok: false, message: `${endpoint} answered 200 without a token.` };
  }
  const refusal = Refusal.safeParse(body);
  const reason = refusal.success ? refusal.data.message : `HTTP ${status}`;
  return { ok: false, message: `The app refused this run a token (${status}): ${reason}` };
}

/** What the app's endpoint last answered (its status and JSON body), or that it could not be reached. */
export type AppAnswer =
  | { ok: true; status: number; body: unknown; endpoint: string }
  | { ok: false; message: string };

/**
 * Trades this job's OIDC token at the app's endpoint, the one call a session
 * makes to the app (publish's token, a change set's views), tried again while
 * the app answers "try again later": `APP_TRIES` tries, 2 s and 4 s apart. Any
 * other answer is the app's word and is not asked again.
 */
export async function askApp({
  appUrl,
  jwt,
  fetch,
  waitMs = APP_WAIT_MS,
}: {
  appUrl: string;
  jwt: string;
  fetch: typeof globalThis.fetch;
  waitMs?: number | undefined;
}): Promise<AppAnswer> {
  const endpoint = `${appUrl.replace(/\/+$/, '')}${SESSION_TOKEN_PATH}`;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { Authorization: `Bearer ${jwt}` },
      });
    } catch (error) {
      return { ok: false, message: unreachable(error, `the app at ${appUrl}`, 'the runner') };
    }
    const body = await jsonOf(response);
    if (!TRY_AGAIN_LATER.has(response.status) || attempt >= APP_TRIES)
      return { ok: true, status: response.status, body, endpoint };
    await new Promise((resolve) => setTimeout(resolve, waitMs * attempt));
  }
}

/**
 * This job's OIDC token from the Actions runtime, for the app's endpoint at
 * BATON_APP_URL (masked the moment it is known); or why there is none.
 */
export async function requestIdToken({
  env,
  fetch,
  mask,
}: IdTokenRequest): Promise<
  { ok: true; value: string; appUrl: string } | { ok: false; message: string }
> {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    return {
      ok: false,
      message:
        'This job cannot request an OIDC token: give the job `permissions: id-token: write`.',
    };
  }
  if (!env.BATON_APP_URL) {
    return {
      ok: false,
      message:
        'BATON_APP_URL is not set: set the repository variable BATON_APP_URL to the app’s URL.',
    };
  }
  const url = new URL(requestUrl);
  url.searchParams.set('audience', env.BATON_OIDC_AUDIENCE);
  let idResponse: Response;
  try {
    idResponse = await fetch(url, { headers: { Authorization: `bearer ${requestToken}` } });
  } catch (error) {
    return { ok: false, message: unreachable(error, 'the Actions runtime', 'the runner') };
  }
  const idToken = IdToken.safeParse(await jsonOf(idResponse));
  if (!idResponse.ok || !idToken.success) {
    return {
      ok: false,
      message: `The Actions runtime refused an OIDC token (HTTP ${idResponse.status}).`,
    };
  }
  mask(idToken.data.value);
  return { ok: true, value: idToken.data.value, appUrl: env.BATON_APP_URL };
}

/** `cannot reach <host> (DNS: …); check … (the runner's network)`: a request that got no answer at all. */
export function unreachable(error: unknown, host: string, from: string): string {
  const failure = classifyGitHubFailure(error);
  if (failure.kind === 'unreachable') {
    return `${describeGitHubFailure(failure, host)}; ${reachFix(failure.layer)} (${from}'s network)`;
  }
  return `cannot reach ${host}: ${error instanceof Error ? error.message : String(error)}`;
}

export async function jsonOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * Revokes the installation token (`DELETE /installation/token`, made with the
 * token itself), so it is dead once publish ends rather than at its expiry.
 * Returns whether GitHub confirmed; a failure changes nothing else, since the
 * token still expires within the hour.
 */
export async function revokeSessionToken({
  apiUrl,
  token,
  fetch,
}: {
  apiUrl: string;
  token: string;
  fetch: typeof globalThis.fetch;
}): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl.replace(/\/+$/, '')}/installation/token`, {
      method: 'DELETE',
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
      },
    });
    return response.status === 204;
  } catch {
    return false;
  }
}
