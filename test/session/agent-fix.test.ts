import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { completionPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  commentRoute,
  gitIn,
  makeTempDir,
  promptOf,
  removeTempDirs,
  reviewedPullRoutes,
  reviewRoutes,
  runSession,
  workerRepo,
  writeFiles,
} from './agent-fixtures.js';

const WORKER_BRANCH = `baton/${BUILD}/W1.1`;
const INTEGRATION = `baton/${BUILD}/integration`;
const SHA = 'b'.repeat(40);

const PREVIOUS = {
  worker_id: 'W1.1',
  status: 'complete',
  summary: 'First attempt.',
  usage: {
    input_tokens: 100,
    output_tokens: 10,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    cost_usd: 1,
    turns: 5,
    seconds: 60,
  },
};

function fixRepo() {
  return workerRepo({
    files: {
      'shared.txt': 'base\n',
      [completionPath(BUILD, 'W1.1')]: JSON.stringify(PREVIOUS),
      '.baton/skills/fix.md': 'FIX-SKILL\n',
    },
  });
}

/** The variables of W1.1's fix session on pull request #5, for `trigger`. */
function fixOf(trigger: string) {
  return { BATON_ROLE: 'fix', BATON_WORKER: 'W1.1', BATON_PR: '5', BATON_TRIGGER: trigger };
}

const submit = toolUse('submit_completion', {
  status: 'complete',
  summary: 'Answered the feedback.',
});

afterEach(removeTempDirs);

describe('runAgent fix', () => {
  it.each([
    [
      'review-901',
      reviewRoutes({
        body: 'Please add tests. REVIEW-SENTINEL',
        comments: [{ path: 'shared.txt', line: 1, body: 'INLINE-SENTINEL' }],
      }),
      ['REVIEW-SENTINEL', '`shared.txt:1`: INLINE-SENTINEL'],
    ],
    [
      'comment-333',
      commentRoute(333, '/retry W1.1 use a Map. RETRY-SENTINEL'),
      ['RETRY-SENTINEL', '@maria'],
    ],
    // A `/retry` deleted after Baton accepted it: the attempt goes ahead, without its words.
    ['comment-334', {}, ['(comment 334) has since been deleted']],
    [
      `checks-${SHA}`,
      {
        [`GET /repos/octo/demo/commits/${SHA}/check-runs`]: {
          check_runs: [
            {
              name: 'test',
              status: 'completed',
              conclusion: 'failure',
              output: { title: '2 failed', summary: 'CHECK-SENTINEL' },
            },
            {
              name: 'lint',
              status: 'completed',
              conclusion: 'success',
              output: { title: 'ok', summary: 'LINT-PASSED' },
            },
          ],
        },
      },
      ['- test: failure (2 failed)', 'CHECK-SENTINEL'],
    ],
  ])('answers %s with the feedback read through the API', async (trigger, routes, expected) => {
    const { requests, result } = await runSession({
      root: (await fixRepo()).root,
      env: fixOf(trigger),
      routes,
      replies: [reply(submit)],
    });
    const prompt = promptOf(requests[0]!);
    for (const text of expected) expect(prompt).toContain(text);
    expect(prompt).not.toContain('LINT-PASSED');
    expect(prompt).toContain('pull request #5');
    expect(prompt).toContain('.baton/skills/fix.md');
    expect(result.status).toBe('complete');
  });

  it('ends before any model call when its pull request moved past the head whose checks it was to fix', async () => {
    const { root } = await fixRepo();
    const checks = {
      [`GET /repos/octo/demo/commits/${SHA}/check-runs`]: {
        check_runs: [{ name: 'test', status: 'completed', conclusion: 'failure', output: {} }],
      },
    };
    const moved = 'c'.repeat(40);
    // Two replicas dispatched this fix; the first twin pushed its fix, so #5 is at another head.
    const twin = await runSession({
      root,
      env: fixOf(`checks-${SHA}`),
      routes: { ...checks, ...reviewedPullRoutes({ head: moved, files: [] }) },
      replies: [reply(submit)],
    });
    expect(twin.code).toBe(0);
    expect(twin.requests).toEqual([]);
    expect(twin.result).toMatchObject({
      status: 'complete',
      head: null,
      completion: null,
      moved_head: { asked: SHA, head: moved },
    });
    expect(twin.result.usage.input_tokens).toBe(0);
    // At the head asked for, the fix runs.
    const first = await runSession({
      root,
      env: fixOf(`checks-${SHA}`),
      routes: { ...checks, ...reviewedPullRoutes({ head: SHA, files: [] }) },
      replies: [reply(submit)],
    });
    expect(first.requests.length).toBeGreaterThan(0);
    expect(first.result).toMatchObject({ status: 'complete', moved_head: null });
  });

  it('updates the completion, whose usage adds this session to the earlier ones', async () => {
    const { root, base } = await fixRepo();
    const { result } = await runSession({
      root,
      env: fixOf('review-901'),
      routes: reviewRoutes({ body: 'Fix shared.txt.', user: null }),
      replies: [
        reply(
          toolUse('str_replace_based_edit_tool', {
            command: 'str_replace',
            path: 'shared.txt',
            old_str: 'base',
            new_str: 'fixed',
          }),
        ),
        reply(submit),
      ],
    });
    expect(result).toMatchObject({
      role: 'fix',
      status: 'complete',
      pr: 5,
      branch: WORKER_BRANCH,
      base,
    });
    expect(result.usage.turns).toBe(2);
    expect(result.completion?.usage.turns).toBe(7);
    expect(result.completion?.usage.cost_usd).toBeGreaterThanOrEqual(1);
    expect(result.completion?.summary).toBe('Answered the feedback.');
    expect(gitIn(root, 'show', 'HEAD:shared.txt')).toBe('fixed');
    expect(JSON.parse(gitIn(root, 'show', `HEAD:${completionPath(BUILD, 'W1.1')}`))).toEqual(
      result.completion,
    );
  });

  describe('conflict with the build branch', () => {
    async function conflictRepo() {
      const { root, base } = await fixRepo();
      const origin = await makeTempDir('baton-origin-');
      gitIn(origin, 'init', '-q', '--bare');
      gitIn(root, 'remote', 'add', 'origin', origin);
      gitIn(root, 'checkout', '-q', '-b', INTEGRATION, base);
      await writeFiles(root, { 'shared.txt': 'integration\n' });
      gitIn(root, 'commit', '-q', '-am', 'integration change');
      const integrationHead = gitIn(root, 'rev-parse', 'HEAD');
      gitIn(root, 'push', '-q', 'origin', INTEGRATION);
      gitIn(root, 'checkout', '-q', WORKER_BRANCH);
      gitIn(root, 'branch', '-q', '-D', INTEGRATION);
      await writeFiles(root, { 'shared.txt': 'worker\n' });
      gitIn(root, 'commit', '-q', '-am', 'worker change');
      return { root, integrationHead, workerHead: gitIn(root, 'rev-parse', 'HEAD') };
    }

    it('merges the build branch and commits the merge the model resolved', async () => {
      const { root, integrationHead, workerHead } = await conflictRepo();
      const { result, requests, out } = await runSession({
        root,
        env: fixOf(`conflict-${integrationHead}`),
        replies: [
          reply(
            toolUse('str_replace_based_edit_tool', {
              command: 'create',
              path: 'shared.txt',
              file_text: 'worker and integration\n',
            }),
          ),
          reply(submit),
        ],
      });
      expect(result.status).toBe('complete');
      expect(result.base).toBe(workerHead);
      expect(gitIn(root, 'rev-list', '--parents', '-n', '1', 'HEAD').split(' ').slice(1)).toEqual([
        workerHead,
        integrationHead,
      ]);
      expect(await readFile(path.join(root, 'shared.txt'), 'utf8')).toBe(
        'worker and integration\n',
      );
      expect(promptOf(requests[0]!)).toContain('- `shared.txt`');
      expect(gitIn(root, 'bundle', 'list-heads', path.join(out, 'commits.bundle'))).toContain(
        result.head,
      );
      gitIn(root, 'bundle', 'verify', '-q', path.join(out, 'commits.bundle'));
    });

    it('fails when conflict markers remain after the session', async () => {
      const { root, integrationHead } = await conflictRepo();
      const { result } = await runSession({
        root,
        env: fixOf(`conflict-${integrationHead}`),
        replies: [reply(submit)],
      });
      expect(result.status).toBe('failed');
      expect(result.reason).toBe('conflict markers remain in shared.txt');
    });
  });
});
