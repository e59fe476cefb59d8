import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { clearConfigCache, loadConfigAt } from '../../src/read-config.js';
import { testOctokit } from '../support/app-harness.js';
import { mountOnNock } from '../support/mount-nock.js';

const MINUTE = 60_000;

/** The config a reconcile reads at a default-branch head, and when it reads it again. */
describe('loadConfigAt', () => {
  let gh: FakeGitHub;
  beforeEach(() => {
    gh = new FakeGitHub({ owner: 'acme', repo: 'shop' });
    nock.disableNetConnect();
    mountOnNock(gh);
    clearConfigCache();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const reads = () =>
    gh.log.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/contents/{path}').length;
  const ctx = () => ({
    octokit: new (testOctokit())({ auth: 'token' }),
    owner: 'acme',
    repo: 'shop',
  });

  it("keeps a config made by the repository's own file alone for its head, however long", async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'maxParallel: 3\n' }, 'config');
    const sha = gh.git.resolve(gh.defaultBranch) ?? '';
    const first = await loadConfigAt(ctx(), sha, 0);
    expect(first.ok && first.config.maxParallel).toBe(3);
    const again = await loadConfigAt(ctx(), sha, 60 * MINUTE);
    expect(again).toEqual(first);
    expect(reads()).toBe(1);
  });

  it('names what is wrong in a file that is not YAML, with its line and column, not cut at a colon', async () => {
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'models:\n  plan: a: b\n' }, 'config');
    const read = await loadConfigAt(ctx(), gh.git.resolve(gh.defaultBranch) ?? '', 0);
    expect(read).toEqual({
      ok: false,
      problems: [
        {
          field: '(file)',
          line: 2,
          message:
            'is not valid YAML: Nested mappings are not allowed in compact mappings at line 2, column 9',
        },
      ],
    });
  });

  it("reads again after ten minutes where the config is not the repository's own file (the organisation's may change)", async () => {
    const sha = gh.git.resolve(gh.defaultBranch) ?? '';
    await loadConfigAt(ctx(), sha, 0);
    const once = reads();
    await loadConfigAt(ctx(), sha, 5 * MINUTE);
    expect(reads()).toBe(once);
    await loadConfigAt(ctx(), sha, 11 * MINUTE);
    expect(reads()).toBeGreaterThan(once);
  });
});
