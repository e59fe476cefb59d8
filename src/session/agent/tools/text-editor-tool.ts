import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type AgentTool, type ToolResult, toolError, toolOk } from './agent-tool.js';
import { capOutput } from './cap-output.js';
import { listTree, numberLines } from './file-views.js';
import { resolveInWorkspace } from './workspace-path.js';

/** The workspace, and the most characters one answer may hold. */
export interface TextEditorOptions {
  root: string;
  maxOutputChars: number;
  /**
   * The tree is shared with the tools user (a sandbox copy): what the editor
   * creates is left writable for that user too, as its own files are for the job.
   */
  shared?: boolean;
}

const EditorInput = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('view'),
    path: z.string(),
    view_range: z.array(z.number().int()).length(2).optional(),
  }),
  z.object({ command: z.literal('create'), path: z.string(), file_text: z.string() }),
  z.object({
    command: z.literal('str_replace'),
    path: z.string(),
    old_str: z.string().min(1),
    new_str: z.string().default(''),
  }),
  z.object({
    command: z.literal('insert'),
    path: z.string(),
    insert_line: z.number().int().min(0),
    insert_text: z.string().optional(),
    new_str: z.string().optional(),
  }),
]);
type EditorInput = z.infer<typeof EditorInput>;

/** Files larger than this are not opened in the editor; bash (head, sed) can look into them. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Anthropic's text editor tool (`text_editor_20250728`), executed here and
 * confined to the workspace: every path is resolved with resolveInWorkspace.
 */
export function createTextEditorTool(options: TextEditorOptions): AgentTool {
  return {
    definition: { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
    async run(input) {
      const parsed = EditorInput.safeParse(input);
      if (!parsed.success) {
        return toolError(
          `invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      const target = await resolveInWorkspace(options.root, parsed.data.path);
      if (!target.ok) return toolError(target.problem);
      const result = await edit(parsed.data, target.absolute, options);
      return { ...result, content: capOutput(result.content, options.maxOutputChars) };
    },
  };
}

async function edit(
  input: EditorInput,
  file: string,
  options: TextEditorOptions,
): Promise<ToolResult> {
  switch (input.command) {
    case 'view':
      return view(file, input.view_range, options.root);
    case 'create':
      await createFile(file, input.file_text, options);
      return toolOk(`Created ${path.relative(options.root, file)}.`);
    case 'str_replace':
      return replace(file, input.old_str, input.new_str);
    case 'insert':
      return insert(file, input.insert_line, input.insert_text ?? input.new_str ?? '');
    default: {
      const _exhaustive: never = input;
      return _exhaustive;
    }
  }
}

async function createFile(file: string, text: string, options: TextEditorOptions): Promise<void> {
  const made = await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  if (!options.shared) return;
  await chmod(file, 0o666);
  // mkdir answers the first folder it made: open that one and each below it.
  for (let dir = path.dirname(file); made && dir.startsWith(made); dir = path.dirname(dir))
    await chmod(dir, 0o777);
}

async function view(file: string, range: number[] | undefined, root: string): Promise<ToolResult> {
  const info = await stat(file).catch(() => null);
  if (!info) return toolError(`${path.relative(root, file)} does not exist`);
  if (info.isDirectory()) return toolOk(await listTree(root, file, 2));
  if (info.size > MAX_FILE_BYTES)
    return toolError('the file is too large for the editor; look into it with bash');
  const lines = (await readFile(file, 'utf8')).replace(/\n$/, '').split('\n');
  const start = Math.max(1, range?.[0] ?? 1);
  const end = range && range[1] !== undefined && range[1] !== -1 ? range[1] : lines.length;
  if (start > lines.length) return toolError(`the file has ${lines.length} lines`);
  return toolOk(numberLines(lines.slice(start - 1, end), start));
}

async function readText(file: string): Promise<string | null> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile() || info.size > MAX_FILE_BYTES) return null;
  return readFile(file, 'utf8');
}

async function replace(file: string, oldStr: string, newStr: string): Promise<ToolResult> {
  const text = await readText(file);
  if (text === null) return toolError('no such file (or too large to edit); create it first');
  const first = text.indexOf(oldStr);
  if (first === -1)
    return toolError('old_str was not found; view the file and copy the text exactly');
  if (text.indexOf(oldStr, first + 1) !== -1) {
    return toolError(
      'old_str occurs more than once; include more surrounding lines to make it unique',
    );
  }
  await writeFile(file, text.slice(0, first) + newStr + text.slice(first + oldStr.length));
  return toolOk('Replaced.');
}

async function insert(file: string, line: number, insertText: string): Promise<ToolResult> {
  const text = await readText(file);
  if (text === null) return toolError('no such file (or too large to edit); create it first');
  const lines = text.split('\n');
  if (line > lines.length)
    return toolError(`insert_line is past the end: the file has ${lines.length} lines`);
  lines.splice(line, 0, ...insertText.replace(/\n$/, '').split('\n'));
  await writeFile(file, lines.join('\n'));
  return toolOk(`Inserted after line ${line}.`);
}
