import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import { renderAskRecord } from '../../src/core/snapshot/ask-record.js';
import { statusMarker } from '../../src/core/status/render-status.js';
import { type AppHarness, labeledPayload, startApp } from '../support/app-harness.js';
import { startSetApp } from '../support/app-tests.js';
import { BUILD, installedRepo, sessionSpent, statusBody, tickingClock } from '../support/builds.js';
import { driveSetIssue, SET_BUILD, setScripts } from '../support/change-sets.js';

const POLICY = `defaults:
  budget:
    maxUsd: 20
limits:
  maxUsd: 30
  perAskerDailyUsd: 3
`;

describe('an organisation’s baton-policy.yml above its repositories', () => {
  let a: FakeGitHub;
  let b: FakeGitHub;
  let org: FakeGitHub;
  let now: () => string;
  let nextDay: () => void;
  let app: AppHarness | undefined;

  beforeEach(() => {
    const tick = tickingClock();
    let offset = 0;
    now = () => new Date(Date.parse(tick()) + offset).toISOString();
    nextDay = () => {
      offset += 24 * 3600_000;
    };
    a = installedRepo(now);
    b = installedRepo(now, { repo: 'gadgets', repositoryId: 2 });
    org = new FakeGitHub({ now, repo: '.github', repositoryId: 3 });
    joinInstallation(a, b, org);
  });
  afterEach(() => app?.stop());

  function setPolicy(text: string): string {
    return org.git.commitOn(org.defaultBranch, { 'baton-policy.yml': text }, 'Baton policy');
  }

  async function labelIn(gh: FakeGitHub): Promise<void> {
    const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
    await app?.deliver('issues', labeledPayload(gh, { issue }));
  }

  /** A build of B that `by` asked for and whose session spent `usd` today. */
  function spentInB({ by, usd, runId }: { by: string; usd: number; runId: number }): void {
    const issue = b.openIssue({ title: `Earlier work ${runId}` });
    const build = `${issue}-earlier-work-${runId}`;
    const ask = renderAskRecord({
      by,
      how: { way: 'label', label: 'orchestrate' },
      at: now(),
      what: { kind: 'build', type: 'code' },
    });
    b.addComment({ issue, body: `${statusMarker(build)}\n${ask}\nBuilding.`, user: b.botLogin });
    sessionSpent(b, { usd, at: now(), runId, build });
  }

  it('ignores a repository’s looser budget, names it in the status, and gives the rest its defaults', async () => {
    const commit = setPolicy(POLICY);
    a.git.commitOn(a.defaultBranch, { '.github/baton.yml': 'budget:\n  maxUsd: 500\n' }, 'Loose');
    app = await startApp({ gh: a, now });
    await labelIn(a);
    expect(app.errors).toEqual([]);
    expect(a.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    const status = statusBody(a, BUILD) ?? '';
    expect(status).toContain('`octo-org/.github: baton-policy.yml`');
    expect(status).toContain('`budget.maxUsd: 500`: at most 30 US dollars a build');
    // B sets nothing: the policy's defaults, nothing to name.
    await app.deliver(
      'issues',
      labeledPayload(b, {
        issue: b.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] }),
      }),
    );
    expect(b.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    expect(statusBody(b, BUILD)).not.toContain('baton-policy.yml');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('starts nothing under a policy that is no policy, and says which file', async () => {
    setPolicy('limits:\n  maxUsd: lots\n');
    app = await startApp({ gh: a, now });
    await labelIn(a);
    expect(app.errors).toEqual([]);
    expect(a.runs).toEqual([]);
    const status = statusBody(a, BUILD) ?? '';
    expect(status).toContain('octo-org/.github: baton-policy.yml at');
    expect(status).toContain('limits.maxUsd');
  });

  it('reads no policy from a private .github the app is not installed on', async () => {
    setPolicy(POLICY);
    org.visibility = 'private';
    org.installed = false;
    a.git.commitOn(a.defaultBranch, { '.github/baton.yml': 'budget:\n  maxUsd: 500\n' }, 'Loose');
    app = await startApp({ gh: a, now });
    await labelIn(a);
    expect(app.errors).toEqual([]);
    expect(a.runs.map((run) => run.inputs.role)).toEqual(['plan']);
    expect(statusBody(a, BUILD)).not.toContain('baton-policy.yml');
  });

  it('holds a person’s third build once their first two spent the cap today, and resumes it the next day', async () => {
    setPolicy(POLICY);
    spentInB({ by: 'maintainer', usd: 1.5, runId: 601 });
    spentInB({ by: 'maintainer', usd: 1.5, runId: 602 });
    spentInB({ by: 'bob', usd: 10, runId: 603 });
    app = await startApp({ gh: a, now });
    await labelIn(a);
    expect(app.errors).toEqual([]);
    expect(a.runs).toEqual([]);
    const said = a.comments.map((comment) => comment.body).join('\n');
    expect(said).toContain('limits.perAskerDailyUsd');
    expect(said).toContain('the builds maintainer asked for');
    nextDay();
    await app.deliver('issues', labeledPayload(a, { issue: 1 }));
    expect(app.errors).toEqual([]);
    expect(a.runs.map((run) => run.inputs.role)).toEqual(['plan']);
  });

  it('counts only the builds the person asked for', async () => {
    setPolicy(POLICY);
    spentInB({ by: 'maintainer', usd: 1.5, runId: 601 });
    spentInB({ by: 'bob', usd: 10, runId: 603 });
    app = await startApp({ gh: a, now });
    await labelIn(a);
    expect(app.errors).toEqual([]);
    expect(a.runs.map((run) => run.inputs.role)).toEqual(['plan']);
  });
});

describe('an organisation’s baton-policy.yml over a change set', () => {
  it('holds every member repository to it: a member’s looser engine is not run, and its status says so', async () => {
    const { repos, app } = await startSetApp({
      prepare: ({ service, lib }) => {
        const org = new FakeGitHub({
          now: () => service.now(),
          owner: 'acme',
          repo: '.github',
          repositoryId: 9,
        });
        org.git.commitOn(
          org.defaultBranch,
          { 'baton-policy.yml': 'limits:\n  engines: [baton]\n' },
          'Policy',
        );
        joinInstallation(service, lib, org);
        lib.git.commitOn(
          lib.defaultBranch,
          { '.github/baton.yml': 'session:\n  engine: claude-code\n' },
          'Claude Code',
        );
      },
    });
    const scripts = setScripts(repos);
    await driveSetIssue({ repos, app, scripts, approve: true });
    expect(app.errors).toEqual([]);
    const work = repos.lib.runs.filter((run) => run.inputs.role === 'work');
    expect(work.map((run) => run.inputs.worker)).toContain('W1.1');
    // Baton's own loop: no engine input, whatever acme/lib's file says.
    expect(work.map((run) => run.inputs.engine ?? 'baton')).toEqual(work.map(() => 'baton'));
    const status = statusBody(repos.service, SET_BUILD) ?? '';
    expect(status).toContain('acme/.github: baton-policy.yml');
    expect(status).toContain('`session.engine: claude-code` in `acme/lib`: engines allowed: baton');
  });
});
