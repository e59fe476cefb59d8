import { describe, expect, it } from 'vitest';
import {
  type BatonSourceRead,
  findBatonSource,
  parsePackageRepository,
  resolveBatonSource,
} from '../../src/github/setup/source-ref.js';

const REF = '0123456789abcdef0123456789abcdef01234567';
const GIT_HEAD = 'fedcba9876543210fedcba9876543210fedcba98';

describe('resolveBatonSource', () => {
  it.each<[string, Parameters<typeof resolveBatonSource>[0], BatonSourceRead]>([
    [
      'takes both variables when set',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: REF },
        packageRepository: 'other/pkg',
        gitHead: GIT_HEAD,
      },
      { ok: true, source: { repository: 'baton-dev/baton', ref: REF } },
    ],
    [
      "falls back to the package's repository and the checkout's commit",
      { env: {}, packageRepository: 'baton-dev/baton', gitHead: GIT_HEAD },
      { ok: true, source: { repository: 'baton-dev/baton', ref: GIT_HEAD } },
    ],
    [
      'accepts an upper-case commit SHA',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: REF.toUpperCase() },
        packageRepository: null,
        gitHead: null,
      },
      { ok: true, source: { repository: 'baton-dev/baton', ref: REF } },
    ],
  ])('%s', (_, input, expected) => {
    expect(resolveBatonSource(input)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof resolveBatonSource>[0], RegExp]>([
    [
      'names both variables when neither they nor a fallback exist',
      { env: {}, packageRepository: null, gitHead: null },
      /BATON_SOURCE_REPOSITORY is not set.*BATON_SOURCE_REF is not set/,
    ],
    [
      'refuses a branch name for the ref rather than falling back',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: 'main' },
        packageRepository: null,
        gitHead: GIT_HEAD,
      },
      /BATON_SOURCE_REF must be a full 40-character commit SHA, not "main"/,
    ],
    [
      'refuses the all-zero placeholder deploy/k8s ships, which no runner can fetch',
      {
        env: { BATON_SOURCE_REPOSITORY: 'baton-dev/baton', BATON_SOURCE_REF: '0'.repeat(40) },
        packageRepository: null,
        gitHead: GIT_HEAD,
      },
      /BATON_SOURCE_REF is the all-zero placeholder, which no runner can fetch: set it to the commit of baton-dev\/baton/,
    ],
    [
      'refuses a repository that is not owner/name',
      {
        env: { BATON_SOURCE_REPOSITORY: 'https://github.com' },
        packageRepository: null,
        gitHead: REF,
      },
      /BATON_SOURCE_REPOSITORY must be owner\/name/,
    ],
  ])('turns onboarding off and %s', (_, input, reason) => {
    const read = resolveBatonSource(input);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.reason).toMatch(reason);
      expect(read.reason).toMatch(/^onboarding is off: .*Set both variables/);
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
