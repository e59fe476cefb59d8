import { describe, expect, it } from 'vitest';
import { VALUE_MAX_CHARS } from '../../src/core/vocabulary/quoted-value.js';
import {
  judgeContractFile,
  judgeFocus,
  stillMarkedToFail,
} from '../../src/session/publish/checks/contract/contract-breach.js';
import {
  judgePackageScripts,
  judgeRunnerConfig,
  judgeWorkflow,
  scriptsNamedBy,
} from '../../src/session/publish/checks/contract/contract-command.js';
import { TEST_LANGUAGES } from '../../src/session/publish/checks/contract/test-languages.js';

const file = (text: string, mode = '100644') => ({ mode, text });

/** A check in each language, then the same check weakened. */
const LANGUAGES: Array<{ path: string; check: string; weakened: Record<string, string> }> = [
  {
    path: 'test/a.test.ts',
    check: "it('works', () => {\n  expect(run()).toBe(1);\n  expect(run()).not.toBe(2);\n});\n",
    weakened: {
      skip: "it.skip('works', () => {\n  expect(run()).toBe(1);\n  expect(run()).not.toBe(2);\n});\n",
      only: "it.only('works', () => {\n  expect(run()).toBe(1);\n  expect(run()).not.toBe(2);\n});\n",
      todo: "it.todo('works');\nit('works', () => {\n  expect(run()).toBe(1);\n  expect(run()).not.toBe(2);\n});\n",
      xit: "xit('works', () => {\n  expect(run()).toBe(1);\n  expect(run()).not.toBe(2);\n});\n",
      fewer: "it('works', () => {\n  expect(run()).toBe(1);\n});\n",
      emptied: "it('works', () => {});\nconst expected = [expect(1), expect(2)];\n",
      tautology: "it('works', () => {\n  expect(1).toBe(1);\n  expect(run()).not.toBe(2);\n});\n",
    },
  },
  {
    path: 'tests/test_a.py',
    check: 'def test_works():\n    assert run() == 1\n',
    weakened: {
      skip: '@pytest.mark.skip\ndef test_works():\n    assert run() == 1\n',
      skipif: '@pytest.mark.skipif(True, reason="")\ndef test_works():\n    assert run() == 1\n',
      call: 'def test_works():\n    pytest.skip("later")\n    assert run() == 1\n',
      unittest: '@unittest.skip("x")\ndef test_works():\n    assert run() == 1\n',
      fewer: 'def test_works():\n    run()\n',
      tautology: 'def test_works():\n    assert 1 == 1\n',
    },
  },
  {
    path: 'a_test.go',
    check: 'func TestWorks(t *testing.T) {\n\tif run() != 1 {\n\t\tt.Fatal("no")\n\t}\n}\n',
    weakened: {
      skip: 'func TestWorks(t *testing.T) {\n\tt.Skip("later")\n\tif run() != 1 {\n\t\tt.Fatal("no")\n\t}\n}\n',
      fewer: 'func TestWorks(t *testing.T) {\n\trun()\n}\n',
      tautology: 'func TestWorks(t *testing.T) {\n\tif 1 != 1 {\n\t\tt.Fatal("no")\n\t}\n}\n',
    },
  },
  {
    path: 'tests/a.rs',
    check: '#[test]\nfn works() {\n    assert_eq!(run(), 1);\n}\n',
    weakened: {
      ignore: '#[test]\n#[ignore]\nfn works() {\n    assert_eq!(run(), 1);\n}\n',
      fewer: '#[test]\nfn works() {\n    run();\n}\n',
      tautology: '#[test]\nfn works() {\n    assert_eq!(1, 1);\n}\n',
    },
  },
  {
    path: 'src/test/java/AppTest.java',
    check: '@Test\nvoid works() {\n    assertEquals(1, run());\n}\n',
    weakened: {
      disabled: '@Disabled\n@Test\nvoid works() {\n    assertEquals(1, run());\n}\n',
      ignore: '@Ignore\n@Test\nvoid works() {\n    assertEquals(1, run());\n}\n',
      fewer: '@Test\nvoid works() {\n    run();\n}\n',
      tautology: '@Test\nvoid works() {\n    assertEquals(1, 1);\n}\n',
    },
  },
];

describe("a contract file's change", () => {
  it.each(
    LANGUAGES.flatMap(({ path, check, weakened }) =>
      Object.entries(weakened).map(([how, text]) => ({ path, check, how, text })),
    ),
  )('$path: $how is refused', ({ path, check, text }) => {
    expect(judgeContractFile({ path, before: file(check), after: file(text) })).toMatchObject({
      file: path,
    });
  });

  it.each(LANGUAGES)('$path: one more assertion is kept', ({ path, check }) => {
    const stronger = check.replace(
      /(expect\(run\(\)\)\.toBe\(1\);|assert run\(\) == 1|t\.Fatal\("no"\)|assert_eq!\(run\(\), 1\);|assertEquals\(1, run\(\)\);)/,
      '$1\n$1',
    );
    expect(stronger).not.toBe(check);
    expect(judgeContractFile({ path, before: file(check), after: file(stronger) })).toBeNull();
  });

  it('names the assertion a tautology replaced', () => {
    const judged = judgeContractFile({
      path: 'test/contract/a.test.js',
      before: file("test('whispers', async () => {\n  assert.equal(whisper('HI'), '(hi)');\n});\n"),
      after: file("test('whispers', async () => {\n  assert.equal('(hi)', '(hi)');\n});\n"),
    });
    expect(judged?.rule).toContain(
      `its assertion "assert.equal(whisper('HI'), '(hi)');" is changed or gone`,
    );
  });

  it.each([
    {
      how: 'node:test',
      before: "test('works', { todo: 'W1.1:1' }, () => assert.equal(run(), 1));\n",
      after: "test('works', () => assert.equal(run(), 1));\n",
    },
    {
      how: 'Vitest',
      before: "it.fails('works', () => expect(run()).toBe(1));\n",
      after: "it('works', () => expect(run()).toBe(1));\n",
    },
  ])("$how: a mark taken off an assertion's own line is kept", ({ before, after }) => {
    const path = 'test/contract/a.test.ts';
    expect(judgeContractFile({ path, before: file(before), after: file(after) })).toBeNull();
  });

  it.each([
    { how: 'deleted', after: null, rule: 'it is deleted' },
    { how: 'a link', after: file('', '120000'), rule: 'it is replaced with a symbolic link' },
    {
      how: 'executable',
      after: file('x', '100755'),
      rule: 'its type or mode changes (100644 to 100755)',
    },
    {
      how: 'a folder',
      after: file('', '040000'),
      rule: 'its type or mode changes (100644 to 040000)',
    },
  ])('$how is refused', ({ after, rule }) => {
    const judged = judgeContractFile({ path: 'test/a.test.ts', before: file('x'), after });
    expect(judged?.rule).toBe(rule);
  });

  it('names where a renamed file went', () => {
    const judged = judgeContractFile({
      path: 'test/a.test.ts',
      before: file('x'),
      after: null,
      movedTo: 'old/a.ts',
    });
    expect(judged?.rule).toContain('it is renamed to old/a.ts');
  });

  it('keeps the table to one language an extension', () => {
    const extensions = TEST_LANGUAGES.flatMap((language) => language.extensions);
    expect(new Set(extensions).size).toBe(extensions.length);
  });
});

describe('a test file outside the contract', () => {
  it.each([
    { path: 'test/other.test.ts', after: "it.only('x', () => {});\n", refused: true },
    { path: 'spec/other.js', after: "fdescribe('x', () => {});\n", refused: true },
    { path: 'test/other.test.ts', after: "it.skip('x', () => {});\n", refused: false },
    { path: 'src/map.ts', after: 'view.fit(bounds);\nfit(bounds);\n', refused: false },
    {
      path: 'tests/test_other.py',
      after: '@pytest.mark.skip\ndef test_x(): pass\n',
      refused: false,
    },
  ])('$path gaining `$after` (refused: $refused)', ({ path, after, refused }) => {
    expect(judgeFocus({ path, before: '', after }) !== null).toBe(refused);
  });
});

describe('a check still marked to fail', () => {
  /** Two checks whose names share a beginning: W1.1's is plain, W2.1's still marked. */
  const text = [
    "import { test } from 'node:test';",
    '',
    'test("greets Ada", async () => {',
    "  assert.equal(greeting('Ada'), 'Hello, Ada!');",
    '});',
    '',
    'test("greets Ada from the command line", { todo: "W2.1:1" }, async () => {',
    "  assert.equal(run(['greet', 'Ada']), 'Hello, Ada!');",
    '});',
    '',
  ].join('\n');

  it.each([
    { path: 'test/contract/criteria.test.js', name: 'greets Ada', marked: false },
    {
      path: 'test/contract/criteria.test.js',
      name: 'greets Ada from the command line',
      marked: true,
    },
    { path: 'test/contract/criteria.test.js', name: 'contract › greets Ada', marked: false },
    {
      path: 'tests/test_login.py',
      name: 'tests/test_login.py::test_login',
      marked: false,
      source:
        '@pytest.mark.xfail(strict=True)\ndef test_login_with_sso():\n    pass\n\ndef test_login():\n    assert login()\n',
    },
    {
      path: 'tests/test_login.py',
      name: 'tests/test_login.py::test_login',
      marked: true,
      source: '@pytest.mark.xfail(strict=True)\ndef test_login():\n    assert login()\n',
    },
    {
      path: 'test/contract/greet.test.ts',
      name: 'greet › greets by name',
      marked: true,
      // The mark four lines above the name, a comment between: the call declares it all the same.
      source:
        "it.fails(\n\n\n  // W1.1:1\n  'greets by name', () => {\n  expect(greet('Ada')).toBe('Hello, Ada');\n});\n",
    },
    {
      path: 'test/contract/greet.test.ts',
      name: 'greets by name',
      marked: true,
      source:
        "test(\n  /* W1.1:1 */ 'greets by name',\n  // still to do\n  {\n    todo: 'W1.1:1',\n  },\n  () => {},\n);\n",
    },
    {
      path: 'test/contract/greet.test.ts',
      name: 'greets by name',
      marked: false,
      source:
        "// it.fails was here\n\n\nit(\n  'greets by name', () => {\n  expect(greet('Ada')).toBe('Hello, Ada');\n});\n",
    },
    {
      path: 'tests/test_login.py',
      name: 'tests/test_login.py::test_login',
      marked: true,
      source:
        '@pytest.mark.xfail(\n    strict=True,\n    reason="W1.1:1",\n)\n# the login\n\n@pytest.mark.slow\ndef test_login():\n    assert login()\n',
    },
  ])('$name in $path (marked: $marked)', ({ path, name, marked, source }) => {
    expect(stillMarkedToFail({ path, text: source ?? text, name })).toBe(marked);
  });
});

describe('what runs the contract', () => {
  it.each([
    { command: 'npm test', scripts: ['test'] },
    { command: 'npm run check -- --ci', scripts: ['check'] },
    { command: 'CI=1 pnpm test:contract', scripts: ['test:contract'] },
    { command: 'yarn run unit && npm t', scripts: ['unit', 'test'] },
    { command: 'npx vitest run test/contract', scripts: [] },
    { command: 'pytest tests/contract', scripts: [] },
  ])('`$command` runs $scripts', ({ command, scripts }) => {
    expect(scriptsNamedBy(command)).toEqual(scripts);
  });

  const pkg = (scripts: Record<string, string>) => JSON.stringify({ scripts });

  it.each([
    {
      how: 'the script the command names',
      after: { test: 'vitest run --passWithNoTests', lint: 'biome check' },
      rule: 'the script "test" changes',
    },
    {
      how: 'a pre script it runs',
      after: { test: 'vitest run', pretest: 'exit 0', lint: 'biome check' },
      rule: 'the script "pretest" changes',
    },
    {
      how: '`|| exit 0` on a test script',
      after: { test: 'vitest run', lint: 'biome check', 'test:e2e': 'playwright test || exit 0' },
      rule: 'the script "test:e2e" gains "|| exit 0"',
    },
  ])('package.json: $how is refused', ({ after, rule }) => {
    const breaches = judgePackageScripts({
      path: 'package.json',
      command: 'npm test',
      before: pkg({ test: 'vitest run', lint: 'biome check', 'test:e2e': 'playwright test' }),
      after: pkg(after),
    });
    expect(breaches.map((each) => each.rule).join('\n')).toContain(rule);
  });

  it('package.json: another script may change', () => {
    expect(
      judgePackageScripts({
        path: 'package.json',
        command: 'npm test',
        before: pkg({ test: 'vitest run', lint: 'biome check' }),
        after: pkg({ test: 'vitest run', lint: 'biome check --write' }),
      }),
    ).toEqual([]);
  });

  it.each([
    {
      path: 'vitest.config.ts',
      after: "export default { test: { exclude: ['test/login*'] } };\n",
      refused: true,
    },
    {
      path: 'vitest.config.ts',
      after:
        "export default { test: { include: ['test/**/*.test.ts'], setupFiles: ['test/login.test.ts'] } };\n",
      refused: true,
    },
    {
      path: 'vitest.config.ts',
      after: "export default { test: { include: ['test/**/*.test.ts'], testTimeout: 5000 } };\n",
      refused: false,
    },
    {
      path: 'pyproject.toml',
      after: '[tool.pytest.ini_options]\naddopts = "--ignore=tests/contract"\n',
      refused: true,
    },
    { path: 'pyproject.toml', after: '[tool.ruff]\nignore = ["E501"]\n', refused: false },
  ])('$path gaining a line (refused: $refused)', ({ path, after, refused }) => {
    const judged = judgeRunnerConfig({
      path,
      before: path.endsWith('.ts')
        ? "export default { test: { include: ['test/**/*.test.ts'] } };\n"
        : '',
      after,
      contractFiles: ['test/login.test.ts'],
    });
    expect(judged !== null).toBe(refused);
  });

  const WORKFLOW = 'jobs:\n  test:\n    steps:\n      - run: npm ci\n      - run: npm test\n';
  /** A workflow's expression, `${{ matrix.experimental }}`, written so it is no template's placeholder. */
  const MATRIX_EXPRESSION = ['$', '{{ matrix.experimental }}'].join('');

  it.each([
    { how: '`|| true`', after: WORKFLOW.replace('npm test', 'npm test || true'), refused: true },
    { how: '`; exit 0`', after: WORKFLOW.replace('npm test', 'npm test; exit 0'), refused: true },
    {
      how: 'continue-on-error',
      after: WORKFLOW.replace(
        '      - run: npm test',
        '      - run: npm test\n        continue-on-error: true',
      ),
      refused: true,
    },
    {
      how: 'the test step turned off',
      after: WORKFLOW.replace('      - run: npm test', '      - run: npm test\n        if: false'),
      refused: true,
    },
    {
      how: 'the test step removed',
      after: WORKFLOW.replace('      - run: npm test\n', ''),
      refused: true,
    },
    { how: 'a step added', after: `${WORKFLOW}      - run: npm run lint\n`, refused: false },
  ])('a workflow with $how (refused: $refused)', ({ after, refused }) => {
    const judged = judgeWorkflow({
      path: '.github/workflows/ci.yml',
      before: WORKFLOW,
      after,
      command: 'npm test',
      scripts: new Set(['test']),
    });
    expect(judged !== null).toBe(refused);
  });

  it.each([
    { added: 'continue-on-error: true', shown: '"continue-on-error: true"' },
    {
      added: `continue-on-error: ${MATRIX_EXPRESSION}`,
      shown: `"continue-on-error: ${MATRIX_EXPRESSION}"`,
    },
    { added: 'run: npm test || true', shown: '"|| true"' },
  ])('a workflow refusal quotes what it found whole: $shown', ({ added, shown }) => {
    const judged = judgeWorkflow({
      path: '.github/workflows/ci.yml',
      before: WORKFLOW,
      after: WORKFLOW.replace('      - run: npm test', `      - run: npm test\n        ${added}`),
      command: 'npm test',
      scripts: new Set(['test']),
    });
    expect(judged?.rule).toBe(`a step gains ${shown}, so a failing test passes`);
  });

  it('a refusal cuts only a long value, and says how long it was', () => {
    const long = `npm test -- ${'--reporter=verbose '.repeat(20).trim()}`;
    const workflow = WORKFLOW.replace('npm test', long);
    const judged = judgeWorkflow({
      path: '.github/workflows/ci.yml',
      before: workflow,
      after: workflow.replace(`      - run: ${long}\n`, ''),
      command: long,
      scripts: new Set(),
    });
    const line = `- run: ${long}`;
    expect(line.length).toBeGreaterThan(VALUE_MAX_CHARS);
    expect(judged?.rule).toBe(
      `the line ${JSON.stringify(`${line.slice(0, VALUE_MAX_CHARS - 1)}…`)} (cut from ${line.length} characters), which runs the contract's command, is changed or removed`,
    );
  });
});
