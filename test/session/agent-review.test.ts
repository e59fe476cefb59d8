import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeReply,
  lastToolResults,
  reply,
  scripted,
  startFakeAnthropic,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { renderVerdictMarker } from '../../src/core/sessions/verdict-marker.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import { runAgent } from '../../src/session/agent/run-agent.js';
import {
  BUILD,
  gitIn,
  makeEnv,
  makeTempDir,
  promptOf,
  quiet,
  REPOSITORY,
  readResult,
  removeTempDirs,
  reviewedPullRoutes,
  runSession,
  type SessionRun,
  startFakeGitHub,
  workerRepo,
} from './agent-fixtures.js';
import { ASKED, MOVED, type Move, movedHeadReads } from './moved-heads.js';

const HEAD = 'a'.repeat(40);
const PATCH = '@@ -1,3 +1,4 @@\n line1\n-old2\n+new2\n+new3\n line3';
/** The variables of W1.1's review session on pull request #5. */
const REVIEW = { BATON_ROLE: 'review', BATON_WORKER: 'W1.1', BATON_PR: '5' };

function reviewRepo() {
  return workerRepo({
    files: {
      'src/hello.ts': 'line1\nnew2\nnew3\nline3\n',
      '.baton/skills/review.md': 'REVIEW-SKILL-SENTINEL\n',
    },
  });
}

const FILES = [
  { filename: 'src/hello.ts', status: 'modified', additions: 2, deletions: 1, patch: PATCH },
  { filename: 'logo.png', status: 'added', additions: 0, deletions: 0 },
];
const pullRoutes = () => reviewedPullRoutes({ head: HEAD, files: FILES });

/** W1.1's review session of pull request #5 in `root`, the model answering `replies`. */
function review(root: string, replies: FakeReply[]): Promise<SessionRun> {
  return runSession({ root, env: REVIEW, routes: pullRoutes(), replies });
}

afterEach(removeTempDirs);

describe('runAgent review', () => {
  it('keeps inline comments that lie in the diff and moves the others into the body', async () => {
    const { root, base } = await reviewRepo();
    const { code, result, requests, out } = await review(root, [
      reply(
        toolUse('get_diff', { path: 'src/hello.ts' }),
        toolUse('read_file', { path: 'src/hello.ts' }),
      ),
      reply(
        toolUse('submit_review', {
          verdict: 'changes-requested',
          body: 'Close, but new3 needs a test.',
          comments: [
            { path: 'src/hello.ts', line: 3, body: 'Add a test for new3.' },
            { path: 'src/hello.ts', line: 2, side: 'LEFT', body: 'Why was old2 dropped?' },
            { path: 'src/hello.ts', line: 40, body: 'This line is not in the diff.' },
            { path: 'docs/other.md', line: 1, body: 'This file is not in the diff.' },
          ],
        }),
      ),
    ]);
    expect(code).toBe(0);
    expect(result).toMatchObject({
      role: 'review',
      status: 'complete',
      pr: 5,
      head: null,
      branch: null,
      base,
    });
    expect(result.review?.verdict).toBe('changes-requested');
    expect(result.review?.commit_sha).toBe(HEAD);
    expect(result.review?.comments).toEqual([
      { path: 'src/hello.ts', line: 3, side: 'RIGHT', body: 'Add a test for new3.' },
      { path: 'src/hello.ts', line: 2, side: 'LEFT', body: 'Why was old2 dropped?' },
    ]);
    expect(result.review?.body).toContain('Close, but new3 needs a test.');
    expect(result.review?.body).toContain('### Findings outside the diff');
    expect(result.review?.body).toContain('`src/hello.ts:40`: This line is not in the diff.');
    expect(result.review?.body).toContain('`docs/other.md:1`: This file is not in the diff.');
    expect(lastToolResults(requests[1]!)[0]?.content).toBe(PATCH);
    expect(existsSync(path.join(out, 'commits.bundle'))).toBe(false);
    expect(gitIn(root, 'rev-parse', 'HEAD')).toBe(base);
  });

  it('lists the changed files, names the brief and the skill by path, and has no shell', async () => {
    const { requests, result } = await review((await reviewRepo()).root, [
      reply(toolUse('submit_review', { verdict: 'approve', body: 'Good.' })),
    ]);
    const first = requests[0]!;
    const prompt = promptOf(first);
    expect(prompt).toContain('\\"src/hello.ts\\" (+2 −1)');
    expect(prompt).toContain(`.baton/builds/${BUILD}/workers/W1.1.md`);
    expect(prompt).toContain('.baton/skills/review.md');
    expect(prompt).not.toContain('REVIEW-SKILL-SENTINEL');
    expect(prompt).not.toContain('+new2');
    expect(first.body.tools?.map((t) => t.name)).toEqual([
      'read_file',
      'list_files',
      'search',
      'get_diff',
      'submit_review',
    ]);
    expect(result.review).toEqual({
      verdict: 'approve',
      body: 'Good.',
      comments: [],
      commit_sha: HEAD,
    });
  });

  it('records a review the budget stopped before its first request as stopped by the budget, with what it had and what it needed', async () => {
    const { root } = await reviewRepo();
    const run = await runSession({
      root,
      env: { ...REVIEW, BATON_TRIGGER: `head-${HEAD}` },
      routes: pullRoutes(),
      replies: [reply(toolUse('submit_review', { verdict: 'approve', body: 'Good.' }))],
      // What the build's budget of $2 had left: less than the first request may cost at its worst.
      options: { limits: { maxUsd: 0.002, usdLimit: 'budget', budgetUsd: 2 } },
    });
    expect(run.code).toBe(1);
    expect(run.requests).toHaveLength(0);
    expect(run.result).toMatchObject({ status: 'failed', limit: 'budget', limit_usd: 0.002 });
    // Its first request needed more than the session had: the app says how much.
    expect(run.result.needed_usd).toBeGreaterThan(0.002);
    expect(run.result.reason).toMatch(/could cost up to \$[\d.]+, past/);
  });

  it('runs the model once for twin dispatches of one head: the second session finds the review the first posted', async () => {
    const { root } = await reviewRepo();
    const out = await makeTempDir();
    const github = await startFakeGitHub(pullRoutes());
    const model = await startFakeAnthropic({
      respond: scripted([reply(toolUse('submit_review', { verdict: 'approve', body: 'Good.' }))]),
    });
    const reviews = 'GET /repos/octo/demo/pulls/5/reviews';
    const routes = github.routes;
    try {
      const env = makeEnv({
        ...REVIEW,
        BATON_TRIGGER: `head-${HEAD}`,
        GITHUB_WORKSPACE: root,
        BATON_OUT: out,
        ANTHROPIC_BASE_URL: model.url,
        GITHUB_API_URL: github.url,
      });
      // Two replicas dispatched this review; the workflow's concurrency group runs the twins in turn.
      expect(await runAgent(env, quiet)).toBe(0);
      const first = await readResult(out);
      expect(first.review?.verdict).toBe('approve');
      const calls = model.requests.length;
      expect(calls).toBeGreaterThan(0);
      // The first run's publish job posts Baton's review of the head; a person's and an older head's are there too.
      const marker = renderVerdictMarker({ verdict: 'approve', costUsd: 0.01 });
      routes[reviews] = [
        { id: 70, body: `Looks off. ${marker}`, commit_id: HEAD, user: { type: 'User' } },
        { id: 71, body: `Old. ${marker}`, commit_id: 'b'.repeat(40), user: { type: 'Bot' } },
        { id: 72, body: `Good.\n\n${marker}`, commit_id: HEAD, user: { type: 'Bot' } },
      ];
      expect(await runAgent(env, quiet)).toBe(0);
      expect(model.requests).toHaveLength(calls);
      const second = await readResult(out);
      expect(second).toMatchObject({
        status: 'complete',
        review: null,
        existing_review: { id: 72, commit_sha: HEAD },
      });
      expect(second.usage.input_tokens).toBe(0);
      // A bot's review of an older head, or a person's quoting the marker, does not stand for it.
      routes[reviews] = (routes[reviews] as unknown[]).slice(0, 2);
      // The script has no second reply, so this session calls the model and then fails (exit 1).
      expect(await runAgent(env, quiet)).toBe(1);
      expect(model.requests.length).toBeGreaterThan(calls);
    } finally {
      await Promise.all([model.close(), github.close()]);
    }
  });
});

describe('runAgent review of a head that is gone', () => {
  /** W1.1's review session dispatched for `ASKED`, PR #5 now as `pull` says. */
  async function reviewAsked(
    pull: { state: 'open' | 'closed'; merged: boolean; head: string },
    replies: FakeReply[] = [],
  ): Promise<SessionRun> {
    const { root } = await reviewRepo();
    const reads = Object.entries(
      movedHeadReads({ repository: REPOSITORY, base: integrationBranch(BUILD) }),
    ).map(([route, body]) => [`GET ${route}`, body]);
    const routes = {
      ...reviewedPullRoutes({ head: pull.head, files: FILES }),
      ...Object.fromEntries(reads),
    };
    const key = `GET /repos/${REPOSITORY}/pulls/5`;
    routes[key] = { ...(routes[key] as object), ...pull, head: { sha: pull.head, ref: 'w' } };
    return runSession({
      root,
      env: { ...REVIEW, BATON_TRIGGER: `head-${ASKED}` },
      routes,
      replies,
    });
  }

  it.each([
    ['merged at the head asked', 'merged', { state: 'closed', merged: true, head: ASKED }],
    ['merged after the update', 'merged', { state: 'closed', merged: true, head: MOVED.update }],
    ['closed unmerged', 'closed', { state: 'closed', merged: false, head: ASKED }],
    ['moved only by the update', 'updated', { state: 'open', merged: false, head: MOVED.update }],
  ] as const)('ends before any model call for a pull request %s', async (_, why, pull) => {
    const { code, result, requests, githubRequests } = await reviewAsked(pull);
    expect(code).toBe(0);
    expect(requests).toHaveLength(0);
    expect(result).toMatchObject({
      status: 'complete',
      review: null,
      existing_review: null,
      gone_head: { asked: ASKED, head: pull.head, why },
    });
    expect(githubRequests).not.toContain(`GET /repos/${REPOSITORY}/pulls/5/files`);
  });

  it.each([
    ['a worker’s commit', 'commit'],
    ['a merge of the build branch that changes a file of its own too', 'hidden'],
  ] as const)('reviews a head moved by %s', async (_, move: Move) => {
    const { code, result, requests } = await reviewAsked(
      { state: 'open', merged: false, head: MOVED[move] },
      [reply(toolUse('submit_review', { verdict: 'approve', body: 'Good.' }))],
    );
    expect(code).toBe(0);
    expect(requests).toHaveLength(1);
    expect(result.gone_head).toBeNull();
    expect(result.review).toMatchObject({ verdict: 'approve', commit_sha: MOVED[move] });
  });
});
