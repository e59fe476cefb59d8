/**
 * A change set across three repositories played as a maintainer would
 * (sim/scenario/builds/change-set-scenario.ts, docs/change-sets.md): the
 * issue labelled and the set's plan approved; once every final pull request
 * is open, merge pressed on the client's too early (refused by its pending
 * `baton/change-set`), then on each as the set releases it, in order; the
 * issue closed by the last, `/rollback` opens the reverts, the client's
 * first. Shared by the end-to-end test and `npm run demo -- change-set`.
 */
import {
  CHANGE_SET_CHECK_NAME,
  memberBuildId,
  revertBranch,
} from '../../src/core/vocabulary/ids.js';
import {
  MAINTAINER,
  type PeerRepository,
  type Simulation,
  type SimulationMode,
  type SimulationOptions,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../e2e.js';
import type { FakeGitHub } from '../github/fake-github.js';
import type { SimPull } from '../github/records.js';
import { personToken } from '../github/tokens.js';
import { machineLimit } from '../machine-time.js';
import {
  CHANGE_SET_ISSUE,
  changeSetScenario,
  SET_REPOSITORIES,
  setUpClient,
  setUpLib,
  setUpService,
} from './builds/change-set-scenario.js';
import { findFinalPull, waitWatching, watchStatus } from './play-build.js';
import type { Scenario } from './scenario.js';
import { createScriptedModel, type ScriptedModel } from './scripted-model.js';
import { settle } from './settle.js';

/** What a played change set left. */
export interface PlayedChangeSet {
  sim: Simulation;
  model: ScriptedModel;
  issue: number;
  build: string;
  repos: { service: FakeGitHub; lib: FakeGitHub; client: FakeGitHub };
  finals: { service: SimPull; lib: SimPull; client: SimPull };
  /** The answers to the maintainer's merges, in order: `repo status`. */
  merges: string[];
  /** The repositories whose revert pull request was opened, in the order they were. */
  revertsOpened: string[];
  statuses: string[];
}

/** Who is told what happens: the status comment's versions, notices, and what the maintainer does. */
export interface ChangeSetWatchers {
  onStatus?: (body: string, at: Date) => void;
  onNotice?: (body: string, at: Date) => void;
  /** A comment (`/approve`, `/rollback`) or a press of merge, with GitHub's answer. */
  onMaintainer?: (what: string, at: Date) => void;
}

/** A person presses merge on a pull request, through the simulated GitHub's REST API. */
export async function merge(sim: Simulation, gh: FakeGitHub, number: number): Promise<number> {
  const response = await fetch(`${sim.server.apiUrl}/repos/${gh.fullName}/pulls/${number}/merge`, {
    method: 'PUT',
    headers: {
      authorization: `token ${personToken(MAINTAINER)}`,
      'content-type': 'application/json',
    },
    body: '{}',
  });
  return response.status;
}

/** The newest `baton/change-set` on a pull request's head: its conclusion, or its status. */
export function changeSetCheck(gh: FakeGitHub, pull: SimPull): string | null {
  const head = gh.git.resolve(pull.head);
  const run = gh.checkRuns
    .filter((one) => one.headSha === head && one.name === CHANGE_SET_CHECK_NAME)
    .at(-1);
  return run ? (run.conclusion ?? run.status) : null;
}

/**
 * A simulation of the change set's repositories, the service (set up by `setup`, default
 * `setUpService`) with lib, client and `more` as its peers, its sessions played by the set's
 * scripted model; pushed to `started` for the caller to stop.
 */
export async function startChangeSet({
  started,
  setup = setUpService,
  scenario = changeSetScenario,
  more = [],
  ...options
}: Omit<SimulationOptions, 'respond' | 'name' | 'setup' | 'peers'> & {
  started: Simulation[];
  setup?: SimulationOptions['setup'];
  /** The set's plan and workers; default the four of `changeSetScenario`. */
  scenario?: () => Scenario;
  more?: PeerRepository[];
}): Promise<{ sim: Simulation; model: ScriptedModel }> {
  const model = createScriptedModel(scenario());
  const sim = await startSimulation({
    ...options,
    respond: model,
    name: SET_REPOSITORIES.service,
    setup,
    peers: [
      { name: SET_REPOSITORIES.lib, setup: setUpLib },
      { name: SET_REPOSITORIES.client, setup: setUpClient },
      ...more,
    ],
  });
  started.push(sim);
  return { sim, model };
}

export async function playChangeSet({
  mode,
  started,
  parallel = 2,
  timeoutMs = WHOLE_BUILD_LIMIT_MS,
  appEnv,
  watchers = {},
}: {
  mode: SimulationMode;
  /** Where the simulation goes, for the caller to stop. */
  started: Simulation[];
  parallel?: number;
  timeoutMs?: number;
  appEnv?: Record<string, string>;
  watchers?: ChangeSetWatchers;
}): Promise<PlayedChangeSet> {
  const { sim, model } = await startChangeSet({
    started,
    mode,
    parallel,
    ...(appEnv ? { appEnv } : {}),
  });
  const [lib, client] = sim.peers as [FakeGitHub, FakeGitHub];
  const repos = { service: sim.gh, lib, client };
  const watch = watchStatus(sim.gh, watchers.onStatus, watchers.onNotice);
  const limit = machineLimit(timeoutMs);
  const wait = waitWatching({ sim, watch, limit });
  const issue = sim.labelIssue(CHANGE_SET_ISSUE);
  const say = (body: string) => {
    sim.comment({ issue, body });
    watchers.onMaintainer?.(`comments \`${body}\``, new Date());
  };
  await wait('the set’s plan', () => sim.statusComment(issue)?.includes('Reply `/approve`'));
  const build = await wait(
    'the build id',
    () => /<!-- baton:status build=([\w.-]+) -->/.exec(sim.statusComment(issue) ?? '')?.[1],
  );
  say('/approve');
  const member = memberBuildId(build, SET_REPOSITORIES.service);
  const finalOf = (gh: FakeGitHub) => findFinalPull(gh, member);
  const finals = {
    lib: await wait('lib’s final pull request', () => finalOf(lib)),
    service: await wait('the service’s final pull request', () => finalOf(sim.gh)),
    client: await wait('the client’s final pull request', () => finalOf(client)),
  };
  await wait(
    'lib’s final pull request released',
    () => changeSetCheck(lib, finals.lib) === 'success',
  );
  const merges: string[] = [];
  const press = async (name: keyof typeof repos) => {
    const status = await merge(sim, repos[name], finals[name].number);
    merges.push(`${name} ${status}`);
    const answer =
      status === 200
        ? 'merged'
        : `refused (${status}): its \`${CHANGE_SET_CHECK_NAME}\` check is pending until the pull requests it lands after have merged`;
    watchers.onMaintainer?.(
      `presses merge on ${repos[name].fullName}#${finals[name].number}: ${answer}`,
      new Date(),
    );
  };
  await press('client');
  await press('lib');
  await wait('the service’s final pull request released', () =>
    changeSetCheck(sim.gh, finals.service) === 'success' ? true : null,
  );
  await press('service');
  await wait('the client’s final pull request released', () =>
    changeSetCheck(client, finals.client) === 'success' ? true : null,
  );
  await press('client');
  await wait('the set’s issue closed', () => sim.gh.issues.get(issue)?.state === 'closed');
  const rollbackAt = sim.server.requests.length;
  say('/rollback');
  const revertOf = (gh: FakeGitHub) =>
    [...gh.pulls.values()].find((pull) => pull.head === revertBranch(member));
  await wait('every revert pull request', () =>
    [lib, sim.gh, client].every((gh) => revertOf(gh)) ? true : null,
  );
  const revertsOpened = sim.server.requests
    .slice(rollbackAt)
    .filter(
      (request) =>
        request.method === 'POST' &&
        /^\/repos\/[^/]+\/[^/]+\/pulls$/.test(request.path) &&
        request.status === 201,
    )
    .map((request) => request.path.split('/')[3] ?? '');
  await settle(sim);
  watch.poll();
  return {
    sim,
    model,
    issue,
    build,
    repos,
    finals,
    merges,
    revertsOpened,
    statuses: watch.statuses,
  };
}
