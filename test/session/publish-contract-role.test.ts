import { describe, expect, it } from 'vitest';
import { contractPath } from '../../src/core/plan/contract.js';
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

/** W0.1's contract session with `files` besides its report. */
function commitContract(files: Record<string, string>): string {
  // The app made W0.1's branch when it dispatched the session.
  const branch = `${h.fixture.base}:refs/heads/${workerBranch(BUILD, 'W0.1')}`;
  h.fixture.git(['push', '--quiet', h.fixture.remoteDir, branch]);
  const completion = makeCompletion({ worker_id: 'W0.1' });
  return workSession(
    h.fixture,
    { ...files, [completionPath(BUILD, 'W0.1')]: JSON.stringify(completion) },
    {
      worker: 'W0.1',
      result: { role: 'contract', worker: 'W0.1', branch: workerBranch(BUILD, 'W0.1'), completion },
    },
  );
}

describe("publish of the contract's session", () => {
  it('pushes its checks and contract.json, and opens its pull request into the build branch as a worker does', async () => {
    const head = commitContract({
      'test/login.test.js': "test('logs in', () => {});\n",
      [contractPath(BUILD)]: JSON.stringify(CONTRACT),
    });

    expect(await h.publish(CONTRACT_ENV)).toBe(PUBLISH_EXIT.published);

    expect(h.fixture.remoteSha(workerBranch(BUILD, 'W0.1'))).toBe(head);
    expect(h.writes()).toEqual([`POST ${PULLS}`]);
    const opened = h.github.api.find((call) => call.method === 'POST');
    expect(opened?.body).toMatchObject({
      head: workerBranch(BUILD, 'W0.1'),
      base: integrationBranch(BUILD),
    });
    // The worker's marker on a line of its own; the evidence publish measured ends the body.
    const body = (opened!.body as { body: string }).body;
    expect(body).toMatch(/^<!-- baton:worker build=12-add-login worker=W0\.1 -->$/m);
    expect(body).toMatch(/<!-- baton:evidence [A-Za-z0-9_-]+ -->$/);
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
});
