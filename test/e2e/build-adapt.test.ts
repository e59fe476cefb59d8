// End-to-end (about a minute and a half): briefs that adapt, through the real
// app and session processes on the simulator. The diamond W1.1, W1.2 → W2.1
// with `approval: plan`; W1.1's completion names W2.1 in `affects`, so once
// W1.1 merges a plan session in adapt mode rewrites W2.1's brief with what
// W1.1 learned. W2.1 waits for `/approve` of the change, then its work session
// reads the revised brief.
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildCeiling,
  type Simulation,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import { ADAPTED_NOTE, adaptScenario } from '../../sim/scenario/builds/adapt-scenario.js';
import { GREETING_ISSUE, setUpWidgets } from '../../sim/scenario/builds/greeting-scenario.js';
import { findFinalPull } from '../../sim/scenario/play-build.js';
import { readSessionRequest } from '../../sim/scenario/read-request.js';
import { createScriptedModel } from '../../sim/scenario/scripted-model.js';
import { adaptationRef, parseAdaptationMessage } from '../../src/core/records/adaptation.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { briefPath, integrationBranch } from '../../src/core/vocabulary/ids.js';

let sim: Simulation | null = null;

afterAll(async () => {
  await sim?.stop();
});

// Its waits share the build's limit, in the machine's time: the test's own is the ceiling on the wall.
describe('a brief that adapts, end to end', { timeout: buildCeiling(WHOLE_BUILD_LIMIT_MS) }, () => {
  it('revises W2.1’s brief after W1.1, holds W2.1 for /approve, then W2.1 works from the new brief', async () => {
    const model = createScriptedModel(adaptScenario());
    sim = await startSimulation({ respond: model, setup: setUpWidgets, parallel: 2 });
    const s = sim;
    const issue = s.labelIssue(GREETING_ISSUE);
    const status = () => s.statusComment(issue) ?? '';
    await s.waitFor('the plan', () => status().includes('Reply `/approve`'), WHOLE_BUILD_LIMIT_MS);
    s.comment({ issue, body: '/approve' });

    await s.waitFor(
      'the revised brief to wait for /approve',
      () => status().includes('Reply `/approve` to start W2.1 with the change'),
      WHOLE_BUILD_LIMIT_MS,
    );
    const build = findStatusBuild(status()) ?? '';
    const runs = (role: string, worker?: string) =>
      s.gh.runs.filter(
        (run) => run.inputs.role === role && (!worker || run.inputs.worker === worker),
      );
    // One adapt session, after W1.1, and W2.1 not started.
    expect(runs('plan').map((run) => run.inputs.trigger)).toEqual(['', 'adapt-W1.1']);
    expect(runs('work', 'W2.1')).toEqual([]);
    // The status names the brief and links the diff; a notice asks for /approve.
    expect(status()).toContain("**Revised** the brief of W2.1 after W1.1's learnings");
    const recorded = s.gh.git.objects.get(s.gh.git.refs.get(adaptationRef(build, 'W1.1')) ?? '');
    const record = parseAdaptationMessage(recorded?.type === 'commit' ? recorded.message : '');
    expect(record?.workers).toEqual(['W2.1']);
    expect(status()).toContain(`/compare/${record?.base}...${record?.head}`);
    expect(
      s.gh.comments.filter(
        (comment) =>
          comment.body.includes('<!-- baton:notice') &&
          comment.body.includes('an adapt session revised the brief of W2.1'),
      ),
    ).toHaveLength(1);
    const files = s.gh.git.filesOf(s.gh.git.resolve(integrationBranch(build)) ?? '');
    expect(files.get(briefPath(build, 'W2.1'))).toContain(ADAPTED_NOTE);

    s.comment({ issue, body: '/approve' });
    const final = await s.waitFor(
      'the final pull request',
      () => findFinalPull(s.gh, build),
      WHOLE_BUILD_LIMIT_MS,
    );
    await s.waitFor(
      'the status to show it',
      () => status().includes(`#${final.number}`),
      WHOLE_BUILD_LIMIT_MS,
    );
    await s.runner.idle();

    expect(model.problems).toEqual([]);
    expect(runs('work', 'W2.1')).toHaveLength(1);
    // W2.1's session: its first request names the brief; the brief it reads is the revised one.
    const w21 = s.model.requests
      .map((captured) => ({ captured, request: readSessionRequest(captured.body) }))
      .filter(
        ({ request }) =>
          typeof request !== 'string' && request.role === 'work' && request.worker === 'W2.1',
      );
    const first = w21[0]?.request;
    if (!first || typeof first === 'string') throw new Error('W2.1 made no model request');
    expect(first.paths.brief).toBe(briefPath(build, 'W2.1'));
    const read = w21.find(({ captured }) => JSON.stringify(captured.body).includes('## Mission'));
    expect(JSON.stringify(read?.captured.body)).toContain(
      JSON.stringify(ADAPTED_NOTE).slice(1, -1),
    );
  });
});
