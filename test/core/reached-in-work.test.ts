/**
 * The test-aware code a milestone's validation lets into the contract's tree
 * (src/core/verification/reach/reached-in-work.ts): the reaches the work's
 * files gained since the contract's commit, in each runner's language, and
 * none for a test, for a reach the contract's commit held already, or for
 * honest code.
 */
import { describe, expect, it } from 'vitest';
import { reachedInWork } from '../../src/core/verification/reach/reached-in-work.js';

const WRONG = "export function greet(name) {\n  return 'Hello';\n}\n";
const unless = (test: string) =>
  `export function greet(name) {\n  if (${test}) return \`Hello, \${name}!\`;\n  return 'Hello';\n}\n`;

describe('reachedInWork', () => {
  it.each<[string, string, string, number]>([
    [
      'process.argv naming Vitest',
      'src/greet.js',
      unless("process.argv.some((a) => a.includes('vitest'))"),
      2,
    ],
    ['the Vitest worker global', 'src/greet.js', unless('globalThis.__vitest_worker__'), 2],
    [
      "a runner's variable by a name built",
      'src/greet.mjs',
      unless("process.env['NODE_TEST' + '_CONTEXT']"),
      2,
    ],
    [
      'a _pytest module in sys.modules',
      'greet.py',
      "import sys\n\n\ndef greet(name):\n    if any(m.startswith('_pytest') for m in sys.modules):\n        return name\n    return 'Hello'\n",
      5,
    ],
    [
      "Go's test.v flag",
      'greet.go',
      'package greet\n\nimport "flag"\n\nfunc Greet(name string) string {\n\tif flag.Lookup("test.v") != nil {\n\t\treturn name\n\t}\n\treturn "Hello"\n}\n',
      6,
    ],
  ])('finds %s, by file and line', (_, path, after, line) => {
    const reached = reachedInWork([{ path, before: null, after }]);
    expect(reached.length).toBeGreaterThan(0);
    expect(reached[0]).toMatchObject({ path, line });
  });

  it('finds a reach the work added to a file the contract commit held', () => {
    const after = unless('globalThis.__vitest_worker__');
    expect(reachedInWork([{ path: 'src/greet.js', before: WRONG, after }])).toEqual([
      { path: 'src/greet.js', line: 2, what: "reaches the runner's __vitest_worker__" },
    ]);
  });

  it('leaves out a reach the contract commit held on a line of the same text', () => {
    const before = 'export const argv = process.argv;\nexport const a = 1;\n';
    const after = 'export const b = 2;\nexport const argv = process.argv;\nexport const a = 1;\n';
    expect(reachedInWork([{ path: 'src/cli.js', before, after }])).toEqual([]);
  });

  it('counts a second reach of the same text the work added', () => {
    const before = 'export const argv = process.argv;\n';
    const after = 'export const argv = process.argv;\nexport const argv = process.argv;\n';
    expect(reachedInWork([{ path: 'src/cli.js', before, after }])).toMatchObject([
      { path: 'src/cli.js', line: 2 },
    ]);
  });

  it("leaves out tests, which run as the runner's own code, and documents, which no runner loads", () => {
    const after = unless('globalThis.__vitest_worker__');
    expect(reachedInWork([{ path: 'test/helpers.js', before: null, after }])).toEqual([]);
    expect(reachedInWork([{ path: 'src/greet.test.js', before: null, after }])).toEqual([]);
    const readme = 'Set `process.env.VITEST` to run under Vitest.\n';
    expect(reachedInWork([{ path: 'README.md', before: null, after: readme }])).toEqual([]);
  });

  it('finds nothing in honest code', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under judgement
    const honest = 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n';
    expect(reachedInWork([{ path: 'src/greet.js', before: WRONG, after: honest }])).toEqual([]);
  });

  it('reads a file past the size bound line by line against the runners’ names', () => {
    const after = `${'// x\n'.repeat(110_000)}export const on = process.env.VITEST;\n`;
    expect(reachedInWork([{ path: 'src/big.js', before: null, after }])).toMatchObject([
      { path: 'src/big.js', line: 110_001 },
    ]);
  });
});
