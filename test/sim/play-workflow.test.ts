import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ActionPlay,
  type PlayedJob,
  playWorkflow,
  runConclusion,
} from '../../sim/actions/play-workflow.js';
import { parseOutputs } from '../../sim/actions/step-outputs.js';

/**
 * The shape of the Baton workflow's review in the run: a publish whose outputs name a head,
 * a review with `continue-on-error` that the head's emptiness skips, and its publish after it
 * with `always()`. Only `uses:` steps, played by the test: no process.
 */
const WORKFLOW = `
jobs:
  publish:
    outputs:
      review-pr: \${{ steps.publish.outputs.review-pr }}
      review-head: \${{ steps.publish.outputs.review-head }}
    steps:
      - id: publish
        uses: baton/action@v1
        with:
          command: publish
  review:
    needs: publish
    if: needs.publish.outputs.review-head != ''
    continue-on-error: true
    outputs:
      artifact: \${{ steps.keep.outputs.artifact-id }}
    env:
      BATON_AFTER: \${{ inputs.role }}
      BATON_TRIGGER: head-\${{ needs.publish.outputs.review-head }}
    steps:
      - name: Get what may be missing
        id: get
        continue-on-error: true
        uses: actions/download-artifact@v8
      - uses: baton/action@v1
        with:
          command: agent
          trigger: \${{ env.BATON_TRIGGER }}
          after: \${{ env.BATON_AFTER }}
          got: \${{ steps.get.outcome }}/\${{ steps.get.conclusion }}
      - id: keep
        if: always()
        uses: actions/upload-artifact@v7
  review-publish:
    needs: [publish, review]
    if: always() && needs.publish.outputs.review-head != ''
    continue-on-error: true
    steps:
      - uses: baton/action@v1
        with:
          command: publish
          ref: \${{ needs.publish.outputs.review-head }}
          review: \${{ needs.review.result }}
          artifact: \${{ needs.review.outputs.artifact }}
`;

describe('a workflow played on this machine', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'play-workflow-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Plays WORKFLOW; publish writes `outputs`, the review's agent step fails when told. */
  async function play(outputs: Record<string, string>, { agentFails = false } = {}) {
    const calls: Record<string, string>[] = [];
    const baton: ActionPlay = async ({ with: given }) => {
      calls.push(given);
      if (given.command === 'publish' && !given.ref) return outputs;
      if (given.command === 'agent' && agentFails) throw new Error('the session failed');
      return {};
    };
    const played = await playWorkflow({
      text: WORKFLOW,
      github: { ref_name: 'baton/1-x/W1.1' },
      inputs: { role: 'work' },
      env: {},
      folder,
      actions: {
        'baton/action': baton,
        'actions/download-artifact': async () => {
          throw new Error('Artifact not found');
        },
        'actions/upload-artifact': async () => ({ 'artifact-id': '4242' }),
      },
    });
    return { played, calls };
  }

  const results = (played: Record<string, PlayedJob>) =>
    Object.fromEntries(Object.entries(played).map(([name, job]) => [name, job.result]));

  it("hands a job's outputs on through `needs` to the later jobs' `if:`, `env:` and `with:`", async () => {
    const { played, calls } = await play({ 'review-pr': '7', 'review-head': 'abc123' });
    expect(played.publish?.outputs).toEqual({ 'review-pr': '7', 'review-head': 'abc123' });
    expect(calls[1]).toEqual({
      command: 'agent',
      trigger: 'head-abc123',
      after: 'work',
      // A step with continue-on-error: its outcome failed, its conclusion (and its job) did not.
      got: 'failure/success',
    });
    expect(played.review).toMatchObject({ result: 'success', outputs: { artifact: '4242' } });
    expect(calls[2]).toEqual({
      command: 'publish',
      ref: 'abc123',
      review: 'success',
      artifact: '4242',
    });
    expect(runConclusion(played)).toBe('success');
  });

  it('lets a failed job with continue-on-error pass on as a success, its run unfailed', async () => {
    const { played, calls } = await play(
      { 'review-pr': '7', 'review-head': 'abc123' },
      { agentFails: true },
    );
    // GitHub lists the job failed, while `needs.review.result` says success (actions/runner#1161).
    expect(played.review).toMatchObject({
      result: 'failure',
      needsResult: 'success',
      outputs: { artifact: '4242' },
    });
    expect(calls.at(-1)).toMatchObject({ review: 'success', artifact: '4242' });
    expect(results(played)).toEqual({
      publish: 'success',
      review: 'failure',
      'review-publish': 'success',
    });
    expect(runConclusion(played)).toBe('success');
  });

  it('skips the jobs whose `if:` reads an empty output', async () => {
    const { played, calls } = await play({});
    expect(results(played)).toEqual({
      publish: 'success',
      review: 'skipped',
      'review-publish': 'skipped',
    });
    expect(played.review?.outputs).toEqual({});
    expect(calls).toHaveLength(1);
  });

  it('fails the run on a failed job that has no continue-on-error', async () => {
    const played = await playWorkflow({
      text: 'jobs:\n  only:\n    steps:\n      - uses: fails/action@v1\n',
      github: {},
      env: {},
      folder,
      actions: {
        'fails/action': async () => {
          throw new Error('no');
        },
      },
    });
    expect(played.only).toMatchObject({ result: 'failure', needsResult: 'failure' });
    expect(runConclusion(played)).toBe('failure');
  });
});

describe("a step's outputs as the runner reads them back", () => {
  it('reads `name=value` lines and the `name<<DELIMITER` form', () => {
    const text = [
      'review-pr=7',
      'review-head=abc=123',
      'notes<<EOF_1',
      'first line',
      'second=line',
      'EOF_1',
      '',
    ].join('\n');
    expect(parseOutputs(text)).toEqual({
      'review-pr': '7',
      'review-head': 'abc=123',
      notes: 'first line\nsecond=line',
    });
  });
});
