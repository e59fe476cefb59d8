import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { SetAction } from '../../src/core/change-set/set-action.js';
import type { ActLog } from '../../src/github/act/act.js';
import { actSet } from '../../src/github/change-set/act-set.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import type { Octokit, RepoContext } from '../../src/github/client/types.js';
import { nockEachTest } from '../support/nock-each-test.js';

const API = 'https://api.github.com';
const quiet: ActLog = { info: () => {}, warn: () => {}, error: () => {} };
const BUILD = '12-rename-fetch';

/** acme/lib's fix worker W2.2: its copy of the plan first, then the set's on acme/service. */
const LINK: SetAction = {
  kind: 'add-member-fixes',
  repository: 'acme/lib',
  workers: ['W2.2'],
  message: "Fix workers W2.2 for acme/lib's failed validation",
  writes: [
    {
      repository: 'acme/lib',
      branch: 'baton/m/integration',
      base: 'lib-head',
      files: { 'm/plan.json': '{}\n' },
    },
    {
      repository: 'acme/service',
      branch: 'baton/s/integration',
      base: 'set-head',
      files: { 's/plan.json': '{}\n' },
    },
  ],
};

function service(): RepoContext {
  const octokit = new BatonOctokit({
    auth: 'ghs_test',
    retry: { enabled: false },
    throttle: { enabled: false },
  } as never) as unknown as Octokit;
  return {
    octokit,
    owner: 'acme',
    repo: 'service',
    botLogin: 'baton[bot]',
    octokitFor: async () => octokit,
  };
}

/** One branch's commit: the parent's tree read, the new tree (`tree`: its sha), the commit, the fast-forward. */
function commitOn(
  scope: nock.Scope,
  {
    repo,
    base,
    tree,
    moved = false,
  }: { repo: string; base: string; tree: string; moved?: boolean },
): nock.Scope {
  const at = `/repos/acme/${repo}/git`;
  scope
    .get(`${at}/commits/${base}`)
    .reply(200, { sha: base, tree: { sha: `${base}-tree` } })
    .post(`${at}/trees`, (body) => body.base_tree === `${base}-tree`)
    .reply(201, { sha: tree });
  if (tree === `${base}-tree`) return scope;
  return scope
    .post(`${at}/commits`, {
      message: LINK.kind === 'add-member-fixes' ? LINK.message : '',
      tree,
      parents: [base],
    })
    .reply(201, { sha: `${repo}-fix` })
    .patch(`${at}/refs/heads%2F${repo === 'lib' ? 'baton%2Fm' : 'baton%2Fs'}%2Fintegration`, {
      sha: `${repo}-fix`,
      force: false,
    })
    .reply(moved ? 422 : 200, moved ? { message: 'Update is not a fast forward' } : {});
}

/** The link acted on with each branch's commit answered as `commits` say; its outcome, once every answer was asked for. */
async function actOn(...commits: Parameters<typeof commitOn>[1][]) {
  const scope = nock(API);
  for (const commit of commits) commitOn(scope, commit);
  const [outcome] = await actSet(service(), { links: [LINK], build: BUILD, log: quiet });
  expect(scope.isDone()).toBe(true);
  return outcome;
}

describe("a member's fix workers, written as the app", () => {
  nockEachTest();

  it("commits on the member's build branch, then on the set's, each a fast-forward of the head read", async () => {
    const outcome = await actOn(
      { repo: 'lib', base: 'lib-head', tree: 'lib-tree' },
      { repo: 'service', base: 'set-head', tree: 'set-tree' },
    );
    expect(outcome?.result).toBe('done');
  });

  it('writes nothing where the branch holds the files already, and goes on to the next', async () => {
    const outcome = await actOn(
      { repo: 'lib', base: 'lib-head', tree: 'lib-head-tree' },
      { repo: 'service', base: 'set-head', tree: 'set-tree' },
    );
    expect(outcome?.result).toBe('done');
  });

  it("leaves the set's plan alone when the member's branch moved since it was read", async () => {
    // The set's plan never names a worker whose brief the member's branch lacks.
    const outcome = await actOn({ repo: 'lib', base: 'lib-head', tree: 'lib-tree', moved: true });
    expect(outcome?.result).toBe('unchanged');
    expect(outcome?.detail).toBe('baton/m/integration moved since it was read');
  });
});
