// End-to-end (slow, about two minutes): the diamond W1.1, W1.2 → W2.1 from the
// label to the final pull request on the real engine binaries, pinned and
// installed as sessions install them: every session on Claude Code, every
// session on Codex, every session on GitHub Copilot CLI, and a mixed build (W1.1 on Claude Code, W1.2 on Codex,
// W2.1 on Baton's own loop, every review on Codex, so W1.1's review, which
// asks for a change, is by another engine than its work and its fix). The
// scripted model plays each engine's side in its own protocol (streamed
// Messages for Claude Code and Copilot, the Responses API for Codex) through
// the model proxy of each session; the four builds run at the same time. A lesson of
// .baton/memory/ on the default branch reaches the work and review sessions of every engine.
import { describe, expect, it } from 'vitest';
import { type Simulation, startSimulation, WHOLE_BUILD_LIMIT_MS } from '../../sim/e2e.js';
import type { CapturedRequest } from '../../sim/fake-anthropic.js';
import type { CapturedResponsesRequest } from '../../sim/fake-openai.js';
import { diamondScenario, setUpWidgetsWith } from '../../sim/scenario/builds/greeting-scenario.js';
import { speakEngines } from '../../sim/scenario/dialects/speak-engines.js';
import { usageRecordsOf } from '../../sim/scenario/play-build.js';
import type { Scenario } from '../../sim/scenario/scenario.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { lessonPath, renderLesson } from '../../src/core/memory/lesson.js';
import { LESSONS_HEADING } from '../../src/core/memory/render-lessons.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import { tokensOfUsage } from '../../src/core/snapshot/ledger.js';
import type { Engine } from '../../src/core/vocabulary/engine-names.js';
import { costOf } from '../../src/core/vocabulary/pricing.js';
import {
  awaitBeforeAll,
  type PlayedGreeting,
  playBuildsAtOnce,
  playGreeting,
} from '../support/builds-at-once.js';

type Played = PlayedGreeting;

/** The mixed build: each worker on another engine, reviews on Codex. */
function mixedScenario(): Scenario {
  const scenario = diamondScenario({ reviewChanges: true });
  const engines: Record<string, Engine | undefined> = { 'W1.2': 'codex', 'W2.1': 'baton' };
  return {
    ...scenario,
    workers: scenario.workers.map((worker) => {
      const engine = engines[worker.id];
      return engine ? { ...worker, engine } : worker;
    }),
  };
}

const BUILDS = {
  'claude-code': { config: 'session:\n  engine: claude-code\n', scenario: diamondScenario() },
  codex: { config: 'session:\n  engine: codex\n', scenario: diamondScenario() },
  copilot: { config: 'session:\n  engine: copilot\n', scenario: diamondScenario() },
  mixed: {
    config:
      'session:\n  engine:\n    default: baton\n    work: claude-code\n    fix: claude-code\n    review: codex\n    allow: [baton, claude-code, codex]\n',
    scenario: mixedScenario(),
  },
} as const;

type BuildName = keyof typeof BUILDS;

/** A lesson a person approved, read by every work and review session (docs/memory.md): it cites the README. */
const LESSON_RULE = 'Keep the text of each command in a module of its own under src/.';
const LESSON_FILES = {
  [lessonPath('text-modules')]: renderLesson({
    slug: 'text-modules',
    rule: LESSON_RULE,
    why: 'The issue asks for texts that can be reused.',
    roles: ['work', 'fix', 'review'],
    citations: [
      { path: 'README.md', line: 3, commit: '0'.repeat(40), text: 'Small command-line helpers.' },
    ],
    evidence: ['https://github.com/acme/widgets/issues/1'],
    created: '2026-11-20',
    build: 'remember',
    status: 'active',
    uses: 0,
    body: '',
  }),
};

/** Whether a request the provider served carried the lesson in the section sessions read lessons in. */
function carriesLesson(request: { body: unknown }): boolean {
  const text = JSON.stringify(request.body);
  return text.includes(LESSONS_HEADING) && text.includes(LESSON_RULE);
}

/** The requests that carried the lesson, by the API they reached. */
function lessonRequests(played: Played): { anthropic: number; openai: number } {
  return {
    anthropic: played.sim.model.requests.filter(
      (r: CapturedRequest) => r.served && carriesLesson(r),
    ).length,
    openai: played.sim.openai.requests.filter(
      (r: CapturedResponsesRequest) => r.served && carriesLesson(r),
    ).length,
  };
}

async function play(name: BuildName, started: Simulation[]): Promise<Played> {
  const { config, scenario } = BUILDS[name];
  const model = createScriptedModel(scenario);
  const engines = speakEngines(model);
  const sim = await startSimulation({
    respond: engines.anthropic,
    openai: engines.openai,
    setup: (gh) => {
      setUpWidgetsWith(config, 'Choose the engines')(gh);
      gh.git.commitOn(gh.defaultBranch, LESSON_FILES, 'Approve a lesson');
    },
    parallel: 3,
  });
  started.push(sim);
  return playGreeting(sim, model);
}

const runs = playBuildsAtOnce((started) => ({
  'claude-code': play('claude-code', started),
  codex: play('codex', started),
  copilot: play('copilot', started),
  mixed: play('mixed', started),
}));

/** The usage records the build's publish jobs pushed to its hidden refs. */
function usageRecords({ sim, build }: Played): UsageRecord[] {
  return usageRecordsOf(sim.gh, build.build);
}

/** The engine each session of a role recorded, by worker. */
function enginesOf(played: Played, role: string): Record<string, Engine | undefined> {
  return Object.fromEntries(
    usageRecords(played)
      .filter((record) => record.role === role)
      .map((record) => [record.worker ?? '-', record.engine]),
  );
}

/** What the fake providers served: tokens of every kind, and their cost at Baton's list prices. */
function served(played: Played): { tokens: number; costUsd: number; requests: number } {
  const anthropic = played.sim.model.requests.filter((r: CapturedRequest) => r.served);
  const openai = played.sim.openai.requests.filter((r: CapturedResponsesRequest) => r.served);
  let tokens = 0;
  let costUsd = 0;
  for (const { served: usage, servedModel } of anthropic) {
    if (!usage) continue;
    const counts = {
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
    };
    tokens +=
      counts.input_tokens +
      counts.output_tokens +
      counts.cache_read_input_tokens +
      counts.cache_creation_input_tokens;
    costUsd += costOf(servedModel ?? '', counts) ?? Number.NaN;
  }
  for (const { served: usage, servedModel } of openai) {
    if (!usage) continue;
    const cached = usage.input_tokens_details.cached_tokens;
    tokens += usage.input_tokens + usage.output_tokens;
    costUsd +=
      costOf(servedModel ?? '', {
        input_tokens: usage.input_tokens - cached,
        output_tokens: usage.output_tokens,
        cache_read_input_tokens: cached,
        cache_creation_input_tokens: 0,
      }) ?? Number.NaN;
  }
  return { tokens, costUsd, requests: anthropic.length + openai.length };
}

describe.each([
  ['claude-code', { work: 'claude-code', review: 'claude-code' }],
  ['codex', { work: 'codex', review: 'codex' }],
  ['copilot', { work: 'copilot', review: 'copilot' }],
] as const)('the diamond with every session on %s', (name, expected) => {
  const played = awaitBeforeAll(() => runs()[name], WHOLE_BUILD_LIMIT_MS);

  it('merges every worker with no turn the scenario did not expect, every session on that engine', () => {
    expect(played.model.problems).toEqual([]);
    expect(played.build.finalPull.body).toContain(
      '**“greet and bye commands”**: 3 merged, 0 skipped',
    );
    const all = usageRecords(played);
    // One record a run, and one more for each review a work or fix session's run made after it.
    expect(all.filter((record) => record.after === undefined).length).toBe(
      played.sim.gh.runs.length,
    );
    expect(all.filter((record) => record.after !== undefined).length).toBeGreaterThan(0);
    expect(new Set(all.map((record) => record.engine))).toEqual(new Set([expected.work]));
    expect(Object.keys(enginesOf(played, 'review')).sort()).toEqual(['W1.1', 'W1.2', 'W2.1']);
  });

  it('gives its work and review sessions the repository’s lesson in their first message, as every engine', () => {
    const carried = lessonRequests(played);
    expect(expected.work === 'codex' ? carried.openai : carried.anthropic).toBeGreaterThan(0);
    // Each work and review session says in its log that it read the lesson (three workers, each reviewed).
    const read = played.sim.runner.jobs.filter(
      (job) =>
        (job.job === 'agent' || job.job === 'review') &&
        job.stderr.includes('lessons read: text-modules'),
    );
    expect(read.length).toBeGreaterThanOrEqual(6);
  });

  it('says which engine did each worker, in the status comment and the final pull request', () => {
    const { finalPull } = played.build;
    for (const worker of ['W1.1', 'W1.2', 'W2.1']) {
      const row = finalPull.body.split('\n').find((line) => line.startsWith(`| ${worker} |`));
      expect(row).toMatch(
        new RegExp(`\\| ${expected.work} \\| [1-9][\\d,]* \\| \\$\\d+\\.\\d\\d \\|$`),
      );
    }
    expect(played.build.statuses.at(-1)).toMatch(/\| Cost \| Engine \|/);
  });

  it('records exactly the tokens and dollars the provider served, and nothing reached a provider but the model endpoints', () => {
    const records = usageRecords(played);
    const fromProvider = served(played);
    expect(fromProvider.requests).toBeGreaterThan(records.length);
    expect(records.reduce((sum, record) => sum + tokensOfUsage(record.usage), 0)).toBe(
      fromProvider.tokens,
    );
    expect(records.reduce((sum, record) => sum + record.usage.cost_usd, 0)).toBeCloseTo(
      fromProvider.costUsd,
      4,
    );
    expect(played.sim.openai.unknown).toEqual([]);
    for (const job of played.sim.runner.jobs)
      expect(job.summary).not.toContain('Refused by the model proxy');
  });
});

describe('a mixed build: one worker per engine, reviewed on Codex', () => {
  const played = awaitBeforeAll(() => runs().mixed, WHOLE_BUILD_LIMIT_MS);

  it('runs each worker on its own engine and every review on Codex, and merges them all', () => {
    expect(played.model.problems).toEqual([]);
    expect(enginesOf(played, 'work')).toEqual({
      'W1.1': 'claude-code',
      'W1.2': 'codex',
      'W2.1': 'baton',
    });
    expect(enginesOf(played, 'review')).toEqual({
      'W1.1': 'codex',
      'W1.2': 'codex',
      'W2.1': 'codex',
    });
    // Codex's review asked for a change; Claude Code's fix session made it, and Codex approved.
    expect(enginesOf(played, 'fix')).toEqual({ 'W1.1': 'claude-code' });
    expect(played.build.finalPull.body).toMatch(/\| W1\.1 \| [^\n]* \| claude-code \| /);
    expect(played.build.finalPull.body).toMatch(/\| W1\.2 \| [^\n]* \| codex \| /);
    expect(played.build.finalPull.body).toMatch(/\| W2\.1 \| [^\n]* \| baton \| /);
  });

  it('gives the lesson to sessions on Claude Code, Codex and Baton’s loop alike', () => {
    const carried = lessonRequests(played);
    expect(carried.anthropic).toBeGreaterThan(0);
    expect(carried.openai).toBeGreaterThan(0);
  });

  it('records exactly the tokens and dollars the providers served, over both of them', () => {
    const records = usageRecords(played);
    const fromProvider = served(played);
    expect(records.reduce((sum, record) => sum + tokensOfUsage(record.usage), 0)).toBe(
      fromProvider.tokens,
    );
    expect(records.reduce((sum, record) => sum + record.usage.cost_usd, 0)).toBeCloseTo(
      fromProvider.costUsd,
      4,
    );
  });
});
