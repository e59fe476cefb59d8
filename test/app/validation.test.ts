import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import {
  parseValidationMessage,
  renderValidationMessage,
  validationRef,
  validationRefPrefix,
} from '../../src/core/plan/validation.js';
import { briefPath, integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';
import { clearHiddenRefReading } from '../../src/github/observe/hidden-records.js';
import { makeContract } from '../core/factories.js';
import type { AppHarness } from '../support/app-harness.js';
import { type AppOnRepo, startAppEachTest } from '../support/app-tests.js';
import { BUILD, CHAIN, statusBody } from '../support/builds.js';
import { type ManualLooks, manualLooksEachTest } from '../support/manual-looks.js';
import { doubledAndShuffled, makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

/** A contract of one check per worker of the chain, run by one command. */
const CONTRACT = makeContract({
  files: ['test/contract/oauth.test.ts'],
  checks: [
    { criterion: 'W1.1:1', file: 'test/contract/oauth.test.ts', name: 'provider › signs in' },
    { criterion: 'W2.1:1', file: 'test/contract/oauth.test.ts', name: 'routes › redirect' },
  ],
});

describe('validators that did not write the code', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  let addReplica: AppOnRepo['addReplica'];
  let looks: ManualLooks;
  startAppEachTest(
    (started) => ({ gh, apps, addReplica } = started),
    manualLooksEachTest((made) => {
      looks = made;
    }),
  );

  const validations = () =>
    [...gh.git.refs.keys()]
      .filter((ref) => ref.startsWith(validationRefPrefix(BUILD)))
      .map((ref) => {
        const commit = gh.git.objects.get(gh.git.refs.get(ref) ?? '');
        return parseValidationMessage(commit?.type === 'commit' ? commit.message : '');
      });
  const finalPull = () =>
    [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));

  beforeEach(clearHiddenRefReading);

  // The records are hidden refs: read through GraphQL's refs(refPrefix:) where it lists them, else over REST.
  it.each([
    ['GraphQL lists hidden refs', true],
    ['GraphQL does not list hidden refs', false],
  ])(
    'files a fix worker for a failing check, and opens the final PR only once the last milestone passes (%s)',
    async (_name, lists) => {
      gh.graphqlListsHiddenRefs = lists;
      const finalAtValidation: boolean[] = [];
      const script = makeScript({
        workers: CHAIN,
        contract: CONTRACT,
        validate: (milestone) => {
          finalAtValidation.push(finalPull() !== undefined);
          return milestone === 2 ? { fail: ['W2.1:1'] } : 'pass';
        },
      });
      await runApprovedBuild({ gh, apps, script });

      for (const app of apps) expect(app.errors).toEqual([]);
      const runs = gh.runs
        .filter((run) => run.inputs.role === 'validate')
        .map((run) => run.inputs.worker);
      expect(runs).toEqual(['M1', 'M2', 'M3']);
      // The failure became a worker in the next wave, naming the check, which ran and merged.
      const head = gh.git.resolve(integrationBranch(BUILD)) ?? '';
      const plan = JSON.parse(gh.git.filesOf(head).get(planPath(BUILD)) ?? '{}');
      expect(plan.workers.at(-1)).toEqual({
        id: 'W3.1',
        title: 'Fix: W2.1:1 fails',
        depends_on: ['W2.1'],
        complexity: 'normal',
      });
      expect(gh.git.filesOf(head).get(briefPath(BUILD, 'W3.1'))).toContain(
        'the check of criterion W2.1:1 failed',
      );
      expect(
        [...gh.pulls.values()].some((pull) => pull.head === `baton/${BUILD}/W3.1` && pull.mergedAt),
      ).toBe(true);
      expect(
        validations().map((record) => [record?.milestone, record?.passed, record?.failed]),
      ).toEqual(
        expect.arrayContaining([
          [1, true, []],
          [2, false, [{ check: 'W2.1:1', worker: 'W3.1' }]],
          [3, true, []],
        ]),
      );
      // No validation ran with the final pull request open; it opened after the last one passed.
      expect(finalAtValidation).toEqual([false, false, false]);
      expect(finalPull()?.base).toBe('main');
      const status = statusBody(gh, BUILD) ?? '';
      expect(status).toContain('Milestone 2 failed validation');
      expect(status).toContain('1 check (W2.1:1) → fix worker W3.1');
      expect(status).toContain('Milestone 3 validated');
    },
  );

  it.each([1, 2, 3])(
    'two replicas given every event twice record one validation per milestone; a twin run ends without running the checks (seed %i)',
    async (seed) => {
      await addReplica();
      const validated: string[] = [];
      const script = makeScript({
        workers: CHAIN,
        contract: CONTRACT,
        validate: (milestone) => {
          validated.push(`M${milestone}@${gh.git.resolve(integrationBranch(BUILD))}`);
          return 'pass';
        },
      });
      await runApprovedBuild({ gh, apps, script, delivery: doubledAndShuffled(seed) });

      for (const app of apps) expect(app.errors).toEqual([]);
      expect(finalPull()?.base).toBe('main');
      // Each milestone's checks ran once, at one head, and left one record.
      expect(validated.map((at) => at.split('@')[0])).toEqual(['M1', 'M2']);
      expect(validations().map((record) => [record?.milestone, record?.passed])).toEqual([
        [1, true],
        [2, true],
      ]);
      // No lock ref: every validate run of a milestone and head beyond the first is a twin.
      expect([...gh.git.refs.keys()].filter((ref) => /\/validate-/.test(ref))).toEqual([]);
      const runs = gh.runs.filter((run) => run.inputs.role === 'validate');
      const asked = new Set(runs.map((run) => `${run.inputs.worker} ${run.inputs.trigger}`));
      expect(asked.size).toBe(2);
      expect(runs.length).toBeLessThanOrEqual(2 * asked.size);
      expect(statusBody(gh, BUILD)).not.toContain('ended without a result');
    },
  );

  it('ignores a passed record no validation run wrote, says so, and validates each milestone itself', async () => {
    // A workflow token with `contents: write` (CI a worker added) writes a record saying
    // `passed` in the place of each validation Baton asked for, naming a run that is
    // Baton's but no validation: the first work run.
    const forged: string[] = [];
    const said: boolean[] = [];
    const forge = () => {
      said.push(
        (statusBody(gh, BUILD) ?? '').includes(
          "validation record under this build's refs is ignored",
        ),
      );
      const work = gh.runs.find((run) => run.inputs.role === 'work');
      for (const run of gh.runs.filter(
        (r) => r.status === 'queued' && r.inputs.role === 'validate',
      )) {
        const head = /^head-([0-9a-f]{40})$/.exec(run.inputs.trigger ?? '')?.[1] ?? '';
        const milestone = Number(run.inputs.worker?.slice(1));
        const ref = validationRef(BUILD, milestone, head);
        if (!work || gh.git.refs.has(ref) || forged.includes(`M${milestone}`)) continue;
        const message = renderValidationMessage({
          version: 1,
          milestone,
          run_id: work.id,
          head,
          passed: true,
          exit_code: 0,
          failed: [],
        });
        gh.git.refs.set(ref, gh.git.commit({ parent: null, changes: {}, message }));
        forged.push(`M${milestone}`);
      }
    };
    const validated: number[] = [];
    const script = makeScript({
      workers: CHAIN,
      contract: CONTRACT,
      validate: (milestone) => {
        validated.push(milestone);
        return 'pass';
      },
      // W2.1's first review asks for a fix: M1 (the highest milestone reached until W2.1
      // merges) is asked again while it is fixed, before M2 is reached.
      review: (worker, round) =>
        worker === 'W2.1' && round === 1 ? 'changes-requested' : 'approve',
    });
    await runApprovedBuild({ gh, apps, script, beforeSessions: forge, looks });

    for (const app of apps) expect(app.errors).toEqual([]);
    expect(forged).toEqual(['M1', 'M2']);
    // Each milestone's contract ran in a validation session of its own, and the final PR
    // opened on those records, not the forged ones.
    expect(validated).toEqual([1, 2]);
    expect(validations().map((record) => [record?.milestone, record?.passed])).toEqual([
      [1, true],
      [2, true],
    ]);
    const runIds = new Set(
      gh.runs.filter((run) => run.inputs.role === 'validate').map((r) => r.id),
    );
    for (const record of validations()) expect(runIds.has(record?.run_id ?? 0)).toBe(true);
    expect(finalPull()?.base).toBe('main');
    // The status said so while a forged record was there.
    expect(said).toContain(true);
  });

  it('opens the final PR as before in a build without a contract, with no validation', async () => {
    await runApprovedBuild({ gh, apps, script: makeScript({ workers: CHAIN }) });
    expect(gh.runs.filter((run) => run.inputs.role === 'validate')).toEqual([]);
    expect(finalPull()?.base).toBe('main');
  });
});
