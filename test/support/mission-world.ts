import { SimUserAuth } from '../../sim/github/oauth/user-auth.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { type AppProcess, freePort, startAppProcess } from '../../sim/start-app.js';
import type { Overview } from '../../src/core/overview/overview.js';
import { memoryBranch } from '../../src/core/vocabulary/ids.js';
import { startApp } from './app-harness.js';
import { DIAMOND, labelledIssue, type PlanWorkerSpec, tickingClock } from './builds.js';
import { driveSet, type SetRepos, setRepos, setScripts } from './change-sets.js';
import { CLIENT_ID, CLIENT_SECRET, PEOPLE } from './page-world.js';
import { driveBuild, type SessionScript } from './scripted-sessions.js';

/**
 * The world of the page's browser test and benchmark: the three repositories
 * of a change set (acme/lib private), with builds in every state the page
 * shows, played through the app and the scripted sessions:
 *
 * - the change set on acme/service#1 across acme/lib, acme/service and
 *   acme/client, approved and run until its final pull requests are open;
 * - acme/service#2 "Add OAuth login", a diamond delivered: its final pull request open,
 *   and the pull request of two lessons a learn session proposed, waiting for a person;
 * - acme/lib#1 "Rotate the signing keys", private, its plan waiting for /approve, and
 *   a merged pull request of one lesson (a learn session's of an earlier round);
 * - acme/client#1 "Import the old orders", whose one worker fails at every
 *   attempt while a script retries it (`/retry W1.1`) in a loop: a runaway;
 * - acme/client#2 "Dark mode", its plan waiting for /approve.
 *
 * alice writes all three repositories; bob reads acme/service and writes
 * acme/client, and cannot read acme/lib; eve writes acme/client alone, so of
 * the change set she may see its part there and nothing of its home. `more` builds besides (the
 * benchmark's hundred), in turn on acme/service, acme/client and acme/lib:
 * each third approved, its one worker delivered; the others' plans wait for /approve.
 */
export interface MissionWorld {
  repos: SetRepos;
  now: () => string;
  /** Each build's id and issue number. */
  builds: Record<
    'set' | 'diamond' | 'lib' | 'runaway' | 'waiting',
    { build: string; issue: number }
  >;
}

/** What it costs in the world: each session's usage record, by role. */
const USAGE = { plan: 0.42, work: 1.35, review: 0.28, fix: 0.6 };

export async function buildMissionWorld({
  start,
  more = 0,
}: {
  start: string;
  more?: number;
}): Promise<MissionWorld> {
  const now = tickingClock(start);
  const repos = setRepos(now);
  repos.lib.visibility = 'private';
  // A private repository shares its text with the set's other repositories only where it says so.
  repos.lib.git.commitOn(
    repos.lib.defaultBranch,
    { '.github/baton.yml': 'changeSets:\n  shareWith: [acme/service, acme/client]\n' },
    'Share with the set',
  );
  for (const gh of repos.all) gh.permissions.set('alice', 'write');
  repos.service.permissions.set('bob', 'read');
  repos.client.permissions.set('bob', 'write');
  repos.client.permissions.set('eve', 'write');
  const app = await startApp({ gh: repos.service, now });
  try {
    const scripts = setScripts(repos, { usageUsd: USAGE });
    const setIssue = repos.service.openIssue({
      title: 'Rename fetch to get',
      labels: ['orchestrate'],
    });
    repos.service.events.labeled(setIssue, 'orchestrate', 'maintainer');
    await driveSet({ repos, apps: [app], scripts });
    repos.service.addComment({ issue: setIssue, body: '/approve', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });

    // The set played W2.1 here already: its reviews are counted on, so W1.2 is sent back once.
    const diamond = await approvedBuild(repos.service, app, 'Add OAuth login', {
      workers: DIAMOND,
      review: (worker, round) =>
        worker === 'W1.2' && round === 1 ? 'changes-requested' : 'approve',
    });
    const lib = await plannedBuild(repos.lib, app, 'Rotate the signing keys');
    const runaway = await approvedBuild(repos.client, app, 'Import the old orders', {
      workers: [{ id: 'W1.1', title: 'Import the orders table' }],
      work: () => 'fail',
    });
    // A script that retries the failing worker whatever happens: every attempt fails again.
    for (let loop = 0; loop < 3; loop++) {
      repos.client.addComment({ issue: runaway.issue, body: '/retry W1.1', user: 'maintainer' });
      await driveBuild({ gh: repos.client, apps: [app], script: runaway.script });
    }
    const waiting = await plannedBuild(repos.client, app, 'Dark mode');
    // What learn sessions' publish leaves (docs/memory.md): a pull request of lessons from the build's own branch.
    learnPull(repos.service, diamond.script.build, ['log-through-log', 'no-any']);
    const libLessons = learnPull(repos.lib, lib.build, ['rotate-with-the-script']);
    Object.assign(libLessons, { state: 'closed', mergedAt: now(), closedAt: now() });
    await driveBuild({ gh: repos.service, apps: [app], script: diamond.script });
    await driveBuild({ gh: repos.lib, apps: [app], script: lib.script });
    const order = [repos.service, repos.client, repos.lib];
    for (let n = 0; n < more; n++) {
      const gh = order[n % order.length] ?? repos.service;
      const title = `Chore ${n + 1}`;
      if (n % 3 === 2)
        await approvedBuild(gh, app, title, { workers: [{ id: 'W1.1', title: 'The change' }] });
      else await plannedBuild(gh, app, title);
    }
    if (app.errors.length > 0) throw new Error(`the app failed: ${String(app.errors[0])}`);
    return {
      repos,
      now,
      builds: {
        set: { build: '1-rename-fetch-to-get', issue: setIssue },
        diamond: { build: diamond.script.build, issue: diamond.issue },
        lib: { build: lib.build, issue: lib.issue },
        runaway: { build: runaway.script.build, issue: runaway.issue },
        waiting: { build: waiting.build, issue: waiting.issue },
      },
    };
  } finally {
    app.stop();
  }
}

type App = Awaited<ReturnType<typeof startApp>>;

/** A learn session's pull request of `lessons` for `build`, by Baton's bot, as its publish opens it. */
function learnPull(gh: SetRepos['lib'], build: string, lessons: readonly string[]) {
  const branch = memoryBranch(build);
  gh.setBranch(branch, gh.git.resolve(gh.defaultBranch) ?? '');
  gh.git.commitOn(
    branch,
    Object.fromEntries(lessons.map((slug) => [`.baton/memory/${slug}.md`, slug])),
    'Lessons',
  );
  return gh.openPull({
    title: `What build #${build} taught`,
    body: `Build proposes ${lessons.length} lessons.`,
    head: branch,
    base: gh.defaultBranch,
    user: gh.botLogin,
  });
}

async function plannedBuild(
  gh: SetRepos['lib'],
  app: App,
  title: string,
): Promise<{ issue: number; build: string; script: SessionScript }> {
  const issue = labelledIssue(gh, { title });
  const build = `${issue}-${title.toLowerCase().replaceAll(' ', '-')}`;
  const workers = [
    { id: 'W1.1', title: 'First step' },
    { id: 'W1.2', title: 'Second step' },
    { id: 'W2.1', title: 'Both together', depends_on: ['W1.1', 'W1.2'] },
  ];
  const script: SessionScript = {
    build,
    issue,
    workers,
    plan: planJson({ build, issue, title, workers }),
    usageUsd: USAGE,
  };
  await driveBuild({ gh, apps: [app], script });
  return { issue, build, script };
}

async function approvedBuild(
  gh: SetRepos['lib'],
  app: App,
  title: string,
  script: Omit<SessionScript, 'build' | 'issue'>,
): Promise<{ issue: number; script: SessionScript }> {
  const issue = labelledIssue(gh, { title });
  const build = `${issue}-${title.toLowerCase().replaceAll(' ', '-')}`;
  const full: SessionScript = {
    build,
    issue,
    usageUsd: USAGE,
    plan: planJson({ build, issue, title, workers: script.workers }),
    ...script,
  };
  await driveBuild({ gh, apps: [app], script: full });
  gh.addComment({ issue, body: '/approve', user: 'maintainer' });
  await driveBuild({ gh, apps: [app], script: full });
  return { issue, script: full };
}

/** The world served over HTTP, with the app's user authorization (its people: alice, bob, eve). */
export async function serveMissionWorld(
  world: MissionWorld,
): Promise<{ server: GitHubServer; auth: SimUserAuth }> {
  const auth = new SimUserAuth({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    repositories: () => world.repos.all,
    people: PEOPLE,
    now: () => Date.parse(world.now()),
  });
  const [first, ...rest] = world.repos.all;
  if (!first) throw new Error('no repository');
  const server = await startGitHubServer({
    gh: first,
    repositories: rest,
    appWebhookUrl: null,
    webhookSecret: 'unused',
    userAuth: auth,
  });
  return { server, auth };
}

/** The mission world served, and the app's own process showing it on its page, people signing in. */
export interface MissionPage {
  served: { server: GitHubServer; auth: SimUserAuth };
  app: AppProcess;
  stop(): Promise<void>;
}

/**
 * The app's process against the world served over HTTP, with its page on
 * (`GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`, `BATON_APP_URL`) and its
 * callback registered: the browser test's and `npm run demo -- page`'s. The
 * first resync, five seconds after start, reads every build onto the page.
 */
export async function startMissionPage(world: MissionWorld): Promise<MissionPage> {
  const served = await serveMissionWorld(world);
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    served.auth.callbackUrls.push(`${url}/sign-in/callback`);
    const app = await startAppProcess({
      gheHost: served.server.host,
      webhookSecret: 'mission-page-secret',
      oidcIssuer: served.server.url,
      port,
      resyncMinutes: 1,
      env: {
        GITHUB_CLIENT_ID: CLIENT_ID,
        GITHUB_CLIENT_SECRET: CLIENT_SECRET,
        BATON_APP_URL: url,
        BATON_SOURCE_REPOSITORY: 'baton-dev/baton',
        BATON_SOURCE_REF: 'ba7c0'.repeat(8),
      },
    });
    return {
      served,
      app,
      stop: async () => {
        await app.stop();
        await served.server.close();
      },
    };
  } catch (error) {
    await served.server.close();
    throw error;
  }
}

/**
 * The overview's JSON for `cookie`'s person once the app has read `rows`
 * builds and sets (its first resync): polled once a second, as the app reads
 * on its own, for five minutes at most. For a script (the benchmark, the
 * demo); a test polls with `expect.poll`.
 */
export async function overviewOnceRead(
  url: string,
  cookie: string,
  rows: number,
): Promise<Overview> {
  const until = Date.now() + 300_000;
  for (;;) {
    const response = await fetch(`${url}/api/baton/overview`, { headers: { cookie } });
    const overview = (await response.json()) as Overview;
    if (overview.builds.length + overview.sets.length >= rows) return overview;
    if (Date.now() > until)
      throw new Error(
        `the app read ${overview.builds.length} builds and ${overview.sets.length} sets, not ${rows} rows`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** A plan as its plan session writes it, titled as its issue. */
function planJson({
  build,
  issue,
  title,
  workers,
}: {
  build: string;
  issue: number;
  title: string;
  workers: PlanWorkerSpec[];
}) {
  return {
    version: 1,
    build,
    issue,
    title,
    summary: `${title}, in ${workers.length} workers.`,
    workers: workers.map((worker) => ({
      id: worker.id,
      title: worker.title ?? `Worker ${worker.id}`,
      depends_on: worker.depends_on ?? [],
      complexity: worker.complexity ?? 'normal',
    })),
  };
}
