import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the Messages API does to a request before the model reads it, as the
 * fake plays it: the beta headers a feature needs, the context window, the
 * `clear_tool_uses_20250919` edit of `context_management`, and the rules of
 * extended thinking. Where the API refuses, the fake refuses with a 400 of
 * the same kind, so a client that breaks a rule fails in tests as it would
 * against Anthropic (docs.anthropic.com: context editing, extended thinking,
 * web fetch tool).
 */

/** A request body as the rules read it. */
export interface RulesRequest {
  max_tokens: number;
  system?: unknown;
  tools?: { name?: string; type?: string; [key: string]: unknown }[];
  messages: { role: string; content: unknown }[];
  thinking?: { type?: string; budget_tokens?: number };
  context_management?: { edits?: ClearEdit[] };
  [key: string]: unknown;
}

interface ClearEdit {
  type: string;
  trigger?: { type: string; value: number };
  keep?: { type: string; value: number };
  clear_at_least?: { type: string; value: number } | null;
  exclude_tools?: string[] | null;
  clear_tool_inputs?: boolean | string[] | null;
}

interface Block {
  type?: string;
  id?: string;
  name?: string;
  tool_use_id?: string;
  content?: unknown;
  thinking?: string;
  signature?: string;
  [key: string]: unknown;
}

/** One applied edit, as `context_management.applied_edits` reports it. */
export interface AppliedEdit {
  type: 'clear_tool_uses_20250919';
  cleared_tool_uses: number;
  cleared_input_tokens: number;
}

/** The request after the API's edits: what the model reads, and what it costs. */
export interface SeenRequest {
  body: RulesRequest;
  inputTokens: number;
  appliedEdits: AppliedEdit[];
  thinking: boolean;
  /** The server tools the request declares (`web_search`, `web_fetch`). */
  serverTools: string[];
}

/** The API's placeholder for a cleared tool result. */
export const CLEARED_TOOL_RESULT = '[tool result cleared by context management]';
/** Default context window of the fake, as for the models Baton uses. */
export const DEFAULT_CONTEXT_WINDOW = 200_000;
const DEFAULT_KEEP = 3;
const DEFAULT_TRIGGER = 100_000;

/** About a token per four characters, as the rest of the fake counts. */
export function tokensOf(value: unknown): number {
  return Math.ceil((JSON.stringify(value) ?? '').length / 4);
}

/** The prompt's tokens: system, tools and messages. */
export function promptTokens(body: RulesRequest): number {
  return tokensOf([body.system, body.tools, body.messages]);
}

/** The signature the fake puts on a thinking block; the API checks its own the same way. */
export function signThinking(thinking: string): string {
  return `fake-sig-${createHash('sha256').update(thinking).digest('hex').slice(0, 32)}`;
}

/** Applies the API's rules; a string is the message of the 400 it would answer. */
export function applyApiRules(
  body: RulesRequest,
  headers: IncomingHttpHeaders,
  contextWindow: number = DEFAULT_CONTEXT_WINDOW,
): SeenRequest | string {
  const betas = String(headers['anthropic-beta'] ?? '')
    .split(',')
    .map((b) => b.trim());
  const serverTools = (body.tools ?? [])
    .filter((t) => /^web_(search|fetch)_\d+$/.test(t.type ?? ''))
    .map((t) => String(t.name));
  const fetchTool = (body.tools ?? []).find((t) => /^web_fetch_/.test(t.type ?? ''));
  if (fetchTool && !betas.includes('web-fetch-2025-09-10')) {
    return `tools: ${fetchTool.type} requires the beta header web-fetch-2025-09-10`;
  }
  for (const tool of body.tools ?? []) {
    if (Array.isArray(tool.allowed_domains) && Array.isArray(tool.blocked_domains)) {
      return `tools.${tool.name}: use either allowed_domains or blocked_domains, not both`;
    }
  }
  const thinkingProblem = checkThinking(body);
  if (thinkingProblem) return thinkingProblem;
  let seen = body;
  const appliedEdits: AppliedEdit[] = [];
  if (body.context_management) {
    if (!betas.includes('context-management-2025-06-27')) {
      return 'context_management: requires the beta header context-management-2025-06-27';
    }
    for (const edit of body.context_management.edits ?? []) {
      // Clearing old thinking blocks (what Claude Code asks for) changes no count the fake keeps.
      if (edit.type === 'clear_thinking_20251015') continue;
      if (edit.type !== 'clear_tool_uses_20250919') {
        return `context_management.edits: the fake plays clear_tool_uses_20250919 only, not ${edit.type}`;
      }
      const cleared = clearToolUses(seen, edit);
      if (cleared) {
        seen = cleared.body;
        appliedEdits.push(cleared.applied);
      }
    }
  }
  const inputTokens = promptTokens(seen);
  if (inputTokens > contextWindow) {
    return `prompt is too long: ${inputTokens} tokens > ${contextWindow} maximum`;
  }
  return {
    body: seen,
    inputTokens,
    appliedEdits,
    thinking: body.thinking?.type === 'enabled',
    serverTools,
  };
}

/**
 * `clear_tool_uses_20250919`: once the prompt passes the trigger, every tool
 * result but the newest `keep` is replaced by a placeholder (calls to
 * `exclude_tools` are never cleared); nothing is cleared unless that frees at
 * least `clear_at_least` tokens. The client's history is left as it sent it.
 */
function clearToolUses(
  body: RulesRequest,
  edit: ClearEdit,
): { body: RulesRequest; applied: AppliedEdit } | null {
  const trigger = edit.trigger?.type === 'input_tokens' ? edit.trigger.value : DEFAULT_TRIGGER;
  if (promptTokens(body) <= trigger) return null;
  const excluded = new Set(edit.exclude_tools ?? []);
  const names = new Map<string, string>();
  for (const message of body.messages) {
    for (const block of blocksOf(message.content)) {
      if (block.type === 'tool_use' && block.id) names.set(block.id, String(block.name));
    }
  }
  const results: { message: number; block: number }[] = [];
  body.messages.forEach((message, m) => {
    blocksOf(message.content).forEach((block, b) => {
      const name = names.get(String(block.tool_use_id));
      if (block.type === 'tool_result' && name !== undefined && !excluded.has(name)) {
        results.push({ message: m, block: b });
      }
    });
  });
  const keep = edit.keep?.value ?? DEFAULT_KEEP;
  const clear = results.slice(0, Math.max(0, results.length - keep));
  const messages = body.messages.map((message) => ({
    ...message,
    content: Array.isArray(message.content) ? [...message.content] : message.content,
  }));
  let freed = 0;
  for (const { message, block } of clear) {
    const blocks = messages[message]?.content as Block[];
    const old = blocks[block] as Block;
    const replacement = { ...old, content: CLEARED_TOOL_RESULT };
    freed += tokensOf(old.content) - tokensOf(replacement.content);
    blocks[block] = replacement;
  }
  if (clear.length === 0 || freed < (edit.clear_at_least?.value ?? 0)) return null;
  return {
    body: { ...body, messages },
    applied: {
      type: 'clear_tool_uses_20250919',
      cleared_tool_uses: clear.length,
      cleared_input_tokens: freed,
    },
  };
}

/**
 * Extended thinking (`type: enabled`): the budget is at least 1,024 and below `max_tokens`; a
 * thinking block sent back must be the one the API gave (its signature), and
 * while thinking is on, an assistant turn that used a tool must still start
 * with its thinking block when its results are sent.
 */
function checkThinking(body: RulesRequest): string | null {
  for (const [m, message] of body.messages.entries()) {
    for (const block of blocksOf(message.content)) {
      if (block.type !== 'thinking') continue;
      if (block.signature !== signThinking(String(block.thinking))) {
        return `messages.${m}.content: Invalid \`signature\` in \`thinking\` block`;
      }
    }
  }
  // Adaptive thinking has no budget: the model decides whether to think (the fake does not).
  if (!body.thinking || body.thinking.type === 'adaptive' || body.thinking.type === 'disabled') {
    return null;
  }
  const budget = body.thinking.budget_tokens ?? 0;
  if (body.thinking.type !== 'enabled' || budget < 1024 || budget >= body.max_tokens) {
    return 'thinking.budget_tokens: must be at least 1024 and less than max_tokens';
  }
  const lastAssistant = body.messages.findLastIndex((m) => m.role === 'assistant');
  const blocks = blocksOf(body.messages[lastAssistant]?.content);
  if (blocks.some((b) => b.type === 'tool_use') && blocks[0]?.type !== 'thinking') {
    return `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${blocks[0]?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block`;
  }
  return null;
}

function blocksOf(content: unknown): Block[] {
  return Array.isArray(content) ? (content as Block[]) : [];
}
