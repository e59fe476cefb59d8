import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveInWorkspace } from '../../src/session/agent/tools/workspace-path.js';
import { makeTempDir, removeTempDirs } from './agent-fixtures.js';

let root: string;
let outside: string;

beforeEach(async () => {
  root = await realpath(await makeTempDir('baton-ws-'));
  outside = await realpath(await makeTempDir('baton-outside-'));
  await mkdir(path.join(root, 'src'));
  await mkdir(path.join(root, '.git'));
  await writeFile(path.join(root, 'src/a.ts'), 'a');
  await writeFile(path.join(outside, 'secret.txt'), 'secret');
  await symlink(outside, path.join(root, 'escape-dir'));
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'escape-file'));
  await symlink(path.join(root, 'src/a.ts'), path.join(root, 'inner-link'));
  await symlink(path.join(root, 'missing'), path.join(root, 'dangling'));
});
afterEach(removeTempDirs);

describe('resolveInWorkspace', () => {
  it.each([
    ['src/a.ts', 'src/a.ts'],
    ['./src/../src/a.ts', 'src/a.ts'],
    ['src/new/deeper.ts', 'src/new/deeper.ts'],
    ['inner-link', 'src/a.ts'],
    ['.', '.'],
  ])('accepts %s inside the workspace', async (input, relative) => {
    expect(await resolveInWorkspace(root, input)).toMatchObject({ ok: true, relative });
  });

  it('accepts an absolute path inside the workspace', async () => {
    expect(await resolveInWorkspace(root, path.join(root, 'src/a.ts'))).toMatchObject({
      ok: true,
      relative: 'src/a.ts',
    });
  });

  it.each([
    ['../outside.txt', 'outside the workspace'],
    ['/etc/passwd', 'outside the workspace'],
    ['src/../../x', 'outside the workspace'],
    ['escape-dir/secret.txt', 'outside the workspace'],
    ['escape-dir/new-file.txt', 'outside the workspace'],
    ['escape-file', 'outside the workspace'],
    ['.git/config', 'inside .git'],
    ['.git', 'inside .git'],
    ['dangling', 'broken symlink'],
    ['', 'empty'],
  ])('refuses %s', async (input, problem) => {
    const resolved = await resolveInWorkspace(root, input);
    expect(resolved.ok).toBe(false);
    expect(!resolved.ok && resolved.problem).toContain(problem);
  });
});
