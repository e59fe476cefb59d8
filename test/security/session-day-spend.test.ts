// A session's read of what the repository spent today (`readDaySpend`), against the simulated
// GitHub served over HTTP with the agent job's read-only token: the app's rules (only records
// tied to a run of the day that Baton dispatched), at a cost of one listing of runs and one
// page of records per build that ran today.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { readOnlyToken } from '../../sim/github/tokens.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { usageRef } from '../../src/core/records/usage.js';
import { createGitHubReads } from '../../src/session/reads/github-reads.js';
import { readDaySpend } from '../../src/session/reads/spent-today.js';
import { quiet } from '../session/agent-fixtures.js';
import { pushUsageRecord, sessionSpent } from '../support/builds.js';

const NOW = '2026-11-25T15:00:00.000Z';
const YESTERDAY = '2026-11-24T23:30:00Z';
const TODAY = '2026-11-25T09:00:00Z';

let gh: FakeGitHub;
let server: GitHubServer;
beforeEach(async () => {
  gh = new FakeGitHub();
  server = await startGitHubServer({ gh, appWebhookUrl: null, webhookSecret: 'secret' });
});
afterEach(() => server.close());

/** The day's spend as a session of run `runId` reads it, with its job's token; its log lines. */
async function readToday(runId = 9000) {
  const lines: string[] = [];
  const reads = createGitHubReads({
    apiUrl: server.apiUrl,
    graphqlUrl: `${server.url}/api/graphql`,
    repository: `${gh.owner}/${gh.repo}`,
    token: readOnlyToken(runId, gh.repositoryId),
    options: quiet.github,
  });
  const before = server.requests.length;
  const spent = await readDaySpend(reads, {
    repository: `${gh.owner}/${gh.repo}`,
    botLogin: gh.botLogin,
    now: NOW,
    log: (line) => lines.push(line),
  });
  const requests = server.requests.slice(before).map((r) => `${r.method} ${r.path}`);
  return { spent, lines, requests };
}

describe("a session's read of the repository's day", () => {
  it('counts the records tied to the runs Baton dispatched today, of every build, and nothing else', async () => {
    sessionSpent(gh, { usd: 1.5, at: TODAY, runId: 101, build: '7-first' });
    sessionSpent(gh, { usd: 2, at: TODAY, runId: 102, build: '7-first' });
    sessionSpent(gh, { usd: 0.25, at: TODAY, runId: 103, build: '9-second' });
    // Yesterday's session: its run is not in the day's listing.
    sessionSpent(gh, { usd: 40, at: YESTERDAY, runId: 90, build: '7-first' });
    // Records that name a run of the day but are not its record, as a writer or a worker's
    // CI with contents: write could push them: an attempt the run never reached, a run that
    // is not the day's, a run of another build, and a run's record replaced by one naming another.
    const forge = (build: string, runId: number, fields: { run_id: number; attempt?: number }) =>
      pushUsageRecord(gh, {
        ref: usageRef({ build, runId, attempt: fields.attempt ?? 1 }),
        usd: 500,
        ...fields,
      });
    forge('7-first', 101, { run_id: 101, attempt: 2 });
    forge('9-second', 555, { run_id: 555 });
    forge('7-first', 103, { run_id: 103 });
    sessionSpent(gh, { usd: 0.5, at: TODAY, runId: 104, build: '7-first' });
    forge('7-first', 104, { run_id: 101 });
    const { spent, requests } = await readToday();
    expect(spent).toBeCloseTo(3.75);
    // One listing of the day's runs and one page of records per build that ran today.
    expect(requests.filter((r) => r.includes('/actions/'))).toHaveLength(1);
    expect(requests).toHaveLength(3);
  });

  it("leaves out a run someone else dispatched, and its record, though named as Baton's", async () => {
    sessionSpent(gh, { usd: 1, at: TODAY, runId: 201, build: '7-first' });
    sessionSpent(gh, { usd: 30, at: TODAY, runId: 202, build: '7-first' });
    const run = gh.runs.find((r) => r.id === 202);
    if (run) run.actor = 'mallory';
    expect((await readToday()).spent).toBeCloseTo(1);
  });

  it('reads nothing more when no run was dispatched today', async () => {
    sessionSpent(gh, { usd: 40, at: YESTERDAY, runId: 90, build: '7-first' });
    const { spent, requests } = await readToday();
    expect(spent).toBe(0);
    expect(requests).toHaveLength(1);
  });

  it('gives up with a log line where the job’s token cannot list runs (a workflow without actions: read)', async () => {
    sessionSpent(gh, { usd: 1, at: TODAY, runId: 301, build: '7-first' });
    const { actions: _, ...older } = gh.agentJobPermissions;
    gh.agentJobPermissions = older;
    const { spent, lines, requests } = await readToday();
    expect(spent).toBeNull();
    expect(lines.join('\n')).toMatch(
      /could not read what the repository spent today: .*403.*lists runs only with actions: read/,
    );
    expect(requests).toHaveLength(1);
  });

  it('reads over REST only the records named for a run of the day where GraphQL lists no hidden refs', async () => {
    gh.graphqlListsHiddenRefs = false;
    sessionSpent(gh, { usd: 1.5, at: TODAY, runId: 401, build: '7-first' });
    for (const runId of [91, 92, 93])
      sessionSpent(gh, { usd: 10, at: YESTERDAY, runId, build: '7-first' });
    const { spent, requests } = await readToday();
    expect(spent).toBeCloseTo(1.5);
    expect(requests.filter((r) => r.includes('/git/commits/'))).toHaveLength(1);
  });
});
