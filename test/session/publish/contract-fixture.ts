import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { contractPath } from '../../../src/core/plan/contract.js';
import { sealPath } from '../../../src/core/verification/seal.js';
import { sealText, takeSeal } from '../../../src/session/publish/checks/contract/seal-tree.js';
import { BUILD, type FixtureOptions, GIT_ENV, makePlan, WORKER } from './fixture.js';

const run = promisify(execFile);

/** The contract's check of W1.1's criterion, as the contract session wrote it. */
export const CONTRACT_TEST = 'test/login.test.ts';

export const CONTRACT_TEST_TEXT = `import { describe, expect, it } from 'vitest';
import { login } from '../src/login.js';

describe('login', () => {
  it('accepts the right password', () => {
    expect(login('ada', 'secret')).toBe(true);
  });

  it('refuses a wrong password', () => {
    expect(login('ada', 'wrong')).toBe(false);
  });
});
`;

export const PACKAGE_JSON_TEXT = `${JSON.stringify(
  {
    name: 'app',
    private: true,
    scripts: { test: 'npm run unit', unit: 'vitest run', lint: 'biome check .' },
  },
  null,
  2,
)}\n`;

export const WORKFLOW = '.github/workflows/ci.yml';

export const WORKFLOW_TEXT = `on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm test
`;

export const RUNNER_CONFIG = 'vitest.config.ts';

export const RUNNER_CONFIG_TEXT = `export default { test: { include: ['test/**/*.test.ts'] } };
`;

/** `contract.json` naming the check above (or `files`, a folder holding it), run by `npm test`. */
export function makeContract(files: string[] = [CONTRACT_TEST]) {
  return {
    version: 1,
    command: 'npm test',
    files,
    checks: [
      { criterion: 'W1.1:1', file: CONTRACT_TEST, name: 'login › accepts the right password' },
      { criterion: 'W1.1:2', file: CONTRACT_TEST, name: 'login › refuses a wrong password' },
    ],
    unchecked: [],
  };
}

/**
 * A build with a contract: W1.1's criteria in the plan, the contract's check, the
 * scripts and workflow that run it, and contract.json, all on the base. `contract`
 * gives W1.1 the contract; `config` is the default branch's .github/baton.yml;
 * `files` are what contract.json names (a folder, say).
 */
export function contractOptions({
  contract = false,
  config,
  files,
  checkText = CONTRACT_TEST_TEXT,
}: {
  contract?: boolean;
  config?: string;
  files?: string[];
  /** The check file as the build branch holds it. */
  checkText?: string;
} = {}): FixtureOptions {
  const [worker] = makePlan().workers;
  return {
    ...(config !== undefined ? { config } : {}),
    plan: {
      workers: [
        {
          ...worker,
          id: WORKER,
          criteria: ['A right password signs in', 'A wrong password is refused'],
          ...(contract ? { contract: true } : {}),
        },
      ],
    },
    files: {
      [CONTRACT_TEST]: checkText,
      'package.json': PACKAGE_JSON_TEXT,
      [WORKFLOW]: WORKFLOW_TEXT,
      [RUNNER_CONFIG]: RUNNER_CONFIG_TEXT,
      [contractPath(BUILD)]: `${JSON.stringify(makeContract(files), null, 2)}\n`,
    },
  };
}

/** The check file as the contract session leaves it: each check marked to fail until W1.1 delivers. */
export const MARKED_TEST_TEXT = CONTRACT_TEST_TEXT.replaceAll("  it('", "  it.fails('");

/** The same, each mark four lines above its check's name with a comment between: the layout rule's old blind spot. */
export const MOVED_MARK_TEXT = CONTRACT_TEST_TEXT.replaceAll(
  "  it('",
  "  it.fails(\n\n\n    // the contract's check, to be made plain\n    '",
);

/** The default branch's config that lets sessions change workflows: only the contract guard stands. */
export const ALLOW_WORKFLOWS = 'session:\n  allowWorkflowChanges: true\n';

/**
 * The options with the build branch's seal beside its contract
 * (docs/verification.md, "The seal"), as the contract's publish takes it of a
 * tree holding `files`: taken of a throwaway repository of the same files.
 */
export async function withSeal(options: FixtureOptions): Promise<FixtureOptions> {
  const files = options.files ?? {};
  const dir = mkdtempSync(join(tmpdir(), 'baton-seal-'));
  const git = (args: string[]) =>
    run('git', args, { cwd: dir }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      () => ({ code: 1, stdout: '' }),
    );
  try {
    await git(['init', '--quiet', '-b', 'main']);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      if (typeof content === 'string') writeFileSync(join(dir, path), content);
      else symlinkSync(content.symlink, join(dir, path));
    }
    await git(['add', '-A']);
    await run('git', ['commit', '--quiet', '-m', 'tree'], { cwd: dir, env: GIT_ENV });
    const contract = JSON.parse(String(files[contractPath(BUILD)])) as { files: string[] };
    const seal = await takeSeal(git, 'HEAD', contract.files);
    if (seal instanceof Error) throw seal;
    return { ...options, files: { ...files, [sealPath(BUILD)]: sealText(seal) } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
