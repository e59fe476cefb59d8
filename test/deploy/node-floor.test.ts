// Every way a person starts Baton refuses a Node older than package.json's
// engines (22.12) with the same one line: the CLI, `npm start` (the app), the
// app's entry itself and `npm run demo`. The test needs such a Node: this
// machine's /usr/bin/node, or a `node` on PATH (CI machines keep Node 20 as
// the system's, and .ci/run puts 24 or 22 first on PATH).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/actions/run-step.js';
import { nodeFloorRefusal } from '../../src/node-floor.js';

const exec = promisify(execFile);

/** The first Node older than 22.12 on this machine, with its version; null when there is none. */
function findOldNode(): { path: string; version: string } | null {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node'));
  for (const path of ['/usr/bin/node', '/usr/local/bin/node', ...onPath]) {
    if (!existsSync(path)) continue;
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
      if (nodeFloorRefusal(version)) return { path, version: version.replace(/^v/, '') };
    } catch {
      // Not a Node that runs here.
    }
  }
  return null;
}

const old = findOldNode();
const tsx = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

/** Runs a command with the old Node first on PATH: exit code and both streams. */
async function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  const env = {
    ...process.env,
    PATH: `${dirname(old?.path ?? '')}${delimiter}${process.env.PATH}`,
  };
  try {
    const { stdout, stderr } = await exec(file, args, { cwd: REPO_ROOT, env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the Node Baton refuses', () => {
  it.each([
    ['20.20.2', false],
    ['v22.11.0', false],
    ['22.12.0', true],
    ['v24.1.0', true],
    ['26.0.0', true],
  ])('Node %s runs Baton: %s', (version, runs) => {
    expect(nodeFloorRefusal(version) === null).toBe(runs);
  });
});

describe.skipIf(!old)(
  `every entry point on an old Node (${old ? `Node ${old.version} at ${old.path}` : 'skipped: this machine has no Node older than 22.12 at /usr/bin/node, /usr/local/bin/node or on PATH'})`,
  { timeout: 180_000 },
  () => {
    const line = `baton: ${nodeFloorRefusal(old?.version ?? '')}\n`;

    it.each<[string, string[]]>([
      ['the CLI, bin/baton.js', [join(REPO_ROOT, 'bin/baton.js'), '--version']],
      ['the app, src/main.ts', ['--import', tsx, join(REPO_ROOT, 'src/main.ts')]],
      ['the demo, scripts/demo.ts', ['--import', tsx, join(REPO_ROOT, 'scripts/demo.ts')]],
    ])('refuses it in %s with one line', async (_, args) => {
      expect(await run(old?.path ?? '', args)).toEqual({ code: 2, output: line });
    });

    it('refuses it in `npm start` before building anything', async () => {
      const answer = await run('npm', ['start', '--silent']);
      expect(answer.code).not.toBe(0);
      expect(answer.output).toContain(line);
      expect(answer.output).not.toContain('tsc -p');
    });
  },
);
