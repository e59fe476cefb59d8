// End-to-end (slow): a change set across three repositories of one
// installation (docs/change-sets.md), through real processes, in both modes
// (the app hosted; nothing hosted, each repository's conductor workflow
// reconciling from its events). The library renames a function (its first
// review asks for a change), the service follows it in two workers whose
// re-exports conflict, and the client follows the service: two
// cross-repository dependencies whose reports the app carries across. The
// maintainer then merges the final pull requests; the client's, pressed too
// early, is refused by its pending `baton/change-set`. `/rollback` opens the
// reverts, the client's first. With nothing hosted, GitHub lists an
// installation's repositories to a token as those it was minted for; and a
// set that lists a repository the app is not installed on says so on the
// issue and ends its conductor's job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import {
  type Simulation,
  type SimulationMode,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import {
  CHANGE_SET_ISSUE,
  changeSetScenario,
  NOT_INSTALLED,
  SET_REPOSITORIES,
  setUpClient,
  setUpLib,
  setUpServiceListingUninstalled,
  setUpUninstalled,
} from '../../sim/scenario/builds/change-set-scenario.js';
import { type PlayedChangeSet, playChangeSet } from '../../sim/scenario/play-change-set.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { completionPath, integrationBranch, memberBuildId } from '../../src/core/vocabulary/ids.js';

type Played = PlayedChangeSet;

const started: Simulation[] = [];

function play(mode: SimulationMode): Promise<Played> {
  return playChangeSet({ mode, started });
}

/** What the set that lists a repository the app is not installed on came to. */
interface Refused {
  sim: Simulation;
  model: ScriptedModel;
  /** The lines of its status comment that name a problem. */
  problems: string[];
}

/** With nothing hosted, the service lists a repository the app is not installed on; its owner labels the issue. */
async function playUninstalled(): Promise<Refused> {
  const model = createScriptedModel(changeSetScenario());
  const sim = await startSimulation({
    respond: model,
    name: SET_REPOSITORIES.service,
    setup: setUpServiceListingUninstalled,
    peers: [
      { name: SET_REPOSITORIES.lib, setup: setUpLib },
      { name: SET_REPOSITORIES.client, setup: setUpClient },
      { name: NOT_INSTALLED, setup: setUpUninstalled },
    ],
    mode: 'serverless',
  });
  started.push(sim);
  const issue = sim.labelIssue(CHANGE_SET_ISSUE);
  const status = await sim.waitForStatus(
    issue,
    `${NOT_INSTALLED} is not in this app's installation`,
  );
  // No job left running: every event taken, every run it started ended (a runner waits for its jobs).
  const ended = async () => {
    await sim.conductor?.idle();
    await Promise.all([sim.runner, ...sim.peerRunners].map((runner) => runner.idle()));
    return [sim.gh, ...sim.peers].every((gh) => gh.runs.every((run) => run.status === 'completed'));
  };
  while (!(await ended()));
  return { sim, model, problems: status.split('\n').filter((line) => line.startsWith('- ')) };
}

let runs: Record<SimulationMode, Promise<Played>>;
let uninstalled: Promise<Refused>;

beforeAll(() => {
  runs = { hosted: play('hosted'), serverless: play('serverless') };
  uninstalled = playUninstalled();
  for (const run of [...Object.values(runs), uninstalled]) run.catch(() => undefined);
});
afterAll(async () => {
  await Promise.allSettled([...Object.values(runs), uninstalled]);
  await Promise.all(started.map((sim) => sim.stop()));
});

describe('a change set that lists a repository the app is not installed on (nothing hosted)', () => {
  let refused: Refused;
  beforeAll(async () => {
    refused = await uninstalled;
  }, WHOLE_BUILD_LIMIT_MS);

  it('says so on the issue in one line, and plans nothing', () => {
    expect(refused.problems).toEqual([
      `- \`changeSets.repositories\`: ${NOT_INSTALLED} is not in this app's installation (or does not exist): install the app on it, in the same installation as ${SET_REPOSITORIES.service}, or take it out of the list.`,
    ]);
    expect(refused.model.sessions).toEqual([]);
    const { sim } = refused;
    expect([sim.gh, ...sim.peers].flatMap((gh) => sessionRuns(gh.runs))).toEqual([]);
  });

  it('ends its conductor job, having asked GitHub for no token it refuses', () => {
    const { sim } = refused;
    const conducts = [sim.runner, ...sim.peerRunners]
      .flatMap((runner) => runner.jobs)
      .filter((job) => job.job === 'conduct');
    expect(conducts.length).toBeGreaterThan(0);
    expect(conducts.map((job) => job.code)).toEqual(conducts.map(() => 0));
    const mints = sim.server.requests.filter((one) => one.path.endsWith('/access_tokens'));
    expect(mints.filter((one) => one.status !== 201)).toEqual([]);
  });
});

describe.each(['hosted', 'serverless'] as const)(
  'a change set across three repositories (%s)',
  (mode) => {
    let played: Played;
    beforeAll(async () => {
      played = await runs[mode];
    }, WHOLE_BUILD_LIMIT_MS + 60_000);

    it('runs each worker in its repository, with no turn the scenario did not expect', () => {
      const { model, repos, sim } = played;
      expect(model.problems).toEqual([]);
      const works = (gh: FakeGitHub) =>
        [
          ...new Set(
            sessionRuns(gh.runs)
              .filter((run) => run.inputs.role === 'work')
              .map((run) => run.inputs.worker),
          ),
        ].sort();
      expect(works(repos.lib)).toEqual(['W1.1']);
      expect(works(repos.service)).toEqual(['W2.1', 'W2.2']);
      expect(works(repos.client)).toEqual(['W3.1']);
      const runs = [repos.service, repos.lib, repos.client]
        .flatMap((gh) => sessionRuns(gh.runs).map((run) => ({ repo: gh.fullName, run })))
        // A member's slice session runs no model.
        .filter(({ run }) => !(run.inputs.role === 'plan' && run.inputs.build !== played.build));
      const shown = runs.map(
        ({ repo, run }) =>
          `${repo} ${run.inputs.role} ${run.inputs.worker ?? '-'} ${run.inputs.trigger ?? '-'} ${run.conclusion ?? run.status}`,
      );
      // Two conductors that reconcile the set at once may both dispatch the review of one head
      // (docs/design-notes.md, "A review's dispatch is its own guard"): the twin ends before
      // any model call, so each (repository, role, worker, trigger) calls the model once.
      expect(model.sessions, shown.join('\n')).toHaveLength(new Set(shown).size);
      // Only a review is ever twinned.
      const twins = shown.filter((line, index) => shown.indexOf(line) !== index);
      expect(twins.filter((line) => !line.split(' ')[1]?.startsWith('review'))).toEqual([]);
      expect(sim.gh.runs.some((run) => run.inputs.views === '1')).toBe(true);
    });

    it('carries a dependency’s report across: the library’s to the service, the service’s to the client', () => {
      const { repos, build } = played;
      const member = memberBuildId(build, SET_REPOSITORIES.service);
      const onBranch = (gh: FakeGitHub, worker: string) =>
        gh.git
          .filesOf(gh.git.resolve(integrationBranch(member)) ?? '')
          .has(completionPath(member, worker));
      expect(onBranch(repos.service, 'W1.1')).toBe(true);
      expect(onBranch(repos.client, 'W2.1')).toBe(true);
    });

    it('answers the library’s review that asks for a change with a fix there', () => {
      const { repos } = played;
      const fixes = sessionRuns(repos.lib.runs).filter((run) => run.inputs.role === 'fix');
      expect(fixes.map((run) => run.inputs.trigger?.split('-')[0])).toContain('review');
      const main = repos.lib.git.filesOf(repos.lib.git.resolve('main') ?? '');
      expect(main.get('src/users.js')).toContain('Number(id)');
    });

    it('resolves the service’s conflict with a fix session', () => {
      const { repos } = played;
      const conflicts = sessionRuns(repos.service.runs).filter((run) =>
        run.inputs.trigger?.startsWith('conflict-'),
      );
      expect(conflicts).toHaveLength(1);
      const index =
        repos.service.git.filesOf(repos.service.git.resolve('main') ?? '').get('src/index.js') ??
        '';
      expect(index).toContain("export { userName } from './calls.js';");
      expect(index).toContain("export { retry } from './retry.js';");
    });

    it('lands the final pull requests in order, refusing a person’s early merge', () => {
      expect(played.merges).toEqual(['client 405', 'lib 200', 'service 200', 'client 200']);
      const { repos, finals } = played;
      expect(finals.lib.body).toContain(
        `Part of the change set [${SET_REPOSITORIES.service}#${played.issue}]`,
      );
      const onMain = (gh: FakeGitHub, path: string) =>
        gh.git.filesOf(gh.git.resolve('main') ?? '').has(path);
      expect([
        onMain(repos.lib, 'test/users.test.js'),
        onMain(repos.service, 'src/retry.js'),
        onMain(repos.client, 'src/show.js'),
      ]).toEqual([true, true, true]);
      const mergedAt = (gh: FakeGitHub, pull: SimPull) => gh.pulls.get(pull.number)?.mergedAt ?? '';
      expect(mergedAt(repos.lib, finals.lib) < mergedAt(repos.service, finals.service)).toBe(true);
      expect(mergedAt(repos.service, finals.service) < mergedAt(repos.client, finals.client)).toBe(
        true,
      );
    });

    it('opens /rollback’s reverts in reverse order, the client’s first', () => {
      expect(played.revertsOpened).toEqual(['client', 'service', 'lib']);
    });
  },
);
