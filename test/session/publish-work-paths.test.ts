import { describe, expect, it } from 'vitest';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import {
  CONTRACT_TEST,
  CONTRACT_TEST_TEXT,
  contractOptions,
  PACKAGE_JSON_TEXT,
  withSeal,
} from './publish/contract-fixture.js';
import { type Files, makeCompletion, symlink, workSession } from './publish/fixture.js';
import { PULLS, usePublishHarness } from './publish/harness.js';
import { WORKER_COMPLETION } from './publish/worker-paths.js';

/**
 * The contract's tree takes from a worker's head only the work
 * (docs/verification.md, "The contract's tree"): publish of a worker not given
 * the contract refuses a change to what runs the checks with the path and why,
 * and marks what the allowlist cannot judge for a person. Before the tree,
 * each of these was published as it is, none sealed.
 */
const SEALED = await withSeal(contractOptions());
const completion = JSON.stringify(makeCompletion());
const work: Files = {
  'src/login.ts':
    "export const login = (_user: string, password: string) => password === 'secret';\n",
  [WORKER_COMPLETION]: completion,
};

describe('a worker not given the contract, against the contract’s tree', () => {
  const h = usePublishHarness(SEALED);

  it.each<[string, Files, string]>([
    [
      'a `node` committed under `node_modules/.bin`',
      { 'node_modules/.bin/node': '#!/bin/sh\nexec /usr/bin/node "$@"\n' },
      "node_modules/.bin/node changes what runs the contract: it is under `node_modules/`, a tool's folder",
    ],
    [
      'a `tests/pytest.ini` loading a plugin',
      { 'tests/pytest.ini': '[pytest]\naddopts = -p cheat\n' },
      "tests/pytest.ini changes what runs the contract: it is a runner's or tool's settings",
    ],
    [
      'a `.babelrc.json` beside Jest’s checks',
      { '.babelrc.json': '{ "plugins": ["./cheat.js"] }\n' },
      ".babelrc.json changes what runs the contract: it is a runner's or tool's settings",
    ],
    [
      'a `tsconfig.json` path pointing the checks’ helpers elsewhere',
      {
        'tsconfig.json': '{ "compilerOptions": { "paths": { "#helpers/*": ["./src/fake/*"] } } }\n',
      },
      "tsconfig.json changes what runs the contract: it is a runner's or tool's settings",
    ],
    [
      'a plugin’s entry point in an installed package’s metadata',
      { 'cheat-1.0.dist-info/entry_points.txt': '[pytest11]\ncheat = cheat\n' },
      "cheat-1.0.dist-info/entry_points.txt changes what runs the contract: it is under `cheat-1.0.dist-info/`, a tool's folder",
    ],
    [
      'the manifest declaring the runner from a folder of the tree',
      {
        'package.json': PACKAGE_JSON_TEXT.replace(
          '"private": true,',
          '"private": true,\n  "devDependencies": { "vitest": "file:./tools/vitest" },',
        ),
      },
      "package.json changes the runner's packages: package.json changed since the build branch, and what it declares of the runner with it: devDependencies.vitest was absent, and is `file:./tools/vitest`",
    ],
    [
      'a lock entry resolving the runner from a folder of the tree',
      {
        'package-lock.json': JSON.stringify({
          lockfileVersion: 3,
          packages: { 'node_modules/vitest': { version: '4.1.12', resolved: 'file:tools/vitest' } },
        }),
      },
      "package-lock.json changes the runner's packages: package-lock.json changed since the build branch, and the runner's packages with it: vitest (node_modules/vitest)",
    ],
    [
      'the code under test replaced by a link',
      { 'src/login.ts': symlink('../test/login.test.ts') },
      'src/login.ts changes what runs the contract: it is a symbolic link',
    ],
    [
      "the check's import pointed at a double, no assertion line changed",
      {
        [CONTRACT_TEST]: CONTRACT_TEST_TEXT.replace("'../src/login.js'", "'./double.js'"),
        'test/double.ts': "export const login = (_u: string, p: string) => p === 'secret';\n",
      },
      `${CONTRACT_TEST} changes the contract: it changes a contract file beyond taking the expected-failure mark off W1.1's own checks`,
    ],
  ])('is refused %s, with the path and why', async (_name, files, said) => {
    workSession(h.fixture, { ...work, ...files });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain(said);
  });

  it('publishes data the allowlist cannot judge, marked for a person: it changes what runs the contract', async () => {
    workSession(h.fixture, { ...work, 'src/users.json': '["ada"]\n', 'test/users.test.ts': '' });

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    const opened = h.github.api.find((call) => call.method === 'POST' && call.path === PULLS);
    const body = (opened?.body as { body?: string } | undefined)?.body ?? '';
    const files = parseEvidenceMarker(body)?.files ?? [];
    expect(files.find((file) => file.path === 'src/users.json')).toMatchObject({
      runsContract: true,
    });
    expect(files.find((file) => file.path === 'src/login.ts')).not.toHaveProperty('runsContract');
    expect(files.find((file) => file.path === 'test/users.test.ts')).not.toHaveProperty(
      'runsContract',
    );
  });
});
