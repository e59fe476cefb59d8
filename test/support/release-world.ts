/**
 * Where the release workflow (.github/workflows/release.yml) is played on
 * this machine (sim/actions/play-workflow.ts): a copy of the clone committed
 * as Baton's repository `baton-dev/baton` on the simulated GitHub, an npm
 * registry on 127.0.0.1 standing for npmjs.org (test/support/npm-registry.ts)
 * whose trusted publisher for `@baton-dev/baton` is the workflow's `npm`
 * environment, and the simulated Actions OIDC issuer. A push to `main` at the
 * copy's commit is played with the file itself: its jobs, conditions, steps
 * and outputs. What the actions do is played here: `checkout` clones the
 * repository at the push's commit (`fetch-depth`, a sparse list), `setup-node`
 * sets nothing (no `registry-url` is played: the workflow sets none), the
 * artifacts are folders, and the release app's token is an installation
 * token of the simulated GitHub. The one command stood in for is `npm ci`:
 * the clone's node_modules linked, what it installs, offline. The release's
 * commit carries bundles built from its sources, as the release pull request does.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PlayedJob, playWorkflow } from '../../sim/actions/play-workflow.js';
import { REPO_ROOT, tsxArgs } from '../../sim/actions/run-step.js';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { GitRepoStore } from '../../sim/github/git/git-repo-store.js';
import { installationToken, readOnlyToken } from '../../sim/github/tokens.js';
import { type OidcIssuer, startOidcIssuer } from '../../sim/oidc/issuer.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { type LocalRegistry, startLocalRegistry } from './npm-registry.js';
import { commitCopyOfClone, gitIn, manifest, OFFLINE } from './packed-package.js';

/** The environment npm's trusted publisher names, and the workflow's publish job must. */
export const RELEASE_ENVIRONMENT = 'npm';

export interface ReleaseWorld {
  folder: string;
  /** The developer's copy of the clone, at the release's commit. */
  source: string;
  /** The commit the push to main names. */
  released: string;
  /** The repository's main after the push: the simulated GitHub adds a commit of its own on top. */
  main: string;
  registry: LocalRegistry;
  gh: FakeGitHub;
  server: GitHubServer;
  /** npm as every job runs it: the registry, offline for the rest, a cache of the world's. */
  npmEnv: NodeJS.ProcessEnv;
  /** One run of the workflow for the push; `text` in place of the file's (a test's change). */
  playRelease(options?: { text?: string }): Promise<Record<string, PlayedJob>>;
  close(): Promise<void>;
}

/**
 * The world at the push: by default the release pull request's merge (no
 * changeset left, so the push releases package.json's version); with
 * `changesets`, main as the clone has it, with the changesets that ask for the
 * next release (so the push proposes it).
 */
export async function startReleaseWorld({
  changesets = false,
}: {
  changesets?: boolean;
} = {}): Promise<ReleaseWorld> {
  const folder = mkdtempSync(join(tmpdir(), 'baton-release-'));
  // As deep below the folder as a job's workspace (run-N/job/workspace): the bundles esbuild writes
  // name the linked node_modules by relative paths, which are then the same in both.
  const source = join(folder, 'clone', 'main', 'source');
  mkdirSync(source, { recursive: true });
  commitCopyOfClone(source);
  const git = gitIn(source);
  git('branch', '-M', 'main');
  if (!changesets) {
    // The release pull request merged: its changesets used up and the bundles rebuilt from its
    // sources, as the version step makes them (whatever state the clone's own bundles are in).
    const asked = git('ls-files', '.changeset/*.md').split('\n');
    const used = asked.filter((file) => file && file !== '.changeset/README.md');
    if (used.length > 0) git('rm', '--quiet', ...used);
    execFileSync(process.execPath, tsxArgs(join(source, 'scripts/bundle.ts')), {
      cwd: source,
      stdio: 'ignore',
    });
    git('add', '--all', 'action/dist');
    git('commit', '--quiet', '--no-verify', '--allow-empty', '-m', 'Release: the version step');
  }
  const released = git('rev-parse', 'HEAD');
  const bare = join(folder, 'baton.git');
  gitIn(folder)('clone', '--quiet', '--bare', source, bare);
  const gh = new FakeGitHub({
    owner: 'baton-dev',
    repo: 'baton',
    git: new GitRepoStore({ gitDir: bare }),
    installationId: 2,
    repositoryId: 2,
  });
  gh.visibility = 'public';
  const server = await startGitHubServer({
    gh,
    appWebhookUrl: null,
    webhookSecret: 'unused',
  });
  const issuer: OidcIssuer = await startOidcIssuer();
  const registry = await startLocalRegistry({
    trusted: {
      [manifest.name]: {
        issuer: issuer.url,
        repository: gh.fullName,
        workflow: 'release.yml',
        environment: RELEASE_ENVIRONMENT,
      },
    },
  });
  // No token of npm's anywhere: what publishes is the job's OIDC token, exchanged.
  const userconfig = join(folder, 'npmrc');
  writeFileSync(userconfig, '');
  const npmEnv: NodeJS.ProcessEnv = {
    ...OFFLINE,
    npm_config_offline: 'false',
    npm_config_prefer_offline: 'true',
    npm_config_registry: registry.url,
    npm_config_userconfig: userconfig,
    npm_config_cache: join(folder, 'npm-cache'),
  };
  const artifacts = join(folder, 'artifacts');
  let runs = 0;

  const checkout = async ({
    with: given,
    job,
  }: {
    with: Record<string, string>;
    job: { workspace: string };
  }) => {
    const git = gitIn(job.workspace);
    git('init', '--quiet');
    const depth = given['fetch-depth'] === '0' ? [] : ['--depth', '1'];
    git(
      'fetch',
      '--quiet',
      ...depth,
      `file://${bare}`,
      released,
      '+refs/heads/*:refs/remotes/origin/*',
    );
    git('checkout', '--quiet', '--detach', released);
    if (given['sparse-checkout'])
      git(
        'sparse-checkout',
        'set',
        '--no-cone',
        ...given['sparse-checkout'].split('\n').filter(Boolean),
      );
    return {};
  };

  async function playRelease({ text }: { text?: string } = {}) {
    runs += 1;
    const runId = 9000 + runs;
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts);
    return playWorkflow({
      text: text ?? readFileSync(join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8'),
      github: {
        sha: released,
        ref: 'refs/heads/main',
        ref_name: 'main',
        repository: gh.fullName,
        event_name: 'push',
      },
      // A job's GITHUB_TOKEN writes contents only where its permissions say so.
      tokenFor: (job) =>
        job.permissions.contents === 'write'
          ? installationToken(gh.installationId)
          : readOnlyToken(runId, gh.repositoryId),
      env: {
        ...npmEnv,
        GITHUB_ACTIONS: 'true',
        CI: 'true',
        GITHUB_API_URL: server.apiUrl,
        GITHUB_SERVER_URL: server.url,
        GITHUB_REPOSITORY: gh.fullName,
        GITHUB_SHA: released,
        GITHUB_REF: 'refs/heads/main',
      },
      jobEnv: (job) => {
        if (job.permissions['id-token'] !== 'write') return {};
        const grant = issuer.grant({
          repository: gh.fullName,
          repositoryId: gh.repositoryId,
          ref: 'refs/heads/main',
          sha: released,
          runId,
          actor: 'a-maintainer',
          eventName: 'push',
          workflowPath: '.github/workflows/release.yml',
          ...(job.environment ? { environment: job.environment } : {}),
        });
        return {
          ACTIONS_ID_TOKEN_REQUEST_URL: grant.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: grant.requestToken,
        };
      },
      stand: {
        'npm ci --no-audit --no-fund': `ln -s ${JSON.stringify(join(REPO_ROOT, 'node_modules'))} node_modules`,
      },
      environments: { [RELEASE_ENVIRONMENT]: { branches: ['main'] } },
      folder: join(folder, `run-${runs}`),
      actions: {
        'actions/checkout': checkout,
        'actions/setup-node': async ({ with: given }) => {
          if (given['registry-url']) throw new Error('registry-url is not played');
          return {};
        },
        'actions/upload-artifact': async ({ with: given }) => {
          if (!existsSync(given.path ?? '')) throw new Error(`no files at ${given.path}`);
          cpSync(given.path ?? '', join(artifacts, given.name ?? ''), { recursive: true });
          return {};
        },
        'actions/download-artifact': async ({ with: given }) => {
          const stored = join(artifacts, given.name ?? '');
          if (!existsSync(stored)) throw new Error(`no artifact ${given.name}`);
          cpSync(stored, given.path ?? '', { recursive: true });
          return {};
        },
        'actions/create-github-app-token': async () => ({
          token: installationToken(gh.installationId),
        }),
      },
    });
  }

  return {
    folder,
    source,
    released,
    main: gh.git.resolve('refs/heads/main') ?? '',
    registry,
    gh,
    server,
    npmEnv,
    playRelease,
    async close() {
      await registry.close();
      await issuer.close();
      await server.close();
      (gh.git as GitRepoStore).dispose();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
