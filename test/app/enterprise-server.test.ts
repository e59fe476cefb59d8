import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { type AppHarness, labeledPayload } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { DISPATCH } from '../support/rest-routes.js';

describe('dispatching on GitHub Enterprise Server 3.20 or earlier (no return_run_details)', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started), {
    prepare: (repo) => {
      repo.enterpriseVersion = '3.17';
    },
  });

  it('dispatches again without the parameter once refused, and then never sends it', async () => {
    for (const title of ['Add OAuth login', 'Add a logout button']) {
      const issue = gh.openIssue({ title, labels: ['orchestrate'] });
      await app.deliver('issues', labeledPayload(gh, { issue }));
    }
    expect(app.errors).toEqual([]);
    const dispatches = gh.log.filter((entry) => entry.route === DISPATCH);
    expect(
      dispatches.map((entry) => [
        entry.status,
        (entry.body as { return_run_details?: boolean }).return_run_details ?? null,
      ]),
    ).toEqual([
      [400, true],
      [204, null],
      [204, null],
    ]);
    expect(gh.runs.map((run) => run.inputs.role)).toEqual(['plan', 'plan']);
  });
});
