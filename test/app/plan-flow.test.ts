import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import {
  type AppHarness,
  commentPayload,
  deliverLabelledIssue,
  finishPlanRun,
  workflowRunPayload,
} from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, landPlan, statusBody } from '../support/builds.js';

describe('the planning flow', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  async function planLands(workers: Parameters<typeof landPlan>[1]['workers'], raw?: unknown) {
    landPlan(gh, { build: BUILD, issue: 1, workers, ...(raw === undefined ? {} : { raw }) });
    await finishPlanRun(app, gh, { build: BUILD });
  }

  it('turns the status comment into the plan once the plan lands', async () => {
    await deliverLabelledIssue(app, gh);
    await planLands([
      { id: 'W1.1', title: 'OAuth provider' },
      { id: 'W1.2' },
      { id: 'W2.1', depends_on: ['W1.1', 'W1.2'] },
    ]);

    const body = statusBody(gh, BUILD) ?? '';
    expect(app.errors).toEqual([]);
    // The status comment, edited in place, and one notice: a new comment, so people are told.
    expect(gh.comments).toHaveLength(2);
    expect(gh.comments[1]?.body).toContain('/approve');
    expect(body).toContain('OAuth provider');
    expect(body).toContain('```mermaid');
    expect(body).toContain('/approve');
    // Briefs are linked at the build branch's commit, so the links outlive the branch.
    const sha = gh.git.resolve(integrationBranch(BUILD));
    expect(body).toContain(`${gh.htmlUrl}/blob/${sha}/.baton/builds/${BUILD}/workers/W1.1.md`);
  });

  it('reports an invalid plan with every reason and starts nothing', async () => {
    await deliverLabelledIssue(app, gh);
    await planLands([
      { id: 'W1.1', depends_on: ['W2.1'] },
      { id: 'W2.1', depends_on: ['W9.9'] },
    ]);

    const body = statusBody(gh, BUILD) ?? '';
    expect(body).toMatch(/W1\.1.*W2\.1/);
    expect(body).toContain('W9.9');
    expect(body).toContain('/replan');
    expect(gh.runs.filter((run) => run.inputs.role === 'work')).toEqual([]);
  });

  it('reports a plan.json that is not JSON', async () => {
    await deliverLabelledIssue(app, gh);
    landPlan(gh, { build: BUILD, issue: 1, workers: [{ id: 'W1.1' }] });
    gh.git.commitOn(integrationBranch(BUILD), { [`.baton/builds/${BUILD}/plan.json`]: '{ nope' });
    const run = gh.runs.at(-1);
    gh.finishRun(run?.id ?? 0, 'success');
    await app.deliver('workflow_run', workflowRunPayload(gh, { runId: run?.id ?? 0 }));
    expect(statusBody(gh, BUILD)).toContain('not valid JSON');
  });

  it('dispatches a new plan session for /replan that reads the feedback comment by id', async () => {
    await deliverLabelledIssue(app, gh);
    await planLands([{ id: 'W1.1' }]);
    const comment = gh.addComment({
      issue: 1,
      body: '/replan split W1.1 into two workers',
      user: 'maintainer',
    });
    await app.deliver('issue_comment', commentPayload(gh, { commentId: comment.id }));

    expect(gh.runs.map((run) => run.inputs.trigger)).toEqual(['', `comment-${comment.id}`]);
    expect(comment.reactions).toEqual([{ login: 'baton[bot]', content: 'eyes' }]);
    expect(statusBody(gh, BUILD)).toContain('eplanning');
  });

  it('starts the approved plan: every worker without dependencies is dispatched', async () => {
    await deliverLabelledIssue(app, gh);
    await planLands([{ id: 'W1.1' }, { id: 'W1.2' }, { id: 'W2.1', depends_on: ['W1.1'] }]);
    const comment = gh.addComment({ issue: 1, body: '/approve', user: 'maintainer' });
    await app.deliver('issue_comment', commentPayload(gh, { commentId: comment.id }));

    // A first attempt runs on the build branch: its publish opens the worker's branch, so no
    // branch and no lock is written before it.
    const work = gh.runs.filter((run) => run.inputs.role === 'work');
    expect(work.map((run) => [run.inputs.worker, run.headBranch])).toEqual([
      ['W1.1', integrationBranch(BUILD)],
      ['W1.2', integrationBranch(BUILD)],
    ]);
    expect(gh.git.refs.has(`refs/heads/baton/${BUILD}/W1.1`)).toBe(false);
    const refs = gh.log.flatMap((entry) =>
      entry.method === 'POST' && entry.path.endsWith('/git/refs')
        ? [(entry.body as { ref: string }).ref]
        : [],
    );
    expect(refs.filter((ref) => ref.includes('/W1.'))).toEqual([]);
  });
});
