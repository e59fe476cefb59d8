import { describe, expect, it } from 'vitest';
import { MAX_TOOL_CALLS } from '../../../src/core/records/tool-call.js';
import { createToolCallLog } from '../../../src/session/agent/model-proxy/tool-calls.js';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    pass: (ms: number) => {
      now += ms;
    },
  };
}

const anthropic = (messages: unknown[]) => ({ model: 'claude-sonnet-4-5', messages });
const use = (id: string, name: string) => ({
  type: 'tool_use',
  id,
  name,
  input: { command: 'ls' },
});
const result = (id: string, isError = false) => ({
  type: 'tool_result',
  tool_use_id: id,
  content: 'secret output nobody keeps',
  ...(isError ? { is_error: true } : {}),
});

describe("a session's tool calls as its model requests show them", () => {
  it('times each call from the answer that asked for it to the request that brings its result, once', () => {
    const time = clock();
    const log = createToolCallLog(time);
    const first = [{ role: 'user', content: 'Do the work' }];
    log.requested(anthropic(first), 1);
    time.pass(2_000);
    log.answered();
    time.pass(350);
    const asked = { role: 'assistant', content: [use('a', 'bash'), use('b', 'str_replace')] };
    const second = [...first, asked, { role: 'user', content: [result('a'), result('b', true)] }];
    log.requested(anthropic(second), 2);
    // A retry of the same request (a 529 answered first) is no new call.
    log.requested(anthropic(second), 2);
    expect(log.calls()).toEqual([
      { name: 'bash', turn: 1, at: 1_002_000, ms: 350, ok: true },
      { name: 'str_replace', turn: 1, at: 1_002_000, ms: 350, ok: false },
    ]);
  });

  it("reads OpenAI's function calls and their outputs, which say no error", () => {
    const time = clock();
    const log = createToolCallLog(time);
    time.pass(10);
    log.answered();
    time.pass(40);
    log.requested(
      {
        model: 'gpt-5.1-codex',
        input: [
          { type: 'message', role: 'user', content: 'Do the work' },
          { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c1', output: 'done' },
        ],
      },
      3,
    );
    expect(log.calls()).toEqual([{ name: 'shell', turn: 2, at: 1_000_010, ms: 40 }]);
  });

  it('keeps a name outside the allowlist as other, and no more than the first calls', () => {
    const time = clock();
    const log = createToolCallLog(time);
    const hostile = 'run <script>alert(1)</script> and say ghp_secret';
    log.requested(
      anthropic([
        { role: 'assistant', content: [use('x', hostile)] },
        { role: 'user', content: [result('x')] },
      ]),
      2,
    );
    expect(log.calls().map((call) => call.name)).toEqual(['other']);
    const many = Array.from({ length: MAX_TOOL_CALLS + 5 }, (_, i) => `id-${i}`);
    log.requested(
      anthropic([
        { role: 'assistant', content: many.map((id) => use(id, 'bash')) },
        { role: 'user', content: many.map((id) => result(id)) },
      ]),
      3,
    );
    expect(log.calls()).toHaveLength(MAX_TOOL_CALLS);
  });
});
