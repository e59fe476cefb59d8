import { describe, expect, it } from 'vitest';
import { getSessionToken } from '../../src/session/publish/write/token/get-session-token.js';

const ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runtime.example/idtoken',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'grant',
  BATON_APP_URL: 'https://baton.example.com',
  BATON_OIDC_AUDIENCE: 'baton',
};

/** A fetch that answers the OIDC request and fails the exchange with `cause`, as undici does. */
function fetchFailingExchange(cause: Error & { code?: string }): typeof globalThis.fetch {
  return async (input) => {
    if (String(input).startsWith(ENV.ACTIONS_ID_TOKEN_REQUEST_URL))
      return Response.json({ value: 'oidc-jwt' });
    throw new TypeError('fetch failed', { cause });
  };
}

describe("publish's token exchange", () => {
  it('says the app could not be reached, and why, rather than that it refused', async () => {
    const token = await getSessionToken({
      env: ENV,
      fetch: fetchFailingExchange(
        Object.assign(new Error('getaddrinfo ENOTFOUND baton.example.com'), { code: 'ENOTFOUND' }),
      ),
      mask: () => {},
    });
    expect(token).toEqual({
      ok: false,
      message:
        "cannot reach the app at https://baton.example.com (DNS: getaddrinfo ENOTFOUND baton.example.com); check the host name and the DNS this machine uses (the runner's network); BATON_APP_URL must be the app's public URL, and the app up",
    });
  });
});
