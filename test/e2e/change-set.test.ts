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
// installation's repositories to a token as those it was minted for, and shows
// it no private repository but those (the library is private, the client
// public): the conductor reads the members with a read-only token minted for
// them; and a set that lists a repository the app is not installed on says so
// on the issue and ends its conductor's job.
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import {
  buildCeiling,
  type Simulation,
  type SimulationMode,
  STEP_LIMIT_MS,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import { pollWithin } from '../../sim/machine-time.js';
import {
  CHANGE_SET_ISSUE,
  NOT_INSTALLED,
  SET_REPOSITORIES,
  setUpServiceListingUninstalled,
  setUpUninstalled,
} from '../../sim/scenario/builds/change-set-scenario.js';
import {
  type PlayedChangeSet,
  playChangeSet,
  startChangeSet,
} from '../../sim/scenario/play-change-set.js';
import type { ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { MEMBER_READ_PERMISSIONS } from '../../src/conductor/members-reader.js';
import { completionPath, integrationBranch, memberBuildId } from '../../src/core/vocabulary/ids.js';
import { awaitBeforeAll, playBuildsAtOnce } from '../support/builds-at-once.js';

type Played = PlayedChangeSet;

/**
 * How long a set may take before it counts as hung: a guard, not a measure.
 * The file plays two sets of three repositories at once (about three builds'
 * sessions each) besides the refused one; in a whole `.ci/run` beside a busy
 * loop (load 12 to 25) one of them took past WHOLE_BUILD_LIMIT_MS.
 */
const SET_LIMIT_MS = 3 * WHOLE_BUILD_LIMIT_MS;

function play(mode: SimulationMode, started: Simulation[]): Promise<Played> {
  return playChangeSet({ mode, started, timeoutMs: SET_LIMIT_MS });
}

/** What the set that lists a repository the app is not installed on came to. */
interface Refused {
  sim: Simulation;
  model: ScriptedModel;
  /** The lines of its status comment that name a problem. */
  problems: string[];
}

/** With nothing hosted, the service lists a repository the app is not installed on; its owner labels the issue. */
async function playUninstalled(started: Simulation[]): Promise<Refused> {
  const { sim, model } = await startChangeSet({
    started,
    setup: setUpServiceListingUninstalled,
    more: [{ name: NOT_INSTALLED, setup: setUpUninstalled }],
    mode: 'serverless',
  });
  const issue = sim.labelIssue(CHANGE_SET_ISSUE);
  const status = await sim.waitForStatus(
    issue,
    `${NOT_INSTALLED} is not in this app's installation`,
  );
  // No job left running: every event taken, every run it started ended (a runner waits for its
  // jobs), looked at again after a turn of the event loop, within two steps of the machine's time.
  await pollWithin({
    what: 'every conductor run the refusal started to end',
    limit: 2 * STEP_LIMIT_MS,
    check: async () => {
      await sim.conductor?.idle();
      await Promise.all([sim.runner, ...sim.peerRunners].map((runner) => runner.idle()));
      return [sim.gh, ...sim.peers].every((gh) =>
        gh.runs.every((run) => run.status === 'completed'),
      );
    },
    more: () => sim.diagnostics(),
  });
  return { sim, model, problems: status.split('\n').filter((line) => line.startsWith('- ')) };
}

const runs = playBuildsAtOnce((started) => ({
  hosted: play('hosted', started),
  serverless: play('serverless', started),
  uninstalled: playUninstalled(started),
}));

describe('a change set that lists a repository the app is not installed on (nothing hosted)', () => {
  let refused: Refused;
  beforeAll(async () => {
    refused = await runs().uninstalled;
  }, buildCeiling(WHOLE_BUILD_LIMIT_MS));

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
    const played = awaitBeforeAll(() => runs()[mode], SET_LIMIT_MS);

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
        // A member's slice session runs no model, nor does a learn session where no person
        // corrected anything (here only Baton's own reviews did: docs/memory.md).
        .filter(({ run }) => !(run.inputs.role === 'plan' && run.inputs.build !== played.build))
        .filter(({ run }) => run.inputs.role !== 'learn');
      const shown = runs.map(
        ({ repo, run }) =>
          // A conductor dispatches an empty trigger where the app sends none.
          `${repo} ${run.inputs.role} ${run.inputs.worker || '-'} ${run.inputs.trigger || '-'} ${run.conclusion ?? run.status}`,
      );
      // Two conductors that reconcile the set at once may both dispatch the review of one head,
      // or a worker's first attempt (docs/design-notes.md, "A review's dispatch is its own
      // guard"): the twin ends before any model call, so each (repository, role, worker,
      // trigger) calls the model once.
      // Each work or fix run's review after its session is a session of its own, in that run.
      const inRun = [sim.runner, ...sim.peerRunners].flatMap((runner) =>
        runner.jobs.filter((job) => job.job === 'review'),
      );
      expect(model.sessions, shown.join('\n')).toHaveLength(new Set(shown).size + inRun.length);
      // Only a review or a first attempt is ever twinned: each guards itself, where every other
      // dispatch takes a lock.
      const twins = shown.filter((line, index) => shown.indexOf(line) !== index);
      const guardsItself = (line: string) => {
        const [, role, , trigger] = line.split(' ');
        return role === 'review' || (role === 'work' && trigger === '-');
      };
      expect(twins.filter((line) => !guardsItself(line))).toEqual([]);
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

    it.runIf(mode === 'serverless')(
      'reads the private library with a read-only token minted for the set’s repositories, not the service’s own',
      () => {
        const { sim, repos } = played;
        expect([repos.lib.visibility, repos.client.visibility]).toEqual(['private', 'public']);
        const log = [sim.gh, ...sim.peers].flatMap((gh) => gh.log);
        const mints = log
          .filter((entry) => entry.route.endsWith('/access_tokens') && entry.status === 201)
          .map((entry) => entry.body);
        expect(mints).toContainEqual({
          repositories: expect.arrayContaining(['lib', 'service']),
          permissions: MEMBER_READ_PERMISSIONS,
        });
        // The service's own token sees no private member: the members are never read alongside it.
        const operations = log
          .filter((entry) => entry.route === 'POST /graphql')
          .map((entry) => (entry.body as { operationName?: string } | null)?.operationName);
        expect(operations).toContain('BatonMembers');
        expect(operations).not.toContain('BatonSet');
      },
    );
  },
);
