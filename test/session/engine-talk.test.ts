import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { engineKit } from '../../src/session/agent/engines/engine-registry.js';
import type { TalkSeat } from '../../src/session/agent/engines/engine-talk.js';
import type { Interjection } from '../../src/session/agent/model/interjection.js';

/** A standard input that keeps what it was sent, a JSON value a line, and whether it was closed. */
function input() {
  const sent: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        sent.push(JSON.parse(line));
      done();
    },
  });
  return { stream, sent, closed: () => stream.writableEnded };
}

function seat(): TalkSeat {
  return {
    prompt: 'Read your brief.',
    model: 'gpt-5.5',
    workDir: '/work/repo',
    resume: false,
    thread: { id: null },
    log: () => {},
  };
}

const steer: Interjection = {
  id: 'comment-77',
  text: 'Use fetch.',
  marker: '(comment 77, a /steer)',
  comment: 77,
};

describe("Claude Code's talk", () => {
  it('sends the prompt and a message as user messages, and closes its input at the result', () => {
    const talk = engineKit('claude-code').talk(seat());
    const stdin = input();
    talk.start(stdin.stream);
    expect(talk.send(steer)).toBe(true);
    const [prompt, message] = stdin.sent as {
      message: { content: { text: string }[] };
      uuid: string;
    }[];
    expect(prompt?.message.content[0]?.text).toBe('Read your brief.');
    expect(message?.message.content[0]?.text).toBe('Use fetch.');
    expect(message?.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    talk.line(JSON.stringify({ type: 'result', is_error: false, result: 'done' }));
    expect(stdin.closed()).toBe(true);
    expect(talk.send(steer)).toBe(false);
    expect(talk.report()).toMatchObject({ finished: true, error: null });
  });
});

describe("Codex's talk (app-server)", () => {
  it('starts a thread and a turn, steers a message into the turn, and closes its input at turn/completed', () => {
    const talk = engineKit('codex').talk(seat());
    const stdin = input();
    talk.start(stdin.stream);
    // A message before the turn has an id waits for it.
    talk.send(steer);
    talk.line(JSON.stringify({ id: 1, result: {} }));
    talk.line(JSON.stringify({ id: 2, result: { thread: { id: 'thread-1' } } }));
    talk.line(JSON.stringify({ id: 3, result: { turn: { id: 'turn-1' } } }));
    expect(stdin.sent.map((message) => message.method)).toEqual([
      'initialize',
      'initialized',
      'thread/start',
      'turn/start',
      'turn/steer',
    ]);
    expect(stdin.sent[2]).toMatchObject({
      params: {
        cwd: '/work/repo',
        model: 'gpt-5.5',
        approvalPolicy: 'never',
        sandbox: 'danger-full-access',
      },
    });
    expect(stdin.sent[4]).toMatchObject({
      params: {
        threadId: 'thread-1',
        expectedTurnId: 'turn-1',
        input: [{ type: 'text', text: 'Use fetch.' }],
        clientUserMessageId: 'comment-77',
      },
    });
    talk.line(
      JSON.stringify({ method: 'item/completed', params: { item: { type: 'commandExecution' } } }),
    );
    talk.line(
      JSON.stringify({ method: 'turn/completed', params: { turn: { status: 'completed' } } }),
    );
    expect(stdin.closed()).toBe(true);
    expect(talk.report()).toEqual({
      finished: true,
      error: null,
      tools: new Map([['commandExecution', 1]]),
    });
  });

  it('resumes the thread of the run before, and sends no message once its turn is over', () => {
    const talk = engineKit('codex').talk({
      ...seat(),
      resume: true,
      thread: { id: 'thread-1' },
    });
    const stdin = input();
    talk.start(stdin.stream);
    talk.line(JSON.stringify({ id: 1, result: {} }));
    expect(stdin.sent[2]).toMatchObject({
      method: 'thread/resume',
      params: { threadId: 'thread-1' },
    });
    talk.line(JSON.stringify({ id: 2, result: { thread: { id: 'thread-1' } } }));
    talk.line(JSON.stringify({ id: 3, result: { turn: { id: 'turn-2' } } }));
    talk.line(
      JSON.stringify({ method: 'turn/completed', params: { turn: { status: 'completed' } } }),
    );
    expect(talk.send(steer)).toBe(false);
  });
});

describe("Copilot's talk (Agent Client Protocol)", () => {
  /** A `session/update` notification of a tool call. */
  const tool = (sessionUpdate: string, toolCallId: string, status?: string, kind = 'execute') =>
    JSON.stringify({
      jsonrpc: '2.0',
      method: 'session/update',
      params: { sessionId: 'sess-1', update: { sessionUpdate, toolCallId, kind, status } },
    });
  const answer = (id: number, result: Record<string, unknown>) =>
    JSON.stringify({ jsonrpc: '2.0', id, result });
  /** A request `id` of `method`, either way: what Baton sends Copilot, or what Copilot asks of Baton. */
  const call = (id: number, method: string, params: Record<string, unknown>) => ({
    jsonrpc: '2.0',
    id,
    method,
    params,
  });

  it('opens a session in the work tree, sends the prompt with what waited for it, and closes its input when the turn ends', () => {
    const talk = engineKit('copilot').talk(seat());
    const stdin = input();
    talk.start(stdin.stream);
    expect(talk.send(steer)).toBe(true);
    talk.line(answer(1, { protocolVersion: 1 }));
    expect(stdin.sent[1]).toEqual(call(2, 'session/new', { cwd: '/work/repo', mcpServers: [] }));
    talk.line(answer(2, { sessionId: 'sess-1' }));
    expect(stdin.sent[2]).toEqual(
      call(3, 'session/prompt', {
        sessionId: 'sess-1',
        prompt: [
          { type: 'text', text: 'Read your brief.' },
          { type: 'text', text: 'Use fetch.' },
        ],
      }),
    );
    talk.line(tool('tool_call', 't1', 'pending', 'read'));
    talk.line(tool('tool_call_update', 't1', 'completed'));
    talk.line(answer(3, { stopReason: 'end_turn' }));
    expect(stdin.closed()).toBe(true);
    expect(talk.send(steer)).toBe(false);
    expect(talk.report()).toEqual({ finished: true, error: null, tools: new Map([['read', 1]]) });
  });

  it('holds a message while any tool of Copilot’s runs, sends it as a prompt of its own once all have ended, and ends with the latest prompt’s turn', () => {
    const talk = engineKit('copilot').talk(seat());
    const stdin = input();
    talk.start(stdin.stream);
    talk.line(answer(1, {}));
    talk.line(answer(2, { sessionId: 'sess-1' }));
    talk.line(tool('tool_call', 't1', 'pending'));
    talk.line(tool('tool_call', 't2', 'pending', 'edit'));
    talk.send(steer);
    talk.line(tool('tool_call_update', 't1', 'in_progress'));
    // Output of a running command (no status) changes nothing.
    talk.line(tool('tool_call_update', 't2', undefined));
    talk.line(tool('tool_call_update', 't1', 'completed'));
    expect(stdin.sent.map((message) => message.method)).toEqual([
      'initialize',
      'session/new',
      'session/prompt',
    ]);
    talk.line(tool('tool_call_update', 't2', 'failed'));
    expect(stdin.sent[3]).toEqual(
      call(4, 'session/prompt', {
        sessionId: 'sess-1',
        prompt: [{ type: 'text', text: 'Use fetch.' }],
      }),
    );
    // The first prompt, stopped by the message's, answers `cancelled`: the turn goes on.
    talk.line(answer(3, { stopReason: 'cancelled' }));
    expect(stdin.closed()).toBe(false);
    expect(talk.send(steer)).toBe(true);
    talk.line(answer(4, { stopReason: 'end_turn' }));
    expect(stdin.closed()).toBe(true);
    // What waited for a tool that never came was never sent: the run's caller tells it again later.
    expect(stdin.sent).toHaveLength(4);
    expect(talk.report()).toMatchObject({ finished: true, error: null });
  });

  it('loads the session the run before left, takes nothing it replays as running, and refuses what it is asked', () => {
    const talk = engineKit('copilot').talk({ ...seat(), resume: true, thread: { id: 'sess-1' } });
    const stdin = input();
    talk.start(stdin.stream);
    talk.line(answer(1, {}));
    expect(stdin.sent[1]).toMatchObject({
      id: 2,
      method: 'session/load',
      params: { sessionId: 'sess-1', cwd: '/work/repo', mcpServers: [] },
    });
    // The history replayed before the load answers: a tool call of the run before, never ended.
    talk.line(tool('tool_call', 'old', 'pending'));
    talk.line(answer(2, {}));
    talk.send(steer);
    talk.line(tool('tool_call', 't1', 'pending'));
    talk.line(tool('tool_call_update', 't1', 'completed'));
    expect(stdin.sent.at(-1)).toMatchObject({ id: 4, method: 'session/prompt' });
    talk.line(
      JSON.stringify(
        call(0, 'session/request_permission', {
          sessionId: 'sess-1',
          options: [
            { optionId: 'yes', kind: 'allow_once' },
            { optionId: 'no', kind: 'reject_once' },
          ],
        }),
      ),
    );
    expect(stdin.sent.at(-1)).toEqual({
      jsonrpc: '2.0',
      id: 0,
      result: { outcome: { outcome: 'selected', optionId: 'no' } },
    });
    talk.line(JSON.stringify(call(9, 'fs/read_text_file', {})));
    expect(stdin.sent.at(-1)).toMatchObject({ id: 9, error: { code: -32601 } });
    talk.line(answer(4, { stopReason: 'max_turn_requests' }));
    expect(talk.report()).toMatchObject({
      finished: false,
      error: 'its turn ended: max_turn_requests',
    });
  });
});
