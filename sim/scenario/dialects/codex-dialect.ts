import type { FakeBlock, MessagesRequest } from '../../fake-anthropic.js';
import type { ResponsesItem, ResponsesRequest } from '../../fake-openai.js';
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
 * Codex's side of the Responses API, as the scripted model plays it: a
 * request Codex sent (developer messages, its `AGENTS.md` and environment as
 * user messages, then the prompt; earlier output items replayed with their
 * `function_call_output` and `custom_tool_call_output`) read as the Messages
 * request Baton's loop would have sent, and the turn the scenario answers
 * with written as Codex's output items: `exec_command` calls, and
 * `apply_patch` (a custom tool whose input is Codex's patch grammar).
 */

interface Item {
  type?: string;
  role?: string;
  content?: unknown;
  call_id?: string;
  name?: string;
  arguments?: string;
  input?: string;
  output?: unknown;
  summary?: unknown;
}

type Block = Record<string, unknown>;

const ASSISTANT = new Set(['function_call', 'custom_tool_call', 'reasoning']);

/** The request as Baton's loop would have sent it; `handedIn`: the newest turn wrote the hand-in. */
export function readCodexRequest(
  body: ResponsesRequest,
  book: CallBook,
): { baton: MessagesRequest; paths: EnginePaths; handedIn: boolean } | string {
  const items = (Array.isArray(body.input) ? body.input : []) as Item[];
  const system: string[] = [typeof body.instructions === 'string' ? body.instructions : ''];
  const messages: { role: string; content: Block[] }[] = [];
  const push = (role: string, block: Block) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  for (const item of items) {
    const isAssistant =
      ASSISTANT.has(item.type ?? '') || (item.type === 'message' && item.role === 'assistant');
    if (item.type === 'message' && (item.role === 'developer' || item.role === 'system')) {
      system.push(textOf(item.content));
    } else if (item.type === 'message' && item.role === 'user') {
      const text = textOf(item.content);
      // Codex passes AGENTS.md, where Baton's role prompt is, as a user message of its own.
      if (text.startsWith('# AGENTS.md instructions')) system.push(text);
      else push('user', { type: 'text', text });
    } else if (isAssistant) {
      const block = assistantBlock(item, book);
      if (block) push('assistant', block);
    } else if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
      push('user', resultBlock(item, book));
    }
  }
  const joined = system.filter(Boolean).join('\n');
  const paths = readEnginePaths(joined);
  if (!paths) return 'a Codex request whose instructions are not a Baton session’s';
  const lastAssistant = messages.findLast((message) => message.role === 'assistant');
  const handedIn = (lastAssistant?.content ?? []).some(
    (block) => block.type === 'tool_use' && isSubmit({ name: String(block.name), input: {} }),
  );
  return {
    baton: { model: body.model, max_tokens: 16_000, system: joined, messages },
    paths,
    handedIn,
  };
}

function assistantBlock(item: Item, book: CallBook): Block | null {
  if (item.type === 'message') return { type: 'text', text: textOf(item.content) };
  if (item.type === 'reasoning') return null;
  const id = item.call_id ?? '';
  const call = book.get(id);
  return { type: 'tool_use', id, name: call?.name ?? item.name ?? '', input: call?.input ?? {} };
}

/** A tool's output as Baton's tools word it: a failed command ends with `[exit code N]`. */
function resultBlock(item: Item, book: CallBook): Block {
  const id = item.call_id ?? '';
  const call = book.get(id);
  const text = typeof item.output === 'string' ? item.output : textOf(item.output);
  const exec = /Process exited with code (\d+)[\s\S]*?\nOutput:\n([\s\S]*)$/.exec(text);
  if (exec) {
    const code = Number(exec[1]);
    const output = exec[2] ?? '';
    return {
      type: 'tool_result',
      tool_use_id: id,
      content: code === 0 ? output : `${output}\n\n[exit code ${code}]`,
    };
  }
  const patched = /^Exit code: (\d+)/.exec(text);
  const failed = call?.name !== 'bash' && patched !== null && patched[1] !== '0';
  return {
    type: 'tool_result',
    tool_use_id: id,
    content: text,
    ...(failed ? { is_error: true } : {}),
  };
}

let nextId = 1;

/** A turn of Baton's tools written as Codex's output items, each call kept in the book. */
export function toCodexItems(
  blocks: FakeBlock[],
  paths: EnginePaths,
  book: CallBook,
): ResponsesItem[] {
  return blocks.flatMap((block): ResponsesItem[] => {
    if (block.type === 'text') return [{ type: 'message', text: block.text }];
    if (block.type !== 'tool_use') return [];
    const call: BatonCall = { name: block.name, input: block.input as Record<string, unknown> };
    const call_id = `call_engine_${String(nextId++).padStart(5, '0')}`;
    book.set(call_id, call);
    const patch = patchOf(call, paths);
    if (patch !== null)
      return [{ type: 'custom_tool_call', call_id, name: 'apply_patch', input: patch }];
    return [
      {
        type: 'function_call',
        call_id,
        name: 'exec_command',
        // A scripted command waits for its own end (Codex's default yield is 10 s, which a long
        // probe on a busy machine outlasts, leaving its output to a later poll the script never makes).
        arguments: JSON.stringify({
          cmd: commandOf(call, paths),
          workdir: paths.workDir,
          yield_time_ms: COMMAND_YIELD_MS,
        }),
      },
    ];
  });
}

/** How long Codex waits for a scripted command before it answers with what the command wrote so far. */
const COMMAND_YIELD_MS = 60_000;

/** The `apply_patch` input of a call that writes a file (the editor's create and str_replace, the hand-in). */
function patchOf(call: BatonCall, paths: EnginePaths): string | null {
  const { name, input } = call;
  if (name.startsWith('submit_')) return addFile(paths.handIn, JSON.stringify(input, null, 2));
  if (name !== 'str_replace_based_edit_tool') return null;
  if (input.command === 'create')
    return addFile(absolute(paths, input.path), String(input.file_text ?? ''));
  if (input.command !== 'str_replace') return null;
  const lines = (text: unknown, mark: string) =>
    String(text ?? '')
      .split('\n')
      .map((line) => `${mark}${line}`);
  return [
    '*** Begin Patch',
    `*** Update File: ${absolute(paths, input.path)}`,
    '@@',
    ...lines(input.old_str, '-'),
    ...lines(input.new_str, '+'),
    '*** End Patch',
  ].join('\n');
}

function addFile(file: string, content: string): string {
  const body = content.endsWith('\n') ? content.slice(0, -1) : content;
  return [
    '*** Begin Patch',
    `*** Add File: ${file}`,
    ...body.split('\n').map((line) => `+${line}`),
    '*** End Patch',
  ].join('\n');
}

/** The shell command of a call Codex runs through `exec_command`. */
function commandOf(call: BatonCall, paths: EnginePaths): string {
  const { name, input } = call;
  switch (name) {
    case 'bash':
      return String(input.command ?? '');
    case 'list_files':
      return listCommand(input);
    case 'search':
      return searchCommand(input);
    case 'get_diff':
      return `cat -- ${quote(patchFile(paths, input.path))}`;
    default:
      // read_file and the editor's view.
      return `cat -- ${quote(absolute(paths, input.path))}`;
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as { type?: string; text?: string }[])
    .filter((part) => typeof part.text === 'string')
    .map((part) => part.text ?? '')
    .join('\n');
}
