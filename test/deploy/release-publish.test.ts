// The release as .github/workflows/release.yml makes it, the file itself
// played on this machine (test/support/release-world.ts): Baton's repository on
// the simulated GitHub, an npm registry on 127.0.0.1 whose trusted publisher is
// the workflow's `npm` environment, the Actions OIDC issuer. A tag pushed
// beforehand on another commit stops the release before anything is published;
// a run whose tag could not be made publishes and fails; the run again makes
// the tag on the commit the package records and its release, publishing
// nothing twice; a third changes nothing. The package is then installed from
// that registry into a user's project, where `baton setup` opens the "Set up
// Baton" pull request, its sessions pinned to the release's commit with no
// variable set, and `baton doctor` passes its checks. A package packed before
// its tag records no release, and is refused before it reaches the registry.
import { execFile, execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlayedJob } from '../../sim/actions/play-workflow.js';
import { REPO_ROOT, tsxArgs } from '../../sim/actions/run-step.js';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { TEST_PRIVATE_KEY } from '../support/app-key.js';
import { gitIn, manifest, OFFLINE, writeUserProject } from '../support/packed-package.js';
import { type ReleaseWorld, startReleaseWorld } from '../support/release-world.js';

const exec = promisify(execFile);

/** How long building, packing and installing may take before it counts as hung: a guard. */
const INSTALL_LIMIT_MS = 900_000;

interface Answer {
  code: number;
  output: string;
}

async function run(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Answer> {
  try {
    const { stdout, stderr } = await exec(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

type Run = Record<string, PlayedJob>;
const results = (played: Run | undefined) =>
  Object.fromEntries(Object.entries(played ?? {}).map(([name, job]) => [name, job.result]));

describe('the release workflow, played against a registry and the simulated GitHub', {
  timeout: 240_000,
}, () => {
  const tag = `v${manifest.version}`;
  let world: ReleaseWorld;
  const runs: Record<string, Run> = {};
  const puts = () => world.registry.requests.filter((request) => request.method === 'PUT');
  const releases = () => world.gh.releases.filter((one) => one.tagName === tag);

  beforeAll(async () => {
    world = await startReleaseWorld();
    // Someone pushed the tag beforehand, on another commit than the push's.
    world.gh.git.refs.set(`refs/tags/${tag}`, world.main);
    runs.taken = await world.playRelease();
    world.gh.git.refs.delete(`refs/tags/${tag}`);
    // GitHub never gets the tag's creation: the package is out, with no tag and no release.
    world.gh.faults.push({
      route: 'POST /repos/{owner}/{repo}/git/refs',
      response: { status: 502, body: { message: 'Server Error' } },
      unrouted: true,
    });
    runs.failed = await world.playRelease();
    runs.again = await world.playRelease();
    runs.third = await world.playRelease();
  }, INSTALL_LIMIT_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('refuses a tag pushed beforehand on another commit, before anything is published', () => {
    expect(results(runs.taken)).toEqual({
      version: 'success',
      propose: 'skipped',
      build: 'failure',
      publish: 'skipped',
      'github-release': 'skipped',
    });
    expect(runs.taken?.build?.log).toContain(
      `${tag} names ${world.main} on GitHub, not ${world.released}`,
    );
  });

  it('publishes the package with the npm environment’s OIDC token, and no token of npm’s', () => {
    expect(results(runs.failed)).toEqual({
      version: 'success',
      propose: 'skipped',
      build: 'success',
      publish: 'success',
      'github-release': 'failure',
    });
    expect(runs.failed?.publish?.log).toContain(
      `${manifest.name}@${manifest.version} published, released from ${world.released}`,
    );
    expect(world.registry.requests.map((one) => `${one.method} ${one.status}`)).toContain(
      'POST 201',
    );
    expect(world.registry.refusals).toEqual([]);
  });

  it('a run again after a failed GitHub release tags the commit the package records and releases it, publishing nothing twice', () => {
    expect(results(runs.again)).toEqual({
      version: 'success',
      propose: 'skipped',
      build: 'success',
      publish: 'skipped',
      'github-release': 'success',
    });
    expect(runs.again?.build?.outputs).toEqual({
      version: manifest.version,
      published: 'true',
      commit: world.released,
    });
    expect(world.gh.git.refs.get(`refs/tags/${tag}`)).toBe(world.released);
    const [release] = releases();
    expect(release).toMatchObject({ draft: false, name: `Baton ${manifest.version}` });
    expect(release?.body).toBe(
      execFileSync(
        process.execPath,
        [...tsxArgs('scripts/release-version.ts'), 'notes', manifest.version],
        { cwd: REPO_ROOT, encoding: 'utf8' },
      ),
    );
    expect(release?.assets.map((one) => one.name)).toEqual([
      'baton-session.cjs',
      'baton-conductor.cjs',
    ]);
    expect(release?.assets[0]?.content).toBe(
      readFileSync(join(REPO_ROOT, 'action/dist/baton-session.cjs'), 'utf8'),
    );
  });

  it('a third run finds everything done', () => {
    expect(results(runs.third)).toEqual(results(runs.again));
    expect(puts()).toEqual([
      { method: 'PUT', path: `/${manifest.name.replace('/', '%2f')}`, status: 201 },
    ]);
    expect(releases()).toHaveLength(1);
    expect(releases()[0]?.assets).toHaveLength(2);
  });

  it('refuses to pack a checkout whose HEAD is not its version’s tag, saying to tag first', async () => {
    const answer = await run(
      process.execPath,
      [join(REPO_ROOT, 'scripts/release.ts'), 'pack', join(world.folder, 'untagged')],
      {
        cwd: world.source,
        env: world.npmEnv,
      },
    );
    expect(answer.code).toBe(1);
    expect(answer.output).toContain(`HEAD is not ${tag}`);
    expect(answer.output).toContain('node scripts/release.ts tag');
  });

  it('refuses to publish a tarball that records no release', async () => {
    const bare = join(world.folder, 'bare');
    mkdirSync(bare);
    writeFileSync(
      join(bare, 'package.json'),
      JSON.stringify({ name: '@baton-dev/unstamped', version: '1.0.0' }),
    );
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', world.folder], {
      cwd: bare,
      encoding: 'utf8',
      env: OFFLINE,
    });
    const [{ filename = '' } = {}] = JSON.parse(packed) as { filename?: string }[];
    const answer = await run(
      process.execPath,
      [join(REPO_ROOT, 'scripts/release.ts'), 'publish', join(world.folder, filename)],
      { cwd: bare, env: world.npmEnv },
    );
    expect(answer.code).toBe(1);
    expect(answer.output).toContain('records no release (no dist/src/release.json)');
    expect(world.registry.packument('@baton-dev/unstamped')).toBeUndefined();
  });

  describe('installed from the registry', () => {
    const project = () => join(world.folder, 'project');
    let gh: FakeGitHub;
    let server: GitHubServer;

    beforeAll(async () => {
      const packument = await (
        await fetch(new URL(encodeURIComponent(manifest.name), world.registry.url))
      ).json();
      const dist = (
        packument as { versions: Record<string, { dist: { tarball: string; integrity: string } }> }
      ).versions[manifest.version]?.dist;
      mkdirSync(project(), { recursive: true });
      writeUserProject(project(), {
        resolved: dist?.tarball ?? '',
        integrity: dist?.integrity ?? '',
      });
      await exec('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
        cwd: project(),
        env: world.npmEnv,
        maxBuffer: 16 * 1024 * 1024,
      });
      gh = new FakeGitHub();
      gh.appPublicKey = createPublicKey(TEST_PRIVATE_KEY);
      // Baton's own repository, public, with the released commit: what the doctor asks for the pin.
      server = await startGitHubServer({
        gh,
        repositories: [world.gh],
        appWebhookUrl: null,
        webhookSecret: 'unused',
      });
    }, INSTALL_LIMIT_MS);
    afterAll(async () => {
      await server?.close();
    });

    const baton = (args: string[], more: Record<string, string> = {}) =>
      run(join(project(), 'node_modules', '.bin', 'baton'), args, {
        cwd: project(),
        env: {
          ...OFFLINE,
          APP_ID: String(gh.appId),
          PRIVATE_KEY: TEST_PRIVATE_KEY,
          GHE_HOST: server.host,
          GHE_PROTOCOL: 'http',
          ...more,
        },
      });

    it('is the release: the stamp of its tag and commit', () => {
      const stamp = join(project(), 'node_modules', manifest.name, 'dist/src/release.json');
      expect(JSON.parse(readFileSync(stamp, 'utf8'))).toEqual({ tag, commit: world.released });
    });

    it('sets a repository up pinned to the release’s commit, with no variable set', async () => {
      const answer = await baton(['setup', '--repo', gh.fullName]);
      expect(answer.output).not.toContain('not packed from its release');
      expect(answer).toMatchObject({ code: 0 });
      expect(answer.output).toContain('The "Set up Baton" pull request: ');
      // Outside a checkout its hints name the package: `npx baton` would run npm's unrelated `baton`.
      expect(answer.output).toContain(`npx @baton-dev/baton doctor --repo ${gh.fullName}`);
      expect(answer.output).not.toMatch(/npx baton\b/);
      const pull = [...gh.pulls.values()].find((one) => one.title === 'Set up Baton');
      const files = gh.git.filesOf(gh.git.resolve(pull?.head ?? '') ?? '');
      expect(files.get('.github/workflows/baton.yml')).toContain(
        `uses: baton-dev/baton/action@${world.released} # ${tag}`,
      );
      // The schema editors read: the file at the pinned commit, which its tree and the package hold.
      const schema = `https://raw.githubusercontent.com/baton-dev/baton/${world.released}/schema/baton.schema.json`;
      expect(files.get('.github/baton.yml')?.split('\n')[0]).toBe(
        `# yaml-language-server: $schema=${schema}`,
      );
      expect(
        gitIn(world.source)('cat-file', '-t', `${world.released}:schema/baton.schema.json`),
      ).toBe('blob');
      // Merged, as its reviewer would: what `baton doctor` reads next.
      gh.git.commitOn(gh.defaultBranch, Object.fromEntries(files), 'Set up Baton');
    });

    it('passes `baton doctor` there', async () => {
      const appUrl = 'https://baton.example.com';
      gh.variables.set('BATON_APP_URL', appUrl);
      const answer = await baton(['doctor', '--repo', gh.fullName, '--no-session'], {
        BATON_APP_URL: appUrl,
      });
      expect(answer.output).toContain(
        `ok   pin: the pinned commit ${world.released} is in baton-dev/baton`,
      );
      expect(answer).toMatchObject({ code: 0 });
    });
  });
});

describe('a push with changesets, played the same way', { timeout: 240_000 }, () => {
  let world: ReleaseWorld;
  let played: Run;

  beforeAll(async () => {
    world = await startReleaseWorld({ changesets: true });
    played = await world.playRelease();
  }, INSTALL_LIMIT_MS);
  afterAll(async () => {
    await world?.close();
  });

  it('proposes the release: the version step’s change committed without a token, then pushed and opened as the release pull request with the app’s', () => {
    expect(results(played)).toEqual({
      version: 'success',
      propose: 'success',
      build: 'skipped',
      publish: 'skipped',
      'github-release': 'skipped',
    });
    const head = world.gh.git.resolve('refs/heads/changeset-release/main') ?? '';
    const files = world.gh.git.filesOf(head);
    const version = JSON.parse(files.get('package.json') ?? '{}').version as string;
    expect(version).not.toBe(manifest.version);
    expect(files.get('CHANGELOG.md')).toContain(`## [${version}] — `);
    expect(
      [...files.keys()].filter((path) => /^\.changeset\/(?!README|config).+\.md$/.test(path)),
    ).toEqual([]);
    const pulls = [...world.gh.pulls.values()].filter((pull) => pull.title === 'Release Baton');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: 'changeset-release/main', base: 'main', state: 'open' });
    expect(pulls[0]?.body.startsWith('In short:\n\n- ')).toBe(true);
    expect(world.registry.requests.filter((one) => one.method !== 'GET')).toEqual([]);
  });
});
