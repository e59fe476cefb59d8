import { describe, expect, it } from 'vitest';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import {
  type FileContent,
  gitlink,
  makeCompletion,
  symlink,
  workSession,
} from '../session/publish/fixture.js';
import { usePublishHarness } from '../session/publish/harness.js';
import { WORKER_BRANCH, WORKER_COMPLETION } from '../session/publish/worker-paths.js';

/**
 * A work session that commits what the diff does not show its reviewers: a
 * symbolic link a later workflow (docs upload, artifact, Pages) would follow
 * to a runner file or the checkout's `.git`, or a submodule whose code CI
 * would fetch unreviewed. Each is refused in any commit, and nothing reaches
 * the remote; links that stay inside the repository are published.
 */
const completion = JSON.stringify(makeCompletion());
const SUBMODULE_COMMIT = 'c0ffee'.repeat(6).concat('c0ff');

type Steps = Array<Record<string, FileContent>>;

describe('publish refuses links and submodules that leave what reviewers read', () => {
  const h = usePublishHarness();

  /** Modes of the worker branch's paths on the remote. */
  const remoteModes = () =>
    Object.fromEntries(
      h.fixture
        .git(['--git-dir', h.fixture.remoteDir, 'ls-tree', '-r', WORKER_BRANCH])
        .split('\n')
        .map((line) => [line.split('\t')[1], line.split(' ')[0]]),
    );

  it('publishes relative links that stay inside the repository, also through one another', async () => {
    workSession(h.fixture, [
      {
        'docs/app.ts': symlink('../src/app.ts'),
        'docs/guide/intro.md': symlink('../../README.md'),
        latest: symlink('docs'),
        'docs/current.ts': symlink('../latest/app.ts'),
        'src/nested/up': symlink('..'),
        [WORKER_COMPLETION]: completion,
      },
    ]);

    expect(await h.publish()).toBe(PUBLISH_EXIT.published);

    expect(remoteModes()).toMatchObject({
      'docs/app.ts': '120000',
      'docs/guide/intro.md': '120000',
      latest: '120000',
      'docs/current.ts': '120000',
      'src/nested/up': '120000',
    });
  });

  it.each([
    {
      attack: 'an absolute link to the runner’s environment',
      steps: [{ 'docs/env': symlink('/proc/self/environ') }],
      reason: 'docs/env is a symbolic link to "/proc/self/environ", commit',
      why: 'its target is an absolute path, outside the repository',
    },
    {
      attack: 'an absolute Windows path',
      steps: [{ 'docs/creds': symlink('C:\\Users\\runneradmin\\.credentials') }],
      reason: 'docs/creds is a symbolic link to "C:\\\\Users',
      why: 'its target is an absolute path',
    },
    {
      attack: 'a link that climbs above the repository',
      steps: [{ 'docs/creds': symlink('../../../.credentials') }],
      reason: 'docs/creds is a symbolic link to "../../../.credentials"',
      why: 'it resolves outside the repository',
    },
    {
      attack: 'a link into the checkout’s .git (its persisted token)',
      steps: [{ 'docs/config': symlink('../.git/config') }],
      reason: 'docs/config is a symbolic link to "../.git/config"',
      why: 'it goes through .git',
    },
    {
      attack: '.git spelled as a case-insensitive runner reads it',
      steps: [{ 'docs/config': symlink('../.GIT./config') }],
      reason: 'docs/config is a symbolic link to "../.GIT./config"',
      why: 'it goes through .git',
    },
    {
      attack: 'a link to the repository’s root (and so its .git)',
      steps: [{ 'docs/all': symlink('..') }],
      reason: 'docs/all is a symbolic link to ".."',
      why: 'it resolves to the repository',
    },
    {
      attack: 'a link that stays inside only if in-repository links are not followed',
      steps: [{ 'a/b/c/d': symlink('..'), x: symlink('a/b/c/d/../../../../etc/passwd') }],
      reason: 'x is a symbolic link to "a/b/c/d/../../../../etc/passwd"',
      why: 'it resolves outside the repository through a/b/c/d',
    },
    {
      attack: 'a folder made a link in a later commit, so an earlier link escapes',
      steps: [
        { 'a/b/c/d/keep.txt': 'kept\n', x: symlink('a/b/c/d/../../../../etc/passwd') },
        { 'a/b/c/d/keep.txt': null, 'a/b/c/d': symlink('..') },
      ],
      reason: 'x is a symbolic link to "a/b/c/d/../../../../etc/passwd"',
      why: 'it resolves outside the repository through a/b/c/d',
    },
    {
      attack: 'a link reached by a name in another case (macOS and Windows runners)',
      steps: [{ 'A/B/C/D': symlink('..'), x: symlink('a/b/c/d/../../../../etc/passwd') }],
      reason: 'x is a symbolic link to "a/b/c/d/../../../../etc/passwd"',
      why: 'it resolves outside the repository through A/B/C/D',
    },
    {
      attack: 'an absolute link made in one commit and replaced by a file in the next',
      steps: [{ 'docs/env': symlink('/proc/self/environ') }, { 'docs/env': 'plain text\n' }],
      reason: 'docs/env is a symbolic link to "/proc/self/environ"',
      why: 'its target is an absolute path',
    },
    {
      attack: 'a submodule',
      steps: [{ 'vendor/lib': gitlink(SUBMODULE_COMMIT) }],
      reason: `vendor/lib is a submodule (a gitlink to commit ${SUBMODULE_COMMIT.slice(0, 12)}), commit`,
      why: 'CI that checks out submodules would fetch code no one reviewed',
    },
    {
      attack: 'a submodule added in one commit and removed in the next',
      steps: [{ 'vendor/lib': gitlink(SUBMODULE_COMMIT) }, { 'vendor/lib': null }],
      reason: 'vendor/lib is a submodule',
      why: 'Sessions never add or change submodules',
    },
  ] satisfies Array<{ attack: string; steps: Steps; reason: string; why: string }>)(
    'refuses $attack',
    async ({ steps, reason, why }) => {
      const before = h.fixture.remoteSha(WORKER_BRANCH);
      workSession(h.fixture, [...steps, { [WORKER_COMPLETION]: completion }]);

      expect(await h.publish()).toBe(PUBLISH_EXIT.refused);

      expect(h.summary()).toContain(reason);
      expect(h.summary()).toContain(why);
      expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(before);
      expect(h.writes()).toEqual([]);
    },
  );

  describe('on a branch that already has an absolute link (a person’s)', () => {
    /** An earlier commit on the worker branch, by a person: a link to the runner's SDK. */
    const withPersonsLink = () => {
      const earlier = h.fixture.agentCommit({
        branch: 'earlier',
        files: { 'tools/sdk': symlink('/opt/sdk') },
      });
      h.fixture.git([
        'push',
        '--quiet',
        h.fixture.remoteDir,
        `${earlier}:refs/heads/${WORKER_BRANCH}`,
      ]);
      return earlier;
    };

    it('publishes a new in-repository link, leaving the person’s alone', async () => {
      const from = withPersonsLink();
      workSession(
        h.fixture,
        { 'docs/readme.md': symlink('../README.md'), [WORKER_COMPLETION]: completion },
        { from },
      );

      expect(await h.publish()).toBe(PUBLISH_EXIT.published);
      expect(remoteModes()).toMatchObject({ 'tools/sdk': '120000', 'docs/readme.md': '120000' });
    });

    it('refuses a session that points it elsewhere', async () => {
      const from = withPersonsLink();
      workSession(
        h.fixture,
        { 'tools/sdk': symlink('/home/runner/.credentials'), [WORKER_COMPLETION]: completion },
        { from },
      );

      expect(await h.publish()).toBe(PUBLISH_EXIT.refused);
      expect(h.summary()).toContain(
        'tools/sdk is a symbolic link to "/home/runner/.credentials", commit',
      );
      expect(h.fixture.remoteSha(WORKER_BRANCH)).toBe(from);
    });
  });
});
