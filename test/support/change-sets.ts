/**
 * A change set on the simulated GitHub (docs/change-sets.md): three
 * repositories of one installation (a library, the service that uses it, a
 * client of the service), the issue on the service, each repository's runs
 * played by the scripted sessions of its own build.
 */
import { type FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { personToken } from '../../sim/github/tokens.js';
import { isContractWorker } from '../../src/core/plan/contract.js';
import {
  CHANGE_SET_CHECK_NAME,
  integrationBranch,
  memberBuildId,
} from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from './app-harness.js';
import { installedRepo, type PlanWorkerSpec } from './builds.js';
import {
  type Delivery,
  inOrder,
  runQueuedSessions,
  type SessionScript,
} from './scripted-sessions.js';

export const LIB = 'acme/lib';
export const SERVICE = 'acme/service';
export const CLIENT = 'acme/client';
/** The set's build: issue 1 of acme/service, "Rename fetch to get". */
export const SET_BUILD = '1-rename-fetch-to-get';
export const SET_MEMBER = memberBuildId(SET_BUILD, SERVICE);

/** A worker of the set's plan, in its repository. */
export interface SetWorkerSpec extends PlanWorkerSpec {
  repository: string;
  /** Its acceptance criteria; a contract's worker (wave 0) writes their checks. */
  criteria?: string[];
}

/** lib ← service ← client: W1.1 in acme/lib, W2.1 and W2.2 in acme/service, W3.1 in acme/client. */
export const SET_WORKERS: SetWorkerSpec[] = [
  { id: 'W1.1', title: 'Rename fetch to get', repository: LIB },
  { id: 'W2.1', title: 'Call get', depends_on: ['W1.1'], repository: SERVICE },
  { id: 'W2.2', title: 'Call get in the tests', depends_on: ['W1.1'], repository: SERVICE },
  { id: 'W3.1', title: 'Follow the service', depends_on: ['W2.1'], repository: CLIENT },
];

/** The three repositories of one installation, the service the set's home (its peers the others). */
export interface SetRepos {
  lib: FakeGitHub;
  service: FakeGitHub;
  client: FakeGitHub;
  /** Every repository, the service first: a fourth of the installation too when asked for. */
  all: FakeGitHub[];
}

/** A fourth repository of the installation, set up for Baton, that the service does not list. */
export const OTHER = 'acme/other';

/**
 * The set's repositories, each set up for Baton with the maintainer a writer of
 * each, their default branches requiring `baton/change-set` from the app; the
 * service's configuration lists the others.
 */
export function setRepos(
  now: () => string,
  { config = '', other = false }: { config?: string; other?: boolean } = {},
): SetRepos {
  const make = (name: string, repositoryId: number) => {
    const [owner = '', repo = ''] = name.split('/');
    const gh = installedRepo(now, { owner, repo, repositoryId });
    gh.defaultBranchRequiredChecks.add(CHANGE_SET_CHECK_NAME);
    // From the app alone, as docs/change-sets.md has it.
    gh.requiredCheckSources.set(CHANGE_SET_CHECK_NAME, gh.appId);
    return gh;
  };
  const service = make(SERVICE, 1);
  const lib = make(LIB, 2);
  const client = make(CLIENT, 3);
  service.git.commitOn(
    service.defaultBranch,
    { '.github/baton.yml': `changeSets:\n  repositories: [${LIB}, ${CLIENT}]\n${config}` },
    'Configure',
  );
  joinInstallation(service, lib, client);
  const all = [service, lib, client];
  if (other) {
    const unlisted = make(OTHER, 4);
    joinInstallation(service, lib, client, unlisted);
    all.push(unlisted);
  }
  return { lib, service, client, all };
}

/**
 * The set's plan as its plan session writes it on the service's set build branch: the
 * build's `criteria`, if any, and each contract's worker (wave 0) with `contract: true`.
 */
export function setPlanJson(workers: SetWorkerSpec[] = SET_WORKERS, criteria: string[] = []) {
  return {
    version: 1,
    build: SET_BUILD,
    issue: 1,
    title: 'Rename fetch to get',
    summary: 'Rename the library method, follow it in the service, then in the client.',
    ...(criteria.length > 0 ? { criteria } : {}),
    workers: workers.map((w) => ({
      id: w.id,
      title: w.title ?? `Worker ${w.id}`,
      depends_on: w.depends_on ?? [],
      complexity: 'normal',
      ...(isContractWorker(w.id) ? { contract: true } : {}),
      ...(w.criteria ? { criteria: w.criteria } : {}),
      ...(w.repository === SERVICE ? {} : { repository: w.repository }),
    })),
  };
}

/**
 * Each repository's session script: the service's set build plans the set;
 * every repository's member build copies its slice and runs its workers.
 */
export function setScripts(
  repos: SetRepos,
  overrides: Partial<SessionScript> = {},
  workers: SetWorkerSpec[] = SET_WORKERS,
  /** The build's own acceptance criteria in the set's plan. */
  criteria: string[] = [],
): Map<FakeGitHub, SessionScript[]> {
  const member = (repository: string): SessionScript => ({
    build: SET_MEMBER,
    issue: 1,
    workers: workers.filter((w) => w.repository === repository),
    ...overrides,
  });
  // The set's plan session writes every worker's brief on the set build branch.
  const home: SessionScript = {
    build: SET_BUILD,
    issue: 1,
    workers,
    plan: setPlanJson(workers, criteria),
  };
  return new Map([
    [repos.service, [home, member(SERVICE)]],
    [repos.lib, [member(LIB)]],
    [repos.client, [member(CLIENT)]],
  ]);
}

/**
 * The scripts of a build whose plan holds only the service's workers (W2.1,
 * W2.2, no dependencies) in a repository that lists change sets: the set build
 * runs them itself, and W2.1's first attempt fails (a `/retry W2.1` to take).
 */
export function serviceAloneScripts(repos: SetRepos): Map<FakeGitHub, SessionScript[]> {
  const alone = SET_WORKERS.filter((worker) => worker.repository === SERVICE).map(
    ({ depends_on: _none, ...worker }) => worker,
  );
  const scripts = setScripts(repos, {}, alone);
  const [home, ...members] = scripts.get(repos.service) ?? [];
  if (!home) throw new Error('no script of the set build');
  const failsFirst = (worker: string, attempt: number) =>
    worker === 'W2.1' && attempt === 1 ? ('fail' as const) : ('deliver' as const);
  scripts.set(repos.service, [{ ...home, work: failsFirst }, ...members]);
  return scripts;
}

/**
 * Runs the set to rest: every repository's webhooks delivered to the app, every
 * queued run played by the script of its build, until nothing is left to do.
 */
export async function driveSet({
  repos,
  apps,
  scripts,
  delivery = inOrder,
  maxRounds = 80,
}: {
  repos: SetRepos;
  apps: AppHarness[];
  scripts: Map<FakeGitHub, SessionScript[]>;
  delivery?: Delivery;
  maxRounds?: number;
}): Promise<void> {
  const [app] = apps;
  if (!app) throw new Error('no app');
  for (let round = 0; round < maxRounds; round++) {
    let moved = false;
    for (const gh of repos.all) {
      const events = delivery(gh.outbox.splice(0));
      for (const event of events) await app.deliver(event.name, event.payload);
      moved ||= events.length > 0;
    }
    for (const gh of repos.all) {
      for (const script of scripts.get(gh) ?? []) {
        // Each build's runs by its own script; CI's re-runs by the member's.
        const mine = (run: SimRun) =>
          run.inputs.build === script.build || (!run.inputs.build && script.build === SET_MEMBER);
        moved = runQueuedSessions(gh, script, mine) > 0 || moved;
      }
    }
    if (!moved && repos.all.every((gh) => gh.outbox.length === 0)) return;
  }
  throw new Error(`the change set did not come to rest in ${maxRounds} rounds`);
}

/**
 * The set's issue opened with the `orchestrate` label, which the maintainer
 * puts on it, and the set driven to rest after the label (its plan waits) and,
 * unless `approve` is false, after the maintainer's `/approve`.
 */
export async function driveSetIssue({
  repos,
  app,
  scripts,
  approve = true,
}: {
  repos: SetRepos;
  app: AppHarness;
  scripts: Map<FakeGitHub, SessionScript[]>;
  approve?: boolean;
}): Promise<number> {
  const issue = repos.service.openIssue({ title: 'Rename fetch to get', labels: ['orchestrate'] });
  repos.service.events.labeled(issue, 'orchestrate', 'maintainer');
  await driveSet({ repos, apps: [app], scripts });
  if (!approve) return issue;
  repos.service.addComment({ issue, body: '/approve', user: 'maintainer' });
  await driveSet({ repos, apps: [app], scripts });
  return issue;
}

/** The maintainer presses merge on a pull request: GitHub's answer, as the REST route gives it. */
export function mergeAsPerson(gh: FakeGitHub, number: number): { status: number; message: string } {
  const answer = gh.handle({
    method: 'PUT',
    path: `/repos/${gh.fullName}/pulls/${number}/merge`,
    query: new URLSearchParams(),
    body: {},
    headers: { authorization: `token ${personToken('maintainer')}` },
  });
  return { status: answer.status, message: String((answer.body as { message?: string })?.message) };
}

/** A member's final pull request, if open or merged. */
export function finalPullOf(gh: FakeGitHub) {
  return [...gh.pulls.values()].find(
    (pull) => pull.head === integrationBranch(SET_MEMBER) && pull.base === gh.defaultBranch,
  );
}

/** The app's own `baton/change-set` on a pull request's head, the newest: its status and conclusion. */
export function changeSetCheck(gh: FakeGitHub, number: number): string | null {
  const pull = gh.pulls.get(number);
  const head = pull ? gh.git.resolve(pull.head) : null;
  const run = gh.checkRuns
    .filter((r) => r.headSha === head && r.name === CHANGE_SET_CHECK_NAME && r.app.id === gh.appId)
    .at(-1);
  return run ? (run.conclusion ?? run.status) : null;
}

/** The writes an app made in a repository (every request but a read), as its log shows them. */
export function writesIn(gh: FakeGitHub): string[] {
  return gh.log
    .filter((entry) => entry.method !== 'GET' && entry.route !== 'POST /graphql')
    .map((entry) => `${entry.method} ${entry.path}`);
}
