import { describe, expect, it } from 'vitest';
import {
  checkFile,
  EVIDENCE_COMMAND,
  SKIP_COMMAND,
} from '../../sim/scenario/builds/evidence-scenario.js';
import { contractCommandProblem, splitCommand } from '../../src/core/plan/contract-command.js';

const FILES = ['test/contract/login.test.ts', 'test/contract/logout.test.ts'];

describe("the contract's command", () => {
  it.each<[string, string]>([
    ['true', 'runs no test runner'],
    ['exit 0', 'exits 0'],
    [':', 'runs no test runner'],
    ['echo test/contract', 'runs no test runner'],
    ['npx vitest run test/contract || true', '`||`'],
    ['npx vitest run test/contract || exit 0', '`||`'],
    ['npx vitest run test/contract ; exit 0', 'exits 0'],
    ['npx vitest run test/contract; true', 'before a `;`'],
    ['npx vitest run test/contract\necho done', 'before a `;`'],
    ['npx vitest run test/contract | tee out.txt', 'pipes the test runner'],
    ['npx vitest run test/contract &', 'background'],
    [
      'npx vitest run test/other',
      'runs no test on test/contract/login.test.ts, test/contract/logout.test.ts',
    ],
    ['npx vitest run test/contract/login.test.ts', 'runs no test on test/contract/logout.test.ts'],
    ['npm install', 'runs no test runner'],
    ['sh -c "npx vitest run test/contract"', 'runs no test runner'],
    ['npx vitest run "test/contract', 'does not parse'],
  ])('refuses %j', (command, why) => {
    const problem = contractCommandProblem(command, FILES);
    expect(problem).toContain(why);
    // Every refusal says what to write instead.
    expect(problem).toContain('npx vitest run test/contract');
  });

  it.each([
    'npx vitest run test/contract',
    'npm test -- test/contract',
    'npm test',
    'npx vitest run test/contract 2>&1',
    'node --test --import tsx test/contract',
    'npx vitest run --reporter=verbose test/contract',
    'npx vitest run "test/contract/login.test.ts" test/contract/logout.test.ts',
    'npx jest test/contract/*.test.ts',
    'npx vitest run test/contract && echo ok',
    'npx vitest run test/contract || exit 1',
    'cat fixtures.txt | npx vitest run test/contract',
  ])('takes %j', (command) => {
    expect(contractCommandProblem(command, FILES)).toBeNull();
  });

  it.each<[string, string]>([
    ['NODE_OPTIONS=--require=./test/exit-zero.cjs npm test', 'sets NODE_OPTIONS'],
    ['npm_config_script_shell=/bin/true npm test', 'sets npm_config_script_shell'],
    ['CI=1 npx vitest run test/contract', 'sets CI'],
    ['env PYTEST_ADDOPTS="-p cheat" npx vitest run test/contract', 'calls `env`'],
    ['export NODE_OPTIONS=--require=x && npx vitest run test/contract', 'calls `export`'],
    ['cd web && npx vitest run ../test/contract test/contract', 'moves where it runs'],
    ['npx vitest run --root elsewhere test/contract', '`--root`'],
    ['npx vitest run --root=elsewhere test/contract', '`--root`'],
    ['npx vitest run -c other.config.ts test/contract', '`-c`'],
    ['npx vitest run --config=other.config.ts test/contract', '`--config`'],
    ['npx vitest run test/contract --exclude test/contract/login.test.ts', '`--exclude`'],
    ['npx vitest run test/contract -t "logs in"', '`-t`'],
    ['npx vitest run test/contract --passWithNoTests', '`--passWithNoTests`'],
    ['npm test -- --root elsewhere', '`--root`'],
    ['npm test --prefix elsewhere', '`--prefix`'],
    ['npx jest --rootDir web test/contract', '`--rootDir`'],
    ['npx jest --setupFilesAfterEnv ./cheat.js test/contract', '`--setupFilesAfterEnv`'],
    ['node --test --require ./test/cheat.cjs test/contract', '`--require`'],
    ['node --test --import ./test/cheat.mjs test/contract', '`--import`'],
  ])("refuses %j, which makes its runner's world its own", (command, why) => {
    const problem = contractCommandProblem(command, FILES);
    expect(problem).toContain(why);
    expect(problem).toContain('npx vitest run test/contract');
  });

  it.each<[string, string]>([
    ['python -m pytest -c other.ini tests/contract', '`-c`'],
    ['python -m pytest --rootdir=elsewhere tests/contract', '`--rootdir`'],
    ['python -m pytest -p cheat tests/contract', '`-p`'],
    ['python -m pytest -k "not login" tests/contract', '`-k`'],
    ['python -m pytest --ignore=tests/contract/test_login.py tests/contract', '`--ignore`'],
    ['python -m pytest -o addopts="-p cheat" tests/contract', '`-o`'],
    ['python -m pytest --lf tests/contract', '`--lf`'],
    ['go test -run TestNothing ./...', '`-run`'],
    ['go test -exec /bin/true ./...', '`-exec`'],
  ])('refuses the runners of other languages %j', (command, why) => {
    expect(contractCommandProblem(command, ['tests/contract/test_login.py'])).toContain(why);
  });

  it("takes pytest's plugins turned off and its root named as the root", () => {
    expect(
      contractCommandProblem('python3 -m pytest -p no:cacheprovider --rootdir=. tests/contract', [
        'tests/contract/test_login.py',
      ]),
    ).toBeNull();
  });

  it("takes the simulator's contracts, a shell's own check after the runner's included", () => {
    const files = ['W1.1', 'W1.2', 'W1.3', 'W1.4', 'W1.5', 'W2.1', 'W2.2'].map(checkFile);
    expect(contractCommandProblem(EVIDENCE_COMMAND, files)).toBeNull();
    expect(
      contractCommandProblem(SKIP_COMMAND, ['W1.1', 'W1.2', 'W1.3', 'W2.1'].map(checkFile)),
    ).toBeNull();
  });

  it('takes the runners of other languages', () => {
    expect(
      contractCommandProblem('python -m pytest tests/contract', ['tests/contract/test_login.py']),
    ).toBeNull();
    expect(
      contractCommandProblem('uv run pytest tests/contract', ['tests/contract/test_login.py']),
    ).toBeNull();
    expect(contractCommandProblem('go test ./...', ['pkg/login/login_test.go'])).toBeNull();
    expect(contractCommandProblem('go test ./pkg/login', ['pkg/login/login_test.go'])).toBeNull();
    expect(contractCommandProblem('cargo test', ['tests/login.rs'])).toBeNull();
    expect(contractCommandProblem('./gradlew test', ['src/test/java/LoginTest.java'])).toBeNull();
  });

  it("splits on the shell's operators, quotes kept whole", () => {
    expect(splitCommand('a "b || c" && d|e; f 2>&1')).toEqual([
      { words: ['a', 'b || c'], operator: '&&', end: 11 },
      { words: ['d'], operator: '|', end: 15 },
      { words: ['e'], operator: ';', end: 17 },
      { words: ['f', '2>&1'], operator: null, end: 25 },
    ]);
  });
});
