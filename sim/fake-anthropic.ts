import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Messages API on 127.0.0.1, for tests and simulations:
 * `POST /v1/messages` (non-streaming) answered by a script, every request kept
 * so that a test can read what the model was sent and a benchmark can count it.
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
}

/** A content block of a scripted reply. */
export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** The usage a reply reports. */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/** A scripted assistant message. */
export interface FakeMessage {
  content: FakeBlock[];
  /** Default: `tool_use` when a block uses a tool, else `end_turn`. */
  stop_reason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal' | 'stop_sequence';
  /** Default: about a token per four characters of the request and of the reply. */
  usage?: Partial<FakeUsage>;
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
  close(): Promise<void>;
}

/** Starts a fake on 127.0.0.1, port 0; close it when done. */
export async function startFakeAnthropic({
  respond,
}: {
  respond: Respond;
}): Promise<FakeAnthropic> {
  const requests: CapturedRequest[] = [];
  const unknownModels = new Set<string>();
  const counted: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/v1/messages/count_tokens') {
        const { model = '' } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          model?: string;
        };
        counted.push(model);
        if (unknownModels.has(model)) send(404, apiError('not_found_error', `model: ${model}`));
        else send(200, { input_tokens: 8 });
        return;
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        send(
          404,
          apiError(
            'not_found_error',
            `the fake serves POST /v1/messages, not ${req.method} ${req.url}`,
          ),
        );
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MessagesRequest;
      const captured: CapturedRequest = { index: requests.length, body, headers: req.headers };
      requests.push(captured);
      if (body.stream) {
        send(
          400,
          apiError('invalid_request_error', 'the fake answers non-streaming requests only'),
        );
        return;
      }
      try {
        const reply = await respond(captured, captured.index);
        if ('error' in reply) {
          const { status, type, message, retryAfterMs } = reply.error;
          send(status, apiError(type, message ?? type), {
            'retry-after-ms': String(retryAfterMs ?? 1),
          });
        } else send(200, renderMessage(body, reply.message, captured.index));
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
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function apiError(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}

function renderMessage(request: MessagesRequest, message: FakeMessage, index: number) {
  const usesTool = message.content.some((b) => b.type === 'tool_use');
  const sent = JSON.stringify([request.system, request.tools, request.messages]).length;
  return {
    id: `msg_fake_${index}`,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content: message.content,
    stop_reason: message.stop_reason ?? (usesTool ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: {
      input_tokens: Math.ceil(sent / 4),
      output_tokens: Math.ceil(JSON.stringify(message.content).length / 4),
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      ...message.usage,
    },
  };
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
