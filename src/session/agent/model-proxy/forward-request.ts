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
  let answer: Response;
  try {
    answer = await fetchImpl(upstreamUrl(upstream.baseUrl, route, req.url ?? '', kit), {
      method: 'POST',
      headers,
      body,
      signal,
    });
  } catch (error) {
    if (signal.aborted) return 'cut off';
    throw error;
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
