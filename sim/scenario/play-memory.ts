import { memoryBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { sessionRuns } from '../actions/runner.js';
import type { Simulation } from '../e2e.js';
import type { CapturedRequest } from '../fake-anthropic.js';
import type { SimPull } from '../github/records.js';
import { CORRECTION, mergeAsWriter, reviewAsWriter } from './builds/memory-scenario.js';
import type { PlayedBuild } from './play-build.js';
import type { Scenario } from './scenario.js';
import { createScriptedModel, type ScriptedModel } from './scripted-model.js';
import { settle } from './settle.js';

/**
 * The memory plays of the simulator (docs/memory.md), played by
 * test/e2e/memory-builds.test.ts and bench/corrections.ts: a writer who reads
 * the code each worker merged and corrects what it finds, builds ended as a
 * writer ends them, and the learn pull request each leaves.
 */

/** A line of a text module that says a name as it was given, padding and all. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the JavaScript a worker writes
const UNTRIMMED = '${name}';

/**
 * One model for a simulation that plays builds one after another on one repository, each
 * build's sessions by its own scenario: `next()` moves to the next build's. `onRequest`
 * sees each request first; `problems()` are the model's own and every scenario's.
 */
export function buildByBuildModel(
  scenarios: readonly Scenario[],
  onRequest: (request: CapturedRequest) => void = () => {},
): { model: ScriptedModel; next: () => void; problems: () => string[] } {
  const models = scenarios.map((scenario) => createScriptedModel(scenario));
  let at = 0;
  const model: ScriptedModel = Object.assign(
    (request: CapturedRequest, index: number) => {
      onRequest(request);
      const current = models[at];
      if (!current) throw new Error(`a request after the last of ${models.length} builds`);
      return current(request, index);
    },
    { sessions: [], problems: [], errors: [] },
  );
  return {
    model,
    next: () => {
      at += 1;
    },
    problems: () => [...model.problems, ...models.flatMap((one) => one.problems)],
  };
}

/** The pull request of a build's worker. */
export function workerPull(sim: Simulation, build: string, worker: string): SimPull {
  const pull = [...sim.gh.pulls.values()].find((one) => one.head === workerBranch(build, worker));
  if (!pull) throw new Error(`no pull request of ${worker} in ${build}`);
  return pull;
}

/**
 * A writer reads the code each worker of the build merged, as a person reviews it: in each
 * `src/` module the pull request changed, a line that says a name untrimmed gets the
 * correction (`CORRECTION`) on that line of the pull request. Nothing here knows what a
 * scenario scripted: the writer corrects what the code says. Answers the corrections made.
 */
export async function correctFromCode(sim: Simulation, played: PlayedBuild): Promise<number> {
  const { git } = sim.gh;
  let corrections = 0;
  const pulls = [...sim.gh.pulls.values()].filter(
    (pull) => pull.head.startsWith(workerBranch(played.build, '')) && pull.mergeCommitSha,
  );
  for (const pull of pulls) {
    const merged = pull.mergeCommitSha ?? '';
    const commit = git.objects.get(merged);
    const parent = commit?.type === 'commit' ? commit.parents[0] : undefined;
    const before = parent ? git.filesOf(parent) : new Map<string, string>();
    for (const [path, text] of git.filesOf(merged)) {
      if (!/^src\/[^/]+\.js$/.test(path) || before.get(path) === text) continue;
      const line = text.split('\n').findIndex((one) => one.includes(UNTRIMMED)) + 1;
      if (line === 0) continue;
      reviewAsWriter(sim.gh, pull, { path, line, body: CORRECTION });
      corrections += 1;
    }
  }
  await settle(sim);
  return corrections;
}

/**
 * Ends a build as a writer does, merging its final pull request; where memory is on, waits
 * for the learn session that follows.
 */
export async function endBuild(
  sim: Simulation,
  played: PlayedBuild,
  { learn, limitMs }: { learn: boolean; limitMs: number },
): Promise<void> {
  mergeAsWriter(sim.gh, played.finalPull);
  if (learn) {
    await sim.waitFor(
      `the learn session of ${played.build}`,
      () =>
        sessionRuns(sim.gh.runs).find(
          (run) =>
            run.inputs.role === 'learn' && run.inputs.build === played.build && run.conclusion,
        ),
      limitMs,
    );
  }
  await settle(sim);
}

/** The learn pull request of a build, once publish opened it. */
export function learnPull(sim: Simulation, build: string, limitMs: number): Promise<SimPull> {
  return sim.waitFor(
    `the learn pull request of ${build}`,
    () => [...sim.gh.pulls.values()].find((pull) => pull.head === memoryBranch(build)),
    limitMs,
  );
}
