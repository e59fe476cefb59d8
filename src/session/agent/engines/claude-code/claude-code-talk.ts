import type { Writable } from 'node:stream';
import type { EngineRunReport } from '../engine-commands.js';
import { type EngineTalk, oneLine, parseLine, type TalkSeat } from '../engine-talk.js';

/**
 * Claude Code's talk: `--input-format stream-json` ("realtime streaming
 * input"): the prompt and each later message are user messages on its
 * standard input; one that arrives while it works is read with its next tool
 * result. Its input closes at its `result`.
 */
export function claudeTalk(seat: TalkSeat): EngineTalk {
  let stdin: Writable | null = null;
  const tools = new Map<string, number>();
  let result: Record<string, unknown> | null = null;
  let count = 0;
  const write = (text: string, uuid: string) =>
    stdin?.write(
      `${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'text', text }] }, uuid, parent_tool_use_id: null, session_id: '' })}\n`,
    );
  return {
    start(input) {
      stdin = input;
      write(seat.prompt, uuidOf('prompt', 0));
    },
    line(line) {
      const event = parseLine(line);
      if (!event) return;
      if (event.type === 'assistant') countClaudeTools(event, tools);
      if (event.type === 'result') {
        result = event;
        stdin?.end();
        stdin = null;
      }
    },
    send(interjection) {
      if (!stdin) return false;
      count += 1;
      write(interjection.text, uuidOf(interjection.id, count));
      return true;
    },
    report: () => claudeReport(result, tools),
  };
}

/** A UUID of Claude Code's shape (it checks the form) that names a message of this run. */
function uuidOf(id: string, n: number): string {
  const hex = Buffer.from(`${id}:${n}`).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function countClaudeTools(event: Record<string, unknown>, tools: Map<string, number>): void {
  const content = (event.message as { content?: unknown } | undefined)?.content;
  for (const block of Array.isArray(content) ? content : []) {
    if (block?.type === 'tool_use' && typeof block.name === 'string')
      tools.set(block.name, (tools.get(block.name) ?? 0) + 1);
  }
}

/** Claude Code's final `result`: `is_error` counts, not `subtype`, which reads `success` after an API error. */
function claudeReport(
  result: Record<string, unknown> | null,
  tools: Map<string, number>,
): EngineRunReport {
  if (!result) return { finished: false, error: 'it printed no result', tools };
  if (result.is_error !== true) return { finished: true, error: null, tools };
  const errors = Array.isArray(result.errors) ? result.errors.map(String) : [];
  const text = [typeof result.result === 'string' ? result.result : '', ...errors].filter(Boolean);
  return {
    finished: false,
    error: oneLine(text.join('; ') || String(result.subtype ?? 'error')),
    tools,
  };
}
