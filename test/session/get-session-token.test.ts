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

  it('tries the exchange again while the app answers that GitHub failed it, and never after a refusal', async () => {
    /** A fetch answering the OIDC request, then the exchange with each of `answers` in turn. */
    const answering = (answers: number[]) => {
      const asked: number[] = [];
      const fetch: typeof globalThis.fetch = async (input) => {
        if (String(input).startsWith(ENV.ACTIONS_ID_TOKEN_REQUEST_URL))
          return Response.json({ value: 'oidc-jwt' });
        const status = answers[asked.length] ?? 200;
        asked.push(status);
        return status === 200
          ? Response.json({ token: 'ghs_minted', expires_at: '2030-01-01T00:00:00Z' })
          : Response.json({ message: `answered ${status}` }, { status });
      };
      return { fetch, asked };
    };
    const trying = async (answers: number[]) => {
      const { fetch, asked } = answering(answers);
      const token = await getSessionToken({ env: ENV, fetch, mask: () => {}, waitMs: 1 });
      return { token, asked };
    };
    expect(await trying([502, 503])).toEqual({
      token: { ok: true, token: 'ghs_minted', expiresAt: '2030-01-01T00:00:00Z' },
      asked: [502, 503, 200],
    });
    expect(await trying([502, 502, 502, 502])).toEqual({
      token: { ok: false, message: 'The app refused this run a token (502): answered 502' },
      asked: [502, 502, 502],
    });
    expect(await trying([403])).toEqual({
      token: { ok: false, message: 'The app refused this run a token (403): answered 403' },
      asked: [403],
    });
  });
});
