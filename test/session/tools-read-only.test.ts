import { realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentTool } from '../../src/session/agent/tools/agent-tool.js';
import { createReadOnlyTools } from '../../src/session/agent/tools/read-only-tools.js';
import { makeTempDir, removeTempDirs, writeFiles } from './agent-fixtures.js';

let root: string;
let tools: Record<string, AgentTool>;

beforeEach(async () => {
  root = await realpath(await makeTempDir('baton-ro-'));
  const outside = await realpath(await makeTempDir('baton-outside-'));
  await writeFiles(root, {
    'src/a.ts': 'export const greeting = "hello";\n',
    'src/b.ts': 'import { greeting } from "./a";\n',
    'node_modules/x/index.js': 'greeting',
    '.baton/skills/plan.md': 'plan skill\n',
  });
  await writeFile(path.join(outside, 'secret.txt'), 'greeting from outside');
  await symlink(outside, path.join(root, 'linked'));
  tools = Object.fromEntries(
    createReadOnlyTools({ root, maxOutputChars: 10_000 }).map((t) => [t.definition.name, t]),
  );
});
afterEach(removeTempDirs);

describe('read-only tools', () => {
  it('reads a file with line numbers', async () => {
    expect(await tools.read_file!.run({ path: 'src/a.ts', start_line: 1, end_line: 1 })).toEqual({
      content: '     1\texport const greeting = "hello";',
      isError: false,
    });
  });

  it('lists files with hidden folders but without dependencies', async () => {
    const content = (await tools.list_files!.run({ depth: 3 })).content;
    expect(content.split('\n')).toEqual([
      '.baton/',
      '.baton/skills/',
      '.baton/skills/plan.md',
      'linked@',
      'src/',
      'src/a.ts',
      'src/b.ts',
    ]);
  });

  it('searches without entering dependencies or following symlinks out', async () => {
    expect((await tools.search!.run({ pattern: 'greeting' })).content.split('\n')).toEqual([
      'src/a.ts:1: export const greeting = "hello";',
      'src/b.ts:1: import { greeting } from "./a";',
    ]);
    expect((await tools.search!.run({ pattern: '"./a"', literal: true })).content).toBe(
      'src/b.ts:1: import { greeting } from "./a";',
    );
  });

  it.each([
    ['read_file', { path: '../x' }],
    ['read_file', { path: 'linked/secret.txt' }],
    ['list_files', { path: 'linked' }],
    ['search', { pattern: 'greeting', path: 'linked' }],
    ['search', { pattern: '(' }],
  ])('%s refuses %j', async (name, input) => {
    expect((await tools[name]!.run(input)).isError).toBe(true);
  });
});

describe('read-only tools with a change set’s views mounted', () => {
  let mounted: Record<string, AgentTool>;
  beforeEach(async () => {
    const views = await realpath(await makeTempDir('baton-views-'));
    await writeFiles(views, { 'octo/lib/src/fetch.ts': 'export const greeting = 1;\n' });
    mounted = Object.fromEntries(
      createReadOnlyTools({
        root,
        maxOutputChars: 10_000,
        mounts: [{ at: '/views', dir: views }],
      }).map((t) => [t.definition.name, t]),
    );
  });

  it('reads, lists and searches a view under its mount, and the workspace as before', async () => {
    expect((await mounted.read_file!.run({ path: '/views/octo/lib/src/fetch.ts' })).content).toBe(
      '     1\texport const greeting = 1;',
    );
    expect((await mounted.list_files!.run({ path: '/views/octo', depth: 3 })).content).toContain(
      'lib/src/fetch.ts',
    );
    expect((await mounted.search!.run({ pattern: 'greeting', path: '/views' })).content).toBe(
      '/views/octo/lib/src/fetch.ts:1: export const greeting = 1;',
    );
    expect((await mounted.read_file!.run({ path: 'src/a.ts' })).isError).toBe(false);
  });

  it.each([
    ['read_file', { path: '/views/../secret.txt' }],
    ['read_file', { path: '/views/octo/../../x' }],
    ['list_files', { path: '/viewsx' }],
  ])('%s refuses %j', async (name, input) => {
    expect((await mounted[name]!.run(input)).isError).toBe(true);
  });
});
