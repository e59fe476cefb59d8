import { afterAll, describe, expect, it } from 'vitest';
import {
  BUILD_REF,
  fetchedBuildCommit,
  HEAD_REF,
  readPushedCommits,
} from '../../src/session/publish/checks/read-pushed-commits.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import { createScratchRepo } from '../../src/session/publish/scratch-repo.js';
import { gitIn, makeTempDir, removeTempDirs } from './agent-fixtures.js';
import { makeCompletion, workSession } from './publish/fixture.js';
import { usePublishHarness } from './publish/harness.js';
import { gitsStartedBy } from './publish/started-gits.js';
import { WORKER_COMPLETION } from './publish/worker-paths.js';

afterAll(removeTempDirs);

const h = usePublishHarness();

describe('the gits of a worker’s publish', () => {
  it('are 32 for a one-commit session of two files, each ref, commit list and record file read once', async () => {
    workSession(h.fixture, {
      'src/login.ts': 'export const login = true;\n',
      [WORKER_COMPLETION]: JSON.stringify(makeCompletion()),
    });
    let code = -1;
    const gits = await gitsStartedBy(async () => {
      code = await h.publish();
    });
    expect(code).toBe(PUBLISH_EXIT.published);
    const lines = gits.map((args) => args.join(' '));
    // 52 before refs, commit lists and the plan's files were read once a publish.
    expect(gits.length).toBeLessThanOrEqual(32);
    expect(lines.filter((line) => line.startsWith('rev-parse'))).toEqual([]);
    expect(lines.filter((line) => /^rev-list --parents [0-9a-f]{40} /.test(line))).toHaveLength(1);
    // Every ref is read again only after a fetch: the worker branch's, the build branch's, the default branch's.
    expect(lines.filter((line) => line.startsWith('for-each-ref'))).toHaveLength(3);
    expect(lines.filter((line) => line.startsWith('show'))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('cat-file -s'))).toEqual([]);
  });
});

/** A repository whose `main` is base ← one ← two, with `build` at the base. */
async function remote(): Promise<{ root: string; commits: string[] }> {
  const root = await makeTempDir();
  gitIn(root, 'init', '-q', '-b', 'main');
  const commits: string[] = [];
  for (const name of ['base', 'one', 'two']) {
    gitIn(root, 'commit', '-q', '--allow-empty', '-m', name);
    commits.push(gitIn(root, 'rev-parse', 'HEAD'));
  }
  gitIn(root, 'branch', 'build', commits[0] ?? '');
  return { root, commits };
}

describe('what publish keeps of its refs', () => {
  it('reads a build branch fetched again at its new commit, and the pushed commits against it', async () => {
    const { root, commits } = await remote();
    const [base = '', one = '', two = ''] = commits;
    const repo = await createScratchRepo(undefined);
    const fetch = (branch: string, ref: string) =>
      repo.must({ args: ['fetch', '--no-tags', '--quiet', root, `+refs/heads/${branch}:${ref}`] });
    try {
      await fetch('main', HEAD_REF);
      await fetch('build', BUILD_REF);
      expect(await fetchedBuildCommit(repo)).toBe(base);
      expect((await readPushedCommits({ repo, base })).map((c) => c.commit)).toEqual([two, one]);
      // The build branch moved on the remote: the next fetch brings it to `one`.
      gitIn(root, 'branch', '-f', 'build', one);
      await fetch('build', BUILD_REF);

      expect(await fetchedBuildCommit(repo)).toBe(one);
      expect((await readPushedCommits({ repo, base })).map((c) => c.commit)).toEqual([two]);
    } finally {
      await repo.dispose();
    }
  });

  it('reads the head a commit of publish’s own moved (`update-ref`)', async () => {
    const { root, commits } = await remote();
    const [base = '', one = ''] = commits;
    const repo = await createScratchRepo(undefined);
    try {
      await repo.must({ args: ['fetch', '--no-tags', '--quiet', root, `+main:${HEAD_REF}`] });
      expect(await repo.readRef(HEAD_REF)).toBe(commits[2]);
      await repo.must({ args: ['update-ref', HEAD_REF, one] });

      expect(await repo.readRef(HEAD_REF)).toBe(one);
      expect((await readPushedCommits({ repo, base })).map((c) => c.commit)).toEqual([one]);
    } finally {
      await repo.dispose();
    }
  });

  it('reads every ref by one git until one may move', async () => {
    const { root } = await remote();
    const repo = await createScratchRepo(undefined);
    try {
      await repo.must({ args: ['fetch', '--no-tags', '--quiet', root, `+main:${HEAD_REF}`] });
      const gits = await gitsStartedBy(async () => {
        await repo.readRef(HEAD_REF);
        await repo.must({ args: ['rev-list', '--count', HEAD_REF] });
        await repo.readRef(BUILD_REF);
        await repo.readRef(HEAD_REF);
      });
      expect(gits.map((args) => args[0])).toEqual(['for-each-ref', 'rev-list']);
    } finally {
      await repo.dispose();
    }
  });
});
