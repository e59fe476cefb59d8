import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, expect, onTestFinished } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { forgetAll } from '../../src/process-memory.js';
import { type AppHarness, installationServed, startApp, startReplica } from './app-harness.js';
import { TEST_PRIVATE_KEY } from './app-key.js';
import { installedRepo, tickingClock } from './builds.js';
import { type SetRepos, setRepos } from './change-sets.js';
import { mountOnNock } from './mount-nock.js';
import { nockEachTest } from './nock-each-test.js';
import { runApprovedBuild, type SessionScript } from './scripted-sessions.js';

/**
 * The usual set-up of tests on the simulated GitHub, as vitest hooks (apart from
 * app-harness.ts, which the benchmark imports too).
 */

/**
 * Before each test: a simulated repository (`new FakeGitHub()` unless `repo` makes another)
 * served on nock with its installation's other repositories (`installationPeers`), with no network; `use` receives it for the test file's variable. After
 * each test nock is cleared and the network open again.
 */
export function mountEachTest(
  use: (gh: FakeGitHub) => void,
  repo: () => FakeGitHub = () => new FakeGitHub(),
): void {
  nockEachTest();
  beforeEach(() => {
    forgetAll();
    const gh = repo();
    mountOnNock(installationServed(gh));
    use(gh);
  });
}

/**
 * `mountEachTest`, handing the test a context on the repository as well: a reader's
 * (`repoContextOf`) unless `context` makes another (the app's client, `repoContextOn`).
 */
export function mountReaderEachTest(
  use: (mounted: { gh: FakeGitHub; ctx: RepoContext }) => void,
  {
    repo,
    context = repoContextOf,
  }: { repo?: () => FakeGitHub; context?: (gh: FakeGitHub) => RepoContext } = {},
): void {
  mountEachTest((gh) => use({ gh, ctx: context(gh) }), repo);
}

/** What a reader of the app is handed for a repository mounted on nock: a plain Octokit with an installation token. */
export function repoContextOf(gh: FakeGitHub): RepoContext {
  return {
    octokit: new Octokit({
      auth: installationToken(gh.installationId),
    }) as unknown as RepoContext['octokit'],
    owner: gh.owner,
    repo: gh.repo,
    botLogin: gh.botLogin,
  };
}

/** What each app test gets: the clock, the simulated repository, the app started on it. */
export interface AppOnRepo {
  now: () => string;
  gh: FakeGitHub;
  app: AppHarness;
  /** The app and its replicas, for `driveBuild`. */
  apps: AppHarness[];
  /** Starts one more app process on the same GitHub and clock (`startReplica`), and adds it to `apps`. */
  addReplica: () => Promise<AppHarness>;
}

/** How the app and its repository start: `startApp`'s options, and the repository's own. */
export type AppTestOptions = Omit<Parameters<typeof startApp>[0], 'gh' | 'now'> & {
  /** The repository on the test's clock; `installedRepo` unless given. */
  repo?: (now: () => string) => FakeGitHub;
  /** `.github/baton.yml` on the default branch, committed before the app starts. */
  config?: string;
  /** Anything else to change on the repository before the app starts. */
  prepare?: (gh: FakeGitHub, now: () => string) => void;
  /**
   * The ms a test's own timers moved (`ManualTimers.now`), added to the ticking clock of
   * GitHub and the app: ten minutes the test advances pass for GitHub's times too.
   */
  moved?: () => number;
  /**
   * How many app processes more to start on the same GitHub, after the app (`startReplica`):
   * each is in `apps`, so a delivery may go to any of them. None unless given.
   */
  replicas?: number;
  /** A build of this script, approved and played until it rests once the app starts (`runApprovedBuild`). */
  approved?: SessionScript;
};

/**
 * Before each test: a ticking clock, the repository (`installedRepo` unless `repo` makes
 * another) with `config` and what `prepare` changes, and the app started on it; `use`
 * receives them for the test file's variables (with `replicas`, the other app processes in `apps`). After each test the app is stopped, and with it
 * every nock interceptor (an app a test restarts on the same repository goes too).
 * `options` may be a function, called before each test (for timers a test moves). With
 * `approved`, each test begins with that build approved and at rest.
 */
export function startAppEachTest(
  use: (started: AppOnRepo) => void,
  options: AppTestOptions | (() => AppTestOptions) = {},
): void {
  let app: AppHarness | undefined;
  beforeEach(async () => {
    const {
      repo = installedRepo,
      config,
      prepare,
      moved,
      replicas = 0,
      approved,
      ...start
    } = typeof options === 'function' ? options() : options;
    const ticking = tickingClock();
    const now = moved ? () => new Date(Date.parse(ticking()) + moved()).toISOString() : ticking;
    const gh = repo(now);
    if (config) gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': config }, 'Configure');
    prepare?.(gh, now);
    app = await startApp({ gh, now, ...start });
    const apps = [app];
    const addReplica = async () => {
      const replica = await startReplica({ now });
      apps.push(replica);
      return replica;
    };
    for (let more = 0; more < replicas; more++) await addReplica();
    use({ now, gh, app, apps, addReplica });
    if (approved) await runApprovedBuild({ gh, apps, script: approved });
  });
  afterEach(() => app?.stop());
}

/**
 * A repository set up for Baton (`installedRepo`) on a ticking clock, and the app started
 * on it with `options`, within one test; the app stops when the test ends, whatever happens.
 */
export async function startRepoApp(
  options: Omit<Parameters<typeof startApp>[0], 'gh' | 'now'> = {},
): Promise<{ gh: FakeGitHub; app: AppHarness; now: () => string }> {
  const now = tickingClock();
  const gh = installedRepo(now);
  const app = await startApp({ gh, now, ...options });
  onTestFinished(() => app.stop());
  return { gh, app, now };
}

/** How a change set's app starts: `startApp`'s options, and what to change on the repositories first. */
export type SetAppOptions = Omit<Parameters<typeof startApp>[0], 'gh' | 'now'> & {
  /** Anything to change on the set's repositories before the app starts (who may write where). */
  prepare?: (repos: SetRepos) => void;
};

/**
 * A change set's repositories on a ticking clock (`setRepos`), and the app
 * started on the service's; the app stops when the test ends, whatever happens.
 */
export async function startSetApp({ prepare, ...options }: SetAppOptions = {}): Promise<{
  repos: SetRepos;
  app: AppHarness;
  now: () => string;
}> {
  const now = tickingClock();
  const repos = setRepos(now);
  prepare?.(repos);
  const app = await startApp({ gh: repos.service, now, ...options });
  onTestFinished(() => app.stop());
  return { repos, app, now };
}

/**
 * A Probot of the app for tests that answer its requests with nock scopes of their own:
 * retries and throttling off, no network. After each test every scope must be done; then
 * they are cleared, and after the file the network is open again (the next file may run
 * in the same worker, and serve on 127.0.0.1).
 */
export function probotOnNock(): Probot {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.isDone()).toBe(true);
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());
  return new Probot({
    appId: 1,
    privateKey: TEST_PRIVATE_KEY,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    logLevel: 'fatal',
  });
}
