// End-to-end (slow, about a minute and a half): an improvement series through the real
// app and session processes on the simulator. `/improve 3 <focus>` on an issue
// with no build: loop 1 researches, plans W1.1, works, reviews, merges and
// summarises; loop 2 does the same with W2.1, its research reading loop 1's
// summary only; loop 3's research finds nothing worth doing, so the series
// ends and one final pull request delivers both loops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCeiling,
  type Simulation,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import { setUpWidgets } from '../../sim/scenario/builds/greeting-scenario.js';
import {
  IMPROVE_COMMAND,
  IMPROVE_ISSUE,
  improveScenario,
  LOOP_MARKS,
} from '../../sim/scenario/builds/improve-scenario.js';
import { findFinalPull } from '../../sim/scenario/play-build.js';
import { playImprove } from '../../sim/scenario/play-improve.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { integrationBranch, summaryPath } from '../../src/core/vocabulary/ids.js';

let sim: Simulation;
let model: ScriptedModel;
let issue: number;
let statuses: string[];
const comments: string[] = [];

/** The first message of each research session, by loop. */
function researchPrompts(): Map<number, string> {
  const prompts = new Map<number, string>();
  for (const { body } of sim.model.requests) {
    const system = typeof body.system === 'string' ? body.system : JSON.stringify(body.system);
    if (!system.includes('in the research role')) continue;
    const first = JSON.stringify(body.messages[0]?.content ?? '');
    const loop = Number(/Research improvement loop (\d+)/.exec(first)?.[1]);
    if (loop && !prompts.has(loop)) prompts.set(loop, first);
  }
  return prompts;
}

beforeAll(async () => {
  model = createScriptedModel(improveScenario());
  sim = await startSimulation({ respond: model, setup: setUpWidgets, parallel: 2 });
  // Each loop's plan waits for `/approve` (improve.approval: every-loop); playImprove gives it.
  const played = await playImprove({
    sim,
    issue: IMPROVE_ISSUE,
    command: IMPROVE_COMMAND,
    onComment: (body) => comments.push(body),
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
  });
  ({ issue, statuses } = played);
}, buildCeiling(WHOLE_BUILD_LIMIT_MS));

afterAll(() => sim?.stop(), 30_000);

describe('an improvement series on the simulator', () => {
  it('takes /improve with 👀 because it now runs loops', () => {
    const comment = sim.gh.comments.find((c) => c.body === IMPROVE_COMMAND);
    expect(comment?.reactions).toEqual([{ login: sim.gh.botLogin, content: 'eyes' }]);
    expect(model.problems).toEqual([]);
    // Neither loop's `/approve` was answered as a bad command.
    const replies = sim.gh.comments.filter((c) => c.body.includes('<!-- baton:reply'));
    expect(replies.map((c) => c.body)).toEqual([]);
    expect(comments).toEqual([IMPROVE_COMMAND, '/approve', '/approve']);
  });

  it('runs research, plan, work, review and summary per loop, and a third research that stops it', () => {
    const sessions = model.sessions.map((s) => `${s.role} ${s.worker ?? '-'}`);
    expect(sessions.filter((s) => /^(research|plan|summary)/.test(s))).toEqual([
      'research -',
      'plan -',
      'summary -',
      'research -',
      'plan -',
      'summary -',
      'research -',
    ]);
    const runs = sim.gh.runs.map((run) => `${run.inputs.role} ${run.inputs.worker || '-'}`);
    expect(runs.filter((r) => /^(research|summary|plan)/.test(r))).toEqual([
      'research L1',
      'plan L1',
      'summary L1',
      'research L2',
      'plan L2',
      'summary L2',
      'research L3',
    ]);
    expect(runs.filter((r) => r.startsWith('work'))).toEqual(['work W1.1', 'work W2.1']);
  });

  it('gives loop 2’s research loop 1’s summary, and never loop 1’s findings', () => {
    const prompts = researchPrompts();
    expect(prompts.get(1)).toContain('greetings and farewells people can reuse');
    // Onboarding shipped the research skill; the session reads it from the default branch.
    expect(prompts.get(1)).toContain(
      'Read the skill if there is one: `.baton/skills/research.md`.',
    );
    expect(prompts.get(1)).not.toContain(LOOP_MARKS.summaries[0]);
    expect(prompts.get(2)).toContain(LOOP_MARKS.summaries[0]);
    expect(prompts.get(2)).not.toContain(LOOP_MARKS.findings[0]);
    expect(prompts.get(3)).toContain(LOOP_MARKS.summaries[1]);
    expect(prompts.get(3)).not.toContain(LOOP_MARKS.summaries[0]);
  });

  it('keeps each loop’s summary in the build record and both loops’ work on the build branch', () => {
    const build = findStatusBuild(sim.statusComment(issue) ?? '') ?? '';
    const files = sim.gh.git.filesOf(sim.gh.git.resolve(integrationBranch(build)) ?? '');
    expect(files.get(summaryPath(build, 1))).toContain(LOOP_MARKS.summaries[0]);
    expect(files.get(summaryPath(build, 2))).toContain(LOOP_MARKS.summaries[1]);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['src/greeting.js', 'src/farewell.js']),
    );
  });

  it('ends early, says so, and delivers both loops in one final pull request', () => {
    const status = statuses.at(-1) ?? '';
    expect(status).toContain('The research of loop 3 found nothing worth doing');
    const build = findStatusBuild(status) ?? '';
    const final = findFinalPull(sim.gh, build);
    expect(final?.title).toBe(`[make-widgets-friendlier] ${IMPROVE_ISSUE.title}`);
    expect(final?.body).toContain('### Improvement loops');
    // The budget's one ledger counts every loop session, research and summary included.
    expect(final?.body).toMatch(/research \$[\d.]+ \([\d,]+ tokens\)/);
    expect(final?.body).toMatch(/summary \$[\d.]+ \([\d,]+ tokens\)/);
    expect(final?.body).not.toContain('plan $0.00 (0 tokens)');
    expect(final?.body).toContain(
      'ran 3 of 3 loops; the research of loop 3 found nothing worth doing',
    );
    // Each loop's row only moves forward. Which stages a person sees between two edits depends on
    // how quickly the sessions end (the status pacer gathers what changes within its interval).
    const order = [
      '🔎 researching',
      '📋 planning',
      '🔨 workers running',
      '📝 summarising',
      '✅ done',
    ];
    for (const loop of [1, 2]) {
      const seen = statuses.flatMap((body) => {
        const table = /\| Loop \| Stage [\s\S]*?(?:\n\n|$)/.exec(body)?.[0] ?? '';
        const row = new RegExp(`^\\| ${loop} \\| ([^—|]+?)(?: —|\\s*\\|)`, 'm').exec(table);
        return row?.[1] ? [order.indexOf(row[1].trim())] : [];
      });
      expect(seen).not.toContain(-1);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.at(-1)).toBe(order.indexOf('✅ done'));
    }
  });
});
