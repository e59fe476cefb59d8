import { describe, expect, it } from 'vitest';
import { contractPath } from '../../src/core/plan/contract.js';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { sealPath } from '../../src/core/verification/seal.js';
import { completionPath, integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { BUILD, makeCompletion, workSession } from './publish/fixture.js';
import { PULLS, usePublishHarness } from './publish/harness.js';

const h = usePublishHarness();

const CONTRACT_ENV = { BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' };

const CONTRACT = {
  version: 1,
  command: 'node --test test/',
  files: ['test/login.test.js'],
  checks: [{ criterion: 'W1.1:1', file: 'test/login.test.js', name: 'logs in' }],
  unchecked: [],
};

/** A contract session (W0.1's unless told: W0.2 … in a change set) with `files` besides its report. */
function commitContract(files: Record<string, string>, worker = 'W0.1'): string {
  // The app made the worker's branch when it dispatched the session.
  const branch = `${h.fixture.base}:refs/heads/${workerBranch(BUILD, worker)}`;
  h.fixture.git(['push', '--quiet', h.fixture.remoteDir, branch]);
  const completion = makeCompletion({ worker_id: worker });
  return workSession(
    h.fixture,
    { ...files, [completionPath(BUILD, worker)]: JSON.stringify(completion) },
    {
      worker,
      result: { role: 'contract', worker, branch: workerBranch(BUILD, worker), completion },
    },
  );
}

/** The commit `pushed` seals: its parent, checked to differ from it by `seal.json` alone. */
function sealedOn(pushed: string): string {
  h.fixture.git(['fetch', '--quiet', h.fixture.remoteDir, pushed]);
  const parent = h.fixture.git(['rev-parse', `${pushed}^`]);
  expect(h.fixture.git(['diff', '--name-only', parent, pushed])).toBe(sealPath(BUILD));
  return parent;
}

describe("publish of the contract's session", () => {
  it('pushes its checks and contract.json, and opens its pull request into the build branch as a worker does', async () => {
    const head = commitContract({
      'test/login.test.js': "test('logs in', () => {});\n",
      [contractPath(BUILD)]: JSON.stringify(CONTRACT),
    });

    expect(await h.publish(CONTRACT_ENV)).toBe(PUBLISH_EXIT.published);

    // Its head, and on it the seal publish takes of it (docs/verification.md, "The seal").
    const pushed = h.fixture.remoteSha(workerBranch(BUILD, 'W0.1')) ?? '';
    expect(sealedOn(pushed)).toBe(head);
    expect(h.writes()).toEqual([`POST ${PULLS}`]);
    const opened = h.github.api.find((call) => call.method === 'POST');
    expect(opened?.body).toMatchObject({
      head: workerBranch(BUILD, 'W0.1'),
      base: integrationBranch(BUILD),
    });
    const body = (opened!.body as { body: string }).body;
    expect(body).toContain('<!-- baton:worker build=12-add-login worker=W0.1 -->');
    // Its evidence says the contract changed: this pull request brings it.
    expect(parseEvidenceMarker(body)).toMatchObject({ head: pushed, contract: 'changed' });
  });

  it("pushes the checks and completion of a change set's second contract, W0.2, in its own repository", async () => {
    const head = commitContract(
      {
        'test/login.test.js': "test('logs in', () => {});\n",
        [contractPath(BUILD)]: JSON.stringify(CONTRACT),
      },
      'W0.2',
    );

    expect(await h.publish({ BATON_ROLE: 'contract', BATON_WORKER: 'W0.2' })).toBe(
      PUBLISH_EXIT.published,
    );
    expect(sealedOn(h.fixture.remoteSha(workerBranch(BUILD, 'W0.2')) ?? '')).toBe(head);
  });

  it('refuses a contract session that changes the code under test, and writes nothing', async () => {
    commitContract({
      'test/login.test.js': "test('logs in', () => {});\n",
      'src/login.ts': 'export const login = true;\n',
      [contractPath(BUILD)]: JSON.stringify(CONTRACT),
    });

    expect(await h.publish(CONTRACT_ENV)).toBe(PUBLISH_EXIT.refused);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain('src/login.ts is not a test file');
  });

  it.each([
    ['true', 'runs no test runner'],
    ['node --test test/ || true', 'lets what follows `||` decide'],
    ['node --test test/ ; exit 0', 'exits 0 whatever the checks do'],
    ['node --test src/', 'runs no test on test/login.test.js'],
  ])('refuses a contract whose command is %j, and writes nothing', async (command, why) => {
    commitContract({
      'test/login.test.js': "test('logs in', () => {});\n",
      [contractPath(BUILD)]: JSON.stringify({ ...CONTRACT, command }),
    });

    expect(await h.publish(CONTRACT_ENV)).toBe(PUBLISH_EXIT.refused);
    expect(h.writes()).toEqual([]);
    expect(h.summary()).toContain(why);
    expect(h.summary()).toContain('npx vitest run test/contract');
  });
});
