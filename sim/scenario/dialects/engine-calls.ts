import path from 'node:path';
import type { FakeBlock, MessagesRequest } from '../../fake-anthropic.js';
import type { Block } from '../read-request.js';

/**
 * What the scripted model keeps and reads to play an engine's side of a
 * conversation (Claude Code, Codex, Copilot) with the turns it writes for Baton's own
 * loop: each engine tool call it made stands for one of Baton's (bash, the
 * editor, the read-only tools, a `submit_*`), kept by the call's id so the
 * next request reads back as Baton's loop would have sent it; and the paths
 * the session's system prompt names (renderEngineSystemPrompt).
 */

/** One of Baton's tool calls, as a turn wrote it. */
export interface BatonCall {
  name: string;
  input: Record<string, unknown>;
  /**
   * Set on an engine call that stands for none of Baton's: it waits for more
   * of the command the call of this id started (Codex's `write_stdin`).
   */
  waitsOn?: string;
}

/** Engine call ids → the Baton call each stands for, across every session of a build. */
export type CallBook = Map<string, BatonCall>;

/** What an engine session's system prompt says of where it works. */
export interface EnginePaths {
  workDir: string;
  handIn: string;
  /** Where a review's patches are (get_diff), if the prompt names them. */
  files: string | null;
}

/** Reads the paths from the system prompt of an engine session; null when it is not one. */
export function readEnginePaths(system: string): EnginePaths | null {
  const workDir =
    /You are a Baton session in the \w+ role, working in a checkout of \S+ at (\/\S+)\.\n/.exec(
      system,
    )?.[1];
  const handIn = /Hand in by writing one JSON object to the file `([^`]+)`/.exec(system)?.[1];
  if (!workDir || !handIn) return null;
  return {
    workDir,
    handIn,
    files: /`([^`]+)\/FILES` lists the changed files/.exec(system)?.[1] ?? null,
  };
}

/** A path of a turn (relative to the checkout) as the engine's file tools want it: absolute. */
export function absolute(paths: EnginePaths, file: unknown): string {
  const relative = String(file ?? '.');
  return path.isAbsolute(relative) ? relative : path.join(paths.workDir, relative);
}

/** Where a review's patch of `file` is, as the prompt says (get_diff). */
export function patchFile(paths: EnginePaths, file: unknown): string {
  return path.join(paths.files ?? '/nonexistent', `${encodeURIComponent(String(file))}.patch`);
}

/** A listing command for `list_files`, run in the checkout. */
export function listCommand(input: Record<string, unknown>): string {
  const depth = Number(input.depth ?? 2) || 2;
  return `find ${quote(String(input.path ?? '.'))} -maxdepth ${depth} -not -path '*/.git*' | sort`;
}

/** A search command for `search`, run in the checkout. */
export function searchCommand(input: Record<string, unknown>): string {
  return `grep -rn -- ${quote(String(input.pattern ?? ''))} ${quote(String(input.path ?? '.'))} || true`;
}

/** A word the shell reads as exactly `text`. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Whether a Baton call is the session's hand-in. */
export function isSubmit(call: BatonCall | undefined): boolean {
  return call?.name.startsWith('submit_') ?? false;
}

/** Removes the line numbers a file tool puts before each line (`cat -n` style), for a patch read as a file. */
export function unnumbered(text: string): string {
  return text
    .split('\n')
    .map((line) => /^\s*\d+\t(.*)$/.exec(line)?.[1] ?? line)
    .join('\n');
}

let nextCall = 1;

/** Keeps an engine's tool call in the book under a new id (`toolu_engine_00001`), and answers the id. */
export function keepCall(book: CallBook, prefix: string, call: BatonCall): string {
  const id = `${prefix}_${String(nextCall++).padStart(5, '0')}`;
  book.set(id, call);
  return id;
}

/** Whether the newest assistant turn of a conversation, as Baton's loop reads it, wrote the hand-in. */
export function handedInLast(messages: readonly { role: string; content: unknown }[]): boolean {
  const last = messages.findLast((message) => message.role === 'assistant');
  const blocks = Array.isArray(last?.content)
    ? (last.content as { type?: string; name?: unknown }[])
    : [];
  return blocks.some(
    (block) => block.type === 'tool_use' && isSubmit({ name: String(block.name ?? ''), input: {} }),
  );
}

/**
 * A turn of Baton's tools written in the tools of an engine that speaks the
 * Messages API (Claude Code, Copilot): each call kept in the book under an id
 * of `prefix`, and named and shaped by `translate`.
 */
export function toEngineToolUses(
  blocks: FakeBlock[],
  {
    book,
    prefix,
    translate,
  }: {
    book: CallBook;
    prefix: string;
    translate: (call: BatonCall) => [string, Record<string, unknown>];
  },
): FakeBlock[] {
  return blocks.map((block) => {
    if (block.type !== 'tool_use') return block;
    const call: BatonCall = { name: block.name, input: block.input as Record<string, unknown> };
    const id = keepCall(book, prefix, call);
    const [name, input] = translate(call);
    return { type: 'tool_use', id, name, input };
  });
}

/**
 * A request of an engine that speaks the Messages API (Claude Code, Copilot)
 * read as the one Baton's loop would have sent, or what makes it no Baton
 * session's. `handedIn`: the newest turn wrote the hand-in.
 */
export type EngineRequestRead =
  | { baton: MessagesRequest; paths: EnginePaths; handedIn: boolean }
  | string;

/**
 * The end of reading an engine's request: Baton's request, with the paths the
 * session's system prompt (`system`, its text) names and whether the newest
 * turn handed in; `problem` when the prompt is not a Baton session's.
 */
export function readAsBaton(
  baton: MessagesRequest,
  system: string,
  problem: string,
): EngineRequestRead {
  const paths = readEnginePaths(system);
  if (!paths) return problem;
  return { baton, paths, handedIn: handedInLast(baton.messages) };
}

/** An engine's tool call, named and shaped as the Baton call it stands for (as the turn wrote it). */
export function asWritten(block: Block, book: CallBook): Block {
  const call = block.id ? book.get(block.id) : undefined;
  return call ? { ...block, name: call.name, input: call.input } : block;
}

/** One engine tool call: its name and input. */
export type EngineCall = [string, Record<string, unknown>];

/**
 * How an engine that speaks the Messages API says each of Baton's tools:
 * its shell, its file tools, its search. `engineCall` picks among them.
 */
export interface EngineTools {
  shell(command: string, description: string): EngineCall;
  read(file: string): EngineCall;
  /** The editor's create. */
  write(file: string, text: string): EngineCall;
  /** Writing the hand-in file. */
  handIn(file: string, text: string): EngineCall;
  edit(file: string, before: string, after: string): EngineCall;
  search(input: Record<string, unknown>, paths: EnginePaths): EngineCall;
}

/** One of Baton's tool calls as an engine's tool and input, in the words of its `tools`. */
export function engineCall(call: BatonCall, paths: EnginePaths, tools: EngineTools): EngineCall {
  const { name, input } = call;
  if (name.startsWith('submit_')) return tools.handIn(paths.handIn, JSON.stringify(input, null, 2));
  switch (name) {
    case 'bash':
      return tools.shell(String(input.command ?? ''), 'Run a command');
    case 'read_file':
      return tools.read(absolute(paths, input.path));
    case 'list_files':
      return tools.shell(listCommand(input), 'List files');
    case 'search':
      return tools.search(input, paths);
    case 'get_diff':
      return tools.read(patchFile(paths, input.path));
    case 'str_replace_based_edit_tool': {
      const file = absolute(paths, input.path);
      if (input.command === 'create') return tools.write(file, String(input.file_text ?? ''));
      if (input.command !== 'str_replace') return tools.read(file);
      return tools.edit(file, String(input.old_str ?? ''), String(input.new_str ?? ''));
    }
    default:
      return [name, input];
  }
}
