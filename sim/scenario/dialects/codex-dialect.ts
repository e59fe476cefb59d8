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
 * `apply_patch` (a custom tool whose input is Codex's patch grammar). A
 * command Codex answers for while it still runs (its yield is at most 30 s)
 * is waited on with `write_stdin`, until it ends, before the scenario sees
 * its whole output: a scripted command's result never depends on how fast
 * the machine is.
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

/** A command Codex left running: the call that started it, and its session to wait on. */
export interface RunningCommand {
  callId: string;
  session: number;
}

/** A Codex request read as Baton's loop would have sent it. */
export interface CodexRequestRead {
  baton: MessagesRequest;
  paths: EnginePaths;
  /** The newest turn wrote the hand-in. */
  handedIn: boolean;
  /** A command of the newest turn that has not ended yet. */
  running: RunningCommand | null;
}

/** The request as Baton's loop would have sent it, or what makes it no Baton session's. */
export function readCodexRequest(
  body: ResponsesRequest,
  book: CallBook,
): CodexRequestRead | string {
  const items = (Array.isArray(body.input) ? body.input : []) as Item[];
  const system: string[] = [typeof body.instructions === 'string' ? body.instructions : ''];
  const messages: { role: string; content: Block[] }[] = [];
  const push = (role: string, block: Block) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  // Each call's outputs (a command's first, then what each wait on it read), and the block they read as.
  const outputs = new Map<string, { texts: string[]; block: Block }>();
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
      const id = item.call_id ?? '';
      const started = book.get(id)?.waitsOn ?? id;
      const text = typeof item.output === 'string' ? item.output : textOf(item.output);
      const known = outputs.get(started);
      if (known) known.texts.push(text);
      else {
        const block: Block = {};
        outputs.set(started, { texts: [text], block });
        push('user', block);
      }
    }
  }
  let running: RunningCommand | null = null;
  const newest = messages.at(-1);
  for (const [id, { texts, block }] of outputs) {
    Object.assign(block, resultBlock(id, texts, book));
    const session = commandOutput(texts.at(-1) ?? '')?.session ?? null;
    if (session !== null && newest?.role === 'user' && newest.content.includes(block))
      running = { callId: id, session };
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
    running,
  };
}

function assistantBlock(item: Item, book: CallBook): Block | null {
  if (item.type === 'message') return { type: 'text', text: textOf(item.content) };
  if (item.type === 'reasoning') return null;
  const id = item.call_id ?? '';
  const call = book.get(id);
  if (call?.waitsOn) return null;
  return { type: 'tool_use', id, name: call?.name ?? item.name ?? '', input: call?.input ?? {} };
}

/**
 * A tool's output as Baton's tools word it: a command's output whole (what
 * each wait on it read, joined), and a failed command's ending with `[exit code N]`.
 */
function resultBlock(id: string, texts: string[], book: CallBook): Block {
  const call = book.get(id);
  const text = texts.join('\n');
  const reads = texts.map(commandOutput);
  if (reads.every((read) => read !== null)) {
    const output = reads.map((read) => read?.output ?? '').join('');
    const code = reads.at(-1)?.code ?? null;
    return {
      type: 'tool_result',
      tool_use_id: id,
      content: code === 0 || code === null ? output : `${output}\n\n[exit code ${code}]`,
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

/**
 * What one of Codex's command outputs says: what the command wrote since the
 * last read, and its exit code, or its session while it still runs.
 */
function commandOutput(
  text: string,
): { output: string; code: number | null; session: number | null } | null {
  const read =
    /Process (?:exited with code (\d+)|running with session ID (\d+))[\s\S]*?\nOutput:\n([\s\S]*)$/.exec(
      text,
    );
  if (!read) return null;
  return {
    output: read[3] ?? '',
    code: read[1] === undefined ? null : Number(read[1]),
    session: read[2] === undefined ? null : Number(read[2]),
  };
}

let nextId = 1;

/** Codex's call that waits for more of a command that still runs: `write_stdin` with nothing to write. */
export function waitOnCodexCommand(running: RunningCommand, book: CallBook): ResponsesItem[] {
  const call_id = `call_engine_${String(nextId++).padStart(5, '0')}`;
  book.set(call_id, { name: 'write_stdin', input: {}, waitsOn: running.callId });
  return [
    {
      type: 'function_call',
      call_id,
      name: 'write_stdin',
      arguments: JSON.stringify({
        session_id: running.session,
        chars: '',
        yield_time_ms: COMMAND_YIELD_MS,
      }),
    },
  ];
}

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
        // Codex answers after its yield (10 s unless asked, at most 30 s) with what a command wrote
        // so far: a command still running then is waited on (waitOnCodexCommand) until it ends.
        arguments: JSON.stringify({
          cmd: commandOf(call, paths),
          workdir: paths.workDir,
          yield_time_ms: COMMAND_YIELD_MS,
        }),
      },
    ];
  });
}

/**
 * How long Codex is asked to wait for a scripted command before it answers with what the
 * command wrote so far (it waits at most 30 s); fewer answers, not a limit on the command.
 */
const COMMAND_YIELD_MS = 30_000;

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
