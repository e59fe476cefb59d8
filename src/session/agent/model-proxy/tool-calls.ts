import { MAX_TOOL_CALLS, TOOL_NAME, type ToolCall } from '../../../core/records/tool-call.js';

/**
 * The tool calls of a session, as its model requests show them at the proxy,
 * whatever engine made them: each tool result a request carries for the first
 * time is a call, named by the tool use it answers (in the same request's
 * history), running from the answer that asked for it (the last answer the
 * proxy metered) to the request that brings its result. The two APIs the proxy
 * serves say it alike: Anthropic's `tool_use` / `tool_result` blocks (an error
 * is `is_error`), OpenAI's `function_call` / `function_call_output` items
 * (with no error of their own). Nothing of a call but its tool's name, its
 * turn and its times is kept, and a name outside `TOOL_NAME` is kept as
 * `other`: the record says what ran, never what it read or wrote.
 */
export interface ToolCallLog {
  /** A model request the proxy forwards, parsed, and its turn. */
  requested(body: unknown, turn: number): void;
  /** An answer the proxy metered: the calls it asks for start now. */
  answered(): void;
  /** The calls so far, at most `MAX_TOOL_CALLS` (the first ones), oldest first. */
  calls(): ToolCall[];
}

export function createToolCallLog({ now }: { now: () => number }): ToolCallLog {
  let answeredAt = now();
  const seen = new Set<string>();
  const calls: ToolCall[] = [];
  return {
    answered() {
      answeredAt = now();
    },
    requested(body, turn) {
      if (calls.length >= MAX_TOOL_CALLS) return;
      const at = now();
      for (const result of resultsIn(body)) {
        if (seen.has(result.id)) continue;
        seen.add(result.id);
        if (calls.length >= MAX_TOOL_CALLS) return;
        calls.push({
          name: TOOL_NAME.test(result.name) ? result.name : 'other',
          // The turn whose answer asked for it: the request bringing its result is the next.
          turn: Math.max(1, turn - 1),
          at: Math.round(answeredAt),
          ms: Math.max(0, Math.round(at - answeredAt)),
          ...(result.ok === null ? {} : { ok: result.ok }),
        });
      }
    },
    calls: () => [...calls],
  };
}

/** A tool result a request carries: the id of the use it answers, the use's tool name, and whether it failed. */
interface ToolResult {
  id: string;
  name: string;
  /** False for an error result; null where the API says nothing of one. */
  ok: boolean | null;
}

/** The tool results of a request body of either API, each named by the tool use it answers. */
function resultsIn(body: unknown): ToolResult[] {
  if (!isRecord(body)) return [];
  if (Array.isArray(body.messages)) return anthropicResults(body.messages);
  if (Array.isArray(body.input)) return openaiResults(body.input);
  return [];
}

function anthropicResults(messages: unknown[]): ToolResult[] {
  const names = new Map<string, string>();
  const results: ToolResult[] = [];
  for (const message of messages) {
    if (!isRecord(message) || !Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (!isRecord(block) || typeof block.type !== 'string') continue;
      if (block.type === 'tool_use' || block.type === 'server_tool_use') {
        if (typeof block.id === 'string' && typeof block.name === 'string')
          names.set(block.id, block.name);
      } else if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
        results.push({
          id: block.tool_use_id,
          name: names.get(block.tool_use_id) ?? '',
          ok: block.is_error !== true,
        });
      }
    }
  }
  return results;
}

function openaiResults(input: unknown[]): ToolResult[] {
  const names = new Map<string, string>();
  const results: ToolResult[] = [];
  for (const item of input) {
    if (!isRecord(item) || typeof item.call_id !== 'string') continue;
    if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      if (typeof item.name === 'string') names.set(item.call_id, item.name);
    } else if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
      results.push({ id: item.call_id, name: names.get(item.call_id) ?? '', ok: null });
    }
  }
  return results;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
