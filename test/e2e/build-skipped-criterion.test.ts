// End-to-end (a few minutes): a writer /skips a worker whose criterion the
// contract checks, and the build still ends with its final pull request
// (docs/verification.md, "Validation"). The diamond with W1.3 beside it
// (sim/scenario/builds/evidence-scenario.ts, `skippedWorkflowScenario`), played
// hosted and with nothing hosted at once on Baton's own loop: W1.3 adds a
// workflow, which publish refuses (sessions change none unless
// `session.allowWorkflowChanges` says so, and never with nothing hosted), and
// the maintainer answers with `/skip W1.3`. Its contract check stays marked to
// fail, as no worker turns it plain: a skipped worker's criterion is not due,
// so no validation fails on it nor files a fix worker no session could
// deliver, and the final pull request's guide shows it skipped.
import { describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import { type Simulation, type SimulationMode, startSimulation } from '../../sim/e2e.js';
import {
  checkFile,
  lintOf,
  SKIP_COMMAND,
  setUpEvidence,
  skippedWorkflowScenario,
} from '../../sim/scenario/builds/evidence-scenario.js';
import type { PlayedBuild } from '../../sim/scenario/play-build.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { Contract, contractPath } from '../../src/core/plan/contract.js';
import { Plan } from '../../src/core/plan/plan.js';
import { parseValidationMessage, validationRefPrefix } from '../../src/core/plan/validation.js';
import { integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';
import {
  AT_ONCE_TEST_LIMIT_MS,
  playBuildsAtOnce,
  playGreetingAtOnce,
} from '../support/builds-at-once.js';

interface Played {
  sim: Simulation;
  model: ScriptedModel;
  played: PlayedBuild;
}

/** The plan on the build branch now. */
function planOnBranch(sim: Simulation, build: string): Plan | null {
  const head = sim.gh.git.resolve(integrationBranch(build));
  const text = head ? sim.gh.git.filesOf(head).get(planPath(build)) : undefined;
  return text ? Plan.parse(JSON.parse(text)) : null;
}

/** Plays the build in `mode`: `/approve`, then `/skip W1.3` once the status offers its retry. */
async function play(started: Simulation[], mode: SimulationMode): Promise<Played> {
  const model = createScriptedModel(skippedWorkflowScenario());
  const sim = await startSimulation({
    respond: model,
    setup: setUpEvidence({ workflows: false }),
    parallel: 2,
    mode,
    // The sessions and the conductor from the sources, as the app runs: the test judges the
    // code beside it, which the action's committed bundles are rebuilt from.
    code: 'source',
  });
  started.push(sim);
  let skipped = false;
  const played = await playGreetingAtOnce(sim, ({ issue, build, say }) => {
    if (!skipped && (sim.statusComment(issue) ?? '').includes('`/retry W1.3`')) {
      skipped = true;
      say('/skip W1.3');
    }
    // A fix worker for the skipped worker's criterion could only do what was skipped: no
    // session of the scenario delivers it, so the build would wait until its time limit.
    const fix = planOnBranch(sim, build)?.workers.find((worker) => worker.title.includes('W1.3'));
    if (fix) throw new Error(`the validation filed ${fix.id} "${fix.title}" for skipped W1.3`);
  });
  return { sim, model, played };
}

const builds = playBuildsAtOnce((started) => ({
  hosted: play(started, 'hosted'),
  serverless: play(started, 'serverless'),
}));

describe.each([{ mode: 'hosted' }, { mode: 'serverless' }] as const)(
  'a skipped worker whose criterion the contract checks, end to end ($mode)',
  ({ mode }) => {
    function itOnBuild(name: string, check: (built: Played) => void | Promise<void>): void {
      it(name, async () => check(await builds()[mode]), AT_ONCE_TEST_LIMIT_MS);
    }

    itOnBuild("refuses W1.3's workflow, and the writer skips it", ({ sim, model, played }) => {
      expect(model.problems).toEqual([]);
      const attempts = sessionRuns(sim.gh.runs).filter(
        (run) => run.inputs.role === 'work' && run.inputs.worker === 'W1.3',
      );
      expect(attempts.map((run) => run.conclusion)).toEqual(['failure']);
      expect(sim.gh.comments.filter((c) => c.issue === played.issue).map((c) => c.body)).toContain(
        '/skip W1.3',
      );
      const delivered = sim.gh.git.filesOf(sim.gh.git.resolve(played.finalPull.head) ?? '');
      expect(delivered.has(lintOf(true).path)).toBe(false);
      // Its check is as the contract wrote it: still marked to fail.
      expect(delivered.get(checkFile('W1.3'))).toContain('todo: "W1.3:1"');
    });

    itOnBuild(
      'validates every milestone without failing on its criterion or adding a worker for it',
      ({ sim, played }) => {
        const plan = planOnBranch(sim, played.build);
        expect(plan?.workers.map((worker) => worker.id)).toEqual([
          'W0.1',
          'W1.1',
          'W1.2',
          'W1.3',
          'W2.1',
        ]);
        const records = [...sim.gh.git.refs.keys()]
          .filter((ref) => ref.startsWith(validationRefPrefix(played.build)))
          .map((ref) => {
            const commit = sim.gh.git.objects.get(sim.gh.git.refs.get(ref) ?? '');
            return parseValidationMessage(commit?.type === 'commit' ? commit.message : '');
          });
        expect(records.length).toBeGreaterThan(0);
        expect(records.map((record) => [record?.passed, record?.failed])).toEqual(
          records.map(() => [true, []]),
        );
        expect(records.map((record) => record?.milestone)).toContain(2);
        const validations = sessionRuns(sim.gh.runs).filter(
          (run) => run.inputs.role === 'validate',
        );
        expect(validations.every((run) => run.conclusion === 'success')).toBe(true);
        // The final pull request was made after the last validation ended.
        expect(Date.parse(played.finalPull.createdAt)).toBeGreaterThanOrEqual(
          Date.parse(validations.at(-1)?.updatedAt ?? ''),
        );
      },
    );

    itOnBuild(
      "opens the final pull request, its guide showing W1.3's criterion skipped and the others validated",
      ({ sim, played }) => {
        const body = played.finalPull.body;
        const guide = body.slice(body.indexOf('## Review guide'));
        const table =
          guide.split('### Acceptance criteria')[1]?.split('### Read these first')[0] ?? '';
        const delivered = sim.gh.git.filesOf(sim.gh.git.resolve(played.finalPull.head) ?? '');
        const contract = Contract.parse(
          JSON.parse(delivered.get(contractPath(played.build)) ?? ''),
        );
        expect(contract.command).toBe(SKIP_COMMAND);
        const rowOf = (criterion: string) =>
          table.split('\n').find((line) => line.startsWith(`| ${criterion} |`));
        expect(rowOf('W1.3:1')).toContain('⏭️ not due: W1.3 was skipped');
        // Proven from the runner's reports: failed on the contract's commit, passed on the head.
        for (const kept of ['W1.1:1', 'W1.2:1', 'W2.1:1'])
          expect(rowOf(kept), kept).toMatch(
            /✅ failed under its mark on the contract's commit `[0-9a-f]{7}`, passed on `[0-9a-f]{7}` \(M2's validation\)/,
          );
        expect(guide).toContain('- **W1.3** “Lint workflow”: skipped, not merged.');
      },
    );
  },
);
