import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as audit } from '../../src/cli/audit.js';
import { main } from '../../src/cli/status.js';
import type { AuditEvent } from '../../src/core/audit/audit-trail.js';
import type { Overview } from '../../src/core/overview/overview.js';
import { type ReviewLessons, renderVerdictMarker } from '../../src/core/sessions/verdict-marker.js';
import { integrationBranch, planPath, workerBranch } from '../../src/core/vocabulary/ids.js';
import { testOctokit } from '../support/app-harness.js';
import { TEST_PRIVATE_KEY } from '../support/app-key.js';
import {
  buildMissionWorld,
  type MissionWorld,
  serveMissionWorld,
} from '../support/mission-world.js';

/**
 * `baton status` with nothing hosted: the app's credentials alone, against the
 * simulated GitHub serving the mission world over HTTP.
 */
let world: MissionWorld;
let served: Awaited<ReturnType<typeof serveMissionWorld>>;
let cwd: string;

beforeAll(async () => {
  world = await buildMissionWorld({ start: '2026-11-26T06:00:00Z' });
  served = await serveMissionWorld(world);
  cwd = mkdtempSync(join(tmpdir(), 'baton-status-'));
});
afterAll(async () => {
  await served.server.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function status(
  args: string[],
  command: typeof main = main,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await command(
    args,
    {
      APP_ID: '1',
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      GHE_HOST: served.server.host,
      GHE_PROTOCOL: 'http',
    },
    {
      Octokit: testOctokit(),
      cwd,
      now: () => world.now(),
      out: (text) => {
        out += `${text}\n`;
      },
      err: (text) => {
        err += `${text}\n`;
      },
    },
  );
  return { code, out, err };
}

describe('baton status', () => {
  it('prints one repository’s builds, what waits, the runaway and the spend', async () => {
    const { code, out } = await status(['--repo', 'acme/client']);
    expect(code).toBe(0);
    expect(out).toContain(
      `acme/client#${world.builds.runaway.issue}  Import the old orders  [running]`,
    );
    expect(out).toContain('Runaway workers:');
    expect(out).toContain(
      `acme/client#${world.builds.runaway.issue} W1.1: its last 4 sessions ended without delivering`,
    );
    expect(out).toContain(
      `acme/client#${world.builds.waiting.issue}  The plan of 3 workers waits for /approve`,
    );
    expect(out).toContain('copy: /approve');
    expect(out).toMatch(/Spend: \$\d+\.\d\d in \d+ sessions/);
    expect(out).toContain(
      'Memory: 0 lessons proposed (0 merged), applied 0 times; no review given a lesson made a finding yet',
    );
  });

  it("prints how often Baton's reviews given a lesson found its mistake again, per repository", async () => {
    const gh = world.repos.service;
    const { build } = world.builds.diamond;
    const reviewed = (worker: string, memory: ReviewLessons) => {
      const pull = [...gh.pulls.values()].find((one) => one.head === workerBranch(build, worker));
      if (!pull) throw new Error(`no pull request of ${worker}`);
      gh.addReview({
        pull: pull.number,
        user: gh.botLogin,
        body: `Reviewed.\n${renderVerdictMarker({ verdict: 'approve', costUsd: 0.01, memory })}`,
        state: 'COMMENTED',
        // The head its first review was given on: the branch is gone once the pull request merged.
        commitId: gh.reviews.find((one) => one.pull === pull.number)?.commitId ?? '',
        comments: [],
      });
    };
    reviewed('W1.1', { lessons: 1, findings: 2, repeats: [] });
    reviewed('W2.1', { lessons: 1, findings: 2, repeats: ['log-it'] });
    const { code, out } = await status(['--repo', 'acme/service']);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^Memory: \d+ lessons proposed \(\d+ merged\), applied 0 times; 1 of 4 review findings repeated a lesson \(25%\)$/m,
    );
    expect(out).toMatch(
      /^ {2}acme\/service: .*; 1 of 4 review findings repeated a lesson \(25%\); log-it used 0, repeated 1$/m,
    );
  });

  it('prints an installation’s builds and change set as JSON, the page’s own', async () => {
    const { code, out } = await status(['--installation', '1', '--json']);
    expect(code).toBe(0);
    const overview = JSON.parse(out) as Overview;
    expect(overview.viewer).toBeNull();
    expect(overview.sets.map((set) => set.repositories.map((line) => line.name))).toEqual([
      ['acme/lib', 'acme/service', 'acme/client'],
    ]);
    expect(overview.builds.map((row) => row.key).sort()).toEqual(
      [
        `acme/client/${world.builds.runaway.build}`,
        `acme/client/${world.builds.waiting.build}`,
        `acme/lib/${world.builds.lib.build}`,
        `acme/service/${world.builds.diamond.build}`,
      ].sort(),
    );
    expect(
      overview.memoryByRepository.map(({ repository, counts, learnPulls }) => [
        repository,
        counts.proposed,
        counts.merged,
        learnPulls.map((pull) => pull.state),
      ]),
    ).toEqual([
      ['acme/lib', 1, 1, ['merged']],
      ['acme/service', 2, 0, ['open']],
    ]);
  });

  it('offers the merge of the change set’s first final pull request only: the others wait in its landing order', async () => {
    const { code, out } = await status(['--installation', '1']);
    expect(code).toBe(0);
    const finals = out
      .split('\n')
      .filter((line) => line.includes('(change set acme/service#1)') && line.includes('final'));
    expect(finals).toHaveLength(3);
    const offered = finals.filter((line) => line.includes('review and merge'));
    expect(offered).toEqual([expect.stringContaining('acme/lib (change set acme/service#1)')]);
    expect(finals.find((line) => line.includes('acme/client ('))).toContain(
      'waits for acme/service to merge first',
    );
    expect(finals.find((line) => line.includes('acme/service ('))).toContain(
      'waits for acme/lib to merge first',
    );
    expect(out).toMatch(/cap build acme\/service\/1-rename-fetch-to-get: \$7\.88/);
    expect(out).not.toMatch(/cap build acme\/\w+\/1-rename-fetch-to-get\.acme\.service/);
  });

  it('writes the page as one static HTML file, every build’s view in it', async () => {
    const file = join(cwd, 'status.html');
    const { code, err } = await status(['--repo', 'acme/service', '--html', file]);
    expect(code).toBe(0);
    expect(err).toContain(`wrote ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy"');
    expect(html).toContain(`id="build-acme-service-${world.builds.diamond.build}"`);
    expect(html).toContain('Sessions over time');
    expect(html).toContain('<section id="memory">');
    expect(html).toContain('waits for a person');
    expect(html).not.toContain('<script');
  });

  it('prints a title from a model or an issue with no control sequence in it: no clipboard write, no line rewritten', async () => {
    const { client } = world.repos;
    const { build, issue } = world.builds.waiting;
    const branch = integrationBranch(build);
    const path = planPath(build);
    const plan = client.git.filesOf(client.git.resolve(branch) ?? '').get(path) ?? '';
    const osc52 = '\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07';
    const csi = '\x1b[2K\x1b[1A\r';
    const c1 = '\u009b31m\u009d0;title\u009c\u0085';
    const title = `Dark${osc52} mode${csi}\u202e${c1}`;
    client.git.commitOn(branch, {
      [path]: JSON.stringify({ ...JSON.parse(plan), title }),
    });
    const filed = client.issues.get(issue);
    const issueTitle = filed?.title ?? '';
    if (filed) filed.title = `Dark mode${osc52}${csi}`;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters no output may carry
    const controls = /[\x00-\x08\x0b-\x1f\x7f-\u009f\u202a-\u202e\u2066-\u2069]/;
    try {
      const { code, out } = await status(['--repo', 'acme/client']);
      expect(code).toBe(0);
      expect(out).toContain(`acme/client#${issue}  Dark mode  [`);
      expect(out).not.toMatch(controls);
      expect(out).not.toContain('52;c;');
      expect(out).not.toContain('0;title');
      const json = await status(['--repo', 'acme/client', '--json']);
      const titles = (JSON.parse(json.out) as Overview).builds.map((row) => row.title);
      expect(titles).toContain(title);
      expect(json.out).not.toMatch(controls);
    } finally {
      client.git.commitOn(branch, { [path]: plan });
      if (filed) filed.title = issueTitle;
    }
  });

  it('says the app is not installed on a repository, and what to do, rather than "Not Found"', async () => {
    const { code, out, err } = await status(['--repo', 'acme/elsewhere']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /^baton status: the app is not installed on acme\/elsewhere, or there is no such repository: install the app there \(.*\/installations\/new\), or check the name/m,
    );
    expect(err).not.toContain('Not Found');
  });

  it('refuses to run without the app’s credentials, or with neither --repo nor --installation', async () => {
    let err = '';
    const code = await main(
      ['--repo', 'acme/client'],
      {},
      {
        cwd,
        err: (text) => {
          err += text;
        },
        out: () => {},
      },
    );
    expect(code).toBe(2);
    expect(err).toContain('APP_ID and PRIVATE_KEY');
    expect((await status([])).code).toBe(2);
  });
});

describe('baton audit', () => {
  it("prints every decision that wrote or spent as JSON lines: the repository's builds, and its change set's members", async () => {
    const { code, out } = await status(['--repo', 'acme/service'], audit);
    expect(code).toBe(0);
    const events = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(new Set(events.map((event) => event.repository))).toEqual(
      new Set(['acme/service', 'acme/lib', 'acme/client']),
    );
    const kinds = new Set(events.map((event) => event.kind));
    expect(kinds).toEqual(new Set(['ask', 'dispatch', 'command', 'merge', 'hold']));
    // What Baton asked a person for, with the comment that asked.
    for (const event of events.filter((one) => one.kind === 'hold')) {
      expect(event.evidence[0]).toMatch(/\/issues\/\d+#issuecomment-\d+$/);
    }
    for (const event of events.filter((one) => one.kind === 'dispatch')) {
      expect(event.evidence[0]).toMatch(/\/actions\/runs\/\d+$/);
    }
    for (const event of events.filter((one) => one.kind === 'merge')) {
      expect(event.evidence[0]).toMatch(/\/pull\/\d+$/);
    }
  });

  it('prints nothing before --since, and refuses a --since that is no date', async () => {
    const later = await status(['--repo', 'acme/service', '--since', '2099-01-01'], audit);
    expect(later).toMatchObject({ code: 0, out: '' });
    const bad = await status(['--repo', 'acme/service', '--since', 'yesterday'], audit);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--since takes a date');
  });
});
