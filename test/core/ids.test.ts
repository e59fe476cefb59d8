import { describe, expect, it } from 'vitest';
import {
  BUILD_ID,
  briefPath,
  buildDir,
  buildIdFor,
  compareWorkerIds,
  completionPath,
  integrationBranch,
  issueBranchPrefix,
  parseBatonBranch,
  parseBuildId,
  parseWorkerId,
  planPath,
  skillPath,
  slugify,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';

describe('worker ids', () => {
  it.each([
    ['W1.1', { wave: 1, seq: 1 }],
    ['W2.13', { wave: 2, seq: 13 }],
    ['W99.99', { wave: 99, seq: 99 }],
    ['W0.1', { wave: 0, seq: 1 }],
    ['W0.2', { wave: 0, seq: 2 }],
    ['W0.10', { wave: 0, seq: 10 }],
    ['W00.1', null],
    ['W0.0', null],
    ['W0.100', null],
    ['W1.0', null],
    ['W100.1', null],
    ['w1.1', null],
    ['W1', null],
    ['W1.1 ', null],
    ['W01.1', null],
  ])('reads %j', (id, expected) => {
    expect(parseWorkerId(id)).toEqual(expected);
  });

  it('orders ids by wave, then sequence, and other strings by text', () => {
    const ids = ['W2.1', 'W1.10', 'W1.2', 'W0.1', 'W10.1'];
    expect([...ids].sort(compareWorkerIds)).toEqual(['W0.1', 'W1.2', 'W1.10', 'W2.1', 'W10.1']);
    expect(['zeta', 'alpha'].sort(compareWorkerIds)).toEqual(['alpha', 'zeta']);
    expect(compareWorkerIds('W1.1', 'W1.1')).toBe(0);
  });
});

describe('build ids', () => {
  it.each([
    ['Add OAuth login', 'add-oauth-login'],
    ['  Fix: the /api/users endpoint (again!) ', 'fix-the-api-users-endpoint-again'],
    ['Ünïcödé façade — déjà vu', 'unicode-facade-deja-vu'],
    [
      'Add OAuth login to the settings page and the admin dashboard',
      'add-oauth-login-to-the-settings-page-and',
    ],
    ['a'.repeat(50), 'a'.repeat(40)],
    ['!!!', 'build'],
    ['', 'build'],
    ['日本語のタイトル', 'build'],
  ])('slugifies %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
    expect(slug.length).toBeLessThanOrEqual(40);
    expect(BUILD_ID.test(`1-${slug}`)).toBe(true);
  });

  it('makes and reads a build id', () => {
    expect(buildIdFor(12, 'Add OAuth login')).toBe('12-add-oauth-login');
    expect(parseBuildId('12-add-oauth-login')).toEqual({ issue: 12, slug: 'add-oauth-login' });
  });

  it.each(['012-x', '12', '12-', '12-a--b', '12-A', 'x-12', '0-x'])(
    'refuses the build id %j',
    (build) => {
      expect(parseBuildId(build)).toBeNull();
    },
  );
});

describe('branches and paths', () => {
  it('names the branches of a build', () => {
    expect(integrationBranch('12-x')).toBe('baton/12-x/integration');
    expect(workerBranch('12-x', 'W1.2')).toBe('baton/12-x/W1.2');
    expect(issueBranchPrefix(12)).toBe('baton/12-');
  });

  it.each([
    ['baton/12-x/integration', { kind: 'integration', build: '12-x' }],
    ['refs/heads/baton/12-x/integration', { kind: 'integration', build: '12-x' }],
    ['baton/12-x/W1.2', { kind: 'worker', build: '12-x', worker: 'W1.2' }],
    ['baton/12-x/W0.1', { kind: 'worker', build: '12-x', worker: 'W0.1' }],
    ['baton/12-x/W0.2', { kind: 'worker', build: '12-x', worker: 'W0.2' }],
    ['baton/12-x/W0.0', null],
    ['main', null],
    ['baton/12-x', null],
    ['baton/12-x/W1.2/extra', null],
    ['baton/x/W1.2', null],
    ['baton/12-x/other', null],
    ['refs/tags/baton/12-x/integration', null],
  ])('reads the branch %j', (ref, expected) => {
    expect(parseBatonBranch(ref)).toEqual(expected);
  });

  it('names the files of a build record', () => {
    expect(buildDir('12-x')).toBe('.baton/builds/12-x');
    expect(planPath('12-x')).toBe('.baton/builds/12-x/plan.json');
    expect(briefPath('12-x', 'W1.2')).toBe('.baton/builds/12-x/workers/W1.2.md');
    expect(completionPath('12-x', 'W1.2')).toBe('.baton/builds/12-x/completions/W1.2.json');
    expect(skillPath('review')).toBe('.baton/skills/review.md');
  });
});
