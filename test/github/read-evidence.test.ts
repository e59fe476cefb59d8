import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { contractPath } from '../../src/core/plan/contract.js';
import { type Evidence, renderEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { observeBuild } from '../../src/github/observe/observe-build.js';
import { mountReaderEachTest } from '../support/app-tests.js';
import { installedRepo, landPlan, tickingClock } from '../support/builds.js';

/**
 * What observe reads for evidence before a person reads (docs/verification.md):
 * publish's evidence marker on a worker pull request the app opened, from the
 * body as last edited, and `contract.json` on the build branch, size-capped.
 */
const BUILD = '1-add-oauth-login';
const BRANCH = `baton/${BUILD}/W1.1`;

describe('observe: evidence and the contract', () => {
  let gh: FakeGitHub;
  let ctx: RepoContext;
  mountReaderEachTest((mounted) => ({ gh, ctx } = mounted), {
    repo: () => installedRepo(tickingClock()),
  });

  function evidenceOf(head: string, paths: string[]): Evidence {
    return {
      version: 1,
      head,
      files: paths.map((path) => ({ path, status: 'added', lines: 3 })),
      contract: 'none',
      claims: { checked: 0, flagged: [] },
    };
  }

  /** The issue, the plan, and W1.1's branch with one commit; answers its head. */
  function build(): string {
    gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    landPlan(gh, { build: BUILD, issue: 1, workers: [{ id: 'W1.1' }] });
    return gh.git.commitOn(BRANCH, { 'w.txt': 'w' }, 'work');
  }

  async function observed() {
    const { snapshot } = await observeBuild(ctx, {
      build: BUILD,
      issue: 1,
      defaultBranch: gh.defaultBranch,
    });
    return snapshot;
  }

  it('reads the last evidence marker of a pull request the app opened, as its body was last edited', async () => {
    const head = build();
    const pull = gh.openPull({
      title: 'W1.1',
      body: `Work.\n\n${renderEvidenceMarker(evidenceOf(head, ['a.ts']))}`,
      head: BRANCH,
      base: integrationBranch(BUILD),
      user: gh.botLogin,
    });
    expect((await observed()).pulls[0]?.evidence?.files.map((file) => file.path)).toEqual(['a.ts']);

    // Publish rewrites the body after a fix: the newest marker is read.
    const edited = `Work.\n\n${renderEvidenceMarker(evidenceOf(head, ['.github/workflows/x.yml']))}`;
    // What `PATCH …/pulls/{n}` leaves: GitHub returns the body as last edited.
    pull.body = edited;
    expect((await observed()).pulls[0]?.evidence?.files.map((file) => file.path)).toEqual([
      '.github/workflows/x.yml',
    ]);
  });

  it('believes no marker on a pull request a person opened from a worker branch', async () => {
    const head = build();
    gh.openPull({
      title: 'W1.1',
      body: `Only docs.\n\n${renderEvidenceMarker(evidenceOf(head, ['README.md']))}`,
      head: BRANCH,
      base: integrationBranch(BUILD),
      user: 'maintainer',
    });
    const [pull] = (await observed()).pulls;
    expect(pull?.worker).toBe('W1.1');
    expect(pull?.evidence).toBeUndefined();
  });

  it.each<[string, string | null, string]>([
    ['none on the build branch', null, 'absent'],
    [
      'a valid contract',
      JSON.stringify({
        version: 1,
        command: 'npm test',
        files: ['test/contract.test.ts'],
        checks: [{ criterion: 'build:1', file: 'test/contract.test.ts', name: 'works' }],
      }),
      'valid',
    ],
    ['not JSON', '{', 'invalid'],
    ['not a contract', JSON.stringify({ version: 2 }), 'invalid'],
    ['larger than the app reads', `{"pad":"${'x'.repeat(70 * 1024)}"}`, 'invalid'],
  ])('reads contract.json: %s', async (_, text, kind) => {
    build();
    if (text !== null)
      gh.git.commitOn(integrationBranch(BUILD), { [contractPath(BUILD)]: text }, 'contract');
    const contract = (await observed()).contract;
    expect(contract?.kind ?? 'absent').toBe(kind);
  });
});
