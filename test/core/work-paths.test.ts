import { describe, expect, it } from 'vitest';
import { judgeWorkPath, type WorkPathRules } from '../../src/core/verification/work-paths.js';

/** The contract's files, a sealed setup file, what the contract's commit holds, nothing a repository added. */
const RULES: WorkPathRules = {
  contractFiles: ['test/contract', 'tests/contract/test_greet.py'],
  sealed: new Set(['src/setup-tests.ts']),
  workPaths: [],
  heldByContract: (path) =>
    ['greet/__init__.py', 'greet/core.py', 'app.py', 'src/greet.ts'].includes(path),
};

const FILE = '100644';

describe("the work's paths, which the contract's tree brings from the head", () => {
  it.each([
    ['src/greet.ts'],
    ['src/new-module.ts'],
    ['lib/x.mjs'],
    ['cmd/main.go'],
    ['greet/core.py'],
    ['greet/new.py'],
    ['app.py'],
    ['docs/usage.md'],
    ['src/styles/site.css'],
    ['README.md'],
    ['dist/index.js'],
  ])('brings %s', (path) => {
    expect(judgeWorkPath(path, FILE, RULES)).toEqual({ kind: 'work' });
  });

  it('brings a deletion of the work', () => {
    expect(judgeWorkPath('src/old.ts', null, RULES)).toEqual({ kind: 'work' });
  });

  it.each([
    ['node_modules/.bin/node', '`node_modules/`'],
    ['packages/a/node_modules/vitest/index.js', '`node_modules/`'],
    ['.venv/lib/site.py', '`.venv/`'],
    ['src/.cache/x.ts', '`.cache/`'],
    ['vendor/github.com/stretchr/testify/assert/assertions.go', '`vendor/`'],
    ['pass_all-1.0.dist-info/entry_points.txt', '`pass_all-1.0.dist-info/`'],
    ['lib/pass_all.egg-info/entry_points.txt', '`pass_all.egg-info/`'],
    ['tests/pytest.ini', "runner's or tool's settings"],
    ['.pytest.ini', "runner's or tool's settings"],
    ['pytest.toml', "runner's or tool's settings"],
    ['pkg/pyproject.toml', "runner's or tool's settings"],
    ['web/conftest.py', "runner's or tool's settings"],
    ['sitecustomize.py', "runner's or tool's settings"],
    ['evil.pth', "runner's or tool's settings"],
    ['.babelrc', "runner's or tool's settings"],
    ['.babelrc.json', "runner's or tool's settings"],
    ['src/.babelrc.js', "runner's or tool's settings"],
    ['babel.config.cjs', "runner's or tool's settings"],
    ['packages/web/vitest.config.mts', "runner's or tool's settings"],
    ['jest.config.ts', "runner's or tool's settings"],
    ['jest.setup.js', "runner's or tool's settings"],
    ['tsconfig.json', "runner's or tool's settings"],
    ['packages/a/tsconfig.build.json', "runner's or tool's settings"],
    ['.mocharc.yml', "runner's or tool's settings"],
    ['postcss.config.js', "runner's or tool's settings"],
    ['Makefile', "runner's or tool's settings"],
    ['build.rs', "runner's or tool's settings"],
    ['.env.test', "runner's or tool's settings"],
    ['.npmrc', "package manager's settings"],
    ['web/.yarnrc.yml', "package manager's settings"],
    ['src/setup-tests.ts', 'the seal holds it'],
    ['test/contract/greet.test.ts', "the contract's files"],
    ['test/contract/new.test.ts', "the contract's files"],
  ])('refuses %s', (path, why) => {
    const judged = judgeWorkPath(path, FILE, RULES);
    expect(judged.kind).toBe('refused');
    expect(judged.kind === 'refused' ? judged.why : '').toContain(why);
  });

  it('refuses a link or a submodule, wherever it stands', () => {
    expect(judgeWorkPath('src/greet.ts', '120000', RULES)).toEqual({
      kind: 'refused',
      why: 'it is a symbolic link',
    });
    expect(judgeWorkPath('lib', '160000', RULES).kind).toBe('refused');
  });

  it.each([
    ['test/unit/greet.test.ts'],
    ['tests/test_new.py'],
    ['src/greet.spec.ts'],
    ['src/__tests__/greet.ts'],
    ['test/fixtures/expected.txt'],
    ['src/__snapshots__/greet.test.ts.snap'],
    ['src/__mocks__/fs.js'],
    ['__mocks__/lodash.js'],
    ['pkg/greet/testdata/golden.json'],
    ['pkg/greet/greet_test.go'],
  ])("takes %s for a worker's own test, never brought", (path) => {
    expect(judgeWorkPath(path, FILE, RULES)).toEqual({ kind: 'test' });
  });

  it.each([
    ['test/fixtures/names.json'],
    ['src/__snapshots__/greet.test.ts.snap'],
    ['pkg/greet/testdata/golden.json'],
  ])("refuses %s, test data the contract's commit holds, changed or deleted", (path) => {
    const rules = { ...RULES, heldByContract: (held: string) => held === path };
    for (const mode of [FILE, null]) {
      const judged = judgeWorkPath(path, mode, rules);
      expect(judged.kind).toBe('refused');
      expect(judged.kind === 'refused' ? judged.why : '').toContain(
        "test data the contract's commit holds",
      );
    }
    // The repository's own test code is a worker's test, whoever wrote it.
    expect(
      judgeWorkPath('test/unit/greet.test.ts', FILE, { ...rules, heldByContract: () => true }),
    ).toEqual({ kind: 'test' });
  });

  it.each([
    ['package.json'],
    ['package-lock.json'],
    ['packages/a/package.json'],
    ['go.mod'],
    ['go.sum'],
    ['requirements-dev.txt'],
    ['uv.lock'],
  ])('takes %s for a package file, brought only where the runner stays the contract’s', (path) => {
    expect(judgeWorkPath(path, FILE, RULES)).toEqual({ kind: 'package' });
  });

  it.each([
    ['src/data.json', 'no source or document language'],
    ['config/app.yaml', 'no source or document language'],
    ['scripts/run.sh', 'no source or document language'],
    ['LICENSE', 'no source or document language'],
    ['src/app.config.ts', "named as a tool's settings"],
    ['ast.py', 'a new Python module outside a package'],
    ['src/json.py', 'a new Python module outside a package'],
    ['pytest/__init__.py', 'a new Python module outside a package'],
  ])('sends %s to a person: the allowlist cannot judge it', (path, why) => {
    const judged = judgeWorkPath(path, FILE, RULES);
    expect(judged.kind).toBe('waits');
    expect(judged.kind === 'waits' ? judged.why : '').toContain(why);
  });

  it("brings what the repository's `verification.workPaths` adds, and no more", () => {
    const rules = { ...RULES, workPaths: ['src/**/*.json', 'src/app.config.ts'] };
    expect(judgeWorkPath('src/locales/en.json', FILE, rules)).toEqual({ kind: 'work' });
    expect(judgeWorkPath('src/app.config.ts', FILE, rules)).toEqual({ kind: 'work' });
    // Its refusals stand whatever the repository adds.
    expect(judgeWorkPath('src/tsconfig.json', FILE, rules).kind).toBe('refused');
    expect(judgeWorkPath('test/fixtures/x.json', FILE, rules)).toEqual({ kind: 'test' });
    expect(judgeWorkPath('src/node_modules/x.json', FILE, rules).kind).toBe('refused');
  });

  it("leaves `.github/` and `.baton/` to publish's other rules, bringing what no runner reads", () => {
    expect(judgeWorkPath('.github/workflows/lint.yml', FILE, RULES)).toEqual({
      kind: 'other',
      brought: true,
    });
    expect(judgeWorkPath('.github/actions/x/x.test.js', FILE, RULES)).toEqual({
      kind: 'other',
      brought: false,
    });
    expect(judgeWorkPath('.github/x/vitest.config.ts', FILE, RULES)).toEqual({
      kind: 'other',
      brought: false,
    });
    expect(judgeWorkPath('.github/workflows/ci.yml', '120000', RULES)).toEqual({
      kind: 'other',
      brought: false,
    });
  });
});
