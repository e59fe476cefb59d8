/**
 * A minimal npm registry on 127.0.0.1, enough for `npm publish`, `npm view`
 * and an install of what was published, as npm's registry API has them
 * (https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md):
 *
 * - `PUT /<name>` (a scope's slash escaped, `@scope%2fname`): the body npm
 *   publish sends, a packument of the one new version whose tarball is in
 *   `_attachments` as base64; it needs the token (`Authorization: Bearer`),
 *   and refuses a version published already (403), as the registry does;
 * - `GET /<name>`: the packument, every version published, `dist-tags`, `time`;
 * - `GET` a version's `dist.tarball`: its bytes, which npm checks against
 *   `dist.integrity`;
 * - trusted publishing (https://docs.npmjs.com/trusted-publishers), where a
 *   trusted publisher is set: `POST /-/npm/v1/oidc/token/exchange/package/<name>`
 *   with a GitHub Actions ID token (`Authorization: Bearer`, audience
 *   `npm:<registry host>`) signed by the issuer's keys, whose repository,
 *   workflow file and environment are the publisher's, answers a token that
 *   publishes that package alone; npm asks for it before it looks for a token
 *   of its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { closeServer, listenLocally } from './local-server.js';

interface Dist {
  tarball: string;
  shasum: string;
  integrity: string;
}

interface VersionManifest {
  name: string;
  version: string;
  dist: Dist;
  [key: string]: unknown;
}

/** What npm publish sends. */
interface PublishBody {
  name?: string;
  'dist-tags'?: Record<string, string>;
  versions?: Record<string, VersionManifest>;
  _attachments?: Record<string, { data?: string; length?: number }>;
}

interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, VersionManifest>;
  time: Record<string, string>;
}

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/`, npm's `registry`. */
  url: string;
  /** The only token a publish is taken with. */
  token: string;
  /** Why each trusted-publishing exchange was refused. */
  refusals: string[];
  /** Every request served: method, path and status. */
  requests: { method: string; path: string; status: number }[];
  packument(name: string): Packument | undefined;
  close(): Promise<void>;
}

const TOKEN = 'npm_local-registry-token';

/** A package's trusted publisher on npm: the GitHub workflow whose ID tokens may publish it. */
export interface TrustedPublisher {
  /** The ID tokens' issuer (`iss`), whose keys are at `<issuer>/.well-known/jwks`. */
  issuer: string;
  /** `owner/name`. */
  repository: string;
  /** The workflow's file name, `release.yml`. */
  workflow: string;
  /** The GitHub environment its job must name; none where unset. */
  environment?: string;
}

/** Starts the registry; the test that starts it closes it. */
export async function startLocalRegistry({
  trusted,
}: {
  /** By package name. */
  trusted?: Record<string, TrustedPublisher>;
} = {}): Promise<LocalRegistry> {
  const packuments = new Map<string, Packument>();
  /** Tokens the exchange gave, each for the one package it may publish. */
  const exchanged = new Map<string, string>();
  const refusals: string[] = [];
  const tarballs = new Map<string, Buffer>();
  const requests: LocalRegistry['requests'] = [];
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) =>
      answer(res, 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
  let base = '';

  function answer(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
    res.writeHead(status, { 'content-type': type });
    res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', base).pathname;
    const reply = (status: number, body: unknown, type?: string) => {
      requests.push({ method: req.method ?? '', path, status });
      answer(res, status, body, type);
    };
    const tarball = tarballs.get(path);
    if (req.method === 'GET' && tarball) return reply(200, tarball, 'application/octet-stream');
    const name = decodeURIComponent(path.slice(1));
    if (req.method === 'GET') {
      const found = packuments.get(name);
      return found ? reply(200, found) : reply(404, { error: 'Not found' });
    }
    const exchange = /^\/-\/npm\/v1\/oidc\/token\/exchange\/package\/(.+)$/.exec(path);
    if (req.method === 'POST' && exchange?.[1]) {
      const pkg = decodeURIComponent(exchange[1]);
      const refused = await refuseIdToken(pkg, req.headers.authorization);
      if (refused) {
        refusals.push(refused);
        return reply(401, { message: refused });
      }
      const token = `npm_oidc_${randomBytes(12).toString('hex')}`;
      exchanged.set(token, pkg);
      return reply(201, { token });
    }
    if (req.method !== 'PUT') return reply(405, { error: `${req.method} is not served` });
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (bearer !== TOKEN && exchanged.get(bearer) !== name)
      return reply(401, { error: 'You must be logged in to publish packages.' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PublishBody;
    const [version, manifest] = Object.entries(body.versions ?? {})[0] ?? [];
    const [, attachment] = Object.entries(body._attachments ?? {})[0] ?? [];
    if (body.name !== name || !version || !manifest || !attachment?.data)
      return reply(400, {
        error: 'a publish names the package and carries one version and its tarball',
      });
    const bytes = Buffer.from(attachment.data, 'base64');
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    const shasum = createHash('sha1').update(bytes).digest('hex');
    if (bytes.length !== attachment.length || manifest.dist.integrity !== integrity)
      return reply(400, { error: 'the tarball is not the one its manifest describes' });
    if (manifest.dist.shasum !== shasum) return reply(400, { error: 'shasum mismatch' });
    const existing = packuments.get(name);
    if (existing?.versions[version])
      return reply(403, {
        error: `You cannot publish over the previously published versions: ${version}.`,
      });
    // The tarball is served where the manifest says it is, on this registry.
    const at = new URL(manifest.dist.tarball, base);
    if (at.origin !== new URL(base).origin)
      return reply(400, { error: `the tarball's URL ${at.href} is not on this registry` });
    tarballs.set(at.pathname, bytes);
    const now = new Date().toISOString();
    packuments.set(name, {
      name,
      'dist-tags': { ...existing?.['dist-tags'], ...body['dist-tags'] },
      versions: { ...existing?.versions, [version]: manifest },
      time: { ...existing?.time, [version]: now, modified: now },
    });
    return reply(201, { ok: true, id: name });
  }

  /** Why an exchange is refused, or null: the token is the trusted publisher's, for this registry. */
  async function refuseIdToken(pkg: string, authorization: string | undefined) {
    const publisher = trusted?.[pkg];
    if (!publisher) return `${pkg} has no trusted publisher`;
    const jwt = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!jwt) return 'no ID token';
    try {
      const keys = createRemoteJWKSet(new URL(`${publisher.issuer}/.well-known/jwks`));
      const { payload } = await jwtVerify(jwt, keys, {
        issuer: publisher.issuer,
        audience: `npm:${new URL(base).hostname}`,
      });
      if (payload.repository !== publisher.repository) return 'another repository';
      const workflow = `${publisher.repository}/.github/workflows/${publisher.workflow}@`;
      if (!String(payload.workflow_ref ?? '').startsWith(workflow)) return 'another workflow';
      if (publisher.environment !== undefined && payload.environment !== publisher.environment)
        return `not the environment ${publisher.environment}`;
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  base = `${await listenLocally(server)}/`;
  return {
    url: base,
    token: TOKEN,
    refusals,
    requests,
    packument: (name) => packuments.get(name),
    close: () => closeServer(server),
  };
}
