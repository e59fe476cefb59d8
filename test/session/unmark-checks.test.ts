import { describe, expect, it } from 'vitest';
import { onlyMarksRemoved } from '../../src/session/publish/checks/contract/unmark-checks.js';

const VITEST = `import { expect, it } from 'vitest';
import { greet } from '../../src/greet.js';

it.fails('greets by name', () => {
  expect(greet('Ada')).toBe('Hello, Ada');
});

it.fails('greets nobody', () => {
  expect(greet()).toBe('Hello');
});
`;

const NODE = `import assert from 'node:assert/strict';
import { test } from 'node:test';

test("greets Ada", { todo: "W1.1:1" }, async () => {
  const { greeting } = await import('../../src/greeting.js');
  assert.equal(greeting('Ada'), 'Hello, Ada!');
});

test('keeps time', { todo: 'W1.2:1', timeout: 500 }, () => {});
`;

const PYTEST = `import pytest
from greet import greet


@pytest.mark.xfail(
    strict=True,
    reason="W1.1:1",
)
def test_greets_by_name():
    assert greet("Ada") == "Hello, Ada"


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="W1.2:1")
def test_greets_twice():
    assert greet("Ada") * 2 == "Hello, AdaHello, Ada"
`;

const kept = (path: string, before: string, after: string, names: string[]) =>
  onlyMarksRemoved({ path, before, after, names });

describe("a contract file as its workers may leave it: the sealed text, its checks' marks off", () => {
  it.each([
    [
      "Vitest's `it.fails` taken off",
      'test/contract/greet.test.js',
      VITEST,
      VITEST.replace("it.fails('greets by name'", "it('greets by name'"),
      ['greets by name'],
    ],
    [
      'both marks taken off, one kept',
      'test/contract/greet.test.js',
      VITEST,
      VITEST.replaceAll('it.fails(', 'it('),
      ['greets by name', 'greets nobody'],
    ],
    [
      "node:test's `todo` option taken off, and the option beside it kept",
      'test/contract/greet.test.mjs',
      NODE,
      NODE.replace('{ todo: "W1.1:1" }, ', '').replace(
        "{ todo: 'W1.2:1', timeout: 500 }",
        '{ timeout: 500 }',
      ),
      ['greets Ada', 'keeps time'],
    ],
    [
      "pytest's `xfail` over several lines taken off, another decorator kept",
      'tests/contract/test_greet.py',
      PYTEST,
      PYTEST.replace(
        '@pytest.mark.xfail(\n    strict=True,\n    reason="W1.1:1",\n)\n',
        '',
      ).replace('@pytest.mark.xfail(strict=True, reason="W1.2:1")\n', ''),
      ['tests/contract/test_greet.py::test_greets_by_name', 'test_greets_twice'],
    ],
    ['nothing changed', 'test/contract/greet.test.js', VITEST, VITEST, []],
  ])('takes %s', (_name, path, before, after, names) => {
    expect(kept(path, before, after, names)).toBe(true);
  });

  it.each([
    [
      "the check's import pointed at a double, no assertion line changed",
      'test/contract/greet.test.js',
      VITEST,
      VITEST.replace("'../../src/greet.js'", "'./double.js'").replace('it.fails(', 'it('),
      ['greets by name'],
    ],
    [
      'a mark of a check that is not the worker’s',
      'test/contract/greet.test.js',
      VITEST,
      VITEST.replace("it.fails('greets nobody'", "it('greets nobody'"),
      ['greets by name'],
    ],
    [
      'one more assertion',
      'test/contract/greet.test.js',
      VITEST,
      VITEST.replace("toBe('Hello');", "toBe('Hello');\n  expect(greet('')).toBe('Hello');"),
      ['greets by name'],
    ],
    [
      'a mark added',
      'test/contract/greet.test.js',
      VITEST.replaceAll('it.fails(', 'it('),
      VITEST,
      ['greets by name', 'greets nobody'],
    ],
    [
      "the option's body changed with the mark",
      'test/contract/greet.test.mjs',
      NODE,
      NODE.replace("{ todo: 'W1.2:1', timeout: 500 }", '{ timeout: 5 }'),
      ['keeps time'],
    ],
    [
      'a fixture path changed in a Python check',
      'tests/contract/test_greet.py',
      PYTEST,
      PYTEST.replace('from greet import greet', 'from tests.double import greet'),
      ['test_greets_by_name'],
    ],
    ['a file of a language without marks', 'test/contract/greet_test.go', 'a', 'b', []],
  ])('refuses %s', (_name, path, before, after, names) => {
    expect(kept(path, before, after, names)).toBe(false);
  });
});
