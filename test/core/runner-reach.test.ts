/**
 * The `test-aware` class judged by what code reaches (docs/verification.md,
 * "Code that reads a test runner"): each attack a worker's code could make to
 * know it is under test, or to vote on its own check, is found by its shape,
 * however the names are spelled; ordinary code is not.
 */
import { describe, expect, it } from 'vitest';
import { runnerReaches } from '../../src/core/verification/reach/runner-reach.js';

const whats = (path: string, text: string) => runnerReaches(path, text).map((one) => one.what);

describe('what JavaScript and TypeScript code reaches', () => {
  it.each<[string, string, string]>([
    [
      'a variable name built at run time',
      "export const on = process.env['VITE' + 'ST'];",
      'reads the environment by a name built at run time',
    ],
    [
      'a name in a template',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under judgement
      'const k = `VITE${"ST"}`; export const on = process.env[k];',
      'reads the environment by a name built at run time',
    ],
    [
      'the whole environment',
      'export const on = Object.keys(process.env).some((k) => k.length === 6);',
      'reads the whole environment',
    ],
    [
      'process taken whole',
      'const p = process; export const on = p.env.VITEST;',
      "reads the runner's variable VITEST",
    ],
    [
      'process aliased',
      'const { env } = globalThis.process ?? process;',
      'takes process whole, past what Baton can follow',
    ],
    [
      "Vitest's worker state",
      'export const under = typeof globalThis.__vitest_worker__ === "object";',
      "reaches the runner's __vitest_worker__",
    ],
    [
      'a global by a built name',
      "export const under = globalThis['__vi' + 'test_worker__'] !== undefined;",
      'reads globalThis by a name built at run time',
    ],
    [
      'the command line',
      "export const under = process.argv.some((a) => a.endsWith('.test.ts'));",
      'reads the command line (process.argv)',
    ],
    [
      'the loader',
      'for (const key of Object.keys(require.cache)) delete require.cache[key];',
      'reaches the module loader (require.cache)',
    ],
    ['Object.is replaced', 'Object.is = () => true;', 'assigns to a built-in (Object.is)'],
    [
      'a prototype patched',
      'Array.prototype["includes"] = function () { return true; };',
      'assigns to a built-in (Array.prototype["includes"])',
    ],
    [
      'a built-in redefined',
      "Object.defineProperty(Object, 'is', { value: () => true });",
      'redefines a built-in (Object.defineProperty(Object…))',
    ],
    [
      'JSON through Reflect',
      "Reflect.defineProperty(JSON, 'stringify', { value: () => '{}' });",
      'redefines a built-in (Reflect.defineProperty(JSON…))',
    ],
    [
      'a matcher of its own',
      'export const greet = () => ({ asymmetricMatch: () => true });',
      "reaches the runner's asymmetricMatch",
    ],
    [
      "Jest's matchers",
      "const m = globalThis[Symbol.for('$$jest-matchers-object')];",
      'names the runner ("$$jest-matchers-object")',
    ],
    ['import.meta.vitest', 'if (import.meta.vitest) run();', 'reads import.meta.vitest'],
    [
      'NODE_ENV compared with test',
      "const t = 'test' === process.env.NODE_ENV;",
      "compares NODE_ENV with 'test'",
    ],
    [
      'a prototype by __proto__',
      '({}).__proto__.toString = () => "";',
      'reaches a prototype through __proto__',
    ],
  ])('%s', (_name, code, what) => {
    expect(whats('src/greet.ts', code)).toContain(what);
  });

  it.each<[string, string]>([
    [
      'reads a named variable',
      "export const port = Number(process.env.PORT ?? process.env['HOST_PORT']);",
    ],
    [
      'builds objects',
      'export const o = Object.assign({}, a); const n = JSON.stringify(o); const m = new Map();',
    ],
    ['compares', 'if (Object.is(a, b) && a === b) x = Array.from(y);'],
    [
      'says the words in comments and a regular expression',
      '// process.env[k], Object.is = f, __vitest_worker__\nconst r = /process.env\\[/g;',
    ],
    ['has a string that only mentions them', "const help = 'set VITEST_MAX_THREADS to go faster';"],
  ])('nothing where it %s', (_name, code) => {
    expect(whats('src/app.ts', code)).toEqual([]);
  });

  describe("a change to Node's assertion modules, which the checks compare through", () => {
    it.each<[string, string, string]>([
      [
        "node:assert's equal, imported whole",
        "import assert from 'node:assert/strict';\nassert.equal = () => {};",
        "assigns to Node's assertion module (node:assert/strict.equal)",
      ],
      [
        'a named import',
        "import { strict as a } from 'assert';\na['deepEqual'] = () => {};",
        'assigns to Node\'s assertion module (assert["deepEqual"])',
      ],
      [
        'a namespace',
        "import * as t from 'node:test';\nt.default.it = () => {};",
        "assigns to Node's assertion module (node:test.default.it)",
      ],
      [
        'required',
        "const assert = require('assert');\nassert.strictEqual = () => {};",
        "assigns to Node's assertion module (assert.strictEqual)",
      ],
      [
        'destructured from a dynamic import',
        "const { strict: s } = await import('node:assert');\ns.ok = () => {};",
        "assigns to Node's assertion module (node:assert.ok)",
      ],
      [
        'on the call itself',
        "require('node:assert').equal = () => {};",
        "assigns to Node's assertion module (node:assert.equal)",
      ],
      [
        'redefined',
        "import assert from 'assert';\nObject.defineProperty(assert, 'ok', { value: () => {} });",
        "redefines Node's assertion module (assert)",
      ],
      [
        'deleted from',
        "import assert from 'node:assert';\ndelete assert.throws;",
        "deletes from Node's assertion module (node:assert.throws)",
      ],
    ])('%s', (_name, code, what) => {
      expect(whats('src/greet.mjs', code)).toContain(what);
    });

    it("is nothing where the code only uses them, sets Node's other modules, or changes its own", () => {
      const code = [
        "import assert from 'node:assert';",
        "import { EventEmitter } from 'node:events';",
        "import http from 'node:http';",
        "import process from 'node:process';",
        "import config from './config.js';",
        "import axios from 'axios';",
        "const path = require('path');",
        "assert.ok(path.join('a', 'b'));",
        'EventEmitter.defaultMaxListeners = 20;',
        'http.globalAgent.keepAlive = true;',
        'process.exitCode = 1;',
        'config.port = 3000;',
        "axios.defaults.baseURL = 'https://example.com';",
        'let local = {}; local.x = assert;',
      ].join('\n');
      expect(whats('src/app.mjs', code)).toEqual([]);
    });
  });

  describe("a program's main-module guard", () => {
    const cli = (guard: string, imports = '') =>
      `${imports}export const run = (args) => args.join(' ');\nif (${guard}) console.log(run(process.argv.slice(2)));\n`;
    it.each<[string, string, string?]>([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under judgement
      ['its URL against the command line', 'import.meta.url === `file://${process.argv[1]}`'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under judgement
      ['the other way round', '`file://${process.argv[1]}` == import.meta.url'],
      [
        'its path through node:url',
        'fileURLToPath(import.meta.url) === process.argv[1]',
        "import { fileURLToPath } from 'node:url';\n",
      ],
      [
        'the command line as a URL',
        'import.meta.url === pathToFileURL(process.argv[1]).href',
        "import { pathToFileURL } from 'url';\n",
      ],
      ['its file name', 'process.argv[1] === import.meta.filename'],
      ['CommonJS', 'require.main === module'],
    ])('is no reach: %s, and what it runs', (_name, guard, imports) => {
      expect(whats('src/cli.js', cli(guard, imports))).toEqual([]);
    });

    it('guards a block as it guards a statement', () => {
      const code =
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the code under judgement
        'if (import.meta.url === `file://${process.argv[1]}`) {\n  const [command] = process.argv.slice(2);\n  run(command);\n}\n';
      expect(whats('src/cli.ts', code)).toEqual([]);
    });

    it.each<[string, string]>([
      // The guard's test is its whole: a comparison with a runner's name is a reach.
      ['compared with a runner', "process.argv[1].includes('vitest')"],
      ['a function of its own', 'fileURLToPath(import.meta.url) === process.argv[1]'],
      ['a function of node:url bound again', 'fileURLToPath(import.meta.url) === process.argv[1]'],
      ['another argument', 'import.meta.filename === process.argv[2]'],
      ['turned round, so it runs under the runner', 'import.meta.filename !== process.argv[1]'],
      ['joined with more', 'import.meta.filename === process.argv[1] && process.argv.length > 2'],
    ])('is a reach: a guard %s', (name, guard) => {
      const imports =
        name === 'a function of its own'
          ? "const fileURLToPath = () => '/node_modules/vitest/vitest.mjs';\n"
          : name === 'a function of node:url bound again'
            ? "import { fileURLToPath } from 'node:url';\nconst check = (fileURLToPath) => fileURLToPath;\n"
            : '';
      expect(whats('src/cli.js', cli(guard, imports))).toContain(
        'reads the command line (process.argv)',
      );
    });

    it('guards nothing after its statement, nor its else', () => {
      const code =
        'if (require.main === module) main();\nelse if (process.argv.length > 3) spy();\nexport const n = process.argv.length;\n';
      expect(runnerReaches('src/cli.js', code)).toEqual([
        { line: 2, what: 'reads the command line (process.argv)' },
        { line: 3, what: 'reads the command line (process.argv)' },
      ]);
    });
  });

  it('gives each reach its line', () => {
    const code =
      'export const a = 1;\n/* a\ncomment */\nconst s = `x\ny`;\nObject.is = () => true;\n';
    expect(runnerReaches('src/a.js', code)).toEqual([
      { line: 6, what: 'assigns to a built-in (Object.is)' },
    ]);
  });
});

describe('what Python code reaches', () => {
  it.each<[string, string, string]>([
    [
      'sys.modules',
      "under = any(name.startswith('_py' + 'test') for name in sys.modules)",
      'reaches sys.modules',
    ],
    ['sys.argv', 'under = sys.argv[0].endswith("py.test")', 'reaches sys.argv'],
    [
      'a pytest hook outside the tests',
      'def pytest_collection_modifyitems(items):\n    items.clear()',
      'defines a pytest hook (pytest_collection_modifyitems)',
    ],
    [
      'a variable by a built name',
      "under = os.environ.get('PYTEST_' + 'CURRENT_TEST')",
      'reads the environment by a name built at run time',
    ],
    [
      'the environment by a subscript',
      'key = "PY" + "TEST_VERSION"\nunder = key in os.environ',
      'reads the whole environment',
    ],
    ['getenv', 'under = os.getenv(NAME)', 'reads the environment by a name built at run time'],
    [
      'the environment imported whole',
      'from os import environ',
      'takes the environment whole (from os import environ)',
    ],
    ['builtins', 'import builtins\nbuiltins.len = lambda x: 0', 'reaches the builtins module'],
    [
      "the caller's frames",
      'caller = inspect.stack()[1]',
      "reaches the caller's frames (inspect.stack)",
    ],
    ['pytest itself', 'import pytest', 'imports pytest'],
  ])('%s', (_name, code, what) => {
    expect(whats('src/greet.py', code)).toContain(what);
  });

  it('finds nothing in ordinary code, nor in comments and strings that mention it', () => {
    const code = [
      'import os',
      '# sys.modules and os.environ[k] are mentioned here only',
      'PORT = int(os.environ.get("PORT", "8000"))',
      'HOME = os.environ["HOME"]',
      'DOC = """def pytest_configure(): sys.argv"""',
      'def greet(name):',
      "    return f'hello {name}'",
    ].join('\n');
    expect(whats('app/main.py', code)).toEqual([]);
  });

  it('reads sys.argv under the main-module guard as no reach, and nowhere else', () => {
    const code = [
      'import sys',
      'def greet(name):',
      "    return f'hello {name}'",
      '',
      'if __name__ == "__main__":',
      '    name = sys.argv[1] if len(sys.argv) > 1 else ""',
      '',
      '    print(greet(name))',
      'else:',
      '    SPY = sys.argv[0]',
      "if '__main__' == __name__ and sys.argv: pass",
      'ARGS = sys.argv',
    ].join('\n');
    expect(runnerReaches('app/cli.py', code)).toEqual([
      { line: 10, what: 'reaches sys.argv' },
      { line: 11, what: 'reaches sys.argv' },
      { line: 12, what: 'reaches sys.argv' },
    ]);
  });
});

describe('what Go code reaches', () => {
  it.each<[string, string, string[]]>([
    [
      'the command line naming a test binary',
      'package greet\n\nimport (\n\t"os"\n\t"strings"\n)\n\nfunc Greet(name string) string {\n\tif strings.HasSuffix(os.Args[0], ".test") {\n\t\treturn "Hello, " + name + "!"\n\t}\n\treturn "Hello"\n}\n',
      ['reads the command line (os.Args) outside main'],
    ],
    [
      "the test binary's flag",
      'package greet\n\nimport "flag"\n\nfunc Greet(name string) string {\n\tif flag.Lookup("test.v") != nil {\n\t\treturn "Hello, " + name + "!"\n\t}\n\treturn "Hello"\n}\n',
      ["reads the flag set's own flags"],
    ],
    [
      'the testing package, imported outside a test',
      'package greet\n\nimport (\n\t"fmt"\n\tt "testing"\n)\n\nvar under = t.Testing()\n',
      // Under another name too: the import is the reach.
      ['imports the testing package outside a test'],
    ],
    [
      'the command line in a helper of package main',
      'package main\n\nimport "os"\n\nfunc name() string { return os.Args[0] }\n\nfunc main() {\n\tprintln(name())\n}\n',
      ['reads the command line (os.Args) outside main'],
    ],
  ])('finds %s', (_, code, expected) => {
    expect(whats('greet.go', code)).toEqual(expected);
  });

  it.each<[string, string]>([
    [
      'a program reading its own command line in main',
      'package main\n\nimport (\n\t"flag"\n\t"os"\n)\n\nvar verbose = flag.Bool("v", false, "say more")\n\nfunc main() {\n\tflag.Parse()\n\tif len(os.Args) > 1 {\n\t\tprintln(os.Args[1])\n\t}\n}\n',
    ],
    [
      'a comment and a string that only mention them',
      'package greet\n\n// os.Args and flag.Lookup("test.v") are not read here.\n/* import "testing" */\nconst help = "pass os.Args or flag.Lookup to testing"\n',
    ],
  ])('passes %s', (_, code) => {
    expect(whats('main.go', code)).toEqual([]);
  });
});

describe('other languages', () => {
  it("are read line by line against the runners' names", () => {
    expect(runnerReaches('main.go', 'package main\n\nvar t = testing.Testing()\n')).toEqual([
      { line: 3, what: "reads go test's environment" },
    ]);
  });
});
