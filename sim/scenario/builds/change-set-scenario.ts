import { CHANGE_SET_CHECK_NAME, CONFIG_FILE } from '../../../src/core/vocabulary/ids.js';
import { installBaton } from '../../e2e.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import type { Scenario, ScenarioWorker } from '../scenario.js';

/**
 * A change set across three repositories of one installation
 * (docs/change-sets.md): `lib` renames `fetchUser` to `getUser`, `service`
 * (the issue's repository, which lists the others) follows it in two workers
 * that both re-export from `src/index.js` (the second to merge conflicts),
 * and `client` follows the service. lib is private and shares its text with
 * the other two. W1.1's first review asks for a change.
 */
export const SET_REPOSITORIES = {
  service: 'octo-org/service',
  lib: 'octo-org/lib',
  client: 'octo-org/client',
} as const;

export const CHANGE_SET_ISSUE = {
  title: 'Rename fetchUser to getUser',
  body: 'The library names it `getUser` now; the service and its client follow.\n\n- lib: rename, keep a test.\n- service: call `getUser`, and its retry helper.\n- client: follow the service.',
};

const TEST_IMPORTS =
  "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n";

/** A small ES module project named `name`, Baton set up, its default branch requiring `baton/change-set`. */
function setUpProject(gh: FakeGitHub, name: string, more: Record<string, string> = {}): void {
  installBaton(gh);
  gh.git.commitOn(
    gh.defaultBranch,
    {
      'README.md': `# ${name}\n\n- Code: \`src/\`, ES modules.\n- Tests: \`test/*.test.js\`, \`node --test\`.\n`,
      'package.json': `${JSON.stringify({ name, private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
      ...more,
    },
    'Describe the project',
  );
  gh.defaultBranchRequiredChecks.add(CHANGE_SET_CHECK_NAME);
  gh.requiredCheckSources.set(CHANGE_SET_CHECK_NAME, gh.appId);
}

/** Appends `text` to the repository's `.github/baton.yml` on its default branch. */
export function configure(gh: FakeGitHub, text: string): void {
  const path = `.github/${CONFIG_FILE}`;
  const head = gh.git.resolve(gh.defaultBranch) ?? '';
  const config = gh.git.filesOf(head).get(path) ?? '';
  gh.git.commitOn(gh.defaultBranch, { [path]: `${config}\n${text}` }, 'Configure change sets');
}

/** The service: the issue's repository, which lists the library and the client. */
export function setUpService(gh: FakeGitHub): void {
  setUpProject(gh, 'service');
  const { lib, client } = SET_REPOSITORIES;
  configure(gh, `changeSets:\n  repositories: [${lib}, ${client}]\n`);
}

/** The library: private, sharing its text with the service and the client. */
export function setUpLib(gh: FakeGitHub): void {
  setUpProject(gh, 'lib', {
    'src/users.js': 'export function fetchUser(id) {\n  return { id };\n}\n',
  });
  gh.visibility = 'private';
  const { service, client } = SET_REPOSITORIES;
  configure(gh, `changeSets:\n  shareWith: [${service}, ${client}]\n`);
}

export function setUpClient(gh: FakeGitHub): void {
  setUpProject(gh, 'client');
}

/** A repository of the same account that the app is not installed on. */
export const NOT_INSTALLED = 'octo-org/archive';

/** The service listing, beside the library and the client, a repository the app is not installed on. */
export function setUpServiceListingUninstalled(gh: FakeGitHub): void {
  setUpProject(gh, 'service');
  const { lib, client } = SET_REPOSITORIES;
  configure(gh, `changeSets:\n  repositories: [${lib}, ${client}, ${NOT_INSTALLED}]\n`);
}

/** A repository the app was never installed on: GitHub lists it in no installation, nor mints a token for it. */
export function setUpUninstalled(gh: FakeGitHub): void {
  gh.installed = false;
}

/** The set's four workers: W1.1 in lib, W2.1 and W2.2 in service, W3.1 in client. */
export function changeSetScenario(): Scenario {
  return {
    plan: {
      title: 'Rename fetchUser to getUser',
      summary: 'The library first, then the service that uses it, then the client of the service.',
      reads: ['README.md', `/views/${SET_REPOSITORIES.lib}/src/users.js`],
    },
    workers: [libWorker(), callsWorker(), retryWorker(), clientWorker()],
  };
}

/**
 * A worker of the set that writes one module, `src/<name>.js` exporting
 * `exported`, and its node:test test (`test`, after the test's imports), which
 * is its check; `reExported`: the module is exported from `src/index.js` too.
 */
function moduleWorker(
  module: { name: string; exported: string; source: string; test: string; reExported?: boolean },
  worker: Omit<ScenarioWorker, 'files' | 'check'>,
): ScenarioWorker {
  const { name, exported, source, test, reExported } = module;
  const { summary, reviews, ...rest } = worker;
  return {
    ...rest,
    files: {
      [`src/${name}.js`]: source,
      [`test/${name}.test.js`]: `${TEST_IMPORTS}import { ${exported} } from '../src/${name}.js';\n\n${test}`,
      ...(reExported ? { 'src/index.js': `export { ${exported} } from './${name}.js';\n` } : {}),
    },
    check: `node --test test/${name}.test.js`,
    summary,
    ...(reviews ? { reviews } : {}),
  };
}

function libWorker(): ScenarioWorker {
  return moduleWorker(
    {
      name: 'users',
      exported: 'getUser',
      source: 'export function getUser(id) {\n  return { id };\n}\n',
      test: "test('gets a user by id', () => {\n  assert.equal(getUser(7).id, 7);\n});\n",
    },
    {
      id: 'W1.1',
      repository: SET_REPOSITORIES.lib,
      title: 'Rename fetchUser to getUser',
      complexity: 'easy',
      mission: 'Rename `fetchUser(id)` to `getUser(id)` in the library.',
      context: '`src/users.js` exports `fetchUser(id)`; nothing else in lib calls it.',
      requirements: ['`src/users.js` exports `getUser(id)`.', 'A test in `test/users.test.js`.'],
      criteria: ['`getUser(7).id` is `7`', 'the test passes'],
      summary: 'Renamed `fetchUser` to `getUser` in `src/users.js`, with its test.',
      reviews: [
        {
          verdict: 'changes-requested',
          on: 'return',
          comment: 'An id given as a string comes back a string. Take `Number(id)`.',
          fix: {
            old: '  return { id };',
            new: '  return { id: Number(id) };',
            summary: 'After review, `getUser` takes `Number(id)`.',
          },
        },
      ],
    },
  );
}

/** Where the service's workers stand: in acme/service, after W1.1's rename in the library. */
const AFTER_THE_RENAME = {
  repository: SET_REPOSITORIES.service,
  depends_on: ['W1.1'],
  context:
    "W1.1 renamed the library's `fetchUser` to `getUser`; its report is in the build record.",
};

function callsWorker(): ScenarioWorker {
  return moduleWorker(
    {
      name: 'calls',
      exported: 'userName',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
      source: 'export function userName(id) {\n  return `user ${id}`;\n}\n',
      test: "test('names a user', () => {\n  assert.equal(userName(7), 'user 7');\n});\n",
      reExported: true,
    },
    {
      id: 'W2.1',
      ...AFTER_THE_RENAME,
      title: 'Call getUser',
      mission: 'Make the service call `getUser`, as the library now names it.',
      requirements: ['`src/calls.js` exports `userName(id)`.', 'Re-export it from `src/index.js`.'],
      criteria: ['`userName(7)` is `user 7`', 'the test passes'],
      summary: 'Added `userName` in `src/calls.js`, exported from `src/index.js`.',
    },
  );
}

function retryWorker(): ScenarioWorker {
  return moduleWorker(
    {
      name: 'retry',
      exported: 'retry',
      source:
        'export function retry(fn, times) {\n  for (let i = 1; ; i++) {\n    try {\n      return fn();\n    } catch (error) {\n      if (i >= times) throw error;\n    }\n  }\n}\n',
      test: "test('gives up after the tries', () => {\n  let tries = 0;\n  assert.throws(() => retry(() => { tries++; throw new Error('no'); }, 3));\n  assert.equal(tries, 3);\n});\n",
      reExported: true,
    },
    {
      id: 'W2.2',
      ...AFTER_THE_RENAME,
      title: 'Retry getUser',
      complexity: 'easy',
      mission: 'Add a retry helper around `getUser` calls.',
      requirements: [
        '`src/retry.js` exports `retry(fn, times)`.',
        'Re-export it from `src/index.js`.',
      ],
      criteria: ['`retry` gives up after `times` tries', 'the test passes'],
      summary: 'Added `retry(fn, times)` in `src/retry.js`, exported from `src/index.js`.',
    },
  );
}

function clientWorker(): ScenarioWorker {
  return moduleWorker(
    {
      name: 'show',
      exported: 'show',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source that a worker writes
      source: 'export function show(id) {\n  return `[user ${id}]`;\n}\n',
      test: "test('shows a user', () => {\n  assert.equal(show(7), '[user 7]');\n});\n",
    },
    {
      id: 'W3.1',
      repository: SET_REPOSITORIES.client,
      title: 'Follow the service',
      depends_on: ['W2.1'],
      complexity: 'easy',
      mission: "Show users by the service's `userName`.",
      context: 'W2.1 added `userName(id)` to the service; its report is in the build record.',
      requirements: ['`src/show.js` exports `show(id)`.', 'A test in `test/show.test.js`.'],
      criteria: ['`show(7)` is `[user 7]`', 'the test passes'],
      summary: 'Added `show(id)` in `src/show.js`, with its test.',
    },
  );
}
