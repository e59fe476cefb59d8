import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { type AppHarness, labeledPayload } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD, sessionSpent, statusBody } from '../support/builds.js';
import { knownRestRoutes } from '../support/rest-routes.js';

describe('budget.dailyUsd: a cap across the repository’s builds per UTC day', () => {
  let gh: FakeGitHub;
  let now: () => string;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app, now } = started), {
    config: 'budget:\n  dailyUsd: 2\n',
  });
  /** The runs of the build under test (the other builds' runs are the day's spend). */
  const runsOfBuild = () => gh.runs.filter((run) => run.inputs.build === BUILD);

  /** Labels the issue, and delivers the label again: the notice follows the status comment. */
  async function label(): Promise<void> {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    for (let i = 0; i < 2; i++) {
      await app.deliver('issues', labeledPayload(gh, { issue }));
    }
  }

  it('starts no session once other builds spent the cap today, and says so', async () => {
    sessionSpent(gh, { usd: 1.25, at: now(), runId: 501 });
    sessionSpent(gh, { usd: 0.75, at: now(), runId: 502 });
    await label();
    expect(app.errors).toEqual([]);
    expect(runsOfBuild()).toEqual([]);
    const said = gh.comments.map((comment) => comment.body).join('\n');
    expect(said).toContain('`budget.dailyUsd` ($2.00)');
    expect(said).toContain('$2.00 today');
    expect(statusBody(gh, BUILD)).toBeDefined();
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
  });

  it('reads the whole day of a repository with more than 100 hidden refs, locks among them', async () => {
    // GitHub answers the listing in pages here (its description gives it a Link header).
    gh.matchingRefsPageSize = 100;
    const yesterday = new Date(Date.parse(now()) - 24 * 3600_000).toISOString();
    for (let i = 0; i < 60; i++)
      sessionSpent(gh, { usd: 1, at: yesterday, runId: 100 + i, build: '7-old-build' });
    sessionSpent(gh, { usd: 1.25, at: now(), runId: 501 });
    sessionSpent(gh, { usd: 0.75, at: now(), runId: 502 });
    // A busy build's locks, newer than today's records: the newest 100 refs hold no record.
    for (let i = 0; i < 120; i++) {
      const sha = gh.git.commit({ parent: null, changes: {}, message: `lock ${i}` });
      const commit = gh.git.objects.get(sha);
      if (commit?.type === 'commit') commit.committedAt = now();
      gh.git.refs.set(`refs/baton/8-busy-build/W${i}/work-first`, sha);
    }
    await label();
    expect(app.errors).toEqual([]);
    expect(runsOfBuild()).toEqual([]);
    expect(gh.comments.map((comment) => comment.body).join('\n')).toContain('$2.00 today');
    expect(gh.callsOutside(await knownRestRoutes())).toEqual([]);
  });

  it("counts only today's records (UTC), so yesterday's spend starts the plan", async () => {
    const yesterday = new Date(Date.parse(now()) - 24 * 3600_000).toISOString();
    sessionSpent(gh, { usd: 5, at: yesterday, runId: 501 });
    sessionSpent(gh, { usd: 1.99, at: now(), runId: 502 });
    await label();
    expect(app.errors).toEqual([]);
    expect(runsOfBuild().map((run) => run.inputs.role)).toEqual(['plan']);
  });
});
