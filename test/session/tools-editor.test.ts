import { readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentTool } from '../../src/session/agent/tools/agent-tool.js';
import { createTextEditorTool } from '../../src/session/agent/tools/text-editor-tool.js';
import { makeTempDir, removeTempDirs } from './agent-fixtures.js';

let root: string;
let outside: string;
let editor: AgentTool;

beforeEach(async () => {
  root = await realpath(await makeTempDir('baton-editor-'));
  outside = await realpath(await makeTempDir('baton-outside-'));
  await writeFile(path.join(root, 'a.txt'), 'one\ntwo\nthree\n');
  await writeFile(path.join(outside, 'target.txt'), 'untouched\n');
  await symlink(outside, path.join(root, 'out'));
  await symlink(path.join(outside, 'target.txt'), path.join(root, 'target-link'));
  editor = createTextEditorTool({ root, maxOutputChars: 10_000 });
});
afterEach(removeTempDirs);

describe('text editor tool', () => {
  it('views a file with line numbers, and a range of it', async () => {
    expect((await editor.run({ command: 'view', path: 'a.txt' })).content).toBe(
      '     1\tone\n     2\ttwo\n     3\tthree',
    );
    expect((await editor.run({ command: 'view', path: 'a.txt', view_range: [2, 2] })).content).toBe(
      '     2\ttwo',
    );
  });

  it('lists a folder, symlinks shown and not followed', async () => {
    const content = (await editor.run({ command: 'view', path: '.' })).content;
    expect(content.split('\n')).toEqual(['a.txt', 'out@', 'target-link@']);
  });

  it('creates, replaces and inserts', async () => {
    expect(
      await editor.run({ command: 'create', path: 'src/new.ts', file_text: 'x = 1\n' }),
    ).toMatchObject({ isError: false });
    expect(
      await editor.run({ command: 'str_replace', path: 'src/new.ts', old_str: '1', new_str: '2' }),
    ).toMatchObject({ isError: false });
    expect(
      await editor.run({
        command: 'insert',
        path: 'src/new.ts',
        insert_line: 0,
        insert_text: '// head',
      }),
    ).toMatchObject({ isError: false });
    expect(await readFile(path.join(root, 'src/new.ts'), 'utf8')).toBe('// head\nx = 2\n');
  });

  it.each([
    [{ command: 'str_replace', path: 'a.txt', old_str: 'four', new_str: '4' }, 'was not found'],
    [
      { command: 'str_replace', path: 'a.txt', old_str: 't', new_str: 'T' },
      'occurs more than once',
    ],
    [{ command: 'insert', path: 'a.txt', insert_line: 99, insert_text: 'x' }, 'past the end'],
    [{ command: 'view', path: 'nope.txt' }, 'does not exist'],
    [{ command: 'undo_edit', path: 'a.txt' }, 'invalid input'],
  ])('answers a mistake with an error: %j', async (input, message) => {
    const result = await editor.run(input);
    expect(result.isError).toBe(true);
    expect(result.content).toContain(message);
  });

  it.each([
    [{ command: 'create', path: '../escaped.txt', file_text: 'x' }],
    [{ command: 'create', path: 'out/planted.txt', file_text: 'x' }],
    [{ command: 'create', path: 'target-link', file_text: 'overwritten' }],
    [{ command: 'str_replace', path: 'target-link', old_str: 'untouched', new_str: 'changed' }],
    [{ command: 'view', path: 'out/target.txt' }],
    [{ command: 'create', path: '.git/hooks/pre-commit', file_text: 'x' }],
  ])('refuses to reach outside the workspace or into .git: %j', async (input) => {
    const result = await editor.run(input);
    expect(result.isError).toBe(true);
    expect(await readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('untouched\n');
    await expect(readFile(path.join(outside, 'planted.txt'), 'utf8')).rejects.toThrow();
  });
});
