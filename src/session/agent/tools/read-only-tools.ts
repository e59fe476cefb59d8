import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type AgentTool, type ToolResult, toInputSchema, toolError, toolOk } from './agent-tool.js';
import { capOutput } from './cap-output.js';
import { listTree, numberLines, SKIPPED_DIRS } from './file-views.js';
import { resolveInWorkspace } from './workspace-path.js';

/** The workspace, and the most characters one answer may hold. */
export interface ReadOnlyToolOptions {
  root: string;
  maxOutputChars: number;
  /**
   * Folders shown beside the workspace under a path of their own (`/views`: a
   * change set's other repositories, read-only, docs/change-sets.md), confined
   * like the workspace.
   */
  mounts?: { at: string; dir: string }[];
}

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_SEARCH_FILES = 5000;
const MAX_SEARCH_FILE_BYTES = 1024 * 1024;

const ReadInput = z.object({
  path: z.string(),
  start_line: z.number().int().min(1).optional(),
  end_line: z.number().int().min(1).optional(),
});
const ListInput = z.object({
  path: z.string().default('.'),
  depth: z.number().int().min(1).max(5).default(2),
});
const SearchInput = z.object({
  pattern: z.string().min(1),
  path: z.string().default('.'),
  literal: z.boolean().default(false),
  max_results: z.number().int().min(1).max(200).default(50),
});

/**
 * The tools of `plan` and `review` sessions: they read the checkout and change
 * nothing. They are Baton's own (no shell), confined like the editor.
 */
export function createReadOnlyTools(options: ReadOnlyToolOptions): AgentTool[] {
  return [
    {
      definition: {
        name: 'read_file',
        description:
          'Read a text file of the repository, with line numbers. Optional 1-based start_line/end_line.',
        input_schema: toInputSchema(ReadInput),
      },
      run: (input) => guarded(options, ReadInput, input, readText),
    },
    {
      definition: {
        name: 'list_files',
        description:
          'List files and folders under a path of the repository (default: the root), to a depth of 1-5.',
        input_schema: toInputSchema(ListInput),
      },
      run: (input) =>
        guarded(options, ListInput, input, async (args, file, root) =>
          toolOk(await listTree(root, file, args.depth)),
        ),
    },
    {
      definition: {
        name: 'search',
        description:
          'Search the files under a path for a regular expression (or a literal string with literal: true). Answers path:line: text.',
        input_schema: toInputSchema(SearchInput),
      },
      run: (input) =>
        guarded(options, SearchInput, input, (args, file, root, shown) =>
          search(root, file, args, shown),
        ),
    },
  ];
}

async function guarded<S extends z.ZodType<{ path: string }>>(
  options: ReadOnlyToolOptions,
  schema: S,
  input: unknown,
  act: (args: z.infer<S>, file: string, root: string, shown: string) => Promise<ToolResult>,
): Promise<ToolResult> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    return toolError(
      `invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const { root, rest, shown } = placeOf(options, parsed.data.path);
  const target = await resolveInWorkspace(root, rest);
  if (!target.ok) return toolError(target.problem);
  const result = await act(parsed.data, target.absolute, root, shown);
  return { ...result, content: capOutput(result.content, options.maxOutputChars) };
}

/** Which folder a path is in: a mount (`/views/acme/lib/…`), else the workspace. */
function placeOf(
  options: ReadOnlyToolOptions,
  input: string,
): { root: string; rest: string; shown: string } {
  for (const mount of options.mounts ?? []) {
    if (input === mount.at || input.startsWith(`${mount.at}/`))
      return {
        root: mount.dir,
        rest: input.slice(mount.at.length + 1) || '.',
        shown: `${mount.at}/`,
      };
  }
  return { root: options.root, rest: input, shown: '' };
}

async function readText(args: z.infer<typeof ReadInput>, file: string): Promise<ToolResult> {
  const info = await stat(file).catch(() => null);
  if (!info) return toolError(`${args.path} does not exist`);
  if (info.isDirectory()) return toolError(`${args.path} is a folder; use list_files`);
  if (info.size > MAX_FILE_BYTES)
    return toolError(`${args.path} is too large; read it in ranges of lines`);
  const lines = (await readFile(file, 'utf8')).replace(/\n$/, '').split('\n');
  const start = args.start_line ?? 1;
  return toolOk(numberLines(lines.slice(start - 1, args.end_line ?? lines.length), start));
}

async function search(
  root: string,
  start: string,
  args: z.infer<typeof SearchInput>,
  shown = '',
): Promise<ToolResult> {
  let matcher: (line: string) => boolean;
  try {
    const regex = new RegExp(
      args.literal ? args.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : args.pattern,
    );
    matcher = (line) => regex.test(line);
  } catch (error) {
    return toolError(
      `not a valid regular expression: ${(error as Error).message}; try literal: true`,
    );
  }
  const hits: string[] = [];
  const files = await collectFiles(start);
  for (const file of files) {
    if (hits.length >= args.max_results) break;
    const text = await readFile(file, 'utf8');
    if (text.includes('\0')) continue;
    text.split('\n').forEach((line, i) => {
      if (hits.length < args.max_results && matcher(line)) {
        hits.push(`${shown}${path.relative(root, file)}:${i + 1}: ${line.slice(0, 300)}`);
      }
    });
  }
  return toolOk(hits.length ? hits.join('\n') : 'no matches');
}

/** Regular files under `start`, without following symlinks or entering skipped folders. */
async function collectFiles(start: string): Promise<string[]> {
  const info = await lstat(start).catch(() => null);
  if (info?.isFile()) return [start];
  const files: string[] = [];
  const pending = [start];
  while (pending.length && files.length < MAX_SEARCH_FILES) {
    const dir = pending.shift() as string;
    const entries = (await readdir(dir).catch(() => [])).sort();
    for (const name of entries) {
      if (SKIPPED_DIRS.has(name)) continue;
      const full = path.join(dir, name);
      const entry = await lstat(full).catch(() => null);
      if (entry?.isDirectory()) pending.push(full);
      else if (entry?.isFile() && entry.size <= MAX_SEARCH_FILE_BYTES) files.push(full);
    }
  }
  return files;
}
