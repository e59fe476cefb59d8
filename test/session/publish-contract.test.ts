import { describe, expect, it } from 'vitest';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { CONTRACT_TEST, CONTRACT_TEST_TEXT, contractOptions } from './publish/contract-fixture.js';
import { FIX_ENV, fixSession, makeCompletion, workSession } from './publish/fixture.js';
import { usePublishHarness } from './publish/harness.js';
import { WORKER_COMPLETION } from './publish/worker-paths.js';

const completion = JSON.stringify(makeCompletion());

describe('a contract that names a folder', () => {
  const h = usePublishHarness(contractOptions({ files: ['test'] }));

  it('guards each check file in it', async () => {
    workSession(h.fixture, {
      [CONTRACT_TEST]: CONTRACT_TEST_TEXT.replace("it('refuses", "it.only('refuses"),
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain(`${CONTRACT_TEST} weakens the build's contract: it gains a skip`);
  });

  it('refuses a new test file in it: the contract is what it published, byte for byte', async () => {
    workSession(h.fixture, {
      'test/logout.test.ts': "it('signs out', () => {\n  expect(logout()).toBe(true);\n});\n",
      [WORKER_COMPLETION]: completion,
    });

    expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain(
      "test/logout.test.ts changes the contract: it adds a file to the contract's folder",
    );
  });
});

describe('a fix session of a build with a contract', () => {
  const h = usePublishHarness(contractOptions());

  it('is held to the contract as the work session was', async () => {
    workSession(h.fixture, { 'src/login.ts': 'export {};\n', [WORKER_COMPLETION]: completion });
    expect(await h.publish()).toBe(PUBLISH_EXIT.published);
    fixSession(h.fixture, {
      [CONTRACT_TEST]: CONTRACT_TEST_TEXT.replace(
        "    expect(login('ada', 'wrong')).toBe(false);\n",
        '',
      ),
    });

    expect(await h.publish(FIX_ENV)).toBe(PUBLISH_EXIT.refused);
    expect(h.summary()).toContain(
      `${CONTRACT_TEST} weakens the build's contract: it asserts less: 2 assertions before, 1 after`,
    );
  });
});
