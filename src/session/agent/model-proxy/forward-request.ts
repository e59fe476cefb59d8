/**
 * One request the model proxy lets through, passed on to the provider with
 * the credential added (upstreams.ts), and its answer back to the engine as it
 * streams, metered into the session's usage (meter-response.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { PriceTable } from '../../../core/vocabulary/pricing.js';
import type { ProviderKit, ProviderRegistry, Upstream } from '../engines/provider-kit.js';
import type { UsageMeter } from '../model/usage-meter.js';
import { meterResponse } from './meter-response.js';
import { forwardedHeaders, type ModelRoute, returnedHeaders, upstreamUrl } from './model-routes.js';

/**
 * How a forwarded request ended: its usage metered; nothing to meter (an
 * error answer, which the providers do not bill, or `count_tokens`); a
 * successful answer with no usage that could be read; cut off when the proxy
 * closed.
 */
export type ForwardEnd = 'metered' | 'free' | 'unread' | 'cut off';

/**
 * Passes one request on with the credential, and the answer back as it
 * streams, metered. A client that leaves early does not end the request: the
 * provider goes on answering and billing, so the answer is read to its end
 * and metered all the same (only `signal`, when the proxy closes, cuts it).
 */
export async function forward({
  req,
  res,
  route,
  kit,
  registry,
  prices,
  upstream,
  body,
  model,
  metered: billed,
  meter,
  fetchImpl,
  log,
  signal,
}: {
  req: IncomingMessage;
  res: ServerResponse;
  route: ModelRoute;
  /** The route's provider, and the registry it is one of (whose headers pass). */
  kit: ProviderKit;
  registry: ProviderRegistry;
  /** The price lists of the registry's providers. */
  prices: PriceTable;
  upstream: Upstream;
  body: Buffer;
  /** The model the request named, for an answer that does not say. */
  model: string;
  metered: boolean;
  meter: UsageMeter;
  fetchImpl: typeof globalThis.fetch;
  log: (line: string) => void;
  signal: AbortSignal;
}): Promise<ForwardEnd> {
  const headers = await upstream.auth(forwardedHeaders(req.headers, registry));
  const url = upstreamUrl(upstream.baseUrl, route, req.url ?? '', kit);
  let answer: Response;
  for (let resent = 0; ; resent++) {
    try {
      answer = await fetchImpl(url, { method: 'POST', headers, body, signal });
      break;
    } catch (error) {
      if (signal.aborted) return 'cut off';
      const dropped = droppedConnection(error);
      if (!dropped || resent >= RESENDS) throw error;
      log(
        `model proxy: the provider's connection dropped before any answer (${dropped}); sending the request again`,
      );
    }
  }
  const client = { gone: res.destroyed };
  res.once('close', () => {
    client.gone = true;
  });
  if (!client.gone) res.writeHead(answer.status, returnedHeaders(answer.headers));
  const streamed = (answer.headers.get('content-type') ?? '').includes('text/event-stream');
  const reading =
    answer.ok && billed ? meterResponse({ kit, streamed, meter, model, prices }) : null;
  try {
    if (answer.body) {
      for await (const chunk of Readable.fromWeb(
        answer.body as import('node:stream/web').ReadableStream,
      )) {
        const buffer = chunk as Buffer;
        reading?.push(buffer);
        if (client.gone) continue;
        if (!res.write(buffer)) await drained(res);
      }
    }
  } catch (error) {
    if (signal.aborted) {
      res.destroy();
      return 'cut off';
    }
    log(
      `model proxy: the answer broke off: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    if (!client.gone) res.end();
  }
  // What arrived was served, and is billed: it is metered even when the stream broke off.
  if (!reading) return 'free';
  return reading.end() ? 'metered' : 'unread';
}

/**
 * How many times a request is sent again when the provider's connection
 * dropped before any answer came: twice, as the providers' own SDKs do for a
 * connection error. An idle kept-alive connection the provider closes just as
 * a request goes out on it is reset, more often the busier the machine; the
 * engine would otherwise be told the provider is down and may end its session.
 */
export const RESENDS = 2;

/** The socket errors that drop a connection before an answer: reset, broken pipe, closed by the other side. */
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** The code of a fetch's failure that dropped its connection before any answer, or null (a timeout, a refusal: not sent again). */
function droppedConnection(error: unknown): string | null {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  return code !== null && DROPPED.has(code) ? code : null;
}

/** Resolves when the response can take more, or the client has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
