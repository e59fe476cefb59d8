import { describe, expect, it } from 'vitest';
import {
  type Ecosystem,
  ecosystemsOf,
  runnerWorldProblem,
} from '../../src/core/reports/runner-world.js';

/** A package-lock.json (v3) of vitest and what it needs, with `kleur` beside them. */
function lock(packages: Record<string, object> = {}): string {
  return JSON.stringify({
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': { name: 'app', devDependencies: { vitest: '^4.0.0' } },
      'node_modules/vitest': {
        version: '4.1.12',
        resolved: 'https://registry.npmjs.org/vitest/-/vitest-4.1.12.tgz',
        integrity: 'sha512-vitest',
        dependencies: { '@vitest/expect': '4.1.12', chai: '^5.0.0' },
      },
      'node_modules/@vitest/expect': {
        version: '4.1.12',
        resolved: 'https://registry.npmjs.org/@vitest/expect/-/expect-4.1.12.tgz',
        integrity: 'sha512-expect',
        dependencies: { tinyrainbow: '^2.0.0' },
      },
      'node_modules/tinyrainbow': {
        version: '2.0.0',
        resolved: 'https://registry.npmjs.org/tinyrainbow/-/tinyrainbow-2.0.0.tgz',
        integrity: 'sha512-rainbow',
      },
      'node_modules/chai': {
        version: '5.2.0',
        resolved: 'https://registry.npmjs.org/chai/-/chai-5.2.0.tgz',
        integrity: 'sha512-chai',
      },
      'node_modules/kleur': {
        version: '4.1.5',
        resolved: 'https://registry.npmjs.org/kleur/-/kleur-4.1.5.tgz',
        integrity: 'sha512-kleur',
      },
      ...packages,
    },
  });
}

const NPM = new Set<Ecosystem>(['npm']);
const judge = (path: string, before: string | null, after: string | null, ecosystems = NPM) =>
  runnerWorldProblem({ path, before, after, ecosystems });

describe("the runner's packages, proven the contract's", () => {
  it('takes a lock file whose runner and all it needs are as they were: a dependency of the work added or moved', () => {
    const added = lock({
      'node_modules/zod': {
        version: '4.0.0',
        resolved: 'https://r/zod.tgz',
        integrity: 'sha512-zod',
      },
      'node_modules/kleur': {
        version: '4.2.0',
        resolved: 'https://r/k.tgz',
        integrity: 'sha512-k2',
      },
    });
    expect(judge('package-lock.json', lock(), added)).toBeNull();
  });

  it.each([
    [
      'the runner from a folder of the tree (`"vitest": "file:./tools/vitest"`)',
      {
        'node_modules/vitest': { resolved: 'tools/vitest', link: true },
        'tools/vitest': { version: '4.1.12' },
      },
      'vitest (node_modules/vitest) was 4.1.12',
    ],
    [
      "a lock entry's `resolved` pointed elsewhere",
      {
        'node_modules/chai': {
          version: '5.2.0',
          resolved: 'https://evil.example/chai-5.2.0.tgz',
          integrity: 'sha512-evil',
        },
      },
      'chai (node_modules/chai)',
    ],
    [
      'what the assertion library needs, swapped deep down',
      {
        'node_modules/tinyrainbow': {
          version: '2.0.0',
          resolved: 'https://r/t.tgz',
          integrity: 'sha512-other',
        },
      },
      'tinyrainbow',
    ],
    [
      'a copy of its own nested under the runner',
      {
        'node_modules/vitest/node_modules/chai': {
          version: '5.2.0',
          resolved: 'https://r/chai.tgz',
          integrity: 'sha512-nested',
        },
      },
      'node_modules/vitest/node_modules/chai',
    ],
  ])('refuses %s', (_name, changed, said) => {
    expect(judge('package-lock.json', lock(), lock(changed))).toContain(said);
  });

  it("refuses a manifest whose declaration of a runner package changed, in a list or an override at any depth, and takes the work's own", () => {
    const manifest = (fields: object) =>
      JSON.stringify({ name: 'app', devDependencies: { vitest: '^4.1.12' }, ...fields });
    const was = manifest({ dependencies: { kleur: '^4.0.0' } });
    expect(
      judge('package.json', was, manifest({ dependencies: { kleur: '^5.0.0', zod: '4' } })),
    ).toBeNull();
    expect(
      judge('package.json', was, manifest({ devDependencies: { vitest: 'file:./tools/vitest' } })),
    ).toBe(
      "package.json changed since the contract's commit, and what it declares of the runner with it: devDependencies.vitest was `^4.1.12`, and is `file:./tools/vitest`",
    );
    for (const swapped of [
      { overrides: { vitest: 'file:./tools/vitest' } },
      { overrides: { kleur: { '@vitest/expect': 'file:./x' } } },
      { resolutions: { '**/chai': 'file:./x' } },
      { resolutions: { 'vitest>chai@5': 'file:./x' } },
      { pnpm: { overrides: { 'chai@^5': 'link:./x' } } },
    ]) {
      expect(
        judge('package.json', was, JSON.stringify({ ...JSON.parse(was), ...swapped })),
      ).toMatch(
        /what it declares of the runner with it: (?:overrides|resolutions|pnpm\.overrides)\..* was absent, and is/,
      );
    }
    expect(judge('package.json', was, '{ not json')).toContain('a manifest Baton cannot read');
  });

  it("says a lock file it cannot read, or another package manager's that changed, proves nothing", () => {
    expect(judge('package-lock.json', lock(), '{"lockfileVersion":1}')).toContain('cannot read');
    expect(judge('yarn.lock', 'a', 'b')).toContain('only from `package-lock.json`');
    expect(judge('yarn.lock', 'a', 'a')).toBeNull();
  });

  const GO = new Set<Ecosystem>(['go']);
  const MOD =
    'module example.com/greet\n\ngo 1.19\n\nrequire (\n\tgithub.com/stretchr/testify v1.8.4\n)\n';

  it('takes a go.mod that only requires more, and a go.sum that keeps every checksum', () => {
    const more = MOD.replace(')', '\tgolang.org/x/text v0.14.0 // indirect\n)');
    expect(judge('go.mod', MOD, more, GO)).toBeNull();
    expect(judge('go.sum', 'a h1:x\n', 'a h1:x\nb h1:y\n', GO)).toBeNull();
  });

  it.each([
    [
      'a replace',
      `${MOD}\nreplace github.com/stretchr/testify => ./tools/testify\n`,
      'other than a requirement',
    ],
    [
      'an exclude',
      `${MOD}\nexclude github.com/stretchr/testify v1.8.4\n`,
      'other than a requirement',
    ],
    [
      'the toolchain',
      MOD.replace('go 1.19', 'go 1.19\ntoolchain go1.22.0'),
      'other than a requirement',
    ],
    ['the assertion library moved', MOD.replace('v1.8.4', 'v1.9.0'), 'testify v1.8.4 is v1.9.0'],
  ])('refuses a go.mod with %s', (_name, after, said) => {
    expect(judge('go.mod', MOD, after, GO)).toContain(said);
  });

  it('refuses a go.sum that lost a checksum', () => {
    expect(judge('go.sum', 'a h1:x\nb h1:y\n', 'a h1:x\nb h1:z\n', GO)).toContain('b h1:y');
  });

  const PYTHON = new Set<Ecosystem>(['python']);

  it("judges pytest's and its plugins' lines and lock entries, and nothing else of Python's", () => {
    const before = 'requests==2.31.0\npytest==8.3.2\n';
    expect(judge('requirements.txt', before, `${before}rich==13.0.0\n`, PYTHON)).toBeNull();
    expect(
      judge('requirements.txt', before, `${before}pytest-cheat @ file:./cheat\n`, PYTHON),
    ).toContain('pytest and its plugins');
    expect(judge('requirements-dev.txt', before, 'pytest==7.0.0\n', PYTHON)).toContain('pytest');
    const uv = (version: string) =>
      `version = 1\n\n[[package]]\nname = "pytest"\nversion = "${version}"\n\n[[package]]\nname = "rich"\nversion = "13.0.0"\n`;
    expect(
      judge('uv.lock', uv('8.3.2'), `${uv('8.3.2')}\n[[package]]\nname = "zod"\n`, PYTHON),
    ).toBeNull();
    expect(judge('uv.lock', uv('8.3.2'), uv('8.0.0'), PYTHON)).toContain('pytest and its plugins');
  });

  it('leaves the package files of an ecosystem the command does not run to the work', () => {
    expect(judge('go.mod', MOD, `${MOD}\nreplace a => ./b\n`, NPM)).toBeNull();
    expect(judge('package-lock.json', lock(), '{}', new Set<Ecosystem>(['python']))).toBeNull();
  });

  it("reads the ecosystems from the command and the package's scripts", () => {
    expect(ecosystemsOf('npm test', { test: 'vitest run' })).toEqual(new Set(['npm']));
    expect(ecosystemsOf('node --test test/contract', {})).toEqual(new Set());
    expect(ecosystemsOf('python3 -m pytest tests/contract', {})).toEqual(new Set(['python']));
    expect(ecosystemsOf('go test ./...', {})).toEqual(new Set(['go']));
    expect(ecosystemsOf('cargo test', {})).toEqual(new Set(['rust']));
  });
});
