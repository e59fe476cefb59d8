import { describe, expect, it } from 'vitest';
import type { RiskClass } from '../../src/core/config/verification-settings.js';
import type { ChangedLines } from '../../src/core/sessions/evidence.js';
import { autonomyWait } from '../../src/core/verification/autonomy.js';
import { readsTestRunner } from '../../src/core/verification/reach/test-aware.js';
import { readFirst } from '../../src/core/verification/read-first.js';
import { fileClasses, judgeRisk } from '../../src/core/verification/risk.js';
import { make } from './factories.js';

const NO_PATHS = { securityPaths: [], interfacePaths: [] };
const NO_CONTRACT = { contract: null };

function defaults() {
  const parsed = make.config();
  if (!parsed.ok) throw new Error('the default config does not parse');
  return parsed.config.verification;
}

describe('what decides what runs, by path', () => {
  it.each<[string, RiskClass[]]>([
    ['Dockerfile', ['build']],
    ['services/api/Dockerfile', ['build']],
    ['Dockerfile.prod', ['build']],
    ['docker/worker.dockerfile', ['build']],
    ['Containerfile', ['build']],
    ['gradlew', ['build']],
    ['gradlew.bat', ['build']],
    ['gradle/wrapper/gradle-wrapper.jar', ['build']],
    ['gradle/wrapper/gradle-wrapper.properties', ['build']],
    ['mvnw', ['build']],
    ['.mvn/wrapper/maven-wrapper.properties', ['build']],
    ['.tool-versions', ['build']],
    ['.nvmrc', ['build']],
    ['gradle/libs.versions.toml', ['dependency']],
    ['vendor/github.com/x/y/y.go', ['dependency']],
    ['third_party/zlib/inflate.c', ['dependency']],
    ['web/vendor/lib.js', ['dependency']],
    ['.pnpmfile.cjs', ['dependency']],
    ['.yarnrc', ['dependency']],
    ['.yarnrc.yml', ['dependency']],
    ['.yarn/releases/yarn-4.1.0.cjs', ['dependency']],
    ['requirements/dev.txt', ['dependency']],
    ['constraints.txt', ['dependency']],
    ['CODEOWNERS', ['ownership']],
    ['.github/CODEOWNERS', ['ownership']],
    ['docs/CODEOWNERS', ['ownership']],
    ['.gitattributes', ['ownership']],
    ['src/.gitattributes', ['ownership']],
    // Names that only look alike.
    ['src/vendors.ts', []],
    ['docs/dockerfile.md', []],
    ['src/CODEOWNERS.md', []],
    ['src/gradle/wrapper.ts', []],
  ])('%s', (path, expected) => {
    expect(fileClasses({ path, status: 'modified' }, NO_PATHS)).toEqual(expected);
  });
});

describe('a symbolic link into the workflows', () => {
  it.each<[string, string, RiskClass[]]>([
    ['docs/ci.yml', '.github/workflows/ci.yml', ['workflow']],
    ['ci', '.github/workflows', ['workflow']],
    ['ci', '.github/workflows/', ['workflow']],
    ['gh', '.github', ['workflow']],
    ['setup', '.github/actions/setup', ['workflow']],
    ['docs/readme.md', 'README.md', []],
  ])('%s → %s', (path, link, expected) => {
    expect(fileClasses({ path, status: 'added', link }, NO_PATHS)).toEqual(expected);
  });
});

describe('code that reads a test runner', () => {
  it.each<[string, string | null]>([
    ['if (process.env.NODE_TEST_CONTEXT) return true;', 'node:test'],
    ['if (process.env.VITEST) return cached;', 'Vitest'],
    ["const w = process.env['VITEST_WORKER_ID'];", 'Vitest'],
    ['if (import.meta.vitest) {', 'Vitest'],
    ['if (process.env.JEST_WORKER_ID !== undefined) {', 'Jest'],
    ["if os.environ.get('PYTEST_CURRENT_TEST'):", 'pytest'],
    ["if 'pytest' in sys.modules:", 'pytest'],
    ['if testing.Testing() {', 'go test'],
    ["if (process.env.NODE_ENV === 'test') return 'ok';", 'NODE_ENV test'],
    ["const testing = 'test' == process.env.NODE_ENV;", 'NODE_ENV test'],
    // Asking for production is no runner's mark; nor is an ordinary word.
    ["if (process.env.NODE_ENV === 'production') minify();", null],
    ['const latest = await fetchTest(name);', null],
    ['// invites the visitor', null],
  ])('%s', (line, runner) => {
    expect(readsTestRunner(line)).toBe(runner);
  });

  const aware = (path: string): Pick<ChangedLines, 'path' | 'status' | 'testAware'> => ({
    path,
    status: 'modified',
    testAware: true,
  });

  it('is a class of its own outside the tests, and none in a test', () => {
    expect(fileClasses(aware('src/login.ts'), NO_PATHS)).toEqual(['test-aware']);
    expect(fileClasses(aware('test/setup.ts'), NO_PATHS)).toEqual(['tests']);
  });

  it('is read first, and waits for a person by default', () => {
    const pull = make.pull({
      worker: 'W1.1',
      evidence: {
        ...make.evidence(['src/a.ts:60', 'src/login.ts:4']),
        files: [
          { path: 'src/a.ts', status: 'modified', lines: 60 },
          { path: 'src/login.ts', status: 'modified', lines: 4, testAware: true },
        ],
      },
    });
    const settings = defaults();
    const risk = judgeRisk(pull, settings, NO_CONTRACT);
    expect(risk.classes).toEqual(['test-aware']);
    expect(readFirst([risk]).files.map((file) => file.path)).toEqual(['src/login.ts']);
    expect(autonomyWait(pull, settings, NO_CONTRACT)?.classes).toEqual(['test-aware']);
  });
});
