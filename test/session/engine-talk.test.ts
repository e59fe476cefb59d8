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
