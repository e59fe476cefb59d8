// End-to-end (slow, about two minutes): a cap stops, a raise resumes, on the real engine binaries
// whose worst-case request is large (Claude Code, GitHub Copilot CLI), one build each, at the same
// time. A one-worker build's plan and work run on Haiku within the build's budget; its review, on
// Opus, cannot fit what is left: the model proxy refuses its first request, and the status says the
// review waits for budget and how much it needs. A writer raises `budget.maxUsd` with a commit on
// the default branch, and with no command the same review runs again, approves, and the build
// delivers. The sessions run from the sources (`code: 'source'`), as the engine binaries are the
// point here.
import { describe, expect, it } from 'vitest';
import { type Simulation, startSimulation, WHOLE_BUILD_LIMIT_MS } from '../../sim/e2e.js';
import { diamondScenario, setUpWidgetsWith } from '../../sim/scenario/builds/greeting-scenario.js';
import { speakEngines } from '../../sim/scenario/dialects/speak-engines.js';
import { type PlayedBuild, playBuild, usageRecordsOf } from '../../sim/scenario/play-build.js';
import type { Scenario } from '../../sim/scenario/scenario.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import type { Engine } from '../../src/core/vocabulary/engine-names.js';
import { awaitBeforeAll, playBuildsAtOnce } from '../support/builds-at-once.js';

/**
 * The build's budget on each engine: the plan and the work session on Haiku fit in it, every
 * request counted at its worst (every byte of the engines' requests, about 30 kB, as a token
 * written to the cache: about $0.05 on Haiku, with the work session's wind-down reserve beside
 * it), and cost about $0.06; the review's first request on Opus, counted so, needs about $0.19,
 * more than the $0.14 they leave.
 */
const BUDGETS: Partial<Record<Engine, number>> = { 'claude-code': 0.2, copilot: 0.2 };
/** What the writer raises `budget.maxUsd` to: room for the review at its worst. */
const RAISED_USD = 5;

const ISSUE = {
  title: 'Add a greeting',
  body: 'The `widgets greet` text, `Hello, <name>!`, in its own module with its test.',
};

/** One worker, the diamond's W1.1 (easy: Haiku), and its review. */
function greetingScenario(): Scenario {
  const scenario = diamondScenario();
  return {
    ...scenario,
    plan: { ...scenario.plan, title: 'A greeting', summary: 'One worker: the greeting text.' },
    workers: scenario.workers.filter((worker) => worker.id === 'W1.1'),
  };
}

function configOf(engine: Engine, maxUsd: number): string {
  return [
    'session:',
    `  engine: ${engine}`,
    'models:',
    '  plan: claude-haiku-5-5',
    '  easy: claude-haiku-5-5',
    '  review: claude-opus-5-5',
    '  thinking:',
    '    plan: 0',
    'budget:',
    `  maxUsd: ${maxUsd}`,
    '',
  ].join('\n');
}

interface Played {
  sim: Simulation;
  model: ScriptedModel;
  build: PlayedBuild;
  /** The status comment as it stood when the writer raised the budget. */
  waiting: string;
  /** The comments people made: the build's `/approve` alone. */
  said: string[];
}

async function play(engine: Engine, started: Simulation[]): Promise<Played> {
  const model = createScriptedModel(greetingScenario());
  const engines = speakEngines(model);
  const sim = await startSimulation({
    respond: engines.anthropic,
    openai: engines.openai,
    setup: setUpWidgetsWith(configOf(engine, BUDGETS[engine] ?? 0)),
    code: 'source',
  });
  started.push(sim);
  let waiting = '';
  const said: string[] = [];
  const build = await playBuild({
    sim,
    issue: ISSUE,
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
    onComment: (body) => said.push(body),
    whileRunning: ({ issue }) => {
      const status = sim.statusComment(issue) ?? '';
      // The status's legend names every state: the worker's note is the news.
      if (waiting || !status.includes('stopped its review session')) return;
      waiting = status;
      // A writer raises the budget on the default branch: its push is the only news.
      sim.gh.pushCommit({
        branch: sim.gh.defaultBranch,
        changes: { '.github/baton.yml': configOf(engine, RAISED_USD) },
        message: 'Raise the budget',
        sender: 'maintainer',
      });
    },
  });
  return { sim, model, build, waiting, said };
}

const runs = playBuildsAtOnce((started) => ({
  'claude-code': play('claude-code', started),
  copilot: play('copilot', started),
}));

function reviews({ sim, build }: Played): UsageRecord[] {
  return usageRecordsOf(sim.gh, build.build).filter((record) => record.role === 'review');
}

describe.each(['claude-code', 'copilot'] as const)(
  'a review the budget stopped, on %s',
  (engine) => {
    const played = awaitBeforeAll(() => runs()[engine], WHOLE_BUILD_LIMIT_MS);

    it('records the review as stopped by the budget, with what it had and what it needed, and the status says so', () => {
      const [stopped] = reviews(played);
      expect(stopped).toMatchObject({ outcome: 'failed', limit: 'budget' });
      expect(stopped?.needed_usd ?? 0).toBeGreaterThan(
        stopped?.limit_usd ?? Number.POSITIVE_INFINITY,
      );
      expect(played.waiting).toMatch(
        /\| 💸 \| W1\.1 · “Greeting text” \| waits for budget: the build's budget/,
      );
      expect(played.waiting).toMatch(
        /the build's budget \(`budget\.maxUsd`\) stopped its review session: it needs \$\d+\.\d\d to go on and \$\d+\.\d\d is left; raise `budget\.maxUsd` in `\.github\/baton\.yml` by \$\d+\.\d\d or more and it runs again by itself/,
      );
      expect(played.waiting).not.toContain('ended without a review');
    });

    it('runs the same review again once the budget is raised, with no command, and delivers', () => {
      expect(played.model.problems).toEqual([]);
      // The review in the work's run stopped; the one dispatched on the raise is of the same head.
      const runsOfReview = played.sim.gh.runs.filter((run) => run.inputs.role === 'review');
      expect(runsOfReview).toHaveLength(1);
      expect(runsOfReview[0]?.inputs.trigger).toMatch(/^head-[0-9a-f]{40}$/);
      expect(
        reviews(played).map((record) => [record.outcome, record.limit ?? null, record.after]),
      ).toEqual([
        ['failed', 'budget', 'work'],
        ['complete', null, undefined],
      ]);
      expect(played.said).toEqual(['/approve']);
      expect(played.build.finalPull.body).toContain('1 merged, 0 skipped');
    });
  },
);
