import type { PriceTable } from '../../../core/vocabulary/pricing.js';
import type { ProviderKit, UsageReading } from '../engines/provider-kit.js';
import {
  type AppliedEdits,
  type ResponseUsage,
  recordResponse,
  type UsageMeter,
} from '../model/usage-meter.js';

/**
 * Reads the usage out of a model response as it passes through the model
 * proxy, streamed or not, and adds it to the session's meter: the one place
 * where every engine's spend is counted. Only a successful response is
 * metered; the providers bill nothing for an error. A successful response
 * whose usage cannot be read is the proxy's to deal with (`end` says so): it
 * fails closed.
 *
 * - Anthropic Messages (https://docs.anthropic.com/en/api/messages-streaming):
 *   `message_start` carries the input and cache counts, each `message_delta`
 *   the cumulative output (and, newer, input, cache and server tool) counts;
 *   a JSON answer carries `usage` whole. `cache_creation` splits the cache
 *   writes into five-minute and one-hour ones, which cost more.
 * - OpenAI Responses (https://platform.openai.com/docs/api-reference/responses-streaming):
 *   `response.completed` (or `response.incomplete`/`response.failed`) carries
 *   `response.usage`; its `input_tokens` include the cached ones, which the
 *   meter counts apart as cache reads, and `output_tokens` include reasoning;
 *   each `web_search_call` of its output is a search, billed per call.
 */
export interface ResponseMeter {
  /** Feeds one chunk of the body as it arrives. */
  push(chunk: Buffer): void;
  /** The body ended (or broke off): records what it carried, once; false when it carried no usage. */
  end(): boolean;
}

/**
 * The most bytes of a JSON answer kept to read its usage (a larger one has no
 * usage read, and stops the session); streams are read line by line.
 */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

/**
 * A meter for one response of the provider of `kit` (its `usage` reads it),
 * streamed (`text/event-stream`) or JSON, priced by `prices`.
 */
export function meterResponse({
  kit,
  streamed,
  meter,
  model: asked,
  prices,
}: {
  kit: Pick<ProviderKit, 'usage'>;
  streamed: boolean;
  meter: UsageMeter;
  /** The model the request named, for a response that does not say. */
  model: string;
  /** The price lists of the proxy's providers. */
  prices?: PriceTable;
}): ResponseMeter {
  const read = kit.usage(asked);
  let ended = false;
  let recorded = false;
  const finish = (): boolean => {
    if (ended) return recorded;
    ended = true;
    const found = read.result();
    if (!found) return false;
    recordResponse(meter, found.model, found.usage, found.edits, prices);
    recorded = true;
    return true;
  };
  if (!streamed) {
    const chunks: Buffer[] = [];
    let size = 0;
    return {
      push(chunk) {
        size += chunk.length;
        if (size <= MAX_JSON_BYTES) chunks.push(chunk);
      },
      end() {
        if (!ended && size <= MAX_JSON_BYTES)
          read.json(parseJson(Buffer.concat(chunks).toString('utf8')));
        return finish();
      },
    };
  }
  let pending = '';
  return {
    push(chunk) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) readLine(line, read);
    },
    end() {
      if (pending) readLine(pending, read);
      pending = '';
      return finish();
    },
  };
}

/** Only `data:` lines carry what is metered; each holds one JSON object (`event:` names repeat its `type`). */
function readLine(line: string, read: UsageReading): void {
  const text = line.replace(/\r$/, '');
  if (!text.startsWith('data:')) return;
  const data = text.slice(5).trim();
  if (!data || data === '[DONE]') return;
  read.event(parseJson(data));
}

type Json = Record<string, unknown>;

/** The Messages API's usage: `message_start`, then each `message_delta`, or the whole message. */
export function readAnthropicUsage(asked: string): UsageReading {
  let model = asked;
  let usage: Json | null = null;
  let edits: AppliedEdits | null = null;
  const take = (message: Json) => {
    if (typeof message.model === 'string') model = message.model;
    if (isObject(message.usage)) usage = { ...(usage ?? {}), ...present(message.usage) };
    const managed = message.context_management;
    if (isObject(managed) && Array.isArray(managed.applied_edits)) {
      edits = { applied_edits: managed.applied_edits as AppliedEdits['applied_edits'] };
    }
  };
  return {
    event(data) {
      if (!isObject(data)) return;
      if (data.type === 'message_start' && isObject(data.message)) take(data.message);
      // Counts in a delta are cumulative: the last one wins, field by field.
      if (data.type === 'message_delta') take(data);
    },
    json(body) {
      if (isObject(body) && body.type === 'message') take(body);
    },
    result() {
      if (!usage) return null;
      return { model, usage: anthropicUsage(usage), edits };
    },
  };
}

/** The fields of a usage block that carry a value: a `null` in a later delta does not undo a count. */
function present(usage: Json): Json {
  return Object.fromEntries(
    Object.entries(usage).filter(([, value]) => value !== null && value !== undefined),
  );
}

function anthropicUsage(usage: Json): ResponseUsage {
  const server = isObject(usage.server_tool_use) ? usage.server_tool_use : {};
  const details = isObject(usage.output_tokens_details) ? usage.output_tokens_details : null;
  // Cache writes by how long they last: any but the five-minute ones is priced as an hour's.
  const writes = isObject(usage.cache_creation) ? usage.cache_creation : {};
  const fiveMinutes = count(writes.ephemeral_5m_input_tokens);
  const longer = Object.entries(writes)
    .filter(([field]) => field !== 'ephemeral_5m_input_tokens')
    .reduce((sum, [, value]) => sum + count(value), 0);
  return {
    input_tokens: count(usage.input_tokens),
    output_tokens: count(usage.output_tokens),
    cache_read_input_tokens: count(usage.cache_read_input_tokens),
    cache_creation_input_tokens: count(usage.cache_creation_input_tokens),
    cache_creation: { ephemeral_5m_input_tokens: fiveMinutes, ephemeral_1h_input_tokens: longer },
    output_tokens_details: details ? { thinking_tokens: count(details.thinking_tokens) } : null,
    server_tool_use: {
      web_search_requests: count(server.web_search_requests),
      web_fetch_requests: count(server.web_fetch_requests),
    },
  };
}

/** The Responses API's usage: its `response.completed` (or incomplete, failed), or the whole response. */
export function readOpenAiUsage(asked: string): UsageReading {
  let found: { model: string; usage: ResponseUsage } | null = null;
  const take = (response: unknown) => {
    if (!isObject(response) || !isObject(response.usage)) return;
    const usage = response.usage;
    const cached = count(
      isObject(usage.input_tokens_details) ? usage.input_tokens_details.cached_tokens : 0,
    );
    const reasoning = count(
      isObject(usage.output_tokens_details) ? usage.output_tokens_details.reasoning_tokens : 0,
    );
    const input = count(usage.input_tokens);
    const searches = Array.isArray(response.output)
      ? response.output.filter((item) => isObject(item) && item.type === 'web_search_call').length
      : 0;
    found = {
      model: typeof response.model === 'string' ? response.model : asked,
      usage: {
        input_tokens: Math.max(0, input - cached),
        output_tokens: count(usage.output_tokens),
        cache_read_input_tokens: Math.min(cached, input),
        cache_creation_input_tokens: 0,
        output_tokens_details: { thinking_tokens: reasoning },
        server_tool_use: { web_search_requests: searches, web_fetch_requests: 0 },
      },
    };
  };
  return {
    event(data) {
      if (!isObject(data) || typeof data.type !== 'string') return;
      if (/^response\.(completed|incomplete|failed)$/.test(data.type)) take(data.response);
    },
    json(body) {
      take(body);
    },
    result() {
      return found ? { ...found, edits: null } : null;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A count as the provider reports it: a non-negative whole number, else 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
