import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { editPullBody, updatePullBranch } from '../../sim/github/routes/routes-pulls.js';
import { renderEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, statusBody } from '../support/builds.js';
import { makeScript, runApprovedBuild } from '../support/scripted-sessions.js';

/**
 * A head no evidence speaks for was taken as read by the person who pushed it.
 * But a workflow's token (`github-actions[bot]`) or another app can push one, and
 * code a worker added to CI can edit the pull request's body and its evidence.
 * Evidence counts only from a body Baton's identity last wrote, and a head with
 * none goes on by itself only where a person pushed it.
 */
describe('heads no evidence of Baton speaks for', () => {
  let gh: FakeGitHub;
  let apps: AppHarness[];

  startAppEachTest((started) => ({ gh, apps } = started));

  const pullOf = (worker: string) =>
    [...gh.pulls.values()].find((pull) => pull.head === workerBranch(BUILD, worker));
  const finalPull = () =>
    [...gh.pulls.values()].find((pull) => pull.head === integrationBranch(BUILD));

  it('takes no evidence from a body a workflow token edited: the workflow change waits for a person', async () => {
    const script = makeScript({
      files: (worker) => ({
        [`src/${worker}.ts`]: `export const done = '${worker}';\n`,
        ...(worker === 'W1.1' ? { '.github/workflows/x.yml': 'on: push\njobs: {}\n' } : {}),
      }),
    });
    // CI a worker added, with a token that may edit pull requests, rewrites W1.1's evidence.
    let edited = 0;
    const edit = async () => {
      const pull = pullOf('W1.1');
      if (pull?.state !== 'open' || pull.editor === 'github-actions[bot]') return;
      const head = gh.git.resolve(pull.head) ?? '';
      const benign = renderEvidenceMarker({
        version: 1,
        head,
        files: [{ path: 'src/W1.1.ts', status: 'added', lines: 1 }],
        contract: 'none',
        claims: { checked: 0, flagged: [] },
      });
      editPullBody(gh, pull, `Adds the provider.\n\n${benign}`, 'github-actions[bot]');
      edited += 1;
    };
    await runApprovedBuild({ gh, apps, script, afterRound: edit });

    for (const app of apps) expect(app.errors).toEqual([]);
    expect(edited).toBeGreaterThan(0);
    expect(pullOf('W1.2')?.mergedAt).not.toBeNull();
    expect(pullOf('W1.1')?.mergedAt).toBeNull();
    expect(finalPull()).toBeUndefined();
    expect(statusBody(gh, BUILD)).toContain(
      `waits for a person: its head has no evidence, and ${gh.botLogin} pushed it, not a person`,
    );
  });

  it.each([
    ['github-actions[bot]', 'waits for a person'],
    ['maintainer', 'merges'],
  ])('a head with no evidence that %s pushed %s', async (pusher, outcome) => {
    const script = makeScript();
    let pushed = false;
    const push = async () => {
      const pull = pullOf('W1.1');
      if (pushed || !pull || pull.state !== 'open') return;
      pushed = true;
      gh.pushCommit({
        branch: pull.head,
        changes: { 'src/extra.ts': 'export const extra = 1;\n' },
        message: 'An extra file',
        sender: pusher,
      });
    };
    await runApprovedBuild({ gh, apps, script, afterRound: push });

    for (const app of apps) expect(app.errors).toEqual([]);
    expect(pushed).toBe(true);
    if (outcome === 'merges') {
      expect(pullOf('W1.1')?.mergedAt).not.toBeNull();
      expect(finalPull()).toBeDefined();
    } else {
      expect(pullOf('W1.1')?.mergedAt).toBeNull();
      expect(statusBody(gh, BUILD)).toContain(
        `waits for a person: its head has no evidence, and ${pusher} pushed it, not a person`,
      );
      // The one notice asks a person for it, saying why, with the reply that lets it go on.
      const notice = gh.comments.find((comment) => comment.body.includes('waits for a person:**'));
      expect(notice?.body).toMatch(
        /- \*\*W1\.1\*\* \(\[#\d+\]\([^)]+\)\) its head has no evidence, and github-actions\[bot\] pushed it, not a person\.$/m,
      );
      expect(notice?.body).toContain('/merge W1.1');
    }
  });

  /**
   * Siblings merge while W1.1 waits, and Baton brings its branch up to date after each, `count`
   * times in a row: the heads of those updates.
   */
  async function updatedInARow(count: number): Promise<string[]> {
    const updated: string[] = [];
    const update = async () => {
      const pull = pullOf('W1.1');
      if (updated.length > 0 || pull?.state !== 'open' || !pull.body.includes('baton:evidence'))
        return;
      for (let sibling = 1; sibling <= count; sibling += 1) {
        gh.git.commitOn(
          integrationBranch(BUILD),
          { [`src/sibling-${sibling}.ts`]: `export const sibling = ${sibling};\n` },
          `Sibling ${sibling}`,
        );
        updated.push(updatePullBranch(gh, pull));
      }
    };
    await runApprovedBuild({ gh, apps, script: makeScript(), afterRound: update });
    for (const app of apps) expect(app.errors).toEqual([]);
    expect(updated).toHaveLength(count);
    return updated;
  }

  it("keeps the evidence and the review of a head beneath Baton's updates of the branch in a row", async () => {
    const updated = await updatedInARow(2);
    expect(pullOf('W1.1')?.mergedAt).not.toBeNull();
    expect(statusBody(gh, BUILD)).not.toContain('has no evidence');
    expect(finalPull()).toBeDefined();
    // The review of the head the updates were made on still holds: no head of theirs is reviewed.
    const reviewed = gh.runs
      .filter((run) => run.inputs.role === 'review')
      .map((run) => run.inputs.trigger);
    expect(reviewed.filter((trigger) => updated.some((sha) => trigger === `head-${sha}`))).toEqual(
      [],
    );
  });

  it('reads no further down than twenty updates in a row: past them, the head waits for a person', async () => {
    await updatedInARow(21);
    expect(pullOf('W1.1')?.mergedAt).toBeNull();
    expect(statusBody(gh, BUILD)).toContain(
      `waits for a person: its head has no evidence, and ${gh.botLogin} pushed it, not a person`,
    );
  });
});
