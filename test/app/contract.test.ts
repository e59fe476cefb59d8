import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { CONTRACT_WORKER } from '../../src/core/plan/contract.js';
import {
  briefPath,
  integrationBranch,
  planPath,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { type AppOnRepo, startAppEachTest } from '../support/app-tests.js';
import { BUILD, type PlanWorkerSpec, statusBody } from '../support/builds.js';
import {
  attemptsWorked,
  batonReviewsOf,
  doubledAndShuffled,
  makeScript,
  runApprovedBuild,
} from '../support/scripted-sessions.js';

/** A diamond whose plan names criteria: the contract's worker first, which wave 1 waits for. */
const WORKERS: PlanWorkerSpec[] = [
  { id: 'W0.1', title: 'Contract: checks for the acceptance criteria' },
  { id: 'W1.1', title: 'OAuth provider', depends_on: ['W0.1'] },
  { id: 'W1.2', title: 'Login routes', depends_on: ['W0.1'] },
  { id: 'W2.1', title: 'Session handling', depends_on: ['W1.1', 'W1.2'] },
];

const PLAN = {
  version: 1,
  build: BUILD,
  issue: 1,
  title: 'Add OAuth login',
  summary: 'An OAuth provider, the login routes, and the session handling that ties them together.',
  criteria: ['GET /login redirects to the provider'],
  workers: WORKERS.map((worker) => ({
    id: worker.id,
    title: worker.title,
    depends_on: worker.depends_on ?? [],
    complexity: 'normal',
    ...(worker.id === CONTRACT_WORKER ? { contract: true } : {}),
    ...(worker.id === 'W1.1' ? { criteria: ['the provider answers a token for a code'] } : {}),
  })),
};

describe('a build with a contract, through the app', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];
  let addReplica: AppOnRepo['addReplica'];

  startAppEachTest((started) => ({ gh, apps, addReplica } = started));

  it("runs the contract's session first, has its pull request reviewed and merged, and only then starts the workers", async () => {
    await runApprovedBuild({ gh, apps, script: makeScript({ workers: WORKERS, plan: PLAN }) });
    for (const app of apps) expect(app.errors).toEqual([]);

    const sessions = gh.runs.filter((run) => run.workflow === 'baton.yml');
    const contractRuns = sessions.filter((run) => run.inputs.role === 'contract');
    expect(contractRuns.map((run) => run.inputs.worker)).toEqual([CONTRACT_WORKER]);
    expect(
      sessions.filter((run) => run.inputs.role === 'work' && run.inputs.worker === 'W0.1'),
    ).toEqual([]);
    // Its pull request is reviewed once, in the contract session's own run: no review run.
    expect(
      sessions.filter(
        (run) => run.inputs.role === 'review' && run.inputs.worker === CONTRACT_WORKER,
      ),
    ).toEqual([]);
    const reviews = batonReviewsOf(gh, BUILD, CONTRACT_WORKER);
    expect(reviews).toHaveLength(1);

    const pulls = [...gh.pulls.values()];
    const contract = pulls.find((pull) => pull.head === workerBranch(BUILD, CONTRACT_WORKER));
    expect(contract?.base).toBe(integrationBranch(BUILD));
    const mergedAt = Date.parse(contract?.mergedAt ?? '');
    expect(mergedAt).not.toBeNaN();
    // No worker's first run was created before the contract merged.
    const work = sessions.filter((run) => run.inputs.role === 'work');
    expect(work.map((run) => run.inputs.worker).sort()).toEqual(['W1.1', 'W1.2', 'W2.1']);
    for (const run of work) expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(mergedAt);
    const firstWork = Math.min(...work.map((run) => sessions.indexOf(run)));
    expect(sessions.indexOf(contractRuns[0]!)).toBeLessThan(firstWork);
    expect(Date.parse(reviews[0]?.submittedAt ?? '')).toBeLessThanOrEqual(
      Math.min(...work.map((run) => Date.parse(run.createdAt))),
    );

    // The workers start from a build branch that holds the contract's checks.
    const w11 = work.find((run) => run.inputs.worker === 'W1.1');
    expect([...gh.git.filesOf(w11?.headSha ?? '').keys()]).toEqual(
      expect.arrayContaining(['test/contract.test.ts', `.baton/builds/${BUILD}/contract.json`]),
    );
    const merged = pulls.filter((pull) => pull.mergedAt && pull.base === integrationBranch(BUILD));
    expect(merged).toHaveLength(4);
    expect(statusBody(gh, BUILD)).toContain(
      'W0.1 · “Contract: checks for the acceptance criteria”',
    );
  });

  it.each([1, 2])(
    'gives a check that passed before the work one contract fix, W0.2, run once as a contract session by two replicas given every event twice, then validates again (seed %i)',
    async (seed) => {
      await addReplica();
      const script = makeScript({
        workers: WORKERS,
        plan: PLAN,
        // The last milestone's first validation finds build:1's check passing on the contract's commit.
        validate: (milestone, ordinal) =>
          milestone === 2 && ordinal === 1 ? { unproven: ['build:1'] } : 'pass',
        files: (worker) =>
          worker === 'W0.2'
            ? {
                'test/contract.test.ts':
                  "test('the build holds', () => { expect(login()).toBe(302); });\n",
              }
            : worker.startsWith('W0.')
              ? {
                  'test/contract.test.ts': "test('the build holds', () => {});\n",
                  [`.baton/builds/${BUILD}/contract.json`]: `${JSON.stringify({
                    version: 1,
                    command: 'npm test',
                    files: ['test/contract.test.ts'],
                    checks: [
                      {
                        criterion: 'build:1',
                        file: 'test/contract.test.ts',
                        name: 'the build holds',
                      },
                    ],
                  })}\n`,
                }
              : { [`src/${worker}.ts`]: `export const done = '${worker}';\n` },
      });
      await runApprovedBuild({ gh, apps, script, delivery: doubledAndShuffled(seed) });
      for (const app of apps) expect(app.errors).toEqual([]);

      const sessions = gh.runs.filter((run) => run.workflow === 'baton.yml');
      const contracts = sessions.filter((run) => run.inputs.role === 'contract');
      // Two processes that share no store may both send a first attempt (it takes no lock):
      // the twin ends before the model is asked, finding the branch the first one's publish opened.
      expect([...new Set(contracts.map((run) => run.inputs.worker))]).toEqual(['W0.1', 'W0.2']);
      expect(['W0.1', 'W0.2'].map((worker) => attemptsWorked(gh, worker))).toEqual([1, 1]);
      const head = gh.git.resolve(integrationBranch(BUILD)) ?? '';
      const plan = JSON.parse(gh.git.filesOf(head).get(planPath(BUILD)) ?? '{}');
      expect(plan.workers.at(-1)).toEqual({
        id: 'W0.2',
        title: 'Contract fix: build:1 passes before the work',
        depends_on: [],
        complexity: 'normal',
        contract: true,
      });
      expect(gh.git.filesOf(head).get(briefPath(BUILD, 'W0.2'))).toContain(
        'The check of criterion build:1 passed on both',
      );
      const fix = [...gh.pulls.values()].find((pull) => pull.head === workerBranch(BUILD, 'W0.2'));
      expect(fix?.mergedAt).toBeTruthy();
      // M2 validated again once the contract fix merged, and then the final pull request opened.
      const validated = sessions
        .filter((run) => run.inputs.role === 'validate')
        .map((run) => `${run.inputs.worker} ${run.inputs.trigger}`);
      expect(new Set(validated).size).toBe(3);
      const final = [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));
      expect(final?.base).toBe('main');
      expect(statusBody(gh, BUILD)).toContain(
        'W0.2 · “Contract fix: build:1 passes before the work”',
      );
    },
  );
});
