/**
 * What memory saves a person (docs/memory.md, "How it is measured"): the
 * corrections a writer makes in the second build of a repository against the
 * first, on the simulator with every session on Baton's own loop
 * (sim/scenario/builds/memory-scenario.ts). Each build adds two text modules;
 * the writer reads the code each worker merged and corrects every line that
 * says a name untrimmed (`correctFromCode`: from the code, not from a script).
 * With memory on, build 1's learn pull request proposes the lesson those
 * corrections teach, a writer merges it, and build 2's sessions are given it;
 * a worker given it trims the name. With `memory.enabled: false`, the same two
 * builds: nothing is learnt, and the writer corrects build 2 as build 1.
 * Both played at once, each on its own simulator.
 *
 * `npx tsx bench/corrections.ts` prints the report; `--json` one line of it.
 */
import { type Simulation, startSimulation, WHOLE_BUILD_LIMIT_MS } from '../sim/e2e.js';
import { setUpWidgetsWith } from '../sim/scenario/builds/greeting-scenario.js';
import {
  followingScenario,
  MEMORY_ISSUES,
  mergeAsWriter,
  reviewAsWriter,
  teachingScenario,
} from '../sim/scenario/builds/memory-scenario.js';
import { playBuild } from '../sim/scenario/play-build.js';
import {
  buildByBuildModel,
  correctFromCode,
  endBuild,
  learnPull,
} from '../sim/scenario/play-memory.js';
import { settle } from '../sim/scenario/settle.js';
import type { Row } from './parts.js';

/** The corrections a writer made in each of the two builds. */
export interface Corrections {
  first: number;
  second: number;
  /** Lessons a writer merged between the builds. */
  lessons: number;
}

export interface CorrectionsReport {
  memory: Corrections;
  without: Corrections;
}

const LIMIT_MS = 2 * WHOLE_BUILD_LIMIT_MS;

async function playTwoBuilds(memory: boolean, started: Simulation[]): Promise<Corrections> {
  const { model, next, problems } = buildByBuildModel([teachingScenario(), followingScenario()]);
  const sim = await startSimulation({
    respond: model,
    setup: setUpWidgetsWith(`memory:\n  enabled: ${memory}\n`),
    parallel: 2,
  });
  started.push(sim);
  const ended = { learn: memory, limitMs: LIMIT_MS };
  const first = await playBuild({ sim, issue: MEMORY_ISSUES[0], timeoutMs: LIMIT_MS });
  const corrections = await correctFromCode(sim, first);
  await endBuild(sim, first, ended);
  let lessons = 0;
  if (memory) {
    const taught = await learnPull(sim, first.build, LIMIT_MS);
    await settle(sim);
    reviewAsWriter(sim.gh, taught, { approve: true });
    mergeAsWriter(sim.gh, taught);
    await settle(sim);
    lessons = 1;
  }
  next();
  const second = await playBuild({ sim, issue: MEMORY_ISSUES[1], timeoutMs: LIMIT_MS });
  const again = await correctFromCode(sim, second);
  const unexpected = problems();
  if (unexpected.length > 0) throw new Error(`the scripted model: ${unexpected.join('; ')}`);
  return { first: corrections, second: again, lessons };
}

export async function measureCorrections(): Promise<CorrectionsReport> {
  const started: Simulation[] = [];
  try {
    const [memory, without] = await Promise.all([
      playTwoBuilds(true, started),
      playTwoBuilds(false, started),
    ]);
    return { memory, without };
  } finally {
    await Promise.all(started.map((sim) => sim.stop()));
  }
}

/** One row: the second build's corrections against the first, with memory and without. */
export function correctionsRows({ memory, without }: CorrectionsReport): Row[] {
  return [
    {
      figure:
        "A person's corrections in the second build against the first (two builds of two text modules, the writer correcting from the code; memory on, and `memory.enabled: false`)",
      measured: `${memory.first} → ${memory.second} (without memory: ${without.first} → ${without.second})`,
      target: 'fewer in the second build with memory; as many without',
      met: memory.first > 0 && memory.second < memory.first && without.second >= without.first,
    },
  ];
}

if (process.argv[1]?.endsWith('corrections.ts')) {
  const report = await measureCorrections();
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  else console.log(JSON.stringify(report, null, 2));
}
