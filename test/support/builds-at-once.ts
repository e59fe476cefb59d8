import { afterAll, beforeAll } from 'vitest';
import {
  buildCeiling,
  type Simulation,
  type SimulationMode,
  type SimulationOptions,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import type { SimPull } from '../../sim/github/records.js';
import { GREETING_ISSUE } from '../../sim/scenario/builds/greeting-scenario.js';
import { speakEngines } from '../../sim/scenario/dialects/speak-engines.js';
import {
  type PlayBuildOptions,
  type PlayedBuild,
  playBuild,
} from '../../sim/scenario/play-build.js';
import type { ScriptedModel } from '../../sim/scenario/scripted-model.js';
import type { Engine } from '../../src/core/vocabulary/engine-names.js';
import { workerBranch } from '../../src/core/vocabulary/ids.js';

/** A build's time limit where two or three are played at once, in the machine's time: twice a whole build's. */
export const AT_ONCE_LIMIT_MS = 2 * WHOLE_BUILD_LIMIT_MS;
/** A test awaits its build, started and played within that limit. */
export const AT_ONCE_TEST_LIMIT_MS = buildCeiling(AT_ONCE_LIMIT_MS);

/**
 * An end-to-end file's builds, played at the same time: `play` starts them all before the
 * file's tests (pushing each simulation it starts to `started`), and after them every build
 * is awaited, failed or not, and every simulation stopped. Each describe awaits its own
 * build through the function returned; a build's failure meanwhile is never left unhandled.
 */
export function playBuildsAtOnce<Runs extends Record<string, Promise<unknown>>>(
  play: (started: Simulation[]) => Runs,
): () => Runs {
  const started: Simulation[] = [];
  let runs: Runs | undefined;
  beforeAll(() => {
    runs = play(started);
    for (const run of Object.values(runs)) run.catch(() => undefined);
  });
  afterAll(async () => {
    await Promise.allSettled(Object.values(runs ?? {}));
    await Promise.all(started.map((sim) => sim.stop()));
  });
  return () => {
    if (!runs) throw new Error('the builds start before all of the file’s tests');
    return runs;
  };
}

/**
 * One describe's build, awaited before the describe's tests: `limitMs` is the build's own limit
 * in the machine's time, the hook's on the wall its `buildCeiling`. The object answered takes
 * the played build's fields then, for the tests to read.
 */
export function awaitBeforeAll<T extends object>(build: () => Promise<T>, limitMs: number): T {
  const played = {} as T;
  beforeAll(async () => {
    Object.assign(played, await build());
  }, buildCeiling(limitMs));
  return played;
}

/** A greeting build played whole, with the simulation and scripted model that played it. */
export interface PlayedGreeting {
  sim: Simulation;
  model: ScriptedModel;
  build: PlayedBuild;
}

/**
 * Plays the greeting issue's build whole on a started simulation, a maintainer answering
 * each failed worker with one `/retry`, within the time a whole build may take.
 */
export async function playGreeting(sim: Simulation, model: ScriptedModel): Promise<PlayedGreeting> {
  const build = await playBuild({
    sim,
    issue: GREETING_ISSUE,
    retries: 1,
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
    problems: model.problems,
  });
  return { sim, model, build };
}

/**
 * Starts a simulation whose model is `model` in every engine's dialect: the Messages API's for
 * Baton's own loop, Claude Code and Copilot, the Responses API's for Codex.
 */
export function startSpeakingEngines(
  model: ScriptedModel,
  options: Omit<SimulationOptions, 'respond' | 'openai'>,
): Promise<Simulation> {
  const engines = speakEngines(model);
  return startSimulation({ respond: engines.anthropic, openai: engines.openai, ...options });
}

/**
 * Plays the greeting issue's build beside others, within `AT_ONCE_LIMIT_MS`, `whileRunning`
 * acting as the maintainer at each look.
 */
export function playGreetingAtOnce(
  sim: Simulation,
  whileRunning: NonNullable<PlayBuildOptions['whileRunning']>,
): Promise<PlayedBuild> {
  return playBuild({ sim, issue: GREETING_ISSUE, timeoutMs: AT_ONCE_LIMIT_MS, whileRunning });
}

/**
 * The builds the attack end-to-end files play (build-attacks both at once): where Baton runs
 * (hosted, and nothing hosted), and the real engine binary of the sessions that write and validate.
 * Baton's own loop writes through the same publish and validation as they do, and plays
 * every other whole build: a third build on it would cost the attack files a third more
 * and judge nothing these two do not (docs/development.md, "Where a whole build’s time goes").
 */
export const ATTACK_MODES = {
  'claude-code': { mode: 'hosted', engine: 'claude-code' },
  codex: { mode: 'serverless', engine: 'codex' },
} as const satisfies Record<string, { mode: SimulationMode; engine: Engine | undefined }>;

export type AttackMode = keyof typeof ATTACK_MODES;

/** A worker's pull request in a build; throws where it has none. */
export function workerPull(sim: Simulation, build: string, worker: string): SimPull {
  const pull = [...sim.gh.pulls.values()].find((one) => one.head === workerBranch(build, worker));
  if (!pull) throw new Error(`no pull request for ${worker}`);
  return pull;
}
