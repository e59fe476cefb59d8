import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractPath } from '../../src/core/plan/contract.js';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { SEAL_MAX_FILES, Seal, sealPath } from '../../src/core/verification/seal.js';
import { completionPath, workerBranch } from '../../src/core/vocabulary/ids.js';
import { takeSeal } from '../../src/session/publish/checks/contract/seal-tree.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import {
  CONTRACT_TEST,
  CONTRACT_TEST_TEXT,
  contractOptions,
  PACKAGE_JSON_TEXT,
  RUNNER_CONFIG,
  withSeal,
} from './publish/contract-fixture.js';
import {
  BUILD,
  type Files,
  type Fixture,
  GIT_ENV,
  makeCompletion,
  workSession,
} from './publish/fixture.js';
import { PULLS, usePublishHarness } from './publish/harness.js';
import { WORKER_COMPLETION } from './publish/worker-paths.js';

const HELPER = 'test/helpers.ts';
const HELPER_TEXT = "export const ADA = { name: 'ada', password: 'secret' };\n";
const CHECK_WITH_HELPER = CONTRACT_TEST_TEXT.replace(
  "import { login } from '../src/login.js';\n",
  "import { login } from '../src/login.js';\nimport { ADA } from './helpers.js';\n",
);

/** A build branch whose contract's check imports a helper, sealed as the contract's publish seals it. */
const base = contractOptions({ checkText: CHECK_WITH_HELPER });
const SEALED = await withSeal({ ...base, files: { ...base.files, [HELPER]: HELPER_TEXT } });

const completion = JSON.stringify(makeCompletion());

/** What a worker not given the contract may not bring: each makes the command pass on wrong code. */
const ATTACKS: Array<{ name: string; file: string; text: string; rule: string }> = [
  {
    name: '.npmrc script-shell=/bin/true',
    file: '.npmrc',
    text: 'script-shell=/bin/true\n',
    rule: 'it is sealed as absent',
  },
  {
    name: '.npmrc node-options preloading a module',
    file: '.npmrc',
    text: 'node-options=--require ./test/exit-zero.cjs\n',
    rule: 'it is sealed as absent',
  },
  {
    name: 'a Vitest include elsewhere with passWithNoTests',
    file: RUNNER_CONFIG,
    text: "export default { test: { include: ['nowhere/**'], passWithNoTests: true } };\n",
    rule: 'it is sealed with the contract',
  },
  {
    name: 'a setupFiles entry that overrides expect',
    file: RUNNER_CONFIG,
    text: "export default { test: { include: ['test/**/*.test.ts'], setupFiles: ['./test/setup.ts'] } };\n",
    rule: 'it is sealed with the contract',
  },
  {
    name: 'the helper the check imports, emptied',
    file: HELPER,
    text: 'export const ADA = {};\n',
    rule: 'it is sealed with the contract',
  },
  {
    name: 'a jest block in package.json leaving the tests out',
    file: 'package.json',
    text: `${JSON.stringify({ ...JSON.parse(PACKAGE_JSON_TEXT), jest: { testPathIgnorePatterns: ['/test/'] } }, null, 2)}\n`,
    rule: 'it is sealed with the contract but for its dependency lists',
  },
  {
    name: 'a conftest.py marking every test xfail',
    file: 'test/conftest.py',
    text: 'import pytest\n\ndef pytest_collection_modifyitems(items):\n    for item in items:\n        item.add_marker(pytest.mark.xfail)\n',
    rule: 'it is sealed as absent',
  },
];

describe('a worker not given the contract', () => {
  const h = usePublishHarness(SEALED);

  it.each(ATTACKS)(
    'is refused $name, naming the file and the rule',
    async ({ file, text, rule }) => {
      workSession(h.fixture, {
        'src/login.ts': 'export const login = () => true;\n',
        [file]: text,
        [WORKER_COMPLETION]: completion,
      });

      expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
      expect(h.writes()).toEqual([]);
      const summary = h.summary();
      expect(summary).toContain(`${file} changes the build's seal: ${rule}`);
      expect(summary).toContain(
        'change the code under test; a change to the seal goes through `/replan`',
      );
    },
  );

  it("publishes a dependency added to package.json: its dependency lists stay the workers'", async () => {
    const manifest = JSON.parse(PACKAGE_JSON_TEXT);
    workSession(h.fixture, {
      'package.json': `${JSON.stringify({ ...manifest, dependencies: { kleur: '^4.1.5' } }, null, 2)}\n`,
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
  });

  it('publishes a change to the code under test and a new test file the seal does not hold', async () => {
    workSession(h.fixture, {
      'src/login.ts': 'export const login = () => true;\n',
      'test/logout.test.ts': "it('signs out', () => {\n  expect(logout()).toBe(true);\n});\n",
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
  });
});

/** The same build branch, where the plan gives W1.1 the contract. */
const given = contractOptions({ contract: true, checkText: CHECK_WITH_HELPER });
const GIVEN = await withSeal({ ...given, files: { ...given.files, [HELPER]: HELPER_TEXT } });

describe('a worker the plan gives the contract', () => {
  const h = usePublishHarness(GIVEN);

  it('may change a sealed file, and its publish seals the head again', async () => {
    const head = workSession(h.fixture, {
      [HELPER]: "export const ADA = { name: 'ada', password: 'secret', admin: false };\n",
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    const pushed = h.fixture.remoteSha(workerBranch(BUILD, 'W1.1')) ?? '';
    const seal = sealAt(h.fixture, pushed, head);
    const helper = seal.files.find((entry) => entry.path === HELPER);
    expect(helper?.blob).toBe(h.fixture.git(['rev-parse', `${pushed}:${HELPER}`]));
  });
});

/**
 * A session of the contract's worker (W0.1) on its branch, started from the
 * base: it commits `files` and its report. Answers its head.
 */
function contractWork(fixture: Fixture, files: Files): string {
  const branch = workerBranch(BUILD, 'W0.1');
  fixture.git(['push', '--quiet', fixture.remoteDir, `${fixture.base}:refs/heads/${branch}`]);
  const worker = makeCompletion({ worker_id: 'W0.1' });
  return workSession(
    fixture,
    { ...files, [completionPath(BUILD, 'W0.1')]: JSON.stringify(worker) },
    { worker: 'W0.1', result: { role: 'contract', worker: 'W0.1', branch, completion: worker } },
  );
}

describe("the contract's publish", () => {
  const h = usePublishHarness({ files: { 'package.json': PACKAGE_JSON_TEXT } });
  const branch = workerBranch(BUILD, 'W0.1');
  const env = { BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' };

  /** W0.1's first session: its check importing a helper, and contract.json. Answers its head. */
  function contractSession(): string {
    return contractWork(h.fixture, {
      [CONTRACT_TEST]: CHECK_WITH_HELPER,
      [HELPER]: HELPER_TEXT,
      [contractPath(BUILD)]: JSON.stringify({
        version: 1,
        command: 'npx vitest run test/login.test.ts',
        files: [CONTRACT_TEST],
        checks: [
          {
            criterion: 'W1.1:1',
            file: CONTRACT_TEST,
            name: 'login › accepts the right password',
          },
        ],
      }),
    });
  }

  it('commits the seal of the head it pushes beside contract.json, and its pull request says so', async () => {
    const head = contractSession();

    expect(await h.publish(env)).toBe(PUBLISH_EXIT.published);
    const pushed = h.fixture.remoteSha(branch) ?? '';
    const seal = sealAt(h.fixture, pushed, head);
    const entry = (path: string) => seal.files.find((each) => each.path === path);
    expect(entry(CONTRACT_TEST)).toMatchObject({ kind: 'contract', mode: '100644' });
    expect(entry(HELPER)).toMatchObject({ kind: 'sealed', mode: '100644' });
    expect(entry('package.json')?.kind).toBe('manifest');
    expect(entry('package.json')?.blob).toBe(
      h.fixture.git(['rev-parse', `${pushed}:package.json`]),
    );
    for (const absent of ['.npmrc', 'vitest.config.ts', 'test/conftest.py', 'conftest.py']) {
      expect(entry(absent)).toMatchObject({ kind: 'sealed', mode: null, blob: null });
    }
    // The code under test is the workers', never sealed.
    expect(entry('src/app.ts')).toBeUndefined();
    const opened = h.github.api.find((call) => call.method === 'POST' && call.path === PULLS);
    const body = (opened?.body as { body?: string } | undefined)?.body ?? '';
    expect(parseEvidenceMarker(body)).toMatchObject({ head: pushed, contract: 'changed' });
    expect(h.summary()).toContain(`Sealed the contract at ${pushed.slice(0, 7)}`);
  });

  it('finds the seal it pushed when run again, and pushes nothing new', async () => {
    const head = contractSession();
    expect(await h.publish(env)).toBe(PUBLISH_EXIT.published);
    const pushed = h.fixture.remoteSha(branch) ?? '';

    expect(await h.publish(env)).toBe(PUBLISH_EXIT.published);
    expect(h.fixture.remoteSha(branch)).toBe(pushed);
    expect(sealAt(h.fixture, pushed, head).files.length).toBeGreaterThan(0);
  });
});

describe("the contract's session", () => {
  const h = usePublishHarness();

  it('may not write the seal itself', async () => {
    contractWork(h.fixture, {
      [CONTRACT_TEST]: CONTRACT_TEST_TEXT,
      [sealPath(BUILD)]: JSON.stringify({ version: 1, files: [] }),
    });

    expect(await h.publish({ BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' })).toBe(
      PUBLISH_EXIT.refused,
    );
    expect(h.summary()).toContain(`${sealPath(BUILD)}: the contract's worker writes only checks`);
  });
});

describe('a seal', () => {
  it('is not taken where the checks reach more files than a seal holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-seal-bound-'));
    try {
      const files = Array.from(
        { length: SEAL_MAX_FILES + 1 },
        (_, n) => `test/contract/c${n}.test.ts`,
      );
      mkdirSync(join(dir, 'test', 'contract'), { recursive: true });
      for (const file of files) writeFileSync(join(dir, file), `it('${file}', () => {});\n`);
      const git = (args: string[]) => {
        try {
          return Promise.resolve({
            code: 0,
            stdout: execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }),
          });
        } catch {
          return Promise.resolve({ code: 1, stdout: '' });
        }
      };
      await git(['init', '--quiet']);
      await git(['add', '-A']);
      await git(['commit', '--quiet', '-m', 'checks']);
      const seal = await takeSeal(git, 'HEAD', ['test/contract']);
      expect(seal).toBeInstanceOf(Error);
      expect(String(seal)).toContain(
        `the contract's checks reach more than ${SEAL_MAX_FILES} files`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The seal a pushed commit holds, checked to be one commit on `head` that adds only `seal.json`. */
function sealAt(
  fixture: { git: (args: string[]) => string; remoteDir: string },
  pushed: string,
  head: string,
): Seal {
  fixture.git(['fetch', '--quiet', fixture.remoteDir, pushed]);
  expect(fixture.git(['rev-parse', `${pushed}^`])).toBe(head);
  expect(fixture.git(['diff', '--name-only', head, pushed])).toBe(sealPath(BUILD));
  return Seal.parse(JSON.parse(fixture.git(['show', `${pushed}:${sealPath(BUILD)}`])));
}
