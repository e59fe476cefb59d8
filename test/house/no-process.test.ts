import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** Taken as this file loads, as a test file that runs a command in its set-up takes it. */
const run = promisify(execFile);

describe('the fast tier (test/support/no-process.ts)', () => {
  it('refuses a process, naming the command and where the file belongs', () => {
    expect(() => spawnSync(process.execPath, ['--version'])).toThrow(
      `the fast tier starts no process (spawnSync ${process.execPath}): name this file in the processes or builds tier of test/tiers.ts`,
    );
  });

  it('refuses one started by a function a file took as it loaded', async () => {
    await expect(run(process.execPath, ['--version'])).rejects.toThrow(
      'the fast tier starts no process',
    );
  });
});
