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
 *   `dist.integrity`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
  /** Every request served: method, path and status. */
  requests: { method: string; path: string; status: number }[];
  packument(name: string): Packument | undefined;
  close(): Promise<void>;
}

const TOKEN = 'npm_local-registry-token';

/** Starts the registry; the test that starts it closes it. */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  const packuments = new Map<string, Packument>();
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
    if (req.method !== 'PUT') return reply(405, { error: `${req.method} is not served` });
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
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

  base = `${await listenLocally(server)}/`;
  return {
    url: base,
    token: TOKEN,
    requests,
    packument: (name) => packuments.get(name),
    close: () => closeServer(server),
  };
}
