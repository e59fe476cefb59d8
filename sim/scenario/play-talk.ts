/**
 * A talked-to build played as people would (sim/scenario/builds/talk-scenario.ts):
 * while W1.1's work session waits, the messages given (an outsider's first, then a
 * writer's `/queue` and `/steer`); the session is let go on once it has read the
 * `/steer`; when it hands in partial work, the budget is raised and `/continue` asked;
 * then on to the final pull request. Shared by the end-to-end test and the bench.
 */
import { messageRef } from '../../src/core/sessions/messages.js';
import type { Engine } from '../../src/core/vocabulary/engine-names.js';
import { type Simulation, startSimulation, WHOLE_BUILD_LIMIT_MS } from '../e2e.js';
import type { FakeGitHub } from '../github/fake-github.js';
import type { SimComment } from '../github/records.js';
import { setUpWidgets } from './builds/greeting-scenario.js';
import { talkScenario } from './builds/talk-scenario.js';
import { speakEngines } from './dialects/speak-engines.js';
import { type PlayBuildOptions, type PlayedBuild, playBuild } from './play-build.js';
import { createScriptedModel, type ScriptedModel } from './scripted-model.js';

/** What a talked-to build left, and the messages that steered it. */
export interface PlayedTalk {
  sim: Simulation;
  model: ScriptedModel;
  build: PlayedBuild;
  steer: SimComment;
  queue: SimComment;
}

const RAISED_USD = 5;

export async function playTalk({
  engine,
  budgetUsd,
  steer,
  queue,
  outsider = [],
  pollSeconds,
  started,
  watchers = {},
  appEnv,
}: {
  engine: Engine;
  /** The build's budget, which W1.1's work session winds down before. */
  budgetUsd: number;
  /** The writer's `/steer` and `/queue` (they ask for `STEERED.md` and `QUEUED.md`). */
  steer: string;
  queue: string;
  /** Comments of someone without access, before them. */
  outsider?: string[];
  /** How often the session looks for messages (`BATON_MESSAGE_POLL_SECONDS`); unset: as in Actions. */
  pollSeconds?: number;
  /** Where the simulation goes, for the caller to stop. */
  started: Simulation[];
  /** Told of the status comment's versions, notices, and every comment the maintainer makes. */
  watchers?: Pick<PlayBuildOptions, 'onStatus' | 'onNotice' | 'onComment'> & {
    /** Told of what the maintainer does besides commenting (raising the budget). */
    onAct?: (what: string, at: Date) => void;
  };
  /** More variables for the app process. */
  appEnv?: Record<string, string>;
}): Promise<PlayedTalk> {
  const waiting = deferred();
  const held = deferred();
  const model = createScriptedModel(
    talkScenario({
      steered: 'STEERED.md',
      queued: 'QUEUED.md',
      held: () => held.promise,
      waiting: () => waiting.resolve(),
    }),
  );
  const engines = speakEngines(model);
  const sim = await startSimulation({
    respond: engines.anthropic,
    openai: engines.openai,
    setup: (gh: FakeGitHub) => {
      setUpWidgets(gh);
      gh.git.commitOn(
        gh.defaultBranch,
        { '.github/baton.yml': configOf(engine, budgetUsd) },
        'Baton',
      );
    },
    ...(pollSeconds ? { jobEnv: { BATON_MESSAGE_POLL_SECONDS: String(pollSeconds) } } : {}),
    ...(appEnv ? { appEnv } : {}),
  });
  started.push(sim);
  const talking = talk({
    sim,
    engine,
    steer,
    queue,
    outsider,
    waiting: waiting.promise,
    held: held.resolve,
    said: (body) => watchers.onComment?.(body, new Date()),
    acted: (what) => watchers.onAct?.(what, new Date()),
  });
  const build = await playBuild({
    sim,
    issue: { title: 'Add a greeting', body: 'The `widgets greet` text, with its test.' },
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
    ...(watchers.onStatus ? { onStatus: watchers.onStatus } : {}),
    ...(watchers.onNotice ? { onNotice: watchers.onNotice } : {}),
    ...(watchers.onComment ? { onComment: watchers.onComment } : {}),
  });
  return { sim, model, build, ...(await talking) };
}

async function talk({
  sim,
  engine,
  steer,
  queue,
  outsider,
  waiting,
  held,
  said,
  acted,
}: {
  sim: Simulation;
  engine: Engine;
  steer: string;
  queue: string;
  outsider: string[];
  waiting: Promise<void>;
  held: () => void;
  /** Told of each comment the maintainer makes here, and of what else they do. */
  said: (body: string) => void;
  acted: (what: string) => void;
}): Promise<{ steer: SimComment; queue: SimComment }> {
  await waiting;
  const issue = [...sim.gh.issues.values()].find((one) => !one.pull)?.number ?? 0;
  for (const body of outsider) sim.comment({ issue, user: 'visitor', body });
  const queued = sim.comment({ issue, body: queue });
  said(queue);
  const steered = sim.comment({ issue, body: steer });
  said(steer);
  const build = buildOf(sim.gh);
  await sim.waitFor(
    'the /steer recorded and read by the session',
    () =>
      sim.gh.git.refs.has(messageRef(build, { worker: 'W1.1', comment: steered.id })) &&
      sim.gh.log.some(
        (entry) => entry.agentRun && entry.path.includes(`/comments/${steered.id}/reactions`),
      ),
  );
  held();
  await sim.waitFor(
    'W1.1’s partial work',
    () => sim.gh.comments.some((comment) => comment.body.includes('⏸️ W1.1 stopped short')),
    WHOLE_BUILD_LIMIT_MS,
  );
  sim.gh.git.commitOn(
    sim.gh.defaultBranch,
    { '.github/baton.yml': configOf(engine, RAISED_USD) },
    'Raise the budget',
  );
  acted(`raises \`budget.maxUsd\` to ${RAISED_USD} in .github/baton.yml`);
  sim.comment({ issue, body: '/continue W1.1' });
  said('/continue W1.1');
  return { steer: steered, queue: queued };
}

function configOf(engine: Engine, budgetUsd: number): string {
  return `session:\n  engine: ${engine}\nbudget:\n  maxUsd: ${budgetUsd}\n`;
}

/** A file of a branch, as it stands. */
export function fileOn(gh: FakeGitHub, branch: string, path: string): string | undefined {
  const sha = gh.git.resolve(branch);
  return sha ? gh.git.filesOf(sha).get(path) : undefined;
}

/** The build id, from its build branch (the simulation's one build). */
export function buildOf(gh: FakeGitHub): string {
  const branch = [...gh.git.refs.keys()].find((ref) =>
    /^refs\/heads\/baton\/[^/]+\/integration$/.test(ref),
  );
  return branch?.split('/')[3] ?? '';
}

/** A promise and what resolves it. */
export function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
