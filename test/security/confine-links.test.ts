import { existsSync, lstatSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
  COMPLETION,
  confinedSession,
  describeAsRoot,
  gitIn,
  isEmpty,
  publicDir,
  rootOnlyDir,
  useThrowawayUser,
} from './confine-fixtures.js';

const USER = useThrowawayUser('l');

describeAsRoot(`symlinks the model plants`, () => {
  it('are committed as links: Baton never reads or writes through them', async () => {
    const dir = await publicDir();
    const secret = path.join(dir, 'secret');
    await writeFile(secret, 'JOB-ONLY-SECRET\n');
    await chmod(secret, 0o600);
    const target = await rootOnlyDir();
    const completions = path.dirname(COMPLETION);
    const run = await confinedSession({
      user: USER,
      commands: [
        `ln -s ${secret} leak.txt; rm -f README.md; ln -s ${secret} README.md;
         mkdir -p .baton/builds; rm -rf ${completions}; mkdir -p ${path.dirname(completions)}; ln -s ${target} ${completions};
         ln -s /etc linked-dir; echo planted`,
      ],
    });
    expect(run.seen).toContain('planted');
    expect(run.result.status).toBe('complete');
    // The secret is not in the commit: the links are, as links.
    expect(gitIn(run.root, 'ls-tree', 'HEAD', 'leak.txt')).toMatch(/^120000 blob /);
    expect(gitIn(run.root, 'cat-file', 'blob', 'HEAD:leak.txt')).toBe(secret);
    expect(gitIn(run.root, 'cat-file', 'blob', 'HEAD:README.md')).toBe(secret);
    // Baton's own file did not follow the planted link out of the tree.
    expect(await isEmpty(target)).toBe(true);
    expect(gitIn(run.root, 'ls-tree', 'HEAD', COMPLETION)).toMatch(/^100644 blob /);
    // The job's checkout, where later steps run, is as it was.
    expect(lstatSync(path.join(run.root, 'README.md')).isFile()).toBe(true);
    expect(existsSync(path.join(run.root, 'leak.txt'))).toBe(false);
  });

  it('leave the copy shared: the tools user can change what the editor created', async () => {
    const run = await confinedSession({
      user: USER,
      commands: [
        { command: 'create', path: 'new/dir/file.txt', file_text: 'one\n' },
        'echo two >> new/dir/file.txt && mkdir new/dir/sub && echo ok',
      ],
    });
    expect(run.seen).toContain('ok');
    expect(gitIn(run.root, 'cat-file', 'blob', 'HEAD:new/dir/file.txt')).toBe('one\ntwo');
  });
});
