import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BatonSourceRead,
  findBatonSource,
  parsePackageRepository,
  RELEASE_STAMP,
  readReleaseCommit,
  readReleaseStamp,
  resolveBatonSource,
} from '../../src/github/setup/source-ref.js';

const REF = '0123456789abcdef0123456789abcdef01234567';
const TAGGED = 'fedcba9876543210fedcba9876543210fedcba98';
const RELEASE = { tag: 'v0.1.0', commit: TAGGED };

describe('resolveBatonSource', () => {
  it.each<[string, Parameters<typeof resolveBatonSource>[0], BatonSourceRead]>([
    [
      'takes both variables when set',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: REF },
        packageRepository: 'other/pkg',
        release: RELEASE,
      },
      { ok: true, source: { repository: 'baton-dev/baton', ref: REF } },
    ],
    [
      "falls back to the package's repository and the commit of its release's tag",
      { env: {}, packageRepository: 'baton-dev/baton', release: RELEASE },
      { ok: true, source: { repository: 'baton-dev/baton', ref: TAGGED } },
    ],
    [
      'accepts an upper-case commit SHA',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: REF.toUpperCase() },
        packageRepository: null,
        release: null,
      },
      { ok: true, source: { repository: 'baton-dev/baton', ref: REF } },
    ],
  ])('%s', (_, input, expected) => {
    expect(resolveBatonSource(input)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof resolveBatonSource>[0], RegExp]>([
    [
      'names both variables when neither they nor a fallback exist',
      { env: {}, packageRepository: null, release: null },
      /BATON_SOURCE_REPOSITORY is not set.*BATON_SOURCE_REF is not set/,
    ],
    [
      'refuses a branch name for the ref rather than falling back',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: 'main' },
        packageRepository: null,
        release: RELEASE,
      },
      /BATON_SOURCE_REF must be a full 40-character commit SHA, not "main"/,
    ],
    [
      'refuses the all-zero placeholder deploy/k8s ships, which no runner can fetch',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: '0'.repeat(40) },
        packageRepository: null,
        release: RELEASE,
      },
      /BATON_SOURCE_REF is the all-zero placeholder, which no runner can fetch: set it to the commit of baton-dev\/baton/,
    ],
    [
      "says how to fetch the tag from Baton's repository when the checkout lacks its release",
      { env: {}, packageRepository: 'baton-dev/baton', release: { tag: 'v0.1.0', commit: null } },
      /the checkout has no tag v0\.1\.0 \(the release this app is\): fetch it \(git fetch https:\/\/github\.com\/baton-dev\/baton\.git tag v0\.1\.0\)/,
    ],
    [
      'names the commit to pin when the checkout lacks its release but a remote has its HEAD',
      {
        env: {},
        packageRepository: 'baton-dev/baton',
        release: {
          tag: 'v0.1.0',
          commit: null,
          from: 'checkout',
          pushedHead: { repository: 'a-fork/baton', commit: REF },
        },
      },
      new RegExp(
        `the commit it runs, ${REF}, is on a-fork/baton: pin it, in \\.env, with BATON_SOURCE_REPOSITORY=a-fork/baton and BATON_SOURCE_REF=${REF}`,
      ),
    ],
    [
      'says an installed copy packed from no release needs the variables',
      {
        env: {},
        packageRepository: 'baton-dev/baton',
        release: { tag: 'v0.1.0', commit: null, from: 'package' },
      },
      /this copy of Baton is not a git checkout and was not packed from its release v0\.1\.0 .*: set BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF/,
    ],
    [
      'refuses a repository that is not owner/name',
      {
        env: { BATON_SOURCE_REPOSITORY: 'https://github.com' },
        packageRepository: null,
        release: { tag: 'v0.1.0', commit: REF },
      },
      /BATON_SOURCE_REPOSITORY must be owner\/name/,
    ],
  ])('turns onboarding off and %s', (_, input, reason) => {
    const read = resolveBatonSource(input);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.reason).toMatch(reason);
      expect(read.reason).toMatch(
        /^onboarding is off: .*Set BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF so/,
      );
    }
  });

  it('reads the variables from the environment before anything else', () => {
    expect(
      findBatonSource({ BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: REF }),
    ).toEqual({ ok: true, source: { repository: 'baton-dev/baton', ref: REF } });
  });
});

describe('parsePackageRepository', () => {
  it.each([
    ['baton-dev/baton', 'baton-dev/baton'],
    ['github:baton-dev/baton', 'baton-dev/baton'],
    ['https://github.com/baton-dev/baton', 'baton-dev/baton'],
    ['https://github.com/baton-dev/baton.git', 'baton-dev/baton'],
    ['git@github.com:baton-dev/baton.git', 'baton-dev/baton'],
    [{ type: 'git', url: 'git+https://github.com/baton-dev/baton.git' }, 'baton-dev/baton'],
    [{ type: 'git', url: 'https://ghe.example.com/platform/baton.git' }, 'platform/baton'],
    [undefined, null],
    [42, null],
    ['baton', null],
  ])('reads %j as %s', (field, expected) => {
    expect(parsePackageRepository(field)).toBe(expected);
  });
});

describe('readReleaseCommit', () => {
  /** Runs git in `dir` with no configuration of the machine's. */
  function gitIn(dir: string): (...args: string[]) => string {
    return (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
      }).trim();
  }

  /** A checkout with a commit tagged v1.2.0 and one more commit after it. */
  function checkout(): { dir: string; tagged: string; head: string } {
    const dir = mkdtempSync(join(tmpdir(), 'baton-release-'));
    const git = gitIn(dir);
    git('init', '--quiet');
    writeFileSync(join(dir, 'package.json'), '{"version":"1.2.0"}');
    git('add', '.');
    git('commit', '--quiet', '-m', 'Release 1.2.0');
    git('tag', '-a', 'v1.2.0', '-m', 'v1.2.0');
    const tagged = git('rev-parse', 'HEAD');
    git('commit', '--quiet', '--allow-empty', '-m', 'A local change');
    return { dir, tagged, head: git('rev-parse', 'HEAD') };
  }

  it("pins the release tag's commit, not the checkout's HEAD past it", () => {
    const { dir, tagged, head } = checkout();
    try {
      expect(readReleaseCommit(dir, '1.2.0')).toEqual({
        tag: 'v1.2.0',
        commit: tagged,
        from: 'checkout',
      });
      expect(tagged).not.toBe(head);
      expect(readReleaseCommit(dir, '9.9.9')).toEqual({
        tag: 'v9.9.9',
        commit: null,
        from: 'checkout',
        pushedHead: null,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the remote that has HEAD when the tag is missing: a clone of a fork or of main', () => {
    const { dir, head } = checkout();
    const remote = join(dir, 'remote', 'a-fork', 'baton.git');
    try {
      const git = gitIn(dir);
      git('init', '--quiet', '--bare', remote);
      git('remote', 'add', 'origin', remote);
      expect(readReleaseCommit(dir, '9.9.9')).toMatchObject({ pushedHead: null });
      git('push', '--quiet', 'origin', 'HEAD:refs/heads/main');
      git('fetch', '--quiet', 'origin');
      // A remote that is a folder here is named as the folder, never as owner/name.
      const local = readReleaseCommit(dir, '9.9.9');
      expect(local).toEqual({
        tag: 'v9.9.9',
        commit: null,
        from: 'checkout',
        pushedHead: { path: remote, commit: head },
      });
      const advice = resolveBatonSource({
        env: {},
        packageRepository: 'baton-dev/baton',
        release: local,
      });
      expect(advice.ok ? '' : advice.reason).toContain(
        `the commit it runs, ${head}, is only in the folder ${remote}, a remote on this machine that no runner can fetch from`,
      );
      expect(advice.ok ? '' : advice.reason).not.toContain('BATON_SOURCE_REPOSITORY=a-fork/baton');
      // The same remote known by its GitHub address: the fork to pin.
      git('remote', 'set-url', 'origin', 'https://github.com/a-fork/baton.git');
      expect(readReleaseCommit(dir, '9.9.9')).toEqual({
        tag: 'v9.9.9',
        commit: null,
        from: 'checkout',
        pushedHead: { repository: 'a-fork/baton', commit: head },
      });
      git('remote', 'set-url', 'origin', 'git@github.com:a-fork/baton.git');
      expect(readReleaseCommit(dir, '9.9.9')).toMatchObject({
        pushedHead: { repository: 'a-fork/baton', commit: head },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads nothing outside a checkout of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-no-git-'));
    try {
      expect(readReleaseCommit(dir, '1.2.0')).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readReleaseStamp', () => {
  it('reads the commit `npm pack` recorded for its own version only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-installed-'));
    try {
      expect(readReleaseStamp(dir, '1.2.0')).toEqual({
        tag: 'v1.2.0',
        commit: null,
        from: 'package',
      });
      mkdirSync(join(dir, dirname(RELEASE_STAMP)), { recursive: true });
      writeFileSync(join(dir, RELEASE_STAMP), JSON.stringify({ tag: 'v1.2.0', commit: REF }));
      expect(readReleaseStamp(dir, '1.2.0')).toEqual({
        tag: 'v1.2.0',
        commit: REF,
        from: 'package',
      });
      expect(readReleaseStamp(dir, '1.3.0')).toMatchObject({ commit: null });
      writeFileSync(
        join(dir, 'package.json'),
        '{"version":"1.2.0","repository":"baton-dev/baton"}',
      );
      expect(findBatonSource({}, dir)).toEqual({
        ok: true,
        source: { repository: 'baton-dev/baton', ref: REF },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
