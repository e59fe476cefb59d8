/**
 * The workspace packages a check reaches by name
 * (src/core/verification/workspace-packages.ts, and `broughtBy` of seal.ts):
 * a bare specifier resolved through the root's `workspaces` and the package's
 * own `package.json`, a test's package brought into the seal, the code under
 * test's left to the workers.
 */
import { describe, expect, it } from 'vitest';
import { broughtBy } from '../../src/core/verification/seal.js';
import {
  isTestPackage,
  readWorkspacePackage,
  resolveWorkspaceImport,
  type WorkspacePackage,
  workspaceGlobs,
  workspaceManifests,
} from '../../src/core/verification/workspace-packages.js';

const TREE = new Set([
  'package.json',
  'packages/testkit/package.json',
  'packages/testkit/index.js',
  'packages/testkit/names.js',
  'packages/testkit/lib/deep.js',
  'packages/core/package.json',
  'packages/core/index.js',
  'packages/core/src/greet.js',
  'packages/core/node_modules/x/package.json',
  'tools/build/package.json',
  'test/contract/greet.test.js',
]);

const manifest = (fields: Record<string, unknown>) => JSON.stringify(fields);

const TESTKIT = readWorkspacePackage(
  'packages/testkit/package.json',
  manifest({
    name: '@greet/testkit',
    exports: { '.': { import: './index.js', default: './index.js' }, './names': './names.js' },
  }),
) as WorkspacePackage;
const CORE = readWorkspacePackage(
  'packages/core/package.json',
  manifest({ name: '@greet/core', main: 'index.js' }),
) as WorkspacePackage;
const PACKAGES = [TESTKIT, CORE];
const resolve = (path: string) => (TREE.has(path) ? path : null);

describe('the workspace', () => {
  it.each<[string, string[]]>([
    [manifest({ workspaces: ['packages/*'] }), ['packages/*']],
    [manifest({ workspaces: { packages: ['packages/*', '!packages/old'] } }), ['packages/*']],
    [manifest({ name: 'greet' }), []],
    ['not json', []],
  ])('reads the globs of %s', (text, globs) => {
    expect(workspaceGlobs(text)).toEqual(globs);
  });

  it("finds the packages' manifests the globs name, at their depth, never under node_modules", () => {
    expect(workspaceManifests(['packages/*'], TREE)).toEqual([
      'packages/core/package.json',
      'packages/testkit/package.json',
    ]);
    expect(workspaceManifests(['./tools/build'], TREE)).toEqual(['tools/build/package.json']);
    expect(workspaceManifests([], TREE)).toEqual([]);
  });

  it('reads no package from a manifest without a name', () => {
    expect(
      readWorkspacePackage('packages/x/package.json', manifest({ version: '1.0.0' })),
    ).toBeNull();
  });
});

describe('a bare specifier resolved', () => {
  it.each<[string, string[]]>([
    ['@greet/testkit', ['packages/testkit/index.js']],
    ['@greet/testkit/names', ['packages/testkit/names.js']],
    ['@greet/testkit/missing', []],
    ['@greet/core', ['packages/core/index.js']],
    ['@greet/core/src/greet.js', ['packages/core/src/greet.js']],
  ])('%s loads %j', (specifier, files) => {
    expect(resolveWorkspaceImport(specifier, PACKAGES, resolve)?.files).toEqual(files);
  });

  it("is no workspace package's where no package has its name", () => {
    expect(resolveWorkspaceImport('lodash', PACKAGES, resolve)).toBeNull();
    expect(resolveWorkspaceImport('@greet/testkitten', PACKAGES, resolve)).toBeNull();
  });

  it('follows an exports pattern, and never leaves the package', () => {
    const kit = { ...TESTKIT, exports: { './*': './lib/*.js', './up': '../core/index.js' } };
    expect(resolveWorkspaceImport('@greet/testkit/deep', [kit], resolve)?.files).toEqual([
      'packages/testkit/lib/deep.js',
    ]);
    expect(resolveWorkspaceImport('@greet/testkit/up', [kit], resolve)?.files).toEqual([]);
  });

  it.each<[string, string, boolean]>([
    ['@greet/testkit', 'packages/testkit', true],
    ['@acme/test-utils', 'packages/utils', true],
    ['fixtures', 'libs/fixtures', true],
    ['@greet/core', 'packages/core', false],
    ['@acme/attestation', 'packages/attestation', false],
  ])("calls %s in %s a test's: %s", (name, dir, test) => {
    expect(isTestPackage({ name, dir })).toBe(test);
  });
});

describe("what a check brings into the seal by a package's name", () => {
  const check = [
    "import { greet } from '@greet/core';",
    "import { expected } from '@greet/testkit';",
    "import { names } from '@greet/testkit/names';",
    "import { z } from 'zod';",
  ].join('\n');

  it("a test's package: its manifest and the files its name loads; the code under test's: nothing", () => {
    expect(broughtBy('test/contract/greet.test.js', check, TREE, PACKAGES)).toEqual([
      { path: 'packages/testkit/package.json', named: false },
      { path: 'packages/testkit/index.js', named: false },
      { path: 'packages/testkit/package.json', named: false },
      { path: 'packages/testkit/names.js', named: false },
    ]);
  });

  it("a test package's own relative imports, as test files", () => {
    expect(
      broughtBy('packages/testkit/index.js', "export * from './lib/deep.js';", TREE, PACKAGES),
    ).toEqual([{ path: 'packages/testkit/lib/deep.js', named: false }]);
    expect(
      broughtBy('packages/core/index.js', "export * from './src/greet.js';", TREE, PACKAGES),
    ).toEqual([]);
  });

  it('nothing without a workspace', () => {
    expect(broughtBy('test/contract/greet.test.js', check, TREE)).toEqual([]);
  });
});

describe("the workspace's globs", () => {
  const tree = new Set([
    'apps/web/package.json',
    'libs/a/b/package.json',
    'packages/x-kit/package.json',
  ]);

  it.each<[string, string[]]>([
    ['packages/*', ['packages/x-kit/package.json']],
    ['packages/*-kit', ['packages/x-kit/package.json']],
    ['libs/**', ['libs/a/b/package.json']],
    ['**/web', ['apps/web/package.json']],
    ['apps/w?b', ['apps/web/package.json']],
    ['libs/*', []],
  ])('%s names %j', (glob, manifests) => {
    expect(workspaceManifests([glob], tree)).toEqual(manifests);
  });

  it('judges a glob written to backtrack without backtracking (a regular expression of it would not end)', () => {
    const glob = `${'**/'.repeat(40)}${'*a'.repeat(40)}b`;
    const long = new Set([`${'a/'.repeat(60)}${'a'.repeat(200)}/package.json`]);
    expect(workspaceManifests([glob], long)).toEqual([]);
  });
});
