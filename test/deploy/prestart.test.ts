// `npm start` on a built tree starts in seconds: its `prestart` builds dist/
// only where it is missing or older than what it is built from. Played with
// the package's own `prestart` in a tree of its own, whose build is a script
// that counts its runs.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/actions/run-step.js';

const exec = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baton-prestart-'));
  // The package's prestart, its files named from the clone, tsx the clone's.
  const prestart = manifest.scripts.prestart?.replace(
    /\btsx (\S+)/g,
    (_, file: string) => `${TSX} ${join(REPO_ROOT, file)}`,
  );
  const build = `require('node:fs').appendFileSync('builds.log', 'built\\n'); require('node:fs').mkdirSync('dist/src', { recursive: true }); require('node:fs').writeFileSync('dist/src/main.js', '')`;
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({
      name: 'prestart-tree',
      private: true,
      scripts: { prestart, build: `node -e "${build}"`, start: `node -e "console.log('started')"` },
    }),
  );
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'main.ts'), 'export {};\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function start(): Promise<string> {
  const { stdout } = await exec('npm', ['start', '--silent'], { cwd: root });
  return stdout;
}

function builds(): number {
  try {
    return readFileSync(join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe('npm start', { timeout: 120_000 }, () => {
  it('builds a tree with no dist/, then starts a built one without building it again', async () => {
    expect(await start()).toContain('started');
    expect(builds()).toBe(1);
    expect(await start()).toContain('started');
    expect(builds()).toBe(1);
  });

  it('builds again once a source is newer than the build', async () => {
    await start();
    // Edited after the build began (which is the build's time).
    const edited = new Date();
    utimesSync(join(root, 'src', 'main.ts'), edited, edited);
    await start();
    expect(builds()).toBe(2);
    await start();
    expect(builds()).toBe(2);
  });
});
