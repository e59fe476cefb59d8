/**
 * The model proxy (docs/security.md, "The model key"): one server in the
 * session's own process, on 127.0.0.1 and on a unix socket in a folder only
 * the job's user may open, that holds the provider credentials and is the
 * only way any engine reaches a model, Baton's own loop included. It forwards
 * the model endpoints each engine needs (model-routes.ts) with the real
 * credential added (upstreams.ts), for the config's models only, refuses
 * every other path, model and beta that bills past the meter, meters every
 * response into the session's usage meter (forward-request.ts,
 * meter-response.ts), and refuses every request once the session has reached
 * one of its limits. Its fields
 * and message parts are a list of what is allowed (request-content.ts):
 * nothing the provider would fetch by address, read from its storage or run.
 * A few requests run at once (in-flight.ts), each checked against the limits
 * again once its body is read, with what those under way may cost counted
 * (one whose cost its body does not bound runs alone, at its worst case), and
 * let through only if the most it may cost fits in what is left of the dollar
 * limit, its output cap lowered to fit where that is enough (spend-cap.ts); each
 * answer is read to its end and metered even when the client leaves early;
 * an answer whose usage cannot be read stops the session.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ToolCall } from '../../../core/records/tool-call.js';
import type { SessionLimit } from '../../../core/records/usage.js';
import { formatUsd } from '../../../core/status/progress-format.js';
import type { ProviderKit, ProviderRegistry } from '../engines/provider-kit.js';
import { PROVIDER_KITS, priceTable, providerKit } from '../engines/provider-registry.js';
import {
  type AgentLimits,
  crossingLimit,
  exceededLimit,
  findExceededLimit,
  HAND_IN_OUTPUT_TOKENS,
} from '../model/limits.js';
import type { UsageMeter } from '../model/usage-meter.js';
import { type ForwardEnd, forward } from './forward-request.js';
import { type Estimate, estimateCost, RequestsInFlight, withReserved } from './in-flight.js';
import {
  enforceWebPolicy,
  findModelRoute,
  judgeBody,
  kitOfPath,
  type WebPolicy,
} from './model-routes.js';
import { fitToRoom } from './spend-cap.js';
import { createToolCallLog } from './tool-calls.js';
import type { Upstream } from './upstreams.js';

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
  /** Why the session was stopped, once it was. */
  stopped(): string | null;
  /** Which of the session's limits stopped it, when one did (not a response that could not be metered). */
  stoppedAt(): SessionLimit | null;
  /**
   * The dollar limit the session would have needed to send the request it was
   * stopped before (what it spent, what was held for requests under way, and
   * that request at its least worth sending); null unless the cap stopped it so.
   */
  neededUsd(): number | null;
  /** Called after every model response the proxy metered: the session's spend moved. */
  onMetered(listener: () => void): void;
  /**
   * Called with each model request the proxy forwards and meters, as sent, and
   * its turn (from 1): what the session's engine told the model, read where
   * it is told (the receipt of a message handed to the engine).
   */
  onModelRequest(listener: (body: string, turn: number) => void): void;
  /** Called once, when a request is refused because a limit is reached. */
  onStop(listener: (reason: string) => void): void;
  /** The session's tool calls as its requests showed them (tool-calls.ts), for its usage record. */
  toolCalls(): ToolCall[];
  /** Lets the web tools of the providers through (research sessions, held to `research.*`), or not. */
  allowWeb(web: boolean): void;
  /**
   * Stops the session now (its run is being cancelled): no request passes from
   * here on, and answers under way are cut off and counted at their estimate.
   */
  interrupt(reason: string): void;
  /**
   * Stops serving; answers still under way are read to their end and metered
   * (for at most `closeGraceMs`; any left then is cut off and counted at its
   * estimate).
   */
  close(): Promise<void>;
}

/** A request body larger than this is refused: no model request of a session comes near it. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_REFUSED = 200;
/** Requests forwarded at once; an engine makes one or two. */
export const MAX_IN_FLIGHT = 4;
/** Requests waiting for a place; past them, a request is refused (429). */
export const MAX_WAITING = 32;
/** How long `close` waits for answers under way. */
const CLOSE_GRACE_MS = 60_000;

/** Starts the proxy for one session; close it when the session ends. */
export async function startModelProxy({
  providers = PROVIDER_KITS,
  upstreams,
  meter,
  limits,
  now,
  log,
  research,
  models,
  fetchImpl = globalThis.fetch,
  closeGraceMs = CLOSE_GRACE_MS,
}: {
  /** The providers it serves, by name (each its routes, shaping, metering and prices). */
  providers?: ProviderRegistry;
  /** The credential of each provider the session has one for, by name; the others are refused. */
  upstreams: Readonly<Record<string, Upstream>>;
  meter: UsageMeter;
  limits: AgentLimits;
  now: () => number;
  log: (line: string) => void;
  /** The config's `research`: every web tool let through is held to it. */
  research: WebPolicy;
  /** The models the session may call (`sessionModels` of the config): any other is refused. */
  models: ReadonlySet<string>;
  fetchImpl?: typeof globalThis.fetch;
  closeGraceMs?: number;
}): Promise<ModelProxy> {
  const token = `baton-session-${randomBytes(24).toString('hex')}`;
  const prices = priceTable(providers);
  const refused: RefusedCall[] = [];
  const listeners: ((reason: string) => void)[] = [];
  const onMetered: (() => void)[] = [];
  const onModelRequest: ((body: string, turn: number) => void)[] = [];
  const tools = createToolCallLog({ now });
  const state = {
    stopped: null as string | null,
    limit: null as SessionLimit | null,
    neededUsd: null as number | null,
    web: false,
    closed: false,
  };
  /** An error answered in the shape of the API the path belongs to. */
  const answerError = (res: ServerResponse, status: number, reason: string, path: string) =>
    sendError(res, status, reason, kitOfPath(providers, path));
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    const path = (req.url ?? '').split('?')[0]?.slice(0, 200) ?? '';
    if (refused.length < MAX_REFUSED)
      refused.push({ method: req.method ?? '', path, status, reason });
    log(`model proxy: refused ${req.method} ${path}: ${reason}`);
    answerError(res, status, reason, path);
  };
  const stop = (reason: string, limit: SessionLimit | null = null) => {
    if (state.stopped) return;
    state.stopped = reason;
    state.limit = limit;
    for (const listener of listeners) listener(reason);
  };
  /** Stops the session at the limit it reached now, if it reached one: the reason, or null. */
  const stopAtLimit = (): string | null => {
    if (state.stopped) return state.stopped;
    const reached = exceededLimit(meter, limits, now());
    if (reached) stop(reached.reason, reached.limit);
    return reached?.reason ?? null;
  };
  const flight = new RequestsInFlight(MAX_IN_FLIGHT, MAX_WAITING);
  const underway = new Set<{ done: Promise<unknown>; controller: AbortController }>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const route = findModelRoute(req.method, req.url, providers);
    if (!route) return refuse(req, res, 404, 'not a model endpoint the proxy serves');
    if (!hasToken(req, token)) return refuse(req, res, 401, 'not this session’s proxy token');
    const kit = providerKit(providers, route.provider);
    const upstream = Object.hasOwn(upstreams, route.provider) ? upstreams[route.provider] : null;
    if (!upstream) return refuse(req, res, 403, kit.missingCredential);
    const header = kit.headerProblem(req.headers);
    if (header) return refuse(req, res, 400, header);
    const metered = route.kind !== 'count_tokens';
    // `count_tokens` is free, but a session past a limit makes no request at all.
    const exceeded = stopAtLimit();
    if (exceeded) return refuse(req, res, 400, `the session stops here: it ${exceeded}`);
    if (!(await flight.enter())) {
      return refuse(
        req,
        res,
        429,
        `at most ${MAX_IN_FLIGHT} model requests run at once and ${MAX_WAITING} wait`,
      );
    }
    let release = () => {};
    try {
      const body = await readBody(req);
      if (body === null)
        return refuse(req, res, 413, `a request body is at most ${MAX_BODY_BYTES} bytes`);
      const parsed = parseJson(body);
      const judged = judgeBody(kit, parsed, {
        web: state.web,
        prices: meter.prices,
        metered,
        models,
        table: prices,
      });
      if (judged.problem !== null) return refuse(req, res, 400, judged.problem);
      const fields = parsed as Record<string, unknown>;
      const held = state.web ? enforceWebPolicy(kit, fields, research) : null;
      let sent = held ? Buffer.from(JSON.stringify(held)) : body;
      const model = typeof fields.model === 'string' ? fields.model : '';
      let estimate: Estimate | null = null;
      if (metered) {
        // What a body may cost at most, by the route's provider, the prices and what it holds.
        const estimateOf = (body: Record<string, unknown>, bytes: number): Estimate =>
          estimateCost(kit, body, bytes, meter.prices, judged.content, prices);
        let forwarded = held ?? fields;
        estimate = estimateOf(forwarded, sent.length);
        // Checked again now that the body is read: the session may have reached a limit since.
        // A request starts only if the most it may cost fits in what is left of the dollar limit
        // with what those under way may cost held aside (spend-cap.ts): while others run it waits
        // for room (one whose body does not bound its cost waits until none is under way); alone,
        // its output cap is lowered to fit, or it is refused and the session stops.
        for (;;) {
          const reached = stopAtLimit();
          if (reached) return refuse(req, res, 400, `the session stops here: it ${reached}`);
          const heldUsd = flight.reserved.usd;
          const roomUsd =
            limits.maxUsd === null
              ? Number.POSITIVE_INFINITY
              : limits.maxUsd - meter.cost_usd - heldUsd;
          if (flight.holding()) {
            if (
              estimate.bounded &&
              estimate.usd <= roomUsd &&
              !findExceededLimit(withReserved(meter, flight.reserved), limits, now())
            )
              break;
            await flight.next();
            continue;
          }
          const fit = fitToRoom({ kit, body: forwarded, estimate, roomUsd });
          if (fit.kind === 'fits') break;
          if (fit.kind === 'over') {
            const crossed = crossingLimit(meter, limits, { worstUsd: fit.leastUsd, heldUsd });
            if (!state.stopped) state.neededUsd = meter.cost_usd + heldUsd + fit.leastUsd;
            stop(crossed.reason, crossed.limit);
            return refuse(req, res, 400, `the session stops here: it ${crossed.reason}`);
          }
          forwarded = fit.body;
          sent = Buffer.from(JSON.stringify(forwarded));
          estimate = estimateOf(forwarded, sent.length);
          log(
            `model proxy: lowered the request's output cap to ${fit.outputTokens} tokens, so that it fits in the ${formatUsd(roomUsd)} left of the session's dollar limit`,
          );
          break;
        }
        // What the wind-down keeps room for: requests like this one, with a hand-in's output.
        meter.hand_in_request_usd =
          estimate.inputUsd + HAND_IN_OUTPUT_TOKENS * estimate.outputUsdPerToken;
        release = flight.reserve(estimate);
      }
      // A client gone while it waited, or a proxy closing, sends nothing more.
      if (res.destroyed || state.closed) return;
      if (metered) {
        const text = sent.toString('utf8');
        for (const listener of onModelRequest) listener(text, meter.turns + 1);
        tools.requested(fields, meter.turns + 1);
      }
      const controller = new AbortController();
      const done = forward({
        req,
        res,
        route,
        kit,
        registry: providers,
        prices,
        upstream,
        body: sent,
        model,
        metered,
        meter,
        fetchImpl,
        log,
        signal: controller.signal,
      });
      const entry = { done, controller };
      underway.add(entry);
      let ended: ForwardEnd;
      try {
        ended = await done;
      } finally {
        underway.delete(entry);
      }
      if (ended === 'metered') {
        tools.answered();
        for (const listener of onMetered) listener();
      }
      if (!estimate || ended === 'metered' || ended === 'free') return;
      // Billed, or maybe billed, but not read: counted at its estimate, and the session stops.
      meter.cost_usd += estimate.usd;
      meter.turns += 1;
      const why =
        ended === 'cut off'
          ? 'had a model answer still under way when it ended, counted at its estimate'
          : 'got a model answer whose usage could not be read, so it could not be metered (counted at its estimate)';
      log(`model proxy: ${why}: $${estimate.usd.toFixed(4)}`);
      stop(why);
    } finally {
      release();
      flight.leave();
    }
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      const why = describeFailure(error);
      log(`model proxy: ${why}`);
      if (!res.headersSent)
        answerError(
          res,
          502,
          `the model proxy could not reach the provider (${why})`,
          req.url ?? '',
        );
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
    stoppedAt: () => state.limit,
    neededUsd: () => state.neededUsd,
    onStop: (listener) => void listeners.push(listener),
    onMetered: (listener) => void onMetered.push(listener),
    onModelRequest: (listener) => void onModelRequest.push(listener),
    toolCalls: () => tools.calls(),
    interrupt: (reason) => {
      stop(reason);
      for (const entry of underway) entry.controller.abort();
    },
    allowWeb: (web) => {
      state.web = web;
    },
    close: async () => {
      state.closed = true;
      await Promise.all([closeServer(tcp), closeServer(unix)]);
      // What the provider is still answering is billed: read it to its end and meter it.
      const all = Promise.allSettled([...underway].map((entry) => entry.done));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        all,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, closeGraceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const entry of underway) entry.controller.abort();
      await Promise.allSettled([...underway].map((entry) => entry.done));
      await rm(dir, { recursive: true, force: true });
    },
  };
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
function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  kit: Pick<ProviderKit, 'errorBody'>,
): void {
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : status === 404
          ? 'not_found_error'
          : status === 429
            ? 'rate_limit_error'
            : 'invalid_request_error';
  const body = kit.errorBody(type, `Baton's model proxy: ${message}`);
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

/**
 * A failed request in words, with what caused it: fetch says only "fetch failed",
 * its cause says what (`UND_ERR_HEADERS_TIMEOUT`, `ECONNREFUSED 127.0.0.1:443`).
 */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (!(cause instanceof Error)) return error.message;
  const code = (cause as { code?: unknown }).code;
  return `${error.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`;
}
