import type { FakeBlock, MessagesRequest } from '../../fake-anthropic.js';
import { type Block, textOf } from '../read-request.js';
import {
  absolute,
  type BatonCall,
  type CallBook,
  type EnginePaths,
  isSubmit,
  listCommand,
  patchFile,
  quote,
  readEnginePaths,
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
export function readCopilotRequest(
  body: MessagesRequest,
  book: CallBook,
): { baton: MessagesRequest; paths: EnginePaths; handedIn: boolean } | string {
  const system = BATON_PROMPT.exec(textOf(body.system))?.[0] ?? '';
  const paths = readEnginePaths(system);
  if (!paths) return 'a Copilot request whose system prompt holds no Baton session’s';
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
  const lastAssistant = messages.findLast((message) => message.role === 'assistant');
  const handedIn = ((lastAssistant?.content ?? []) as Block[]).some(
    (block) => block.type === 'tool_use' && isSubmit({ name: block.name ?? '', input: {} }),
  );
  return { baton: { ...body, system, messages }, paths, handedIn };
}

function batonBlock(block: Block, book: CallBook): Block {
  if (block.type === 'text') return { ...block, text: (block.text ?? '').replace(DATETIME, '') };
  if (block.type === 'tool_use' && block.id) {
    const call = book.get(block.id);
    return call ? { ...block, name: call.name, input: call.input } : block;
  }
  if (block.type !== 'tool_result' || !block.tool_use_id) return block;
  const text = textOf(block.content) || (typeof block.content === 'string' ? block.content : '');
  const ended = SHELL_END.exec(text);
  if (!ended) return { ...block, content: text };
  const output = text.slice(0, ended.index);
  const code = Number(ended[1]);
  return { ...block, content: code === 0 ? output : `${output}\n\n[exit code ${code}]` };
}

let nextId = 1;

/** A turn of Baton's tools written in Copilot's, each call kept in the book. */
export function toCopilotBlocks(
  blocks: FakeBlock[],
  paths: EnginePaths,
  book: CallBook,
): FakeBlock[] {
  return blocks.map((block) => {
    if (block.type !== 'tool_use') return block;
    const call: BatonCall = { name: block.name, input: block.input as Record<string, unknown> };
    const id = `toolu_copilot_${String(nextId++).padStart(5, '0')}`;
    book.set(id, call);
    const [name, input] = copilotCall(call, paths);
    return { type: 'tool_use', id, name, input };
  });
}

/**
 * A scripted command waits for its own end: Copilot leaves one running past
 * `initial_wait` (30 s unless given) and answers with what it wrote so far,
 * which a long check on a busy machine outlasts.
 */
const COMMAND_WAIT_S = 600;

function copilotCall(call: BatonCall, paths: EnginePaths): [string, Record<string, unknown>] {
  const { name, input } = call;
  if (name.startsWith('submit_'))
    return ['create', { path: paths.handIn, file_text: JSON.stringify(input, null, 2) }];
  switch (name) {
    case 'bash':
      return shell(String(input.command ?? ''), 'Run a command');
    case 'read_file':
      return ['view', { path: absolute(paths, input.path) }];
    case 'list_files':
      return shell(listCommand(input), 'List files');
    case 'search':
      return shell(searchCommand(input), 'Search the files');
    case 'get_diff':
      return ['view', { path: patchFile(paths, input.path) }];
    case 'str_replace_based_edit_tool':
      return editorCall(input, paths);
    default:
      return [name, input];
  }
}

function shell(command: string, description: string): [string, Record<string, unknown>] {
  return ['bash', { command, description, mode: 'sync', initial_wait: COMMAND_WAIT_S }];
}

function editorCall(
  input: Record<string, unknown>,
  paths: EnginePaths,
): [string, Record<string, unknown>] {
  const path = absolute(paths, input.path);
  switch (input.command) {
    case 'create': {
      // Copilot's `create` refuses a file whose folder does not exist yet (a model makes it
      // first, a turn before); the scenario's turn writes it in one: through the shell.
      const bytes = Buffer.from(String(input.file_text ?? '')).toString('base64');
      const folder = path.slice(0, path.lastIndexOf('/')) || '/';
      return shell(
        `mkdir -p -- ${quote(folder)} && printf %s ${quote(bytes)} | base64 -d > ${quote(path)}`,
        'Write a file',
      );
    }
    case 'str_replace':
      return [
        'edit',
        { path, old_str: String(input.old_str ?? ''), new_str: String(input.new_str ?? '') },
      ];
    default:
      return ['view', { path }];
  }
}
