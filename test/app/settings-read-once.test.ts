import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { type AppHarness, labeledPayload } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD } from '../support/builds.js';

/** The requests that read a repository's `.github/baton.yml` (its own, or the organisation's fallback). */
function settingsReads(gh: FakeGitHub): string[] {
  return gh.log
    .filter(
      (entry) => entry.method === 'GET' && entry.path.includes('/contents/.github%2Fbaton.yml'),
    )
    .map((entry) => entry.path);
}

describe('the repository settings', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  it('are read once for a label and the reconcile it starts, as Probot reads context.config once an event', async () => {
    gh.git.commitOn(
      gh.defaultBranch,
      { '.github/baton.yml': 'budget:\n  maxUsd: 40\n' },
      'Configure Baton',
    );
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    await app.deliver('issues', labeledPayload(gh, { issue }));

    expect(app.errors).toEqual([]);
    expect(gh.git.refs.has(`refs/heads/baton/${BUILD}/integration`)).toBe(true);
    expect(settingsReads(gh)).toEqual(['/repos/octo-org/widgets/contents/.github%2Fbaton.yml']);
  });
});
