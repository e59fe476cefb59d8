import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { installationToken } from '../../sim/github/tokens.js';
import { act } from '../../src/github/act/act.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import { withReason } from '../../src/github/client/request-reason.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { createMetrics, requestMetrics } from '../../src/server/metrics.js';
import { makeSnapshot } from '../core/factories.js';
import { mountEachTest } from '../support/app-tests.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The app's Octokit as `src/main.ts` builds it (counted by `requestMetrics`),
 * its requests as they leave the process: the headers handed to fetch.
 */
function countedContext(gh: FakeGitHub) {
  const metrics = createMetrics();
  const wire: Headers[] = [];
  const Counted = BatonOctokit.plugin(requestMetrics(metrics));
  const octokit = new Counted({
    auth: { token: installationToken(gh.installationId) },
    retry: { enabled: false },
    throttle: { enabled: false },
    request: {
      fetch: (url: string, init: RequestInit) => {
        wire.push(new Headers(init.headers));
        return fetch(url, init);
      },
    },
  } as never) as unknown as RepoContext['octokit'];
  const ctx: RepoContext = { octokit, owner: gh.owner, repo: gh.repo, botLogin: gh.botLogin };
  /** `baton_github_requests_total` as "route reason" → count. */
  const counted = async () => {
    const { values } = await metrics.githubRequests.get();
    return Object.fromEntries(
      values.map((v) => [`${v.labels.route} ${v.labels.reason}`, v.value] as const),
    );
  };
  return { ctx, wire, counted };
}

describe('why each request is made (requestReason, counted by requestMetrics)', () => {
  let gh: FakeGitHub;
  mountEachTest((repo) => {
    gh = repo;
  });

  it('counts the reason in force, past awaits, the innermost winning; none outside', async () => {
    const { ctx, counted } = countedContext(gh);
    const issue = gh.openIssue({ title: 'Add login' });
    const read = () =>
      ctx.octokit.rest.issues.get({ owner: gh.owner, repo: gh.repo, issue_number: issue });
    await withReason('reconcile-read', async () => {
      await read();
      await new Promise((resolve) => setTimeout(resolve, 1));
      await read();
      await withReason('merge', read);
    });
    await read();
    const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}';
    expect(await counted()).toEqual({
      [`${route} reconcile-read`]: 2,
      [`${route} merge`]: 1,
      [`${route} none`]: 1,
    });
  });

  it('never sends the reason to GitHub: no request leaves with a header of Baton’s own', async () => {
    const { ctx, wire } = countedContext(gh);
    const issue = gh.openIssue({ title: 'Add login' });
    await withReason('reconcile-read', () =>
      ctx.octokit.rest.issues.get({ owner: gh.owner, repo: gh.repo, issue_number: issue }),
    );
    await withReason('housekeeping', () =>
      ctx.octokit.rest.issues.addLabels({
        owner: gh.owner,
        repo: gh.repo,
        issue_number: issue,
        labels: ['baton:needs-human'],
      }),
    );
    expect(wire).toHaveLength(2);
    for (const headers of wire) {
      const names = [...headers.keys()];
      expect(names).toContain('user-agent');
      expect(names.filter((name) => name.startsWith('x-baton'))).toEqual([]);
      expect([...headers.values()].join(' ')).not.toMatch(/reconcile-read|housekeeping/);
    }
  });

  it('counts every page of a listing', async () => {
    const { ctx, counted } = countedContext(gh);
    const issue = gh.openIssue({ title: 'A long thread' });
    for (let i = 0; i < 3; i++) gh.addComment({ issue, body: `c${i}`, user: 'octocat' });
    await withReason('event-read', () =>
      ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
        owner: gh.owner,
        repo: gh.repo,
        issue_number: issue,
        per_page: 1,
      }),
    );
    const total = Object.entries(await counted())
      .filter(([key]) => key.endsWith(' event-read'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(total).toBe(3);
    expect(Object.keys(await counted()).every((key) => key.endsWith(' event-read'))).toBe(true);
  });

  it('counts what act writes by its action', async () => {
    const { ctx, counted } = countedContext(gh);
    const issue = gh.openIssue({ title: 'Add login' });
    const base = makeSnapshot();
    // A real commit for the note's lock ref (`refs/baton/<build>/note/<key>`).
    const sha = gh.git.resolve(gh.defaultBranch) ?? '';
    const snapshot = {
      ...base,
      issue: { ...base.issue, number: issue },
      integration: { sha, containsDefault: true },
    };
    await act(ctx, {
      snapshot,
      actions: [
        { kind: 'add-label', number: issue, label: 'baton:needs-human' },
        { kind: 'comment', number: issue, key: 'hello', body: 'Hello' },
      ],
      log: quiet,
    });
    const reasons = await counted();
    expect(reasons['POST /repos/{owner}/{repo}/issues/{issue_number}/labels housekeeping']).toBe(1);
    expect(reasons['POST /repos/{owner}/{repo}/issues/{issue_number}/comments notice']).toBe(1);
  });
});
