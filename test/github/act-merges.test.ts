import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { type ActLog, act } from '../../src/github/act/act.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import type { Octokit } from '../../src/github/client/types.js';
import { makeSnapshot } from '../core/factories.js';
import { nockEachTest } from '../support/nock-each-test.js';

const API = 'https://api.github.com';
const quiet: ActLog = { info: () => {}, warn: () => {}, error: () => {} };
const merge = (pull: number): Action => ({
  kind: 'merge-pull',
  pull,
  worker: `W1.${pull - 100}`,
  sha: `sha${pull}`,
  method: 'squash',
});

function repo() {
  const octokit = new BatonOctokit({
    auth: 'ghs_test',
    retry: { enabled: false },
    throttle: { enabled: false },
  } as never) as unknown as Octokit;
  return { octokit, owner: 'octo', repo: 'widgets', botLogin: 'baton[bot]' };
}

describe('merges of one pass', () => {
  nockEachTest();

  it('go in order, and stop at the first that does not go: the rest wait for the next look', async () => {
    const scope = nock(API)
      .put('/repos/octo/widgets/pulls/101/merge', { sha: 'sha101', merge_method: 'squash' })
      .reply(200, { merged: true })
      .put('/repos/octo/widgets/pulls/102/merge')
      .reply(405, { message: 'Pull Request is not mergeable' });
    const outcomes = await act(repo(), {
      snapshot: makeSnapshot(),
      actions: [merge(101), merge(102), merge(103)],
      log: quiet,
    });
    expect(outcomes.map((outcome) => [outcome.action.kind, outcome.result])).toEqual([
      ['merge-pull', 'done'],
      ['merge-pull', 'failed'],
      ['merge-pull', 'unchanged'],
    ]);
    // PR 103 was never asked for.
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
