// End-to-end (slow): a change set across three repositories of one
// installation (docs/change-sets.md), through real processes, in both modes
// (the app hosted; nothing hosted, each repository's conductor workflow
// reconciling from its events). The library renames a function (its first
// review asks for a change), the service follows it in two workers whose
// re-exports conflict, and the client follows the service: two
// cross-repository dependencies whose reports the app carries across. The
// maintainer then merges the final pull requests; the client's, pressed too
// early, is refused by its pending `baton/change-set`. `/rollback` opens the
// reverts, the client's first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import { type Simulation, type SimulationMode, WHOLE_BUILD_LIMIT_MS } from '../../sim/e2e.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import { SET_REPOSITORIES } from '../../sim/scenario/builds/change-set-scenario.js';
import { type PlayedChangeSet, playChangeSet } from '../../sim/scenario/play-change-set.js';
import { completionPath, integrationBranch, memberBuildId } from '../../src/core/vocabulary/ids.js';

type Played = PlayedChangeSet;

const started: Simulation[] = [];

function play(mode: SimulationMode): Promise<Played> {
  return playChangeSet({ mode, started });
}

let runs: Record<SimulationMode, Promise<Played>>;

beforeAll(() => {
  runs = { hosted: play('hosted'), serverless: play('serverless') };
  for (const run of Object.values(runs)) run.catch(() => undefined);
});
afterAll(async () => {
  await Promise.allSettled(Object.values(runs));
  await Promise.all(started.map((sim) => sim.stop()));
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
