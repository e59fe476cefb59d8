import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import { answeredInTurn, nockEachTest } from '../support/nock-each-test.js';

const API = 'https://api.github.com';
const MERGE = '/repos/octo/widgets/pulls/7/merge';

/** The app's client with its retry policy on and waits of a millisecond. */
function client() {
  return new BatonOctokit({
    auth: 'ghs_test',
    retry: { retryAfterBaseValue: 1 },
    throttle: { enabled: false },
  } as never);
}

function merge(octokit: ReturnType<typeof client>) {
  return octokit.rest.pulls.merge({ owner: 'octo', repo: 'widgets', pull_number: 7, sha: 'abc' });
}

describe("the app's retry policy", () => {
  nockEachTest();

  it.each([405, 409, 422])(
    'does not retry a %i from a merge, which cannot succeed',
    async (status) => {
      const scope = nock(API).put(MERGE).reply(status, { message: 'refused' });
      await expect(merge(client())).rejects.toMatchObject({ status });
      expect(scope.isDone()).toBe(true);
      expect(nock.pendingMocks()).toEqual([]);
    },
  );

  it('retries a 502 from a merge, and stops at the 405 that follows', async () => {
    const scope = answeredInTurn(API, 'PUT', MERGE, [
      [502, { message: 'Server Error' }],
      [405, { message: 'Pull Request is not mergeable' }],
      [200, { merged: true }],
    ]);
    await expect(merge(client())).rejects.toMatchObject({ status: 405 });
    // The third answer was never asked for.
    expect(scope.pendingMocks()).toEqual([`PUT ${API}:443${MERGE}`]);
  });

  it('retries a 502 until GitHub answers', async () => {
    const scope = answeredInTurn(API, 'PUT', MERGE, [
      [502, { message: 'Server Error' }],
      [200, { merged: true, sha: 'def' }],
    ]);
    const { data } = await merge(client());
    expect(data).toMatchObject({ merged: true });
    expect(scope.isDone()).toBe(true);
  });
});
