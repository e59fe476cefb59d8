import { generateKeyPairSync } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import type { FakeGitHub, RecordedRequest } from './fake-github.js';
import { INSTALLATION_TOKEN } from './fake-github.js';

/** The app GitHub knows in these tests: its id, its key, its bot. */
export const APP_ID = '4242';
export const APP_SLUG = 'acme-baton';
export const INSTALLATION_ID = 77;
export const { privateKey: APP_KEY, publicKey: APP_PUBLIC_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** A token request the app made: its body, and whether its JWT was the app's. */
export interface MintRequest {
  body: {
    repository_ids?: number[];
    repositories?: string[];
    permissions?: Record<string, string>;
  };
  token: string;
}

/**
 * Serves the app's own routes on the fake GitHub, each checking the app's JWT
 * (RS256 under APP_PUBLIC_KEY, issuer APP_ID) as GitHub does: `GET /app`,
 * the installation on acme/app, and token minting, which answers
 * INSTALLATION_TOKEN first and `<INSTALLATION_TOKEN>-2`… after. Answers the
 * mint requests it took.
 */
export function serveApp(github: FakeGitHub): MintRequest[] {
  const minted: MintRequest[] = [];
  const verified = async (request: RecordedRequest) => {
    const jwt = /^Bearer (\S+)$/.exec(request.authorization ?? '')?.[1] ?? '';
    const key = await importSPKI(APP_PUBLIC_KEY, 'RS256');
    return jwtVerify(jwt, key, { issuer: APP_ID }).then(
      () => true,
      () => false,
    );
  };
  // The fake's routes answer at once; the JWT is checked when the test reads `jwtChecks`.
  const checks: Promise<boolean>[] = [];
  const refuse = { status: 401, body: { message: 'A JSON web token could not be decoded' } };
  const withJwt =
    (answer: (request: RecordedRequest) => { status: number; body: unknown }) =>
    (request: RecordedRequest) => {
      checks.push(verified(request));
      return /^Bearer ey/.test(request.authorization ?? '') ? answer(request) : refuse;
    };
  github.routes.set(
    'GET /app',
    withJwt(() => ({ status: 200, body: { slug: APP_SLUG } })),
  );
  github.routes.set(
    'GET /repos/acme/app/installation',
    // As GitHub answers: the installation names its app.
    withJwt(() => ({ status: 200, body: { id: INSTALLATION_ID, app_slug: APP_SLUG } })),
  );
  github.routes.set(
    `POST /app/installations/${INSTALLATION_ID}/access_tokens`,
    withJwt((request) => {
      const token =
        minted.length === 0 ? INSTALLATION_TOKEN : `${INSTALLATION_TOKEN}-${minted.length + 1}`;
      minted.push({ body: request.body as MintRequest['body'], token });
      return {
        status: 201,
        body: {
          token,
          expires_at: '2030-01-01T00:00:00Z',
          permissions: (request.body as MintRequest['body']).permissions ?? {},
        },
      };
    }),
  );
  Object.defineProperty(minted, 'jwtChecks', { value: checks });
  return minted;
}

/** Whether every JWT the app's routes saw was signed with the app's key by its id. */
export async function everyJwtWasTheApps(minted: MintRequest[]): Promise<boolean> {
  const checks = (minted as MintRequest[] & { jwtChecks?: Promise<boolean>[] }).jwtChecks ?? [];
  return checks.length > 0 && (await Promise.all(checks)).every(Boolean);
}

/** The environment of a publish step in a repository with nothing hosted: the key, no app URL. */
export function serverlessEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    BATON_APP_URL: undefined,
    BATON_APP_ID: APP_ID,
    BATON_APP_PRIVATE_KEY: APP_KEY,
    GITHUB_REPOSITORY_ID: '901',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REF: 'refs/heads/baton/12-add-login/W1.1',
    GITHUB_ACTOR: `${APP_SLUG}[bot]`,
    GITHUB_TRIGGERING_ACTOR: `${APP_SLUG}[bot]`,
    ...overrides,
  };
}
