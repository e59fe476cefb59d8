import type { MessagesRequest } from '../../fake-anthropic.js';
import { type Block, textOf } from '../read-request.js';
import {
  asWritten,
  type CallBook,
  type EngineCall,
  type EngineRequestRead,
  type EngineTools,
  quote,
  readAsBaton,
  searchCommand,
} from './engine-calls.js';

/**
 * GitHub Copilot CLI's side of the Messages API (it calls the model proxy as
 * an Anthropic provider of the user's own), as the scripted model plays it: a
 * request Copilot sent (its tools `bash`, `view`, `create`, `edit`, …; Baton's
 * role prompt inside its own system prompt; each user text after a
 * `<current_datetime>` line; a message sent while it worked as a user message
 * of its own) read as the one Baton's loop would have sent, and the turn the
 * scenario answers with written in Copilot's tools, with the input shapes of
 * the tool schemas it declares.
 */

/** Whether a request is Copilot's: it declares its `view` tool (Baton's loop and Claude Code have none). */
export function isCopilotRequest(body: MessagesRequest): boolean {
  return (body.tools ?? []).some((tool) => tool.name === 'view' && tool.type === undefined);
}

/** Baton's role prompt inside Copilot's system prompt (renderEngineSystemPrompt, first line to last). */
const BATON_PROMPT = /You are a Baton session in the [\s\S]*?asked to write it again\./;

/** The line Copilot puts before each user text. */
const DATETIME = /^<current_datetime>[^<]*<\/current_datetime>\n\n/;

/** What Copilot's shell tool appends to a command's output. */
const SHELL_END = /\n?<shellId: [^>]+ completed with exit code (\d+)>\s*$/;

/**
 * The request as Baton's loop would have sent it: Baton's role prompt as the
 * system, each user text without its date line, consecutive user messages
 * (a message sent while it worked) as one, every tool call named as the turn
 * wrote it, a command's result as Baton's bash tool words it.
 * `handedIn`: the newest turn wrote the hand-in.
 */
export function readCopilotRequest(body: MessagesRequest, book: CallBook): EngineRequestRead {
  const system = BATON_PROMPT.exec(textOf(body.system))?.[0] ?? '';
  const messages: MessagesRequest['messages'] = [];
  for (const message of body.messages) {
    const content = Array.isArray(message.content)
      ? (message.content as Block[]).map((block) => batonBlock(block, book))
      : [{ type: 'text', text: textOf(message.content).replace(DATETIME, '') }];
    const last = messages.at(-1);
    if (last && last.role === message.role && Array.isArray(last.content))
      last.content = [...(last.content as Block[]), ...content];
    else messages.push({ role: message.role, content });
  }
  return readAsBaton(
    { ...body, system, messages },
    system,
    'a Copilot request whose system prompt holds no Baton session’s',
  );
}

function batonBlock(block: Block, book: CallBook): Block {
  if (block.type === 'text') return { ...block, text: (block.text ?? '').replace(DATETIME, '') };
  if (block.type === 'tool_use') return asWritten(block, book);
  if (block.type !== 'tool_result' || !block.tool_use_id) return block;
  const text = textOf(block.content) || (typeof block.content === 'string' ? block.content : '');
  const ended = SHELL_END.exec(text);
  if (!ended) return { ...block, content: text };
  const output = text.slice(0, ended.index);
  const code = Number(ended[1]);
  return { ...block, content: code === 0 ? output : `${output}\n\n[exit code ${code}]` };
}

/**
 * A scripted command waits for its own end: Copilot leaves one running past
 * `initial_wait` (30 s unless given) and answers with what it wrote so far,
 * which a long check on a busy machine outlasts.
 */
const COMMAND_WAIT_S = 600;

/** Copilot's words for Baton's tools (engineCall). */
export const COPILOT_TOOLS: EngineTools = {
  shell,
  read: (path) => ['view', { path }],
  // Copilot's `create` refuses a file whose folder does not exist yet (a model makes it
  // first, a turn before); the scenario's turn writes it in one: through the shell.
  write: (path, text) => {
    const bytes = Buffer.from(text).toString('base64');
    const folder = path.slice(0, path.lastIndexOf('/')) || '/';
    return shell(
      `mkdir -p -- ${quote(folder)} && printf %s ${quote(bytes)} | base64 -d > ${quote(path)}`,
      'Write a file',
    );
  },
  handIn: (path, file_text) => ['create', { path, file_text }],
  edit: (path, old_str, new_str) => ['edit', { path, old_str, new_str }],
  search: (input) => shell(searchCommand(input), 'Search the files'),
};

function shell(command: string, description: string): EngineCall {
  return ['bash', { command, description, mode: 'sync', initial_wait: COMMAND_WAIT_S }];
}
