import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../src/core/sessions/engines.js';
import { PROVIDER_KITS } from '../../../src/session/agent/engines/provider-registry.js';
import {
  type RequestContent,
  readRequestContent,
} from '../../../src/session/agent/model-proxy/request-content.js';

/**
 * What a model request may carry (request-content.ts), read one field and one
 * part at a time: every field and part the engines send passes, every other
 * kind is refused with a reason that says why, and the images and documents
 * the estimate prices are counted wherever they sit. The same attacks through
 * a running proxy are in test/security/model-proxy-content.test.ts.
 */

const PNG = { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' };
const PDF = { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQ=' };
const DATA_URL = 'data:image/png;base64,iVBORw0KGgo=';
const AWAY = 'https://collector.example/leak';

const image = (source: unknown = PNG) => ({ type: 'image', source });
const doc = (source: unknown = PDF) => ({ type: 'document', source });
const text = (value = 'hi') => ({ type: 'text', text: value });
const inputImage = (fields: Record<string, unknown> = { image_url: DATA_URL }) => ({
  type: 'input_image',
  ...fields,
});
const inputFile = (fields: Record<string, unknown> = { file_data: 'JVBERi0=' }) => ({
  type: 'input_file',
  filename: 'a.pdf',
  ...fields,
});

/** A web fetch's result (echoed in a research session's later turns) whose page is `page`. */
const fetched = (page: unknown) => ({
  type: 'web_fetch_tool_result',
  tool_use_id: 'srvtoolu_1',
  content: { type: 'web_fetch_result', url: 'https://docs.example/a.pdf', content: page },
});
/** An Anthropic body whose one user message holds `content`. */
const userSays = (content: unknown) => ({ messages: [{ role: 'user', content }] });
/** An OpenAI body whose input is `items`. */
const items = (...input: unknown[]) => ({ input });
/** An OpenAI message (the typed form) holding `content`. */
const openAiMessage = (content: unknown) => ({ type: 'message', role: 'user', content });

const read = (provider: Provider, body: Record<string, unknown>, web = false) =>
  readRequestContent(PROVIDER_KITS[provider].content, body, { web });

const counted = (images: number, documents: number) => ({
  problem: null,
  content: { images, documents } satisfies RequestContent,
});

/** A request that carries no image and no document. */
const NOTHING: RequestContent = { images: 0, documents: 0 };

describe('readRequestContent: fields', () => {
  it.each([
    ['model', 'claude-sonnet-5-5'],
    ['messages', []],
    ['system', 'be brief'],
    ['max_tokens', 100],
    ['metadata', { user_id: 'u' }],
    ['stop_sequences', ['\n\n']],
    ['stream', true],
    ['temperature', 1],
    ['top_k', 5],
    ['top_p', 0.9],
    ['tools', []],
    ['tool_choice', { type: 'auto' }],
    ['thinking', { type: 'enabled', budget_tokens: 1024 }],
    ['context_management', { edits: [{ type: 'clear_tool_uses_20250919' }] }],
    ['output_config', { effort: 'high' }],
    ['output_format', { type: 'json_schema', schema: {} }],
    ['service_tier', 'auto'],
    ['speed', 'standard'],
    ['inference_geo', 'global'],
  ])('Anthropic lets %s through', (field, value) => {
    expect(read('anthropic', { [field]: value })).toEqual(counted(0, 0));
  });

  it.each([
    ['model', 'gpt-5.5'],
    ['input', 'hi'],
    ['instructions', 'be brief'],
    ['tools', []],
    ['tool_choice', 'auto'],
    ['parallel_tool_calls', true],
    ['reasoning', { effort: 'high', summary: 'auto' }],
    ['store', false],
    ['include', ['reasoning.encrypted_content']],
    ['prompt_cache_key', 'k'],
    ['prompt_cache_retention', '24h'],
    ['text', { verbosity: 'low' }],
    ['client_metadata', { x: 'y' }],
    ['stream', true],
    ['stream_options', { include_obfuscation: false }],
    ['max_output_tokens', 100],
    ['max_tool_calls', 3],
    ['metadata', { a: 'b' }],
    ['temperature', 1],
    ['top_p', 1],
    ['top_logprobs', 0],
    ['truncation', 'disabled'],
    ['safety_identifier', 's'],
    ['user', 'u'],
    ['service_tier', 'auto'],
    ['background', false],
  ])('OpenAI lets %s through', (field, value) => {
    expect(read('openai', { [field]: value })).toEqual(counted(0, 0));
  });

  it.each<[Provider, string, string]>([
    ['openai', 'previous_response_id', 'previous_response_id: stored context'],
    ['openai', 'conversation', 'conversation: a stored conversation'],
    ['openai', 'prompt', 'prompt: a stored prompt'],
    ['anthropic', 'container', 'container: a container the provider runs code in'],
    ['anthropic', 'mcp_servers', 'mcp_servers: the provider would call MCP servers'],
    ['anthropic', 'input', 'input: not a field of the Messages API the model proxy lets through'],
    ['anthropic', 'betas', 'betas: not a field of the Messages API'],
    ['anthropic', '__proto__x', '__proto__x: not a field of the Messages API'],
    [
      'openai',
      'messages',
      'messages: not a field of the Responses API the model proxy lets through',
    ],
    ['openai', 'max_tokens', 'max_tokens: not a field of the Responses API'],
    ['openai', 'context_management', 'context_management: not a field of the Responses API'],
  ])('%s refuses %s', (provider, field, reason) => {
    expect(read(provider, { [field]: 'x' }).problem).toContain(reason);
  });

  it('names at most a hundred characters of a field', () => {
    const field = 'x'.repeat(300);
    expect(read('openai', { [field]: 1 }).problem).toBe(
      `${'x'.repeat(100)}: not a field of the Responses API the model proxy lets through`,
    );
  });

  it.each<[Provider, string]>([
    ['openai', 'previous_response_id'],
    ['openai', 'conversation'],
    ['anthropic', 'container'],
    ['anthropic', 'mcp_servers'],
  ])('%s skips %s when null or undefined', (provider, field) => {
    expect(read(provider, { [field]: null })).toEqual(counted(0, 0));
    expect(read(provider, { [field]: undefined })).toEqual(counted(0, 0));
  });

  it.each([
    [{ edits: [] }],
    [{ edits: [{ type: 'clear_tool_uses_20250919' }, { type: 'clear_thinking_20251015' }] }],
    [{}],
    ['not an object'],
  ])('Anthropic lets context_management %j through', (management) => {
    expect(read('anthropic', { context_management: management })).toEqual(counted(0, 0));
  });

  it.each<[unknown, string]>([
    [{ edits: 'clear' }, 'context_management: edits must be a list'],
    [{ edits: [{ type: 'compact_20260112' }] }, 'context_management: compact_20260112 is refused'],
    [{ edits: [{ type: 'clear_tool_uses' }] }, 'context_management: clear_tool_uses is refused'],
    [{ edits: [{}] }, 'context_management: (none) is refused'],
    [{ edits: [null] }, 'context_management: (none) is refused'],
    [
      { edits: [{ type: 'clear_thinking_20251015' }, { type: 'summarize_1' }] },
      'context_management: summarize_1 is refused',
    ],
  ])('Anthropic refuses context_management %j', (management, reason) => {
    const problem = read('anthropic', { context_management: management }).problem;
    expect(problem).toContain(reason);
    if (problem?.includes('is refused')) {
      expect(problem).toContain('only edits that clear tool uses and thinking');
    }
  });
});

describe('readRequestContent: Anthropic parts', () => {
  it.each<[string, unknown, RequestContent]>([
    ['text', text(), NOTHING],
    ['thinking', { type: 'thinking', thinking: 't', signature: 's' }, NOTHING],
    ['redacted thinking', { type: 'redacted_thinking', data: 'd' }, NOTHING],
    ['a tool use', { type: 'tool_use', id: 't1', name: 'bash', input: {} }, NOTHING],
    ['a tool result of text', { type: 'tool_result', tool_use_id: 't1', content: 'ok' }, NOTHING],
    ['a tool result of nothing', { type: 'tool_result', tool_use_id: 't1' }, NOTHING],
    [
      'a tool result of parts',
      {
        type: 'tool_result',
        tool_use_id: 't1',
        content: [text(), image(), doc(), { type: 'tool_reference', tool_name: 'x' }],
      },
      { images: 1, documents: 1 },
    ],
    ['an inline image', image(), { images: 1, documents: 0 }],
    ['an inline PDF', doc(), { images: 0, documents: 1 }],
    [
      'a document of plain text',
      doc({ type: 'text', media_type: 'text/plain', data: 'x' }),
      NOTHING,
    ],
    ['a document of content text', doc({ type: 'content', content: 'x' }), NOTHING],
    [
      'a document of content parts',
      doc({ type: 'content', content: [text(), image(), image()] }),
      { images: 2, documents: 0 },
    ],
    [
      'a tool result holding a document of images',
      {
        type: 'tool_result',
        tool_use_id: 't1',
        content: [doc({ type: 'content', content: [image()] })],
      },
      { images: 1, documents: 0 },
    ],
  ])('lets %s through', (_, part, content) => {
    expect(read('anthropic', userSays([part]))).toEqual({ problem: null, content });
  });

  it('counts images and documents across messages and the system', () => {
    const body = {
      system: [text('s'), text('t')],
      messages: [
        { role: 'user', content: [image(), doc()] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [image(), { type: 'tool_result', content: [doc(), image()] }] },
      ],
    };
    expect(read('anthropic', body)).toEqual(counted(3, 2));
  });

  it.each<[string, unknown, string[]]>([
    [
      'an image by address',
      image({ type: 'url', url: AWAY }),
      [
        'image: a source of type url is refused',
        'fetch the address from its own network',
        'only base64 sources pass',
      ],
    ],
    [
      'an image by file id',
      image({ type: 'file', file_id: 'f' }),
      ['image: a source of type file', 'names a file stored with the provider'],
    ],
    [
      'an image of no source',
      image(null),
      ['image: a source of type (none)', 'not a source the model proxy lets through'],
    ],
    [
      'an image of text',
      image({ type: 'text', data: 'x' }),
      ['image: a source of type text is refused'],
    ],
    [
      'a document by address',
      doc({ type: 'url', url: AWAY }),
      ['document: a source of type url', 'only base64, text and content sources pass'],
    ],
    [
      'a document by file id',
      doc({ type: 'file', file_id: 'f' }),
      ['document: a source of type file'],
    ],
    [
      'a document of content not a list',
      doc({ type: 'content', content: { type: 'text' } }),
      ['document content: must be a list'],
    ],
    [
      'a document holding an image by address',
      doc({ type: 'content', content: [image({ type: 'url', url: AWAY })] }),
      ['image: a source of type url'],
    ],
    [
      'a document holding a document',
      doc({ type: 'content', content: [doc()] }),
      ['document content: a part of type document', 'it lets through text, image'],
    ],
    [
      'a search result',
      { type: 'search_result', source: AWAY, content: [text()] },
      ['messages content: a part of type search_result'],
    ],
    [
      'a container upload',
      { type: 'container_upload', file_id: 'f' },
      ['a part of type container_upload'],
    ],
    [
      'a server tool use',
      { type: 'server_tool_use', name: 'web_search', input: {} },
      ['a part of type server_tool_use'],
    ],
    [
      'a web search result',
      { type: 'web_search_tool_result', content: [] },
      ['a part of type web_search_tool_result'],
    ],
    [
      'a code execution result',
      { type: 'code_execution_tool_result', content: {} },
      ['a part of type code_execution_tool_result'],
    ],
    [
      'an MCP tool result',
      { type: 'mcp_tool_result', content: [] },
      ['a part of type mcp_tool_result'],
    ],
    [
      'a tool result not a list',
      { type: 'tool_result', content: { type: 'text' } },
      ['tool_result content: must be a list'],
    ],
    [
      'a tool result of null',
      { type: 'tool_result', content: null },
      ['tool_result content: must be a list'],
    ],
    [
      'a tool result holding a thinking part',
      { type: 'tool_result', content: [{ type: 'thinking' }] },
      [
        'tool_result content: a part of type thinking',
        'it lets through text, image, document, tool_reference',
      ],
    ],
    [
      'a tool result holding an image by address',
      { type: 'tool_result', content: [image({ type: 'url', url: AWAY })] },
      ['image: a source of type url'],
    ],
    ['a part of no type', { text: 'hi' }, ['messages content: a part of type (none)']],
    ['a part whose type is not text', { type: 7 }, ['a part of type (none)']],
    ['a part that is not an object', 'hi', ['a part of type (none)']],
    ['a null part', null, ['a part of type (none)']],
    ['a part named like an object’s own', { type: 'constructor' }, ['a part of type constructor']],
  ])('refuses %s', (_, part, reasons) => {
    const problem = read('anthropic', userSays([text(), part])).problem;
    for (const reason of reasons) expect(problem).toContain(reason);
  });

  it.each<[string, Record<string, unknown>, string | null]>([
    ['messages not a list', { messages: { role: 'user' } }, 'messages: must be a list'],
    [
      'content neither text nor a list',
      userSays({ type: 'text', text: 'hi' }),
      'messages content: must be a list',
    ],
    ['content null', userSays(null), 'messages content: must be a list'],
    [
      'a system of parts not text',
      { system: [image()] },
      'system: a part of type image is not one the model proxy lets through (it lets through text)',
    ],
    ['a system neither text nor a list', { system: { type: 'text' } }, 'system: must be a list'],
    ['a message with no content', { messages: [{ role: 'user' }] }, null],
    ['a message that is not an object', { messages: ['hi', null] }, null],
    ['text content', userSays('hi'), null],
  ])('reads %s', (_, body, problem) => {
    expect(read('anthropic', body).problem).toBe(problem);
  });

  it('cuts a long type short in its refusal', () => {
    const type = 'y'.repeat(300);
    expect(read('anthropic', userSays([{ type }])).problem).toContain(
      `a part of type ${'y'.repeat(100)} is not`,
    );
  });
});

describe('readRequestContent: Anthropic web parts', () => {
  it.each<[string, unknown]>([
    [
      'a web search',
      { type: 'server_tool_use', id: 's', name: 'web_search', input: { query: 'q' } },
    ],
    ['a web fetch', { type: 'server_tool_use', id: 's', name: 'web_fetch', input: { url: AWAY } }],
    ['a web search result', { type: 'web_search_tool_result', tool_use_id: 's', content: [] }],
    [
      'a web fetch that failed',
      {
        type: 'web_fetch_tool_result',
        tool_use_id: 's',
        content: { type: 'web_fetch_tool_result_error', error_code: 'url_not_accessible' },
      },
    ],
    ['a fetched page of text', fetched(doc({ type: 'text', media_type: 'text/plain', data: 'x' }))],
  ])('lets %s through where the session may use the web, only', (_, part) => {
    expect(read('anthropic', userSays([part]), true)).toEqual(counted(0, 0));
    expect(read('anthropic', userSays([part]), false).problem).toContain(
      'messages content: a part of type',
    );
  });

  it.each<[string, unknown]>([
    ['code execution', 'code_execution'],
    ['no name', undefined],
  ])('refuses a server tool use of %s even with the web', (_, name) => {
    expect(
      read('anthropic', userSays([{ type: 'server_tool_use', name, input: {} }]), true).problem,
    ).toBe(`server_tool_use: ${name ?? '(none)'} is not a web tool`);
  });

  it.each<[string, unknown, RequestContent]>([
    ['a fetched PDF, as a document', fetched(doc()), { images: 0, documents: 1 }],
    [
      'a fetched page of content',
      fetched(doc({ type: 'content', content: [text(), image()] })),
      { images: 1, documents: 0 },
    ],
  ])('counts %s', (_, part, content) => {
    expect(read('anthropic', userSays([text(), part, fetched(doc())]), true)).toEqual({
      problem: null,
      content: { ...content, documents: content.documents + 1 },
    });
  });

  it.each<[string, unknown, string]>([
    [
      'a fetched page by address',
      fetched(doc({ type: 'url', url: AWAY })),
      'document: a source of type url is refused (the provider would fetch the address from its own network)',
    ],
    [
      'a fetched page by file id',
      fetched(doc({ type: 'file', file_id: 'file_1' })),
      'document: a source of type file is refused (it names a file stored with the provider)',
    ],
    [
      'a fetched page holding an image by address',
      fetched(doc({ type: 'content', content: [image({ type: 'url', url: AWAY })] })),
      'image: a source of type url is refused',
    ],
    [
      'a fetched page that is not a document',
      fetched(image()),
      'web_fetch_tool_result: a page of type image is not one the model proxy lets through (it lets through document)',
    ],
    [
      'a fetch result of no page',
      { type: 'web_fetch_tool_result', tool_use_id: 's', content: { type: 'web_fetch_result' } },
      'web_fetch_tool_result: a page of type (none) is not one',
    ],
    [
      'a fetch result of another kind',
      { type: 'web_fetch_tool_result', tool_use_id: 's', content: { url: AWAY } },
      'web_fetch_tool_result: content of type (none) is not one the model proxy lets through (it lets through web_fetch_result, web_fetch_tool_result_error)',
    ],
    [
      'a fetch result of no content',
      { type: 'web_fetch_tool_result', tool_use_id: 's' },
      'web_fetch_tool_result: content of type (none)',
    ],
  ])('refuses %s, web or not', (_, part, reason) => {
    expect(read('anthropic', userSays([part]), true).problem).toContain(reason);
    expect(read('anthropic', userSays([part]), false).problem).toContain(
      'messages content: a part of type web_fetch_tool_result',
    );
  });

  it('still counts images and refuses addresses among the web parts', () => {
    expect(
      read('anthropic', userSays([image(), { type: 'web_search_tool_result', content: [] }]), true),
    ).toEqual(counted(1, 0));
    expect(
      read('anthropic', userSays([image({ type: 'url', url: AWAY })]), true).problem,
    ).toContain('image: a source of type url');
  });
});

describe('readRequestContent: OpenAI items', () => {
  it.each<[string, unknown, RequestContent]>([
    ['a message of text', openAiMessage('hi'), NOTHING],
    ['a message of parts', openAiMessage([{ type: 'input_text', text: 'hi' }]), NOTHING],
    [
      'an answer',
      {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'ok' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
      NOTHING,
    ],
    ['an inline image', openAiMessage([inputImage()]), { images: 1, documents: 0 }],
    [
      'an inline image in capitals',
      openAiMessage([inputImage({ image_url: 'DATA:image/png;base64,AA' })]),
      { images: 1, documents: 0 },
    ],
    [
      'an image with a null file id',
      openAiMessage([inputImage({ image_url: DATA_URL, file_id: null })]),
      { images: 1, documents: 0 },
    ],
    ['an inline file', openAiMessage([inputFile()]), { images: 0, documents: 1 }],
    [
      'a file with null address and id',
      openAiMessage([inputFile({ file_data: 'x', file_url: null, file_id: null })]),
      { images: 0, documents: 1 },
    ],
    [
      'the short form: a role and no type',
      { role: 'user', content: [inputImage(), inputFile()] },
      { images: 1, documents: 1 },
    ],
    ['the short form of text', { role: 'developer', content: 'rules' }, NOTHING],
    [
      'a function call',
      { type: 'function_call', call_id: 'c', name: 'shell', arguments: '{}' },
      NOTHING,
    ],
    [
      'a function output of text',
      { type: 'function_call_output', call_id: 'c', output: 'ok' },
      NOTHING,
    ],
    ['a function output of nothing', { type: 'function_call_output', call_id: 'c' }, NOTHING],
    [
      'a function output of parts',
      {
        type: 'function_call_output',
        call_id: 'c',
        output: [{ type: 'input_text', text: 'x' }, inputImage(), inputFile()],
      },
      { images: 1, documents: 1 },
    ],
    [
      'a custom tool call',
      { type: 'custom_tool_call', call_id: 'c', name: 'apply_patch', input: '*** Begin' },
      NOTHING,
    ],
    [
      'a custom tool output of parts',
      { type: 'custom_tool_call_output', call_id: 'c', output: [inputImage(), inputImage()] },
      { images: 2, documents: 0 },
    ],
    ['a tool search call', { type: 'tool_search_call', execution: 'client' }, NOTHING],
    ['a tool search output', { type: 'tool_search_output', tools: [] }, NOTHING],
    ['a local shell call', { type: 'local_shell_call', action: {} }, NOTHING],
    ['a local shell output', { type: 'local_shell_call_output', output: 'ok' }, NOTHING],
    ['reasoning', { type: 'reasoning', encrypted_content: 'e', summary: [] }, NOTHING],
    ['a compaction', { type: 'compaction', encrypted_content: 'e' }, NOTHING],
  ])('lets %s through', (_, item, content) => {
    expect(read('openai', items(item))).toEqual({ problem: null, content });
  });

  it('counts images and documents across items', () => {
    expect(
      read(
        'openai',
        items(
          { role: 'user', content: [inputImage()] },
          openAiMessage([inputFile(), inputImage()]),
          { type: 'function_call_output', output: [inputFile()] },
        ),
      ),
    ).toEqual(counted(2, 2));
  });

  it.each<[string, unknown, string[]]>([
    [
      'an image by address',
      openAiMessage([inputImage({ image_url: AWAY })]),
      ['input_image: image_url must be a data: address', 'fetch any other from its own network'],
    ],
    [
      'an image by file id',
      openAiMessage([inputImage({ file_id: 'file_1' })]),
      ['input_image: file_id names a file stored with the provider'],
    ],
    [
      'an image by file id beside a data address',
      openAiMessage([inputImage({ image_url: DATA_URL, file_id: 'file_1' })]),
      ['input_image: file_id'],
    ],
    [
      'an image of no address',
      openAiMessage([inputImage({})]),
      ['input_image: image_url must be a data: address'],
    ],
    [
      'an image whose address holds data: later',
      openAiMessage([inputImage({ image_url: `${AWAY}?data:` })]),
      ['input_image: image_url must be a data: address'],
    ],
    [
      'a file by address',
      openAiMessage([inputFile({ file_url: AWAY })]),
      ['input_file: file_url would have the provider fetch the file'],
    ],
    [
      'a file by address beside its bytes',
      openAiMessage([inputFile({ file_data: 'x', file_url: AWAY })]),
      ['input_file: file_url'],
    ],
    [
      'a file by file id',
      openAiMessage([inputFile({ file_id: 'file_1' })]),
      ['input_file: file_id names a file stored with the provider'],
    ],
    ['a file of no bytes', openAiMessage([inputFile({})]), ['input_file: file_data is missing']],
    [
      'audio',
      openAiMessage([{ type: 'input_audio', input_audio: {} }]),
      [
        'message content: a part of type input_audio',
        'it lets through input_text, output_text, refusal, input_image, input_file',
      ],
    ],
    [
      'a message of content not a list',
      openAiMessage({ type: 'input_text' }),
      ['message content: must be a list'],
    ],
    [
      'a message of no content',
      { type: 'message', role: 'user' },
      ['message content: must be a list'],
    ],
    [
      'an item reference',
      { type: 'item_reference', id: 'msg_1' },
      ['input: a part of type item_reference'],
    ],
    [
      'a web search call',
      { type: 'web_search_call', action: {} },
      ['input: a part of type web_search_call'],
    ],
    ['an MCP call', { type: 'mcp_call', server_label: 'x' }, ['input: a part of type mcp_call']],
    [
      'an MCP approval',
      { type: 'mcp_approval_response', approve: true },
      ['input: a part of type mcp_approval_response'],
    ],
    [
      'a file search call',
      { type: 'file_search_call' },
      ['input: a part of type file_search_call'],
    ],
    [
      'a code interpreter call',
      { type: 'code_interpreter_call' },
      ['input: a part of type code_interpreter_call'],
    ],
    [
      'an image generation call',
      { type: 'image_generation_call' },
      ['input: a part of type image_generation_call'],
    ],
    [
      'a computer call output',
      { type: 'computer_call_output', output: { type: 'computer_screenshot', image_url: AWAY } },
      ['input: a part of type computer_call_output'],
    ],
    ['an item of no type and no role', { content: 'hi' }, ['input: a part of type (none)']],
    ['an item that is not an object', 'hi', ['input: every item must be an object']],
    ['a null item', null, ['input: every item must be an object']],
    [
      'a function output not a list',
      { type: 'function_call_output', output: { type: 'input_text' } },
      ['function_call_output output: must be a list'],
    ],
    [
      'a function output holding an answer',
      { type: 'function_call_output', output: [{ type: 'output_text' }] },
      [
        'function_call_output output: a part of type output_text',
        'it lets through input_text, input_image, input_file',
      ],
    ],
    [
      'a function output holding an image by address',
      { type: 'function_call_output', output: [inputImage({ image_url: AWAY })] },
      ['input_image: image_url must be a data: address'],
    ],
    [
      'a custom tool output holding a file by id',
      { type: 'custom_tool_call_output', output: [inputFile({ file_id: 'f' })] },
      ['input_file: file_id'],
    ],
    [
      'the short form holding an image by address',
      { role: 'user', content: [inputImage({ image_url: AWAY })] },
      ['input_image: image_url must be a data: address'],
    ],
    [
      'the short form with a type of its own',
      { role: 'user', type: 'item_reference', id: 'msg_1' },
      ['input: a part of type item_reference'],
    ],
  ])('refuses %s', (_, item, reasons) => {
    const problem = read('openai', items(openAiMessage('hi'), item)).problem;
    for (const reason of reasons) expect(problem).toContain(reason);
  });

  it('lets a web search call through where the session may use the web, only', () => {
    const call = { type: 'web_search_call', id: 'ws', status: 'completed', action: {} };
    expect(read('openai', items(call), true)).toEqual(counted(0, 0));
    expect(read('openai', items(call), false).problem).toContain(
      'input: a part of type web_search_call',
    );
  });

  it.each<[string, unknown, string | null]>([
    ['text input', 'hi', null],
    ['no input', undefined, null],
    ['an empty list', [], null],
    ['an object', { role: 'user', content: 'hi' }, 'input: must be text or a list of items'],
    ['a number', 5, 'input: must be text or a list of items'],
  ])('reads %s', (_, input, problem) => {
    expect(read('openai', { input }).problem).toBe(problem);
  });
});
