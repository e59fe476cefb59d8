import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, withBody } from './fake-http.js';

/**
 * A stand-in for OpenAI's Responses API on 127.0.0.1, for tests and
 * simulations: `POST /v1/responses`, answered by a script as JSON or, when
 * the request asks to `stream`, as the documented server-sent events
 * (https://platform.openai.com/docs/api-reference/responses-streaming:
 * `response.created`, `response.in_progress`, per output item
 * `response.output_item.added`, its deltas and `.done`, then
 * `response.completed` with the usage), which is how Codex calls it. A
 * request with `background: true` is answered at once, as the API does, with
 * the response `queued` and no usage (the API generates, and bills, it
 * later); the script is not asked. Every other path is answered 404 as the
 * API answers an unknown URL. Each request is kept with the usage served for it.
 */

/** The body a client sent; only the fields a script usually reads are typed. */
export interface ResponsesRequest {
  model: string;
  input: unknown[];
  instructions?: string | null;
  tools?: { type?: string; name?: string; [key: string]: unknown }[];
  stream?: boolean;
  [key: string]: unknown;
}

/** One request as the fake received it. */
export interface CapturedResponsesRequest {
  index: number;
  body: ResponsesRequest;
  headers: IncomingHttpHeaders;
  /** The usage of the answer, once served (a 200). */
  served?: ResponsesUsage;
  servedModel?: string;
}

/** An output item of a scripted answer. */
export type ResponsesItem =
  | { type: 'message'; text: string }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | { type: 'custom_tool_call'; call_id: string; name: string; input: string }
  | { type: 'reasoning'; summary: string[] }
  | { type: 'web_search_call'; query: string };

/** The usage an answer reports, as the API does: input includes the cached tokens, output the reasoning. */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What the fake answers one request with: output items (and their usage), or an API error. */
export type ResponsesReply =
  | {
      output: ResponsesItem[];
      /** null: the answer carries `usage: null`, as a response not (yet) generated does. */
      usage?: {
        input_tokens: number;
        cached_tokens?: number;
        output_tokens: number;
        reasoning_tokens?: number;
      } | null;
    }
  | { error: { status: number; type: string; message: string } };

export type RespondResponses = (
  request: CapturedResponsesRequest,
  index: number,
) => ResponsesReply | Promise<ResponsesReply>;

export interface FakeOpenAi {
  /** The base URL a client is given (`…/v1`, as OpenAI's is `https://api.openai.com/v1`). */
  url: string;
  requests: CapturedResponsesRequest[];
  /** Requests to paths the API does not serve (404), in order. */
  unknown: string[];
  close(): Promise<void>;
}

/** Starts a fake on 127.0.0.1, port 0; close it when done. */
export async function startFakeOpenAi({
  respond,
}: {
  respond: RespondResponses;
}): Promise<FakeOpenAi> {
  const requests: CapturedResponsesRequest[] = [];
  const unknown: string[] = [];
  const server = createServer((req, res) => {
    withBody(req, async (text) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'POST' || path !== '/v1/responses') {
        unknown.push(`${req.method} ${path}`);
        return sendError(res, 404, 'invalid_request_error', `Invalid URL (${req.method} ${path})`);
      }
      let body: ResponsesRequest;
      try {
        body = JSON.parse(text) as ResponsesRequest;
      } catch {
        return sendError(
          res,
          400,
          'invalid_request_error',
          'We could not parse the JSON body of your request.',
        );
      }
      if (typeof body.model !== 'string' || !body.model) {
        return sendError(res, 400, 'invalid_request_error', "Missing required parameter: 'model'.");
      }
      if (!Array.isArray(body.input) && typeof body.input !== 'string') {
        return sendError(res, 400, 'invalid_request_error', "Missing required parameter: 'input'.");
      }
      const captured: CapturedResponsesRequest = {
        index: requests.length,
        body,
        headers: req.headers,
      };
      requests.push(captured);
      if (body.background === true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(queuedResponse(body, captured.index)));
        return;
      }
      try {
        const reply = await respond(captured, captured.index);
        if ('error' in reply)
          return sendError(res, reply.error.status, reply.error.type, reply.error.message);
        const response = renderResponse(body, reply, captured.index);
        if (response.usage) captured.served = response.usage;
        captured.servedModel = response.model;
        if (body.stream) streamResponse(res, response);
        else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(response));
        }
      } catch (error) {
        sendError(res, 500, 'server_error', `the fake's script threw: ${String(error)}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    unknown,
    close: () => closeServer(server),
  };
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}

type Rendered = ReturnType<typeof renderResponse>;

/** What names the `index`th response to `body`, whatever its state. */
function responseHead(body: ResponsesRequest, index: number) {
  return {
    id: `resp_fake_${index}`,
    object: 'response' as const,
    created_at: 1_795_000_000 + index,
    model: body.model,
  };
}

/** A background request's answer: queued, nothing generated yet, no usage. */
function queuedResponse(body: ResponsesRequest, index: number) {
  return {
    ...responseHead(body, index),
    status: 'queued',
    background: true,
    output: [],
    usage: null,
    error: null,
    incomplete_details: null,
  };
}

/** The response object: output items with ids, and usage (about a token per four characters unless scripted). */
function renderResponse(
  body: ResponsesRequest,
  reply: Extract<ResponsesReply, { output: ResponsesItem[] }>,
  index: number,
) {
  const output = reply.output.map((item, n) => renderItem(item, `${index}_${n}`));
  const input = reply.usage?.input_tokens ?? Math.ceil(JSON.stringify(body.input).length / 4);
  const cached = reply.usage?.cached_tokens ?? 0;
  const scripted = reply.usage?.output_tokens ?? Math.ceil(JSON.stringify(output).length / 4);
  // The API generates (and bills) no more than `max_output_tokens`, reasoning included.
  const cap = typeof body.max_output_tokens === 'number' ? body.max_output_tokens : Infinity;
  const out = Math.min(scripted, cap);
  const usage: ResponsesUsage | null =
    reply.usage === null
      ? null
      : {
          input_tokens: input,
          input_tokens_details: { cached_tokens: cached },
          output_tokens: out,
          output_tokens_details: { reasoning_tokens: reply.usage?.reasoning_tokens ?? 0 },
          total_tokens: input + out,
        };
  return {
    ...responseHead(body, index),
    status: 'completed',
    output,
    usage,
    error: null,
    incomplete_details: null,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    tool_choice: body.tool_choice ?? 'auto',
    tools: [],
  };
}

function renderItem(item: ResponsesItem, id: string): Record<string, unknown> {
  switch (item.type) {
    case 'message':
      return {
        id: `msg_${id}`,
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: item.text, annotations: [] }],
      };
    case 'function_call':
      return { id: `fc_${id}`, status: 'completed', ...item };
    case 'custom_tool_call':
      return { id: `ctc_${id}`, status: 'completed', ...item };
    case 'reasoning':
      return {
        id: `rs_${id}`,
        type: 'reasoning',
        summary: item.summary.map((text) => ({ type: 'summary_text', text })),
      };
    case 'web_search_call':
      return {
        id: `ws_${id}`,
        type: 'web_search_call',
        status: 'completed',
        action: { type: 'search', query: item.query },
      };
    default: {
      const _exhaustive: never = item;
      return _exhaustive;
    }
  }
}

/** The response as events: created, in progress, each item added with its deltas and done, completed. */
function streamResponse(res: ServerResponse, response: Rendered): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    res.write(
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`,
    );
  const pending = { ...response, status: 'in_progress', output: [], usage: null };
  event('response.created', { response: pending });
  event('response.in_progress', { response: pending });
  response.output.forEach((item, output_index) => {
    for (const [type, data] of itemEvents(item)) event(type, { output_index, ...data });
  });
  event('response.completed', { response });
  res.end();
}

/**
 * The events of a call whose `field` streams (`events`: its events' prefix): the item
 * added with the field empty, the field in one delta, then whole.
 */
function streamedField(
  item: Record<string, unknown>,
  field: string,
  events: string,
): [string, Record<string, unknown>][] {
  return [
    ['response.output_item.added', { item: { ...item, status: 'in_progress', [field]: '' } }],
    [`${events}.delta`, { item_id: item.id, delta: item[field] }],
    [`${events}.done`, { item_id: item.id, [field]: item[field] }],
  ];
}

function itemEvents(item: Record<string, unknown>): [string, Record<string, unknown>][] {
  const id = item.id;
  const done: [string, Record<string, unknown>] = ['response.output_item.done', { item }];
  switch (item.type) {
    case 'message': {
      const part = (item.content as { text: string }[])[0] ?? { text: '' };
      return [
        ['response.output_item.added', { item: { ...item, status: 'in_progress', content: [] } }],
        [
          'response.content_part.added',
          { item_id: id, content_index: 0, part: { ...part, text: '' } },
        ],
        ['response.output_text.delta', { item_id: id, content_index: 0, delta: part.text }],
        ['response.output_text.done', { item_id: id, content_index: 0, text: part.text }],
        ['response.content_part.done', { item_id: id, content_index: 0, part }],
        done,
      ];
    }
    case 'function_call':
      return [...streamedField(item, 'arguments', 'response.function_call_arguments'), done];
    case 'custom_tool_call':
      return [...streamedField(item, 'input', 'response.custom_tool_call_input'), done];
    default:
      return [['response.output_item.added', { item }], done];
  }
}
