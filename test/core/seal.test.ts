import { describe, expect, it } from 'vitest';
import {
  broughtBy,
  describeSealed,
  matchesSeal,
  namedBySettings,
  resolveNamed,
  sealStart,
} from '../../src/core/verification/seal.js';

const TREE = new Set([
  'package.json',
  'vitest.config.ts',
  'packages/web/jest.config.js',
  'src/login.ts',
  'src/util.ts',
  'test/contract/login.test.ts',
  'test/contract/logout.test.ts',
  'test/helpers.ts',
  'test/fixtures/users.json',
  'test/setup.ts',
  'tests/conftest.py',
  'tests/helpers/__init__.py',
  'tests/helpers/users.py',
  'tests/contract/test_login.py',
]);

describe('the paths a seal starts from', () => {
  const start = sealStart(['test/contract', 'tests/contract/test_login.py'], TREE);

  it("takes a contract folder's every file as contract files", () => {
    expect(start.contract).toEqual([
      'test/contract/login.test.ts',
      'test/contract/logout.test.ts',
      'tests/contract/test_login.py',
    ]);
  });

  it.each([
    [
      'the package manager’s settings at the root, present or not',
      ['package.json', '.npmrc', '.yarnrc.yml', 'bunfig.toml', '.pnpmfile.cjs'],
    ],
    [
      'a runner’s settings wherever they are',
      ['vitest.config.ts', 'packages/web/jest.config.js', 'tests/conftest.py'],
    ],
    [
      'settings a runner would read at the root if added',
      [
        'vite.config.ts',
        'vitest.config.mjs',
        'jest.config.cjs',
        '.mocharc.yml',
        'pytest.ini',
        'pyproject.toml',
      ],
    ],
    [
      'every conftest.py and package.json on the way to a contract file',
      [
        'conftest.py',
        'test/conftest.py',
        'test/contract/conftest.py',
        'tests/contract/conftest.py',
        'test/package.json',
      ],
    ],
  ])('seals %s', (_what, paths) => {
    for (const path of paths) expect(start.sealed).toContain(path);
  });

  it('seals no code under test', () => {
    expect(start.sealed.filter((path) => path.startsWith('src/'))).toEqual([]);
  });
});

describe('what a sealed file brings into the seal', () => {
  it.each([
    ["setupFiles: ['./test/setup.ts']", ['./test/setup.ts']],
    ['"setupFilesAfterEnv": ["<rootDir>/a.js", "b.js"]', ['<rootDir>/a.js', 'b.js']],
    ["globalSetup: 'test/global.ts'", ['test/global.ts']],
    ["require: ['./preload.cjs']", ['./preload.cjs']],
    ["include: ['test/**']", []],
  ])('reads the files %s names', (text, named) => {
    expect(namedBySettings(text)).toEqual(named);
  });

  it("follows a runner's setup file whatever it is, and a check's imports among test files only", () => {
    expect(
      broughtBy(
        'vitest.config.ts',
        "export default { test: { setupFiles: ['./test/setup.ts'] } };",
        TREE,
      ),
    ).toEqual([{ path: 'test/setup.ts', named: true }]);
    const check = [
      "import { login } from '../../src/login.js';",
      "import { user } from '../helpers.js';",
      "import users from '../fixtures/users.json';",
      "const util = require('../../src/util');",
    ].join('\n');
    expect(broughtBy('test/contract/login.test.ts', check, TREE).map((b) => b.path)).toEqual([
      'test/helpers.ts',
      'test/fixtures/users.json',
    ]);
  });

  it('follows a Python check to the helpers it imports, absolute or relative', () => {
    expect(resolveNamed('tests/contract/test_login.py', 'tests.helpers.users', TREE)).toBe(
      'tests/helpers/users.py',
    );
    expect(resolveNamed('tests/contract/test_login.py', '..helpers', TREE)).toBe(
      'tests/helpers/__init__.py',
    );
    const text = 'from tests.helpers import users\nimport os\n';
    expect(broughtBy('tests/contract/test_login.py', text, TREE).map((b) => b.path)).toEqual([
      'tests/helpers/__init__.py',
      'tests/helpers/users.py',
    ]);
  });

  it('never leaves the repository', () => {
    expect(
      resolveNamed('test/a.test.ts', '../../../etc/passwd', new Set(['etc/passwd'])),
    ).toBeNull();
  });
});

describe("a sealed path's judgement", () => {
  const file = { mode: '100644' as const, blob: 'a'.repeat(40) };

  it.each([
    ['the same file', { path: 'x', kind: 'sealed' as const, ...file }, file, true],
    [
      'another blob',
      { path: 'x', kind: 'sealed' as const, ...file },
      { ...file, blob: 'b'.repeat(40) },
      false,
    ],
    [
      'another mode',
      { path: 'x', kind: 'sealed' as const, ...file },
      { ...file, mode: '100755' as const },
      false,
    ],
    ['deleted', { path: 'x', kind: 'sealed' as const, ...file }, null, false],
    [
      'absent, still absent',
      { path: 'x', kind: 'sealed' as const, mode: null, blob: null },
      null,
      true,
    ],
    ['absent, added', { path: 'x', kind: 'sealed' as const, mode: null, blob: null }, file, false],
  ])('%s', (_what, entry, now, kept) => {
    expect(matchesSeal(entry, now)).toBe(kept);
  });

  it('names the file and the rule, and says what to do instead', () => {
    expect(describeSealed('.npmrc', true)).toBe(
      '.npmrc changes the build\'s seal: it is sealed as absent with the contract (a file here would change how the checks run). Workers may not change what runs the contract (docs/verification.md, "The seal"); change the code under test; a change to the seal goes through `/replan`',
    );
  });
});
