// End-to-end (minutes): a Vitest project's build, whose repository's setup
// installs Vitest from its lock file (the simulator's stand-in for `npm ci`),
// through the real app hosted, the bundled session action and the simulator,
// the sessions that write and validate on Claude Code (build-attacks plays its
// attacks with nothing hosted too). W1.2's
// first session returns a value whose `asymmetricMatch` answers yes to
// anything, so its check's `toEqual` passes with the code wrong: its pull
// request waits for a person (test-aware), who `/retry`s it with instructions,
// and the fix session's honest head merges. The final pull request's guide
// shows both criteria proven by Vitest, failing on the contract's commit and
// passing on the head.
import { describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import type { Simulation } from '../../sim/e2e.js';
import { checkFile } from '../../sim/scenario/builds/evidence-scenario.js';
import {
  SELF_MATCHING,
  setUpVitest,
  VITEST_WORKERS,
  vitestCheckName,
  vitestScenario,
} from '../../sim/scenario/builds/vitest-scenario.js';
import type { PlayedBuild } from '../../sim/scenario/play-build.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import {
  AT_ONCE_TEST_LIMIT_MS,
  ATTACK_MODES,
  playBuildsAtOnce,
  playGreetingAtOnce,
  startSpeakingEngines,
  workerPull,
} from '../support/builds-at-once.js';

/**
 * One build: what this file adds to build-attacks is the project's runner (Vitest, installed by
 * the setup) and its proof, the same wherever Baton runs; build-attacks plays both places.
 */
const MODES = { 'claude-code': ATTACK_MODES['claude-code'] } as const;
type Mode = keyof typeof MODES;

const RETRY = `/retry ${SELF_MATCHING} Return the text itself: a value of the code's own, not one that matches what it is compared with.`;

interface Played {
  sim: Simulation;
  model: ScriptedModel;
  played: PlayedBuild;
  /** W1.2's pull request body when the maintainer read it, waiting for a person. */
  waited: string;
}

/** Plays the build: `/approve`, and the `/retry` of the head that waits for a person. */
async function play(
  started: Simulation[],
  { mode, engine }: (typeof MODES)[Mode],
): Promise<Played> {
  const model = createScriptedModel(vitestScenario());
  const sim = await startSpeakingEngines(model, { setup: setUpVitest(engine), parallel: 2, mode });
  started.push(sim);
  let waited = '';
  const played = await playGreetingAtOnce(sim, ({ issue, build, say }) => {
    const asked = sim.gh.comments.some(
      (c) =>
        c.issue === issue &&
        c.body.includes('**The build waits for a person:**') &&
        c.body.includes(`- **${SELF_MATCHING}** ([#`),
    );
    if (waited || !asked) return;
    waited = workerPull(sim, build, SELF_MATCHING).body;
    say(RETRY);
  });
  return { sim, model, played, waited };
}

const builds = playBuildsAtOnce((started) => ({
  'claude-code': play(started, MODES['claude-code']),
}));

describe.each(Object.keys(MODES) as Mode[])(
  'a value that matches its own check, under Vitest, end to end (%s)',
  (mode) => {
    function itOnBuild(name: string, check: (built: Played) => void | Promise<void>): void {
      it(name, async () => check(await builds()[mode]), AT_ONCE_TEST_LIMIT_MS);
    }

    itOnBuild(
      'plays the contract and both workers with no turn the scenario did not expect',
      ({ model, sim }) => {
        expect(model.problems).toEqual([]);
        const work = sessionRuns(sim.gh.runs).filter((run) => run.inputs.role === 'work');
        expect(new Set(work.map((run) => run.inputs.worker))).toEqual(new Set(VITEST_WORKERS));
      },
    );

    itOnBuild(
      "holds W1.2's self-matching value for a person as test-aware, and its retried head merges",
      ({ sim, played, waited }) => {
        const risky = waited.split('Read these first')[1] ?? '';
        expect(risky).toContain('src/shout.js');
        expect(risky).toContain('test-aware');
        expect(parseEvidenceMarker(waited)?.files).toContainEqual(
          expect.objectContaining({ path: 'src/shout.js', testAware: true }),
        );
        const retry = sim.gh.comments.find((c) => c.body === RETRY);
        const fixes = sessionRuns(sim.gh.runs).filter(
          (run) => run.inputs.role === 'fix' && run.inputs.worker === SELF_MATCHING,
        );
        expect(fixes.map((run) => [run.inputs.trigger, run.conclusion])).toEqual([
          [`comment-${retry?.id}`, 'success'],
        ]);
        const pull = workerPull(sim, played.build, SELF_MATCHING);
        expect(pull.mergedAt).not.toBeNull();
        expect(parseEvidenceMarker(pull.body)?.files.some((file) => file.testAware)).toBe(false);
        const files = sim.gh.git.filesOf(sim.gh.git.resolve(integrationBranch(played.build)) ?? '');
        expect(files.get('src/shout.js')).not.toContain('asymmetricMatch');
        expect([...files.keys()].filter((path) => path.startsWith('node_modules/'))).toEqual([]);
      },
    );

    itOnBuild(
      "shows both criteria proven by Vitest: failed on the contract's commit, passed on the head",
      ({ played }) => {
        const guide = played.finalPull.body.slice(played.finalPull.body.indexOf('## Review guide'));
        const table =
          guide.split('### Acceptance criteria')[1]?.split('### Read these first')[0] ?? '';
        for (const worker of VITEST_WORKERS) {
          const row = table.split('\n').find((line) => line.startsWith(`| ${worker}:1 |`));
          expect(row, worker).toContain(`${checkFile(worker)} › ${vitestCheckName(worker)}`);
          expect(row, worker).toMatch(
            /✅ failed under its mark on the contract's commit `[0-9a-f]{7}`, passed on `[0-9a-f]{7}` \(M1's validation\)/,
          );
        }
      },
    );
  },
);
