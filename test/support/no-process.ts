import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll } from 'vitest';

/**
 * The fast tier (test/tiers.ts) starts no process: while its file runs, every
 * way `node:child_process` has of starting one throws, naming the command. A
 * test that needs a real process belongs to the processes or the builds tier.
 * Put back after the file, as its worker may run another tier's files next
 * (vitest loads a setup file again before each test file).
 */
const STARTERS = [
  'spawn',
  'spawnSync',
  'exec',
  'execSync',
  'execFile',
  'execFileSync',
  'fork',
] as const;

type Starters = Pick<typeof childProcess, (typeof STARTERS)[number]>;
const own: Partial<Starters> = {};
const writable = childProcess as unknown as Record<string, unknown>;

// Taken away as this file loads, before the test file is imported: a function a
// file takes as it loads (`promisify(execFile)`) is the one that throws.
for (const name of STARTERS) {
  own[name] = childProcess[name] as never;
  writable[name] = (command: unknown) => {
    throw new Error(
      `the fast tier starts no process (${name} ${String(command)}): name this file in the processes or builds tier of test/tiers.ts`,
    );
  };
}
syncBuiltinESMExports();

afterAll(() => {
  for (const name of STARTERS) writable[name] = own[name];
  syncBuiltinESMExports();
});
