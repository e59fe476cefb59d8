import type { Provider } from '../../../core/vocabulary/provider-names.js';
import type { ContentRules, RequestContent } from '../engines/provider-kit.js';

export type { RequestContent } from '../engines/provider-kit.js';

/**
 * What a model request may carry, as a list of what is allowed: the fields
 * of the request, and every part of its messages, by type. Anything else is
 * refused before the provider sees it, because the providers' APIs have many
 * ways to make the provider reach out or bill what the body does not hold:
 * an image, document or file named by address (the provider fetches it from
 * its own network, past the session's egress rules) or by file id (its Files
 * API), stored context (`previous_response_id`, `conversation`, an
 * `item_reference`, a stored `prompt`), containers and their uploads, and
 * results of tools the provider ran. The engines' own requests use only what
 * is listed here (Claude Code 2.1, Codex 0.169, Copilot 1.0 as an Anthropic
 * provider of the user's own, Baton's loop); a research
 * session's web tools add their calls and results.
 *
 * Images and documents pass only inline (base64, or a `data:` address), and
 * are counted for the estimate of what a request may cost: an image bills at
 * most a fixed number of tokens whatever its bytes (`imageTokens`), a
 * document (a PDF, OpenAI's `input_file`) what its pages hold once
 * uncompressed, which its bytes do not bound (`documents`).
 */

/** The most input tokens one image bills, whatever its size (docs/security.md, "The model proxy"). */
export const IMAGE_TOKENS: Readonly<Record<Provider, number>> = {
  // Images past the model's size are scaled down: about 1,600 tokens, 4,800 on high-resolution models.
  anthropic: 10_000,
  // detail "original": at most 10,000 patches of 32 px, times a model's multiplier (at most 2.5).
  openai: 25_000,
};

const ANTHROPIC_FIELDS = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_k',
  'top_p',
  'tools',
  'tool_choice',
  'thinking',
  'context_management',
  'output_config',
  'output_format',
  // Held to their list-price values by the routes' priced options.
  'service_tier',
  'speed',
  'inference_geo',
]);

const OPENAI_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning',
  'store',
  'include',
  'prompt_cache_key',
  'prompt_cache_retention',
  'text',
  'client_metadata',
  'stream',
  'stream_options',
  'max_output_tokens',
  'max_tool_calls',
  'metadata',
  'temperature',
  'top_p',
  'top_logprobs',
  'truncation',
  'safety_identifier',
  'user',
  // Held to their list-price values by the routes' priced options.
  'service_tier',
  'background',
]);

/** Why a field no engine sends is refused, where there is more to say than that. */
const FIELD_REASONS: Readonly<Record<string, string>> = {
  previous_response_id:
    'stored context: the provider bills it as input the request does not carry, so the model proxy could not bound its cost',
  conversation:
    'a stored conversation: the provider bills it as input the request does not carry, so the model proxy could not bound its cost',
  prompt: 'a stored prompt, which may hold files, images and context the request does not carry',
  container: 'a container the provider runs code in',
  mcp_servers: 'the provider would call MCP servers from its own network',
};

/** Anthropic context edits that only drop context: compaction would sample a summary besides the answer. */
const CONTEXT_EDIT = /^clear_(?:tool_uses|thinking)_\d+$/;

/** A part's types, and what each may hold, for one place in a request. */
type Parts = Readonly<Record<string, (part: Part, count: RequestContent) => string | null>>;
type Part = Record<string, unknown>;

const inline = (): null => null;

/** Anthropic's image: inline bytes only (`base64`), never `url` or `file`. */
function anthropicImage(part: Part, count: RequestContent): string | null {
  const source = objectOr(part.source);
  if (source?.type !== 'base64') return sourceProblem('image', source);
  count.images++;
  return null;
}

/** Anthropic's document: inline PDF bytes, plain text, or content of text and images. */
function anthropicDocument(part: Part, count: RequestContent): string | null {
  const source = objectOr(part.source);
  if (source?.type === 'base64') {
    count.documents++;
    return null;
  }
  if (source?.type === 'text') return null;
  if (source?.type === 'content') {
    return typeof source.content === 'string'
      ? null
      : readParts(source.content, DOCUMENT_CONTENT, count, 'document content');
  }
  return sourceProblem('document', source);
}

const DOCUMENT_CONTENT: Parts = { text: inline, image: anthropicImage };

/** What a tool's result may hold: text, images and documents inline, Claude Code's tool references. */
const TOOL_RESULT_CONTENT: Parts = {
  text: inline,
  image: anthropicImage,
  document: anthropicDocument,
  tool_reference: inline,
};

const ANTHROPIC_CONTENT: Parts = {
  text: inline,
  image: anthropicImage,
  document: anthropicDocument,
  thinking: inline,
  redacted_thinking: inline,
  tool_use: inline,
  tool_result: (part, count) =>
    typeof part.content === 'string' || part.content === undefined
      ? null
      : readParts(part.content, TOOL_RESULT_CONTENT, count, 'tool_result content'),
};

/**
 * A web fetch's result, carried back in a research session's later turns: an
 * error, or the page it read. The page is a document like any other (the
 * provider bills a PDF's pages, and would fetch a page named by address or
 * read one by file id), so it is held as one: inline only, a PDF counted.
 */
function webFetchResult(part: Part, count: RequestContent): string | null {
  const result = objectOr(part.content);
  if (result?.type === 'web_fetch_tool_result_error') return null;
  if (result?.type !== 'web_fetch_result') {
    return `web_fetch_tool_result: content of type ${short(result?.type)} is not one the model proxy lets through (it lets through web_fetch_result, web_fetch_tool_result_error)`;
  }
  const page = objectOr(result.content);
  if (page?.type !== 'document') {
    return `web_fetch_tool_result: a page of type ${short(page?.type)} is not one the model proxy lets through (it lets through document)`;
  }
  return anthropicDocument(page, count);
}

/** The provider's web tools' calls and results, in a research session's later turns. */
const ANTHROPIC_WEB_CONTENT: Parts = {
  ...ANTHROPIC_CONTENT,
  server_tool_use: (part) =>
    part.name === 'web_search' || part.name === 'web_fetch'
      ? null
      : `server_tool_use: ${short(part.name)} is not a web tool`,
  web_search_tool_result: inline,
  web_fetch_tool_result: webFetchResult,
};

/** OpenAI's image: a `data:` address, never a URL to fetch or a file id. */
function openAiImage(part: Part, count: RequestContent): string | null {
  if (part.file_id !== undefined && part.file_id !== null)
    return 'input_image: file_id names a file stored with the provider; only images inline (a data: address) pass';
  if (typeof part.image_url !== 'string' || !/^data:/i.test(part.image_url))
    return 'input_image: image_url must be a data: address; the provider would fetch any other from its own network';
  count.images++;
  return null;
}

/** OpenAI's file: its bytes inline (`file_data`), never `file_url` or `file_id`. */
function openAiFile(part: Part, count: RequestContent): string | null {
  if (part.file_id !== undefined && part.file_id !== null)
    return 'input_file: file_id names a file stored with the provider; only files inline (file_data) pass';
  if (part.file_url !== undefined && part.file_url !== null)
    return 'input_file: file_url would have the provider fetch the file from its own network; only files inline (file_data) pass';
  if (typeof part.file_data !== 'string') return 'input_file: file_data is missing';
  count.documents++;
  return null;
}

const OPENAI_MESSAGE_CONTENT: Parts = {
  input_text: inline,
  output_text: inline,
  refusal: inline,
  input_image: openAiImage,
  input_file: openAiFile,
};

const OPENAI_TOOL_OUTPUT: Parts = {
  input_text: inline,
  input_image: openAiImage,
  input_file: openAiFile,
};

/** What a tool call's output may be: text, or parts inline. */
function toolOutput(part: Part, count: RequestContent): string | null {
  return typeof part.output === 'string' || part.output === undefined
    ? null
    : readParts(part.output, OPENAI_TOOL_OUTPUT, count, `${String(part.type)} output`);
}

const OPENAI_ITEMS: Parts = {
  message: (part, count) =>
    typeof part.content === 'string'
      ? null
      : readParts(part.content, OPENAI_MESSAGE_CONTENT, count, 'message content'),
  function_call: inline,
  function_call_output: toolOutput,
  custom_tool_call: inline,
  custom_tool_call_output: toolOutput,
  // Codex's search of its own deferred tools (execution: client).
  tool_search_call: inline,
  tool_search_output: inline,
  local_shell_call: inline,
  local_shell_call_output: inline,
  // Encrypted reasoning and compacted context the provider returned: carried in the body, billed as its input.
  reasoning: inline,
  compaction: inline,
};

const OPENAI_WEB_ITEMS: Parts = { ...OPENAI_ITEMS, web_search_call: inline };

/**
 * Reads a request body that names its model, by its provider's `rules`: why
 * it is refused, or what its content holds. `web`: a research session may use
 * the provider's web tools, so their calls and results pass in its messages.
 */
export function readRequestContent(
  rules: ContentRules,
  body: Record<string, unknown>,
  { web }: { web: boolean },
): { problem: string } | { problem: null; content: RequestContent } {
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (!rules.fields.has(field)) return { problem: fieldProblem(rules, field) };
  }
  const count: RequestContent = { images: 0, documents: 0 };
  const problem = rules.problem(body, web, count);
  return problem ? { problem } : { problem: null, content: count };
}

/** What the Messages API's requests may carry (Baton's loop, Claude Code, Copilot). */
export const ANTHROPIC_REQUEST_CONTENT: ContentRules = {
  api: 'the Messages API',
  fields: ANTHROPIC_FIELDS,
  problem: anthropicProblem,
  imageTokens: IMAGE_TOKENS.anthropic,
};

/** What the Responses API's requests may carry (Codex). */
export const OPENAI_REQUEST_CONTENT: ContentRules = {
  api: 'the Responses API',
  fields: OPENAI_FIELDS,
  problem: openAiProblem,
  imageTokens: IMAGE_TOKENS.openai,
};

function anthropicProblem(body: Part, web: boolean, count: RequestContent): string | null {
  const edits = objectOr(body.context_management)?.edits;
  if (edits !== undefined) {
    if (!Array.isArray(edits)) return 'context_management: edits must be a list';
    for (const edit of edits) {
      const type = objectOr(edit)?.type;
      if (typeof type !== 'string' || !CONTEXT_EDIT.test(type))
        return `context_management: ${short(type)} is refused: only edits that clear tool uses and thinking (clear_tool_uses_*, clear_thinking_*) pass, as others make the provider sample more than the answer meters`;
    }
  }
  if (body.system !== undefined && typeof body.system !== 'string') {
    const problem = readParts(body.system, { text: inline }, count, 'system');
    if (problem) return problem;
  }
  if (body.messages === undefined) return null;
  if (!Array.isArray(body.messages)) return 'messages: must be a list';
  const parts = web ? ANTHROPIC_WEB_CONTENT : ANTHROPIC_CONTENT;
  for (const message of body.messages) {
    const content = objectOr(message)?.content;
    if (content === undefined || typeof content === 'string') continue;
    const problem = readParts(content, parts, count, 'messages content');
    if (problem) return problem;
  }
  return null;
}

function openAiProblem(body: Part, web: boolean, count: RequestContent): string | null {
  if (body.input === undefined || typeof body.input === 'string') return null;
  if (!Array.isArray(body.input)) return 'input: must be text or a list of items';
  const items = web ? OPENAI_WEB_ITEMS : OPENAI_ITEMS;
  for (const item of body.input) {
    const part = objectOr(item);
    if (!part) return 'input: every item must be an object';
    // An item with a role and no type is a message (the API's short form).
    const typed =
      part.type === undefined && part.role !== undefined ? { ...part, type: 'message' } : part;
    const problem = readParts([typed], items, count, 'input');
    if (problem) return problem;
  }
  return null;
}

/** The first refused part of a list, or null; every allowed one counted. */
function readParts(
  list: unknown,
  allowed: Parts,
  count: RequestContent,
  where: string,
): string | null {
  if (!Array.isArray(list)) return `${where}: must be a list`;
  for (const item of list) {
    const part = objectOr(item);
    const type = part?.type;
    if (!part || typeof type !== 'string' || !Object.hasOwn(allowed, type)) {
      return `${where}: a part of type ${short(type)} is not one the model proxy lets through (it lets through ${Object.keys(allowed).join(', ')})`;
    }
    const problem = allowed[type]?.(part, count) ?? null;
    if (problem) return problem;
  }
  return null;
}

function fieldProblem(rules: ContentRules, field: string): string {
  const why = FIELD_REASONS[field] ?? `not a field of ${rules.api} the model proxy lets through`;
  return `${field.slice(0, 100)}: ${why}`;
}

function sourceProblem(kind: 'image' | 'document', source: Part | null): string {
  const type = source?.type;
  const why =
    type === 'url'
      ? 'the provider would fetch the address from its own network'
      : type === 'file'
        ? 'it names a file stored with the provider'
        : 'it is not a source the model proxy lets through';
  return `${kind}: a source of type ${short(type)} is refused (${why}); only ${kind === 'image' ? 'base64' : 'base64, text and content'} sources pass`;
}

function objectOr(value: unknown): Part | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Part)
    : null;
}

function short(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 100) : '(none)';
}
