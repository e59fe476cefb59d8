import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** What the issuer knows of one run: the claims its tokens carry. */
export interface RunIdentity {
  /** `owner/name`. */
  repository: string;
  repositoryId: number;
  /** The branch the run was dispatched on, `baton/…` (or a full `refs/heads/…`). */
  ref: string;
  sha: string;
  runId: number;
  runAttempt?: number;
  /** Who started the run; default the app's bot, `baton[bot]`, as for every run Baton dispatches. */
  actor?: string;
  /** The job's id; GitHub's tokens carry it as `check_run_id`. */
  checkRunId?: number;
  /** The commit the workflow file was read from; default `sha`. */
  workflowSha?: string;
  /** Default `workflow_dispatch`; tests change it to see a refusal. */
  eventName?: string;
  /** Default `.github/workflows/baton.yml`. */
  workflowPath?: string;
  /** The GitHub environment the job names, if any: its `environment` claim, and the subject's. */
  environment?: string;
}

/** Where a job asks for its token: ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN. */
export interface TokenRequestGrant {
  requestUrl: string;
  requestToken: string;
}

/** A running issuer. */
export interface OidcIssuer {
  /** The `iss` of every token, and BATON_OIDC_ISSUER for the app. */
  url: string;
  /** Lets one job request tokens for `run`, as a runner with `id-token: write` does. */
  grant(run: RunIdentity): TokenRequestGrant;
  /** Mints a token directly (tests): Actions' claims for `run`, then `overrides`. */
  mint(request: {
    run: RunIdentity;
    audience: string;
    overrides?: Record<string, unknown>;
  }): Promise<string>;
  /** Every token handed out through the request endpoint, newest last. */
  issued: { runId: number; audience: string }[];
  /** The text of every request grant and token handed out: secrets no log may show. */
  secrets: string[];
  close(): Promise<void>;
}

/** Actions' ID tokens live for minutes, not hours. */
const LIFETIME_SECONDS = 300;

/**
 * A stand-in for GitHub Actions' OIDC provider on 127.0.0.1: discovery at
 * `/.well-known/openid-configuration`, keys at `/.well-known/jwks` (RS256,
 * from jose), and the runtime's token request endpoint, which answers
 * `{ "value": "<jwt>" }` to `GET ?audience=…` with the job's bearer grant.
 */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `sim-${randomBytes(4).toString('hex')}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const grants = new Map<string, RunIdentity>();
  const issued: OidcIssuer['issued'] = [];
  const secrets: string[] = [];
  let url = '';

  const mint: OidcIssuer['mint'] = ({ run, audience, overrides = {} }) =>
    new SignJWT({ ...actionsClaims(run), ...overrides })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(url)
      .setAudience(audience)
      // A job with an environment is that environment's subject (GitHub's "Example subject claims").
      .setSubject(
        run.environment
          ? `repo:${run.repository}:environment:${run.environment}`
          : `repo:${run.repository}:ref:${fullRef(run.ref)}`,
      )
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${LIFETIME_SECONDS}s`)
      .setJti(randomBytes(8).toString('hex'))
      .sign(privateKey);

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', url);
    switch (requestUrl.pathname) {
      case '/.well-known/openid-configuration':
        return send(res, 200, discovery(url));
      case '/.well-known/jwks':
        return send(res, 200, { keys: [jwk] });
      case '/_apis/idtoken': {
        const grant = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const run = grant ? grants.get(grant) : undefined;
        if (!run)
          return send(res, 401, { message: 'Unknown or missing ACTIONS_ID_TOKEN_REQUEST_TOKEN.' });
        // Actions' default audience is the repository owner's URL.
        const audience =
          requestUrl.searchParams.get('audience') ??
          `https://github.com/${run.repository.split('/')[0]}`;
        issued.push({ runId: run.runId, audience });
        const token = await mint({ run, audience });
        secrets.push(token);
        return send(res, 200, { value: token, count: 1 });
      }
      default:
        return send(res, 404, { message: 'Not Found' });
    }
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    issued,
    secrets,
    mint,
    grant(run) {
      const requestToken = `sim-idtoken-grant-${randomBytes(12).toString('hex')}`;
      grants.set(requestToken, run);
      secrets.push(requestToken);
      return { requestUrl: `${url}/_apis/idtoken?api-version=2.0`, requestToken };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The claims GitHub Actions puts in a run's ID token (beside iss, aud, sub and the times). */
export function actionsClaims(run: RunIdentity): Record<string, unknown> {
  const [owner = ''] = run.repository.split('/');
  const ref = fullRef(run.ref);
  const workflowRef = `${run.repository}/${run.workflowPath ?? '.github/workflows/baton.yml'}@${ref}`;
  return {
    ref,
    ref_type: 'branch',
    sha: run.sha,
    repository: run.repository,
    repository_id: String(run.repositoryId),
    repository_owner: owner,
    repository_owner_id: '1',
    repository_visibility: 'private',
    actor: run.actor ?? 'baton[bot]',
    run_id: String(run.runId),
    run_number: String(run.runId),
    run_attempt: String(run.runAttempt ?? 1),
    event_name: run.eventName ?? 'workflow_dispatch',
    workflow: 'Baton',
    workflow_ref: workflowRef,
    workflow_sha: run.workflowSha ?? run.sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: run.workflowSha ?? run.sha,
    ...(run.checkRunId === undefined ? {} : { check_run_id: String(run.checkRunId) }),
    runner_environment: 'github-hosted',
    ...(run.environment === undefined ? {} : { environment: run.environment }),
  };
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}

function discovery(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: [
      'sub',
      'aud',
      'exp',
      'iat',
      'iss',
      'jti',
      'nbf',
      'ref',
      'repository',
      'repository_id',
      'repository_owner',
      'run_id',
      'run_attempt',
      'actor',
      'workflow_ref',
      'workflow_sha',
      'job_workflow_ref',
      'job_workflow_sha',
      'check_run_id',
      'event_name',
    ],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
