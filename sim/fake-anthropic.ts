import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AppliedEdit,
  applyApiRules,
  type SeenRequest,
  signThinking,
} from './fake-api-rules.js';
import { closeServer, withBody } from './fake-http.js';

/**
 * A stand-in for the Messages API on 127.0.0.1, for tests and simulations:
 * `POST /v1/messages` (also `?beta=true`), answered by a script as JSON or,
 * when the request asks to `stream`, as the documented server-sent events
 * (https://docs.anthropic.com/en/api/messages-streaming: `message_start`,
 * `content_block_start`/`_delta`/`_stop` per block, `message_delta` with the
 * stop reason and usage, `message_stop`), which is how Claude Code calls it.
 * Every request is kept with what was served for it, so that a test can read
 * what the model was sent and what it billed. Before the script sees a request
 * the fake applies what the API would (sim/fake-api-rules.ts): beta headers,
 * context editing, the context window, the rules of thinking blocks; with a
 * thinking budget on, each reply starts with a signed thinking block.
 */

/** The body a client sent; only the fields a script usually reads are typed. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: unknown;
  tools?: { name?: string; type?: string; [key: string]: unknown }[];
  messages: { role: string; content: unknown }[];
  [key: string]: unknown;
}

/** One request as the fake received it. */
export interface CapturedRequest {
  /** 0-based, counting every request, retries included. */
  index: number;
  body: MessagesRequest;
  headers: IncomingHttpHeaders;
  /** The request as the model reads it, after the API's context edits. */
  seen: MessagesRequest;
  /** The context edits applied to it. */
  appliedEdits: AppliedEdit[];
  /** Input tokens of `seen`. */
  inputTokens: number;
  /** The usage of the answer, once served (a 200); what the provider would bill. */
  served?: FakeUsage;
  /** The model the answer named. */
  servedModel?: string;
}

/** A content block of a scripted reply. */
export type FakeBlock =
  | { type: 'text'; text: string; citations?: unknown[] }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'server_tool_use'; id: string; name: 'web_search' | 'web_fetch'; input: unknown }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: unknown }
  | { type: 'web_fetch_tool_result'; tool_use_id: string; content: unknown };

/** The usage a reply reports. */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** Of `output_tokens`, those spent thinking (set by the fake when thinking is on). */
  output_tokens_details?: { thinking_tokens: number };
  server_tool_use?: { web_search_requests: number; web_fetch_requests: number };
}

/** A scripted assistant message. */
export interface FakeMessage {
  content: FakeBlock[];
  /** Default: `tool_use` when a block uses a tool, else `end_turn`. */
  stop_reason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal' | 'stop_sequence' | 'pause_turn';
  /** Default: about a token per four characters of the request and of the reply. */
  usage?: Partial<FakeUsage>;
  /**
   * Streamed: wait this long after the content, before `message_delta` (the
   * whole usage) and the end, as a long answer keeps a stream open.
   */
  holdEndMs?: number;
}

/** What the fake answers one request with: a message, or an API error. */
export type FakeReply =
  | { message: FakeMessage }
  | { error: { status: number; type: string; message?: string; retryAfterMs?: number } };

/** The script: the reply to the request at `index`. */
export type Respond = (request: CapturedRequest, index: number) => FakeReply | Promise<FakeReply>;

/** A running fake. */
export interface FakeAnthropic {
  /** The base URL to give the SDK (`baseURL`) or a session (`ANTHROPIC_BASE_URL`). */
  url: string;
  requests: CapturedRequest[];
  /**
   * Models the key may not use: `POST /v1/messages/count_tokens` answers them
   * 404 `not_found_error`, as the API does for a model it does not know.
   */
  unknownModels: Set<string>;
  /** The models `count_tokens` was asked about, in order (`baton doctor`'s agent job asks them). */
  counted: string[];
  /** Requests to paths the fake does not serve (answered 404), as `METHOD /path`. */
  unknown: string[];
  close(): Promise<void>;
}

/** Starts a fake on 127.0.0.1, port 0; close it when done. */
export async function startFakeAnthropic({
  respond,
  contextWindow,
}: {
  respond: Respond;
  /** Input tokens past which a request is refused as too long (default 200,000). */
  contextWindow?: number;
}): Promise<FakeAnthropic> {
  const requests: CapturedRequest[] = [];
  const unknownModels = new Set<string>();
  const counted: string[] = [];
  const unknown: string[] = [];
  const server = createServer((req, res) => {
    withBody(req, async (text) => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/v1/messages/count_tokens') {
        const { model = '' } = JSON.parse(text) as {
          model?: string;
        };
        counted.push(model);
        if (unknownModels.has(model)) send(404, apiError('not_found_error', `model: ${model}`));
        else send(200, { input_tokens: 8 });
        return;
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        unknown.push(`${req.method} ${req.url?.split('?')[0]}`);
        send(
          404,
          apiError(
            'not_found_error',
            `the fake serves POST /v1/messages, not ${req.method} ${req.url}`,
          ),
        );
        return;
      }
      const body = JSON.parse(text) as MessagesRequest;
      const rules = applyApiRules(body, req.headers, contextWindow);
      const seen = typeof rules === 'string' ? null : rules;
      const captured: CapturedRequest = {
        index: requests.length,
        body,
        headers: req.headers,
        seen: (seen?.body as MessagesRequest | undefined) ?? body,
        appliedEdits: seen?.appliedEdits ?? [],
        inputTokens: seen?.inputTokens ?? 0,
      };
      requests.push(captured);
      if (typeof rules === 'string') {
        send(400, apiError('invalid_request_error', rules), { 'x-should-retry': 'false' });
        return;
      }
      try {
        const reply = await respond(captured, captured.index);
        if ('error' in reply) {
          const { status, type, message, retryAfterMs } = reply.error;
          send(status, apiError(type, message ?? type), {
            'retry-after-ms': String(retryAfterMs ?? 1),
          });
        } else {
          const message = renderMessage(rules, reply.message, captured.index);
          captured.served = message.usage;
          captured.servedModel = message.model;
          if (body.stream) await streamMessage(res, message, reply.message.holdEndMs ?? 0);
          else send(200, message);
        }
      } catch (error) {
        send(500, apiError('api_error', `the fake's script threw: ${String(error)}`), {
          'x-should-retry': 'false',
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unknownModels,
    counted,
    unknown,
    close: () => closeServer(server),
  };
}

function apiError(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}

type RenderedMessage = ReturnType<typeof renderMessage>;

/**
 * A message as the streaming API sends it: the input and cache counts in
 * `message_start` (output 1, as the API reports there), each block opened,
 * its text or JSON in two deltas, closed; then `message_delta` with the stop
 * reason and the whole usage, and `message_stop`.
 */
async function streamMessage(
  res: ServerResponse,
  message: RenderedMessage,
  holdEndMs: number,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const { content, usage, ...rest } = message;
  event('message_start', {
    message: {
      ...rest,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  event('ping', {});
  content.forEach((block, index) => {
    for (const [type, data] of blockEvents(block as FakeBlock)) event(type, { index, ...data });
  });
  if (holdEndMs > 0) await new Promise((resolve) => setTimeout(resolve, holdEndMs));
  event('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage,
    ...(message.context_management ? { context_management: message.context_management } : {}),
  });
  event('message_stop', {});
  res.end();
}

/** The events of one content block: its start with the block emptied, its deltas, its stop. */
function blockEvents(block: FakeBlock): [string, Record<string, unknown>][] {
  const halves = (text: string) => {
    const mid = Math.ceil(text.length / 2);
    return [text.slice(0, mid), text.slice(mid)].filter(Boolean);
  };
  const start = (value: unknown): [string, Record<string, unknown>] => [
    'content_block_start',
    { content_block: value },
  ];
  const delta = (value: Record<string, unknown>): [string, Record<string, unknown>] => [
    'content_block_delta',
    { delta: value },
  ];
  const stop: [string, Record<string, unknown>] = ['content_block_stop', {}];
  switch (block.type) {
    case 'text':
      return [
        start({ type: 'text', text: '' }),
        ...halves(block.text).map((text) => delta({ type: 'text_delta', text })),
        stop,
      ];
    case 'thinking':
      return [
        start({ type: 'thinking', thinking: '', signature: '' }),
        ...halves(block.thinking).map((thinking) => delta({ type: 'thinking_delta', thinking })),
        delta({ type: 'signature_delta', signature: block.signature }),
        stop,
      ];
    case 'tool_use':
    case 'server_tool_use':
      return [
        start({ ...block, input: {} }),
        ...halves(JSON.stringify(block.input)).map((partial_json) =>
          delta({ type: 'input_json_delta', partial_json }),
        ),
        stop,
      ];
    default:
      return [start(block), stop];
  }
}

function renderMessage(seen: SeenRequest, message: FakeMessage, index: number) {
  const usesTool = message.content.some((b) => b.type === 'tool_use');
  for (const block of message.content) {
    if (block.type === 'server_tool_use' && !seen.serverTools.includes(block.name)) {
      throw new Error(`the script used ${block.name}, which the request does not declare`);
    }
  }
  const content = seen.thinking ? withThinking(message.content, index) : message.content;
  const thought = content[0]?.type === 'thinking' ? content[0].thinking : null;
  const serverUses = (name: string) =>
    content.filter((b) => b.type === 'server_tool_use' && b.name === name).length;
  const scripted: FakeUsage = {
    input_tokens: seen.inputTokens,
    output_tokens: Math.ceil(JSON.stringify(content).length / 4),
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    ...message.usage,
  };
  // The API generates (and bills) no more than `max_tokens`, and stops there.
  const cap = typeof seen.body.max_tokens === 'number' ? seen.body.max_tokens : Infinity;
  const cut = scripted.output_tokens > cap;
  const usage: FakeUsage = cut ? { ...scripted, output_tokens: cap } : scripted;
  return {
    id: `msg_fake_${index}`,
    type: 'message',
    role: 'assistant',
    model: String(seen.body.model),
    content,
    stop_reason: cut ? 'max_tokens' : (message.stop_reason ?? (usesTool ? 'tool_use' : 'end_turn')),
    stop_sequence: null,
    context_management: seen.body.context_management ? { applied_edits: seen.appliedEdits } : null,
    usage: {
      ...usage,
      ...(thought === null
        ? {}
        : {
            output_tokens_details: {
              thinking_tokens: Math.min(usage.output_tokens, Math.ceil(thought.length / 4)),
            },
          }),
      server_tool_use: {
        web_search_requests: serverUses('web_search'),
        web_fetch_requests: serverUses('web_fetch'),
      },
    },
  };
}

/** With thinking on, a reply starts with a signed thinking block (the script's own, or one made here). */
function withThinking(content: FakeBlock[], index: number): FakeBlock[] {
  if (content[0]?.type === 'thinking') return content;
  const thinking = `Reasoning before answer ${index}: what the task needs next, and which tool gets it.`;
  return [{ type: 'thinking', thinking, signature: signThinking(thinking) }, ...content];
}

let nextToolUseId = 1;

/** A text block of a scripted reply. */
export function text(value: string): FakeBlock {
  return { type: 'text', text: value };
}

/** A tool call of a scripted reply. */
export function toolUse(
  name: string,
  input: unknown,
  id = `toolu_fake_${nextToolUseId++}`,
): FakeBlock {
  return { type: 'tool_use', id, name, input };
}

/** A reply made of blocks. */
export function reply(...content: FakeBlock[]): FakeReply {
  return { message: { content } };
}

/** `529 overloaded_error`, which the SDK retries. */
export function overloaded(): FakeReply {
  return { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } };
}

/** `500 api_error`, which the SDK retries. */
export function serverError(): FakeReply {
  return { error: { status: 500, type: 'api_error', message: 'Internal server error' } };
}

/**
 * Answers the n-th request with the n-th reply; past the end, a 400 that says
 * the script ran out (400 is not retried, so a test fails fast and clearly).
 */
export function scripted(replies: readonly FakeReply[]): Respond {
  return (_request, index) =>
    replies[index] ?? {
      error: {
        status: 400,
        type: 'invalid_request_error',
        message: `no reply scripted for request ${index}`,
      },
    };
}

/** The tool results the client sent in the last message of a request. */
export function lastToolResults(
  request: CapturedRequest,
): { tool_use_id: string; content: unknown; is_error?: boolean }[] {
  const last = request.body.messages.at(-1);
  if (!last || !Array.isArray(last.content)) return [];
  return last.content.filter((b: { type?: string }) => b.type === 'tool_result');
}

/**
 * Answers a seeded fraction of requests `529 overloaded_error` before the
 * script sees them (the SDK retries them), as Anthropic does on a busy day.
 * `random` is a seeded source in [0, 1), such as the simulator's `Faults`.
 */
/**
 * Answers each request `ms` later than `respond` would: the length of a
 * model's turn, so that a scripted session takes about as long as its turns
 * would on the API (the chaos campaign's `--model-ms`).
 */
export function slowly(respond: Respond, ms: number): Respond {
  if (ms <= 0) return respond;
  return async (request, index) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return respond(request, index);
  };
}

export function overloadSome(
  respond: Respond,
  { rate, random }: { rate: number; random: () => number },
): Respond & { overloads: () => number } {
  let overloads = 0;
  const wrapped: Respond = (request, index) => {
    if (rate > 0 && random() < rate) {
      overloads++;
      return overloaded();
    }
    return respond(request, index);
  };
  return Object.assign(wrapped, { overloads: () => overloads });
}
