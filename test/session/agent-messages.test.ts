// A work session on Baton's own loop hears its worker's messages (`/steer`, `/queue`) and
// winds down before a limit: the GitHub it reads is a fake whose answers a test changes
// while the session runs, as Baton's app records a new message.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CapturedRequest,
  type FakeBlock,
  type FakeReply,
  reply,
  text,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { completionPath } from '../../src/core/vocabulary/ids.js';
import {
  BUILD,
  completes,
  gitIn,
  removeTempDirs,
  runSession,
  type SessionRun,
  startFakeGitHub,
  workerRepo,
} from './agent-fixtures.js';
import {
  daySpentRoutes,
  LISTING,
  listing,
  messageRoutes,
  RUN_ENV,
  until,
  userText,
} from './message-fixtures.js';

afterEach(removeTempDirs);

/** The model's call that creates `path` (holding `x`) in the worker's checkout. */
const createFile = (path: string) =>
  toolUse('str_replace_based_edit_tool', { command: 'create', path, file_text: 'x\n' });

describe('a work session’s messages on Baton’s loop', () => {
  it('takes a /steer in between two turns, quoted, and records the turn that read it', async () => {
    const github = await startFakeGitHub({ [LISTING]: [] });
    const { root } = await workerRepo();
    let run: SessionRun | undefined;
    try {
      run = await runSession({
        root,
        env: { ...RUN_ENV, GITHUB_API_URL: github.url },
        options: { messagePollMs: 5 },
        respond: async (request, index) => {
          if (index === 0) {
            // Baton's app records the message while the session's first turn is under way.
            Object.assign(
              github.routes,
              messageRoutes({ id: 77, body: '/steer W1.1 write NOTES.md too' }),
              {
                [LISTING]: listing([77]),
              },
            );
            await until(() => github.requests.some((r) => r.endsWith('/comments/77/reactions')));
            return reply(toolUse('bash', { command: 'true' }));
          }
          if (!userText(request).includes('write NOTES.md too'))
            return reply(toolUse('bash', { command: 'true' }));
          return completes({ summary: 'Wrote NOTES.md as asked.' });
        },
      });
    } finally {
      await github.close();
    }
    expect(run.result.status).toBe('complete');
    expect(run.result.messages).toEqual([{ comment: 77, turn: 2 }]);
    const second = userText(run.requests[1] as CapturedRequest);
    expect(second).toMatch(
      /@maria \(comment 77, a \/steer\):\\n<message-[0-9a-f]+>\\nwrite NOTES.md too\\n<\/message-/,
    );
    expect(userText(run.requests[0] as CapturedRequest)).not.toContain('NOTES.md');
  });

  it('gives the messages waiting at its start in the first prompt, and leaves a /queue that comes later for the next session', async () => {
    const { root } = await workerRepo();
    const github = await startFakeGitHub({
      [LISTING]: listing([80]),
      ...messageRoutes({ id: 80, body: '/queue W1.1 keep the old names' }),
    });
    try {
      const run = await runSession({
        root,
        env: { ...RUN_ENV, GITHUB_API_URL: github.url },
        options: { messagePollMs: 5 },
        respond: async (_request, index) => {
          if (index === 0) {
            Object.assign(
              github.routes,
              messageRoutes({ id: 81, body: '/queue W1.1 and a test' }),
              {
                [LISTING]: listing([80, 81]),
              },
            );
            await until(() => github.requests.some((r) => r.endsWith('/comments/81/reactions')));
            return reply(toolUse('bash', { command: 'true' }));
          }
          return completes();
        },
      });
      expect(userText(run.requests[0] as CapturedRequest)).toContain('keep the old names');
      expect(run.requests.map(userText).join('\n')).not.toContain('and a test');
      expect(run.result.messages).toEqual([{ comment: 80, turn: 1 }]);
    } finally {
      await github.close();
    }
  });
});

describe('a work session’s wind-down on Baton’s loop', () => {
  const config = 'session:\n  maxTurns: 10\n';
  const write = (path: string) => reply(createFile(path));
  /**
   * A model that writes src/half.ts, keeps busy until told it is about to reach `limit`, then
   * hands in partial work with its note; `turn` makes each reply (what it costs).
   */
  const handsInWhenTold =
    (limit: string, turn: (...content: FakeBlock[]) => FakeReply = reply) =>
    (request: CapturedRequest, index: number) => {
      if (index === 0) return turn(createFile('src/half.ts'));
      if (!userText(request).includes(`about to reach ${limit}`))
        return turn(toolUse('bash', { command: 'true' }));
      return completes({
        status: 'partial',
        summary: 'The parser is done; the printer is not.',
        handoff: { done: 'src/half.ts parses.', left: 'The printer.', next: 'Print the tree.' },
      });
    };

  it('is told to wrap up before session.maxTurns, and hands in its work as partial with its note', async () => {
    const { root } = await workerRepo({ config });
    const run = await runSession({
      root,
      env: { BATON_WORKER: 'W1.1' },
      respond: handsInWhenTold('its turns'),
    });
    expect(run.result.status).toBe('partial');
    expect(run.result.limit).toBe('turns');
    // Told after turn 8 of 10: two turns were left, the reserve of a ten-turn session.
    expect(run.result.usage.turns).toBe(9);
    expect(run.result.completion).toMatchObject({
      status: 'partial',
      handoff: { next: 'Print the tree.' },
    });
    expect(gitIn(root, 'show', 'HEAD:src/half.ts')).toBe('x');
    expect(run.code).toBe(0);
  });

  it("is told to wrap up before what the repository's day (budget.dailyUsd) had left, and says so", async () => {
    const { root } = await workerRepo({ config: 'budget:\n  dailyUsd: 20\n' });
    // Another session of the day spent $18.50: $1.50 of the day is left, less than the build's $31.50.
    const github = await startFakeGitHub({ [LISTING]: [], ...daySpentRoutes(18.5) });
    // Every reply writes all the output it may (max_tokens, 16,000 tokens of Sonnet): $0.24.
    const costly = (...content: FakeBlock[]) => ({
      message: { content, usage: { input_tokens: 1, output_tokens: 1_000_000 } },
    });
    let run: SessionRun | undefined;
    try {
      run = await runSession({
        root,
        env: { ...RUN_ENV, GITHUB_API_URL: github.url },
        respond: handsInWhenTold("the repository's daily cap", costly),
      });
    } finally {
      await github.close();
    }
    expect(run.result.status).toBe('partial');
    expect(run.result.limit).toBe('daily');
    // $0.24 a turn: told after turn 3, when $0.78 of the day's $1.50 was left (three turns'
    // worth is $0.72, and a hand-in's request may cost some $0.08 at worst beside them), and it
    // hands in within the day's cap.
    expect(run.result.usage.turns).toBe(4);
    expect(run.result.usage.cost_usd).toBeCloseTo(0.72, 1);
    expect(run.result.usage.cost_usd).toBeLessThanOrEqual(1.5);
    expect(gitIn(root, 'show', 'HEAD:src/half.ts')).toBe('x');
  });

  it('hands in the work of a session that reached the limit anyway as partial, with Baton’s note', async () => {
    const { root } = await workerRepo({ config });
    const run = await runSession({
      root,
      env: { BATON_WORKER: 'W1.1' },
      respond: (_request, index) =>
        index === 0
          ? write('src/half.ts')
          : reply(text('Thinking…'), toolUse('bash', { command: 'true' })),
    });
    expect(run.result.status).toBe('partial');
    expect(run.result.limit).toBe('turns');
    expect(run.result.reason).toContain('reached session.maxTurns (10)');
    const report = JSON.parse(gitIn(root, 'show', `HEAD:${completionPath(BUILD, 'W1.1')}`));
    expect(report).toMatchObject({
      status: 'partial',
      handoff: { next: expect.stringContaining('reached session.maxTurns (10)') },
    });
    expect(gitIn(root, 'show', 'HEAD:src/half.ts')).toBe('x');
  });

  it('fails a session that reached the limit without changing anything, as before', async () => {
    const { root } = await workerRepo({ config });
    const run = await runSession({
      root,
      env: { BATON_WORKER: 'W1.1' },
      respond: () => reply(toolUse('bash', { command: 'true' })),
    });
    expect(run.result.status).toBe('failed');
    expect(run.result.limit).toBe('turns');
    expect(run.code).toBe(1);
  });
});

describe('a work session whose run is cancelled', () => {
  it('stops its model and its command, and hands in what it did as partial work', async () => {
    const { root } = await workerRepo();
    const cancel = new AbortController();
    const started = path.join(root, 'sleeping');
    const run = await runSession({
      root,
      env: { BATON_WORKER: 'W1.1' },
      options: { cancelSignal: cancel.signal },
      respond: (_request, index) => {
        if (index === 0) return reply(createFile('src/half.ts'));
        if (index === 1) {
          // The run is cancelled while the model's command runs.
          void until(() => existsSync(started)).then(() => cancel.abort());
          return reply(toolUse('bash', { command: `touch ${started} && sleep 60` }));
        }
        return completes();
      },
    });
    expect(run.result.status).toBe('partial');
    expect(run.result.reason).toContain('the run was cancelled before the session finished');
    expect(gitIn(root, 'show', 'HEAD:src/half.ts')).toBe('x');
    expect(run.requests).toHaveLength(2);
  });
});
