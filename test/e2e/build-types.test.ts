// End-to-end (slow, about a minute): a research build and a content build
// through real processes, played at the same time. The research build goes
// from the `orchestrate:research` label to the final pull request that
// delivers the report. W1.2's first attempt writes code beside its findings;
// publish refuses it and pushes nothing, and the maintainer's `/retry W1.2`
// brings an attempt that writes only findings. Once both are merged, the
// synthesis session commits REPORT.md, posts its summary on the issue and
// proposes one follow-up question as worker W2.1 in plan.json; the
// maintainer's `/approve` runs it, and a second synthesis covers its findings.
// The content build (`orchestrate:content`) writes two chapters to the
// outputs its plan declares, reviewed with the style guide in view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCeiling,
  type Simulation,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import {
  CONTENT_ISSUE,
  contentScenario,
  setUpContentRepo,
} from '../../sim/scenario/builds/content-scenario.js';
import {
  RESEARCH_ISSUE,
  researchScenario,
  setUpResearchRepo,
} from '../../sim/scenario/builds/research-scenario.js';
import { type PlayedBuild, playBuild } from '../../sim/scenario/play-build.js';
import { STRAY_CODE } from '../../sim/scenario/scenario.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import {
  integrationBranch,
  planPath,
  reportPath,
  STYLE_GUIDE_PATH,
  workerBranch,
  workerFindingsPath,
} from '../../src/core/vocabulary/ids.js';

let sim: Simulation;
let model: ScriptedModel;
let played: PlayedBuild;
const content = {} as {
  sim: Simulation;
  model: ScriptedModel;
  played: PlayedBuild;
  /** The first message of every request, as the model read it. */
  prompts: string[];
};

async function playResearch(): Promise<void> {
  model = createScriptedModel(researchScenario({ strayCode: true }));
  sim = await startSimulation({ respond: model, setup: setUpResearchRepo, parallel: 2 });
  played = await playBuild({
    sim,
    issue: RESEARCH_ISSUE,
    retries: 1,
    followUps: 'approve',
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
  });
}

async function playContent(): Promise<void> {
  content.model = createScriptedModel(contentScenario());
  content.prompts = [];
  content.sim = await startSimulation({
    respond: (request, index) => {
      content.prompts.push(JSON.stringify(request.body.messages[0]?.content ?? ''));
      return content.model(request, index);
    },
    setup: setUpContentRepo,
    parallel: 2,
  });
  content.played = await playBuild({
    sim: content.sim,
    issue: CONTENT_ISSUE,
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
  });
}

beforeAll(async () => {
  await Promise.all([playResearch(), playContent()]);
}, buildCeiling(WHOLE_BUILD_LIMIT_MS));
afterAll(async () => {
  await Promise.all([sim?.stop(), content.sim?.stop()]);
});

const files = (branch: string) => sim.gh.git.filesOf(sim.gh.git.resolve(branch) ?? '');
const runsOf = (role: string, worker?: string) =>
  sim.gh.runs.filter(
    (run) => run.inputs.role === role && (!worker || run.inputs.worker === worker),
  );

describe('a research build from the label to its report', () => {
  it('plans a research build from the label and plays it with no turn the scenario did not expect', () => {
    expect(model.problems).toEqual([]);
    const plan = JSON.parse(
      files(integrationBranch(played.build)).get(planPath(played.build)) ?? '{}',
    );
    expect(plan.type).toBe('research');
  });

  it("refuses a research worker's code change, pushing nothing, and a retry delivers findings only", () => {
    const attempts = runsOf('work', 'W1.2');
    expect(attempts.map((run) => run.conclusion)).toEqual(['failure', 'success']);
    const first = model.sessions.find((s) => s.role === 'work' && s.worker === 'W1.2');
    // The model reported success: the refusal is publish's, not the model's.
    expect(first?.submitted).toMatchObject({ status: 'complete' });
    const retry = sim.gh.comments.find((c) => c.body === '/retry W1.2');
    expect(attempts[1]?.inputs.trigger).toBe(`comment-${retry?.id}`);
    expect(files(workerBranch(played.build, 'W1.2')).has(STRAY_CODE.path)).toBe(false);
    expect(files(integrationBranch(played.build)).has(STRAY_CODE.path)).toBe(false);
  });

  it('merges each worker’s findings, reviewed, into the build record', () => {
    const built = files(integrationBranch(played.build));
    for (const worker of ['W1.1', 'W1.2']) {
      expect(built.get(workerFindingsPath(played.build, worker))).toMatch(/^---\nworker_id: /);
    }
    // Reviewed in their work's run, each a review session of its own.
    expect(model.sessions.filter((s) => s.role === 'review').length).toBeGreaterThanOrEqual(2);
    expect([...built.keys()].filter((path) => path.startsWith('src/'))).toEqual([]);
  });

  it('runs a synthesis after the workers, which commits the report and posts its summary', () => {
    expect(runsOf('synthesis').map((run) => run.conclusion)).toEqual(['success', 'success']);
    expect(files(integrationBranch(played.build)).get(reportPath(played.build))).toContain(
      'Support Node 20 and 22',
    );
    const summary = sim.gh.comments.find((c) => c.body.startsWith('### Research report'));
    expect(summary?.issue).toBe(played.issue);
    expect(summary?.body).toContain('Keep Node 20 and 22');
    expect(summary?.body).toContain('- W2.1 **Node 24**: When will users move to Node 24?');
  });

  it('runs the proposed follow-up question after /approve, then a second synthesis that answers it', () => {
    const plan = JSON.parse(
      files(integrationBranch(played.build)).get(planPath(played.build)) ?? '{}',
    );
    expect(
      plan.workers.map((w: { id: string; follow_up?: number }) => [w.id, w.follow_up]),
    ).toEqual([
      ['W1.1', undefined],
      ['W1.2', undefined],
      ['W2.1', 1],
    ]);
    expect(runsOf('work', 'W2.1').map((run) => run.conclusion)).toEqual(['success']);
    expect(
      files(integrationBranch(played.build)).get(workerFindingsPath(played.build, 'W2.1')),
    ).toContain('no Node 24 users yet');
    const approvals = sim.gh.comments.filter((c) => c.body === '/approve');
    expect(approvals).toHaveLength(2);
    expect(runsOf('synthesis')[1]?.inputs.trigger).toBe(`comment-${approvals[1]?.id}`);
    const summaries = sim.gh.comments.filter((c) => c.body.startsWith('### Research report'));
    expect(summaries).toHaveLength(2);
    expect(summaries[1]?.body).not.toContain('Follow-up questions');
  });

  it('delivers the report in the final pull request, which names it', () => {
    expect(played.finalPull.head).toBe(integrationBranch(played.build));
    expect(played.finalPull.body).toContain(`**The report:** \`${reportPath(played.build)}\``);
    const synthesis = runsOf('synthesis').at(-1);
    expect(Date.parse(synthesis?.updatedAt ?? '')).toBeLessThanOrEqual(
      Date.parse(played.finalPull.createdAt),
    );
  });
});

describe('a content build from the label to its documents', () => {
  const built = () =>
    content.sim.gh.git.filesOf(
      content.sim.gh.git.resolve(integrationBranch(content.played.build)) ?? '',
    );

  it('plans each worker with its outputs and plays with no unexpected turn', () => {
    expect(content.model.problems).toEqual([]);
    const plan = JSON.parse(built().get(planPath(content.played.build)) ?? '{}');
    expect(plan.type).toBe('content');
    expect(plan.workers.map((w: { outputs: string[] }) => w.outputs)).toEqual([
      ['docs/guide/install.md'],
      ['docs/guide/commands.md'],
    ]);
  });

  it('merges the documents, reviewed against the brief and the style guide', () => {
    expect(built().get('docs/guide/install.md')).toContain('# Installing widgets');
    expect(built().get('docs/guide/commands.md')).toContain('# Commands');
    const reviews = content.model.sessions.filter((s) => s.role === 'review');
    expect(reviews).toHaveLength(2);
    expect(reviews.every((s) => s.submitted?.verdict === 'approve')).toBe(true);
    expect(content.sim.gh.runs.filter((run) => run.inputs.role === 'synthesis')).toEqual([]);
    const reviewPrompts = content.prompts.filter((p) => p.includes('Review pull request'));
    expect(reviewPrompts.length).toBeGreaterThan(0);
    expect(reviewPrompts.every((p) => p.includes('.baton/skills/content-review.md'))).toBe(true);
    expect(reviewPrompts.every((p) => p.includes(`style guide \`${STYLE_GUIDE_PATH}\``))).toBe(
      true,
    );
  });

  it('delivers them in the final pull request', () => {
    expect(content.played.finalPull.head).toBe(integrationBranch(content.played.build));
    expect(content.played.finalPull.state).toBe('open');
  });
});
