// End-to-end (several minutes): memory that proves itself, played whole through the
// real app (or, with nothing hosted, the conductor workflow), the bundled session
// action and the simulator, both at once: hosted with the workers on Claude Code,
// with nothing hosted on Codex (the real binaries, against the scripted model in their
// dialects), the plan, the reviews and the learn sessions on Baton's own loop. Three
// builds of two workers on one repository (sim/scenario/builds/memory-scenario.ts):
// a writer reads the code build 1's workers merged and asks for the same correction on
// both pull requests, and once its final pull request merges its learn session proposes
// one lesson citing the code, in a pull request that waits for a person until a writer
// approves and merges it; build 2's sessions are given the lesson, its workers follow it
// and say they applied it, the writer reading its code finds nothing to correct, and no
// review finds its mistake again (repeats 0 of its findings, in its final pull request); build 3
// comes after a commit changed the cited line: no session is given the lesson, and
// the learn session after it marks the lesson stale in its own pull request.
import { describe, expect, it } from 'vitest';
import {
  appNode,
  buildCeiling,
  type Simulation,
  type SimulationMode,
  STEP_LIMIT_MS,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import type { SimPull } from '../../sim/github/records.js';
import { setUpWidgetsWith } from '../../sim/scenario/builds/greeting-scenario.js';
import {
  CHANGED_LINE,
  CITED_LINE,
  followingScenario,
  MEMORY_ISSUES,
  memorySettings,
  mergeAsWriter,
  reviewAsWriter,
  staleScenario,
  TRIM_NAMES,
  teachingScenario,
} from '../../sim/scenario/builds/memory-scenario.js';
import { speakEngines } from '../../sim/scenario/dialects/speak-engines.js';
import { type PlayedBuild, playBuild } from '../../sim/scenario/play-build.js';
import {
  buildByBuildModel,
  correctFromCode,
  endBuild,
  learnPull,
} from '../../sim/scenario/play-memory.js';
import { readSessionRequest } from '../../sim/scenario/read-request.js';
import { settle } from '../../sim/scenario/settle.js';
import { type Lesson, lessonPath, parseLesson } from '../../src/core/memory/lesson.js';
import { playBuildsAtOnce } from '../support/builds-at-once.js';

const APP_NODE = appNode();
/** Three builds and three learn sessions, two simulations at once on a busy machine. */
const PLAY_LIMIT_MS = 3 * WHOLE_BUILD_LIMIT_MS;
const TEST_LIMIT_MS = buildCeiling(PLAY_LIMIT_MS);

/** The engine of the work and fix sessions, by mode; the rest run on Baton's own loop. */
const ENGINES = { hosted: 'claude-code', serverless: 'codex' } as const;

interface FirstMessage {
  build: string;
  role: string;
  worker: string | null;
  text: string;
}

interface Played {
  sim: Simulation;
  /** The model's problems: turns no scenario expected. */
  problems: string[];
  builds: PlayedBuild[];
  /** The corrections the writer made, reading the code each worker merged, in builds 1 and 2. */
  corrections: number[];
  /** Each session's first message as the model read it. */
  firsts: FirstMessage[];
  /** Build 1's learn pull request once every session and delivery had ended, before a writer acted. */
  waiting: { state: string; merged: boolean; status: string };
  /** The learn pull requests of builds 1 and 3. */
  taught: SimPull;
  marked: SimPull;
}

async function play(started: Simulation[], mode: SimulationMode): Promise<Played> {
  const engine = ENGINES[mode];
  const firsts: FirstMessage[] = [];
  const { model, next, problems } = buildByBuildModel(
    [teachingScenario(), followingScenario(), staleScenario()],
    (request) => {
      const read = readSessionRequest(request.body);
      if (typeof read !== 'string' && read.turn === 0) {
        const text = JSON.stringify(request.body.messages[0]?.content);
        firsts.push({ build: read.build, role: read.role, worker: read.worker, text });
      }
    },
  );
  const engines = speakEngines(model);
  const sim = await startSimulation({
    respond: engines.anthropic,
    openai: engines.openai,
    setup: setUpWidgetsWith(memorySettings(engine)),
    parallel: 2,
    mode,
    ...(mode === 'hosted' && APP_NODE.path ? { appNode: APP_NODE.path } : {}),
  });
  started.push(sim);
  const timeoutMs = PLAY_LIMIT_MS;
  const ended = { learn: true, limitMs: PLAY_LIMIT_MS };

  // Build 1: the writer, reading each worker's code, asks for the same correction on both text modules.
  const first = await playBuild({ sim, issue: MEMORY_ISSUES[0], timeoutMs });
  const corrections = [await correctFromCode(sim, first)];
  await endBuild(sim, first, ended);
  const taught = await learnPull(sim, first.build, STEP_LIMIT_MS);
  await settle(sim);
  // The status comment follows the pull request's opening (its edits are paced).
  const status = await sim.waitForStatus(first.issue, '📚 1 lesson proposed', STEP_LIMIT_MS);
  const waiting = { state: taught.state, merged: taught.mergedAt !== null, status };
  reviewAsWriter(sim.gh, taught, { approve: true });
  mergeAsWriter(sim.gh, taught);
  await settle(sim);

  // Build 2: every session reads the lesson.
  next();
  const second = await playBuild({ sim, issue: MEMORY_ISSUES[1], timeoutMs });
  corrections.push(await correctFromCode(sim, second));
  await endBuild(sim, second, ended);

  // Build 3: after the cited line changed on the default branch.
  const cited =
    sim.gh.git.filesOf(sim.gh.git.resolve(sim.gh.defaultBranch) ?? '').get('src/greeting.js') ?? '';
  sim.gh.git.commitOn(
    sim.gh.defaultBranch,
    { 'src/greeting.js': cited.replace(CITED_LINE, CHANGED_LINE) },
    'Trim the greeted name',
  );
  next();
  const third = await playBuild({ sim, issue: MEMORY_ISSUES[2], timeoutMs });
  await endBuild(sim, third, ended);
  const marked = await learnPull(sim, third.build, STEP_LIMIT_MS);
  return {
    sim,
    problems: problems(),
    builds: [first, second, third],
    corrections,
    firsts,
    waiting,
    taught,
    marked,
  };
}

const runs = playBuildsAtOnce((started) => ({
  hosted: play(started, 'hosted'),
  serverless: play(started, 'serverless'),
}));

/** The lesson file at a pull request's head. */
function lessonAt(sim: Simulation, pull: SimPull): Lesson | null {
  const file = lessonPath(TRIM_NAMES.slug);
  const text = sim.gh.git.filesOf(sim.gh.git.resolve(pull.head) ?? '').get(file);
  const read = text === undefined ? null : parseLesson(file, text);
  return read?.ok ? read.lesson : null;
}

describe.each(['hosted', 'serverless'] as const)(
  'memory that proves itself, end to end (%s)',
  (mode) => {
    function itOnRun(name: string, check: (played: Played) => void): void {
      it(name, async () => check(await runs()[mode]), TEST_LIMIT_MS);
    }

    itOnRun('plays three builds with no turn a scenario did not expect', ({ problems, builds }) => {
      expect(problems).toEqual([]);
      expect(builds).toHaveLength(3);
    });

    itOnRun(
      'proposes one lesson citing the code, in a pull request that waits for a person',
      ({ sim, waiting, taught, builds }) => {
        expect(waiting).toMatchObject({ state: 'open', merged: false });
        expect(waiting.status).toContain('waits for a person');
        expect(taught.title).toBe(`What build #${builds[0]?.issue} taught`);
        const lesson = lessonAt(sim, taught);
        expect(lesson).toMatchObject({
          rule: TRIM_NAMES.rule,
          status: 'active',
          citations: [{ path: 'src/greeting.js', line: 3, text: CITED_LINE }],
        });
        // Its evidence is the writer's two corrections, and nothing else.
        expect(lesson?.evidence).toHaveLength(2);
        for (const url of lesson?.evidence ?? []) expect(url).toMatch(/#discussion_r\d+$/);
        // Merged by the writer alone: Baton merged none of it.
        expect(taught.mergedAt).not.toBeNull();
      },
    );

    itOnRun(
      'gives every session of build 2 the lesson, and its workers say they applied it',
      ({ firsts, builds }) => {
        const build = builds[1]?.build;
        const sessions = firsts.filter((first) => first.build === build && first.role !== 'learn');
        expect(sessions.map(({ role, worker }) => `${role} ${worker ?? '-'}`).sort()).toEqual([
          'plan -',
          'review W1.1',
          'review W1.2',
          'work W1.1',
          'work W1.2',
        ]);
        for (const session of sessions) expect(session.text).toContain(TRIM_NAMES.rule);
        const report = builds[1]?.finalPull.body ?? '';
        expect(report).toContain('**Lessons applied:** 2 (`trim-names` ×2).');
      },
    );

    itOnRun(
      'leaves the writer, reading the code, nothing to correct in build 2 of what build 1 taught',
      ({ corrections }) => {
        expect(corrections).toEqual([2, 0]);
      },
    );

    itOnRun('counts no repeat among the reviews of build 2 that were given it', ({ builds }) => {
      expect(builds[1]?.finalPull.body).toContain(
        '**Lessons repeated:** 0 of 2 review findings (0%).',
      );
      // Build 1's reviews had no lesson to repeat.
      expect(builds[0]?.finalPull.body).not.toContain('Lessons repeated');
    });

    itOnRun(
      'gives no session of build 3 the lesson whose cited line changed, and marks it stale',
      ({ sim, firsts, builds, marked }) => {
        const build = builds[2]?.build;
        const sessions = firsts.filter((first) => first.build === build);
        expect(sessions.length).toBeGreaterThanOrEqual(5);
        for (const session of sessions) expect(session.text).not.toContain(TRIM_NAMES.rule);
        // The learn session found no correction: it marked the lesson with no model call.
        expect(sessions.some((session) => session.role === 'learn')).toBe(false);
        expect(marked.state).toBe('open');
        expect(marked.body).toContain('Marked `status: stale`');
        expect(lessonAt(sim, marked)).toMatchObject({ rule: TRIM_NAMES.rule, status: 'stale' });
      },
    );
  },
);
