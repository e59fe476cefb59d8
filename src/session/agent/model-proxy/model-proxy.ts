/**
 * The model proxy (docs/security.md, "The model key"): one server in the
 * session's own process, on 127.0.0.1 and on a unix socket in a folder only
 * the job's user may open, that holds the provider credentials and is the
 * only way any engine reaches a model, Baton's own loop included. It forwards
 * the model endpoints each engine needs (model-routes.ts) with the real
 * credential added (upstreams.ts), refuses every other path, meters every
 * response into the session's usage meter (meter-response.ts), and refuses
 * every request once the session has reached one of its limits.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Provider } from '../../../core/sessions/engines.js';
import { type AgentLimits, findExceededLimit } from '../model/limits.js';
import type { UsageMeter } from '../model/usage-meter.js';
import { meterResponse } from './meter-response.js';
import {
  bodyProblem,
  findModelRoute,
  forwardedHeaders,
  type ModelRoute,
  returnedHeaders,
  upstreamUrl,
} from './model-routes.js';
import { missingCredential, type Upstream } from './upstreams.js';

/** A request the proxy did not pass on, for the job summary and the tests. */
export interface RefusedCall {
  method: string;
  /** The path without its query, cut to 200 characters. */
  path: string;
  status: number;
  reason: string;
}

export interface ModelProxy {
  /** The base URL on 127.0.0.1 (`http://127.0.0.1:<port>`). */
  url: string;
  /** The unix socket it also serves, in a 0700 folder of the job's user. */
  socket: string;
  /** What a client sends as its key (`x-api-key` or `Authorization: Bearer`): good for this session only. */
  token: string;
  refused(): RefusedCall[];
  /** The limit that stopped the session, once one did. */
  stopped(): string | null;
  /** Called once, when a request is refused because a limit is reached. */
  onStop(listener: (reason: string) => void): void;
  /** Lets the web tools of the providers through (research sessions), or not. */
  allowWeb(web: boolean): void;
  close(): Promise<void>;
}

/** A request body larger than this is refused: no model request of a session comes near it. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_REFUSED = 200;

/** Starts the proxy for one session; close it when the session ends. */
export async function startModelProxy({
  upstreams,
  meter,
  limits,
  now,
  log,
  fetchImpl = globalThis.fetch,
}: {
  upstreams: Partial<Record<Provider, Upstream>>;
  meter: UsageMeter;
  limits: AgentLimits;
  now: () => number;
  log: (line: string) => void;
  fetchImpl?: typeof globalThis.fetch;
}): Promise<ModelProxy> {
  const token = `baton-session-${randomBytes(24).toString('hex')}`;
  const refused: RefusedCall[] = [];
  const listeners: ((reason: string) => void)[] = [];
  const state = { stopped: null as string | null, web: false };
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    const path = (req.url ?? '').split('?')[0]?.slice(0, 200) ?? '';
    if (refused.length < MAX_REFUSED)
      refused.push({ method: req.method ?? '', path, status, reason });
    log(`model proxy: refused ${req.method} ${path}: ${reason}`);
    sendError(res, status, reason, path.startsWith('/v1/responses') ? 'openai' : 'anthropic');
  };
  const stop = (reason: string) => {
    if (state.stopped) return;
    state.stopped = reason;
    for (const listener of listeners) listener(reason);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const route = findModelRoute(req.method, req.url);
    if (!route) return refuse(req, res, 404, 'not a model endpoint the proxy serves');
    if (!hasToken(req, token)) return refuse(req, res, 401, 'not this session’s proxy token');
    const upstream = upstreams[route.provider];
    if (!upstream) return refuse(req, res, 403, missingCredential(route.provider));
    const exceeded =
      route.kind === 'count_tokens'
        ? null
        : (state.stopped ?? findExceededLimit(meter, limits, now()));
    if (exceeded) {
      stop(exceeded);
      return refuse(req, res, 400, `the session stops here: it ${exceeded}`);
    }
    const body = await readBody(req);
    if (body === null)
      return refuse(req, res, 413, `a request body is at most ${MAX_BODY_BYTES} bytes`);
    const parsed = parseJson(body);
    const problem = bodyProblem(route.provider, parsed, { web: state.web });
    if (problem) return refuse(req, res, 400, problem);
    await forward({ req, res, route, upstream, body, parsed, meter, fetchImpl, log });
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log(`model proxy: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent)
        sendError(res, 502, 'the model proxy could not reach the provider', 'anthropic');
      else res.destroy();
    });
  };
  // Only the job's user may open the socket's folder (mkdtemp makes it 0700).
  const dir = await mkdtemp(path.join(tmpdir(), 'baton-model-'));
  const socket = path.join(dir, 'model.sock');
  const tcp = await listen(createServer(onRequest), { port: 0, host: '127.0.0.1' });
  const unix = await listen(createServer(onRequest), { path: socket });
  const port = (tcp.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    socket,
    token,
    refused: () => [...refused],
    stopped: () => state.stopped,
    onStop: (listener) => void listeners.push(listener),
    allowWeb: (web) => {
      state.web = web;
    },
    close: async () => {
      await Promise.all([closeServer(tcp), closeServer(unix)]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Passes one request on with the credential, and the answer back as it streams, metered. */
async function forward({
  req,
  res,
  route,
  upstream,
  body,
  parsed,
  meter,
  fetchImpl,
  log,
}: {
  req: IncomingMessage;
  res: ServerResponse;
  route: ModelRoute;
  upstream: Upstream;
  body: Buffer;
  parsed: unknown;
  meter: UsageMeter;
  fetchImpl: typeof globalThis.fetch;
  log: (line: string) => void;
}): Promise<void> {
  const { headers: credential, betas } = await upstream.auth();
  const headers: Record<string, string> = { ...forwardedHeaders(req.headers), ...credential };
  if (betas.length > 0) {
    const asked = headers['anthropic-beta']?.split(',').map((b) => b.trim()) ?? [];
    headers['anthropic-beta'] = [...new Set([...asked.filter(Boolean), ...betas])].join(',');
  }
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  const answer = await fetchImpl(upstreamUrl(upstream.baseUrl, route, req.url ?? ''), {
    method: 'POST',
    headers,
    body,
    signal: controller.signal,
  });
  res.writeHead(answer.status, returnedHeaders(answer.headers));
  const metered = answer.ok && route.kind !== 'count_tokens';
  const streamed = (answer.headers.get('content-type') ?? '').includes('text/event-stream');
  const fields = (parsed ?? {}) as { model?: unknown };
  const reading = metered
    ? meterResponse({
        provider: route.provider,
        streamed,
        meter,
        model: typeof fields.model === 'string' ? fields.model : '',
      })
    : null;
  if (!answer.body) {
    reading?.end();
    res.end();
    return;
  }
  try {
    for await (const chunk of Readable.fromWeb(
      answer.body as import('node:stream/web').ReadableStream,
    )) {
      const buffer = chunk as Buffer;
      reading?.push(buffer);
      if (!res.write(buffer)) await new Promise((resolve) => res.once('drain', resolve));
    }
  } catch (error) {
    log(
      `model proxy: the answer broke off: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    // What arrived was served, and is billed: it is metered even when the stream broke off.
    reading?.end();
    res.end();
  }
}

function hasToken(req: IncomingMessage, token: string): boolean {
  const key = req.headers['x-api-key'];
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const given = (Array.isArray(key) ? key[0] : key) ?? bearer ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The body, or null when it is too large. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** An error in the provider's own shape, so each engine reports it as it would the provider's. */
function sendError(res: ServerResponse, status: number, message: string, provider: Provider): void {
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : status === 404
          ? 'not_found_error'
          : 'invalid_request_error';
  const body =
    provider === 'openai'
      ? { error: { message: `Baton's model proxy: ${message}`, type, code: 'baton_refused' } }
      : { type: 'error', error: { type, message: `Baton's model proxy: ${message}` } };
  // x-should-retry: Anthropic's SDKs do not retry what the proxy refused.
  res.writeHead(status, { 'content-type': 'application/json', 'x-should-retry': 'false' });
  res.end(JSON.stringify(body));
}

function listen(
  server: Server,
  options: { port: number; host: string } | { path: string },
): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
