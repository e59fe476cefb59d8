// The release as the workflow makes it (.github/workflows/release.yml,
// docs/releasing.md), played on a copy of the clone against an npm registry
// on 127.0.0.1 (test/support/npm-registry.ts): the steps of
// scripts/release.ts in the workflow's order (test/release-workflow.test.ts
// holds the workflow to RELEASE_STEPS), the package published with a token,
// then installed from that registry into a user's project, where `baton
// setup` opens the "Set up Baton" pull request on the simulated GitHub, its
// sessions pinned to the release's commit with no variable set, and `baton
// doctor` passes its checks there. A package packed before its tag records no
// release, and is refused before it reaches the registry.
import { execFile, execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../sim/actions/run-step.js';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { GitRepoStore } from '../../sim/github/git/git-repo-store.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { TEST_PRIVATE_KEY } from '../support/app-key.js';
import { type LocalRegistry, startLocalRegistry } from '../support/npm-registry.js';
import {
  commitCopyOfClone,
  gitIn,
  manifest,
  OFFLINE,
  RELEASE_STEPS,
  writeUserProject,
} from '../support/packed-package.js';

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

describe('a release published to a registry, installed from it and set up', {
  timeout: 240_000,
}, () => {
  const folder = mkdtempSync(join(tmpdir(), 'baton-release-'));
  const source = join(folder, 'source');
  const packs = join(folder, 'packs');
  const project = join(folder, 'project');
  const tag = `v${manifest.version}`;
  let registry: LocalRegistry;
  let npmEnv: NodeJS.ProcessEnv;
  let released = '';
  const answers: Record<string, Answer> = {};

  /** `node scripts/release.ts …` in the copy, as the workflow runs it in its checkout. */
  const step = (args: string[], cwd = source) =>
    run(process.execPath, [join(REPO_ROOT, 'scripts/release.ts'), ...args], {
      cwd,
      // A cache of their own: what npm publish reads goes to its cache, and the install
      // must take the package from the registry, not from there.
      env: { ...npmEnv, npm_config_cache: join(folder, 'release-cache') },
    });

  beforeAll(async () => {
    registry = await startLocalRegistry();
    const userconfig = join(folder, 'npmrc');
    const host = new URL(registry.url).host;
    writeFileSync(
      userconfig,
      `registry=${registry.url}\n//${host}/:_authToken=${registry.token}\n`,
    );
    npmEnv = {
      ...OFFLINE,
      // The registry is on this machine; nothing else is asked (what npm has not cached fails).
      npm_config_offline: 'false',
      npm_config_prefer_offline: 'true',
      npm_config_registry: registry.url,
      npm_config_userconfig: userconfig,
    };
    released = commitCopyOfClone(source);
    // Today's order of `changeset publish`: pack before the tag exists.
    answers.untagged = await step(['pack', packs]);
    for (const name of RELEASE_STEPS) {
      if (name === 'pack') answers.pack = await step(['pack', packs]);
      else if (name === 'publish') answers.publish = await step(['publish', tarballOf(answers)]);
      else answers[name] = await step([name]);
    }
    answers.again = await step(['publish', tarballOf(answers)]);
    answers.after = await step(['published']);
    const packument = await (
      await fetch(new URL(encodeURIComponent(manifest.name), registry.url))
    ).json();
    const dist = (
      packument as { versions: Record<string, { dist: { tarball: string; integrity: string } }> }
    ).versions[manifest.version]?.dist;
    mkdirSync(project, { recursive: true });
    writeUserProject(project, { resolved: dist?.tarball ?? '', integrity: dist?.integrity ?? '' });
    await exec('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: project,
      env: npmEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, INSTALL_LIMIT_MS);
  afterAll(async () => {
    await registry?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('refuses to pack a checkout whose HEAD is not its version’s tag, saying to tag first', () => {
    expect(answers.untagged).toMatchObject({ code: 1 });
    expect(answers.untagged?.output).toContain(`HEAD is not ${tag}`);
    expect(answers.untagged?.output).toContain('node scripts/release.ts tag');
  });

  it('tags, packs with the stamp, publishes once, and knows it is published', () => {
    expect(answers.published?.output).toContain(
      `${manifest.name}@${manifest.version} is not on the registry`,
    );
    expect(answers.tag).toEqual({ code: 0, output: `${tag} is ${released}\n` });
    expect(answers.pack?.code).toBe(0);
    expect(answers.publish).toMatchObject({ code: 0 });
    expect(answers.publish?.output).toContain(`published, released from ${released}`);
    expect(answers.again?.output).toContain('is on the registry already: nothing to publish');
    expect(answers.after?.output).toContain(
      `${manifest.name}@${manifest.version} is on the registry`,
    );
    expect(registry.requests.filter((request) => request.method === 'PUT')).toEqual([
      { method: 'PUT', path: `/${manifest.name.replace('/', '%2f')}`, status: 201 },
    ]);
    // The installed copy is the release: npm checked it against the integrity the registry gave
    // (it may take the bytes from its cache, where another pack of this commit put the same
    // ones), and it carries the stamp of the tag and the commit released.
    const stamp = join(project, 'node_modules', manifest.name, 'dist/src/release.json');
    expect(JSON.parse(readFileSync(stamp, 'utf8'))).toEqual({ tag, commit: released });
  });

  it('refuses to publish a tarball that records no release', async () => {
    const bare = join(folder, 'bare');
    mkdirSync(bare);
    writeFileSync(
      join(bare, 'package.json'),
      JSON.stringify({ name: '@baton-dev/unstamped', version: '1.0.0' }),
    );
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', folder], {
      cwd: bare,
      encoding: 'utf8',
      env: OFFLINE,
    });
    const [{ filename = '' } = {}] = JSON.parse(packed) as { filename?: string }[];
    const answer = await step(['publish', join(folder, filename)], bare);
    expect(answer.code).toBe(1);
    expect(answer.output).toContain('records no release (no dist/src/release.json)');
    expect(registry.packument('@baton-dev/unstamped')).toBeUndefined();
  });

  describe('installed from the registry', () => {
    let gh: FakeGitHub;
    let batonSource: FakeGitHub;
    let server: GitHubServer;

    beforeAll(async () => {
      gh = new FakeGitHub();
      gh.appPublicKey = createPublicKey(TEST_PRIVATE_KEY);
      // Baton's own repository, public, with the released commit: what the doctor asks for the pin.
      const bare = join(folder, 'baton.git');
      gitIn(folder)('clone', '--quiet', '--bare', source, bare);
      batonSource = new FakeGitHub({
        owner: 'baton-dev',
        repo: 'baton',
        git: new GitRepoStore({ gitDir: bare }),
        installationId: 2,
        repositoryId: 2,
      });
      batonSource.visibility = 'public';
      server = await startGitHubServer({
        gh,
        repositories: [batonSource],
        appWebhookUrl: null,
        webhookSecret: 'unused',
      });
    });
    afterAll(async () => {
      await server?.close();
      (batonSource?.git as GitRepoStore | undefined)?.dispose();
    });

    const baton = (args: string[], more: Record<string, string> = {}) =>
      run(join(project, 'node_modules', '.bin', 'baton'), args, {
        cwd: project,
        env: {
          ...OFFLINE,
          APP_ID: String(gh.appId),
          PRIVATE_KEY: TEST_PRIVATE_KEY,
          GHE_HOST: server.host,
          GHE_PROTOCOL: 'http',
          ...more,
        },
      });

    it('sets a repository up pinned to the release’s commit, with no variable set', async () => {
      const answer = await baton(['setup', '--repo', gh.fullName]);
      expect(answer.output).not.toContain('not packed from its release');
      expect(answer).toMatchObject({ code: 0 });
      expect(answer.output).toContain('The "Set up Baton" pull request: ');
      const pull = [...gh.pulls.values()].find((one) => one.title === 'Set up Baton');
      const files = gh.git.filesOf(gh.git.resolve(pull?.head ?? '') ?? '');
      expect(files.get('.github/workflows/baton.yml')).toContain(
        `uses: baton-dev/baton/action@${released} # ${tag}`,
      );
      // The schema editors read: the file at the pinned commit, which its tree and the package hold.
      const schema = `https://raw.githubusercontent.com/baton-dev/baton/${released}/schema/baton.schema.json`;
      expect(files.get('.github/baton.yml')?.split('\n')[0]).toBe(
        `# yaml-language-server: $schema=${schema}`,
      );
      expect(gitIn(source)('cat-file', '-t', `${released}:schema/baton.schema.json`)).toBe('blob');
      expect(
        execFileSync('tar', ['-tzf', tarballOf(answers)], { encoding: 'utf8' }).split('\n'),
      ).toContain('package/schema/baton.schema.json');
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
        `ok   pin: the pinned commit ${released} is in baton-dev/baton`,
      );
      expect(answer).toMatchObject({ code: 0 });
    });
  });
});

/** The tarball `pack` printed. */
function tarballOf(answers: Record<string, Answer>): string {
  return answers.pack?.output.split('\n').find((line) => line.endsWith('.tgz')) ?? '';
}
