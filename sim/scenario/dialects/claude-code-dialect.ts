import type { MessagesRequest } from '../../fake-anthropic.js';
import { type Block, textOf } from '../read-request.js';
import {
  absolute,
  asWritten,
  type CallBook,
  type EngineRequestRead,
  type EngineTools,
  readAsBaton,
  unnumbered,
} from './engine-calls.js';

/**
 * Claude Code's side of the Messages API, as the scripted model plays it: a
 * request Claude Code sent (its tools `Bash`, `Read`, `Write`, `Edit`,
 * `Grep`; a `role: system` message in the history; its tool results) read as
 * the one Baton's loop would have sent, and the turn the scenario answers
 * with written in Claude Code's tools (the input shapes of its published
 * tool schemas, as it sends them).
 */

/** Whether a request is Claude Code's: it declares its `Bash` tool (Baton's loop declares `bash_20250124`). */
export function isClaudeCodeRequest(body: MessagesRequest): boolean {
  return (body.tools ?? []).some((tool) => tool.name === 'Bash' && tool.type === undefined);
}

/**
 * The request as Baton's loop would have sent it: no system messages, every
 * tool call named as the turn wrote it, a failed command's result as Baton's
 * bash tool words it. `handedIn`: the newest turn wrote the hand-in.
 */
export function readClaudeCodeRequest(body: MessagesRequest, book: CallBook): EngineRequestRead {
  const messages = withoutSystemMessages(body.messages).map((message) => ({
    role: message.role,
    content: Array.isArray(message.content)
      ? (message.content as Block[]).map((block) => batonBlock(block, book))
      : message.content,
  }));
  return readAsBaton(
    { ...body, messages },
    textOf(body.system),
    'a Claude Code request whose system prompt is not a Baton session’s',
  );
}

/**
 * The history without Claude Code's `role: system` messages, whose text (a
 * message a person sent while it worked, which it surfaces so) goes with the
 * user message before it, as Baton's loop adds such a message after the tool
 * results: turns still alternate, and the script reads the text where it is.
 */
function withoutSystemMessages(messages: MessagesRequest['messages']): MessagesRequest['messages'] {
  const kept: MessagesRequest['messages'] = [];
  let waiting: Block[] = [];
  const blocks = (content: unknown): Block[] =>
    Array.isArray(content) ? (content as Block[]) : [{ type: 'text', text: textOf(content) }];
  for (const message of messages) {
    const last = kept.at(-1);
    if (message.role === 'system') {
      const text: Block = { type: 'text', text: textOf(message.content) };
      if (last?.role === 'user') last.content = [...blocks(last.content), text];
      else waiting.push(text);
      continue;
    }
    if (message.role === 'user' && waiting.length > 0) {
      kept.push({ ...message, content: [...blocks(message.content), ...waiting] });
      waiting = [];
    } else kept.push({ ...message });
  }
  return kept;
}

function batonBlock(block: Block, book: CallBook): Block {
  if (block.type === 'tool_use') return asWritten(block, book);
  if (block.type !== 'tool_result' || !block.tool_use_id) return block;
  const call = book.get(block.tool_use_id);
  const text = textOf(block.content);
  if (call?.name === 'get_diff') return { ...block, content: unnumbered(text) };
  const failed = /^Exit code (\d+)\n?([\s\S]*)$/.exec(text);
  if (call && ['bash', 'list_files', 'search'].includes(call.name) && block.is_error && failed) {
    const { is_error: _error, ...rest } = block;
    return { ...rest, content: `${failed[2] ?? ''}\n\n[exit code ${failed[1]}]` };
  }
  return { ...block, content: text };
}

/**
 * The longest Claude Code lets a command run before it stops it (two minutes
 * unless asked): a scripted command is given it, so that it ends on its own
 * however busy the machine is, and only the test's own limit stops a hung one.
 */
const COMMAND_TIMEOUT_MS = 600_000;

/** Claude Code's words for Baton's tools (engineCall). */
export const CLAUDE_TOOLS: EngineTools = {
  shell: (command, description) => ['Bash', { command, description, timeout: COMMAND_TIMEOUT_MS }],
  read: (file_path) => ['Read', { file_path }],
  write: (file_path, content) => ['Write', { file_path, content }],
  handIn: (file_path, content) => ['Write', { file_path, content }],
  edit: (file_path, old_string, new_string) => ['Edit', { file_path, old_string, new_string }],
  search: (input, paths) => [
    'Grep',
    {
      pattern: String(input.pattern ?? ''),
      path: absolute(paths, input.path),
      output_mode: 'content',
      '-n': true,
    },
  ],
};
