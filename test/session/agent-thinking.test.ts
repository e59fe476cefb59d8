import { afterEach, describe, expect, it } from 'vitest';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { applyApiRules, signThinking } from '../../sim/fake-api-rules.js';
import { parseConfig } from '../../src/core/config/config.js';
import { briefFile, removeTempDirs, runSession, workerRepo } from './agent-fixtures.js';

afterEach(removeTempDirs);

async function runWork({ complexity, config }: { complexity: string; config?: string }) {
  const { root } = await workerRepo({
    brief: briefFile({ complexity }),
    ...(config ? { config } : {}),
  });
  return runSession({
    root,
    env: { BATON_WORKER: 'W1.1' },
    replies: [
      reply(toolUse('bash', { command: 'echo hello > greeting.txt' })),
      reply(toolUse('submit_completion', { status: 'complete', summary: 'Greeting added.' })),
    ],
  });
}

describe('extended thinking', () => {
  it('thinks on complex workers by default, passes the thinking back unchanged and meters it', async () => {
    const { result, requests } = await runWork({ complexity: 'complex' });
    expect(result.reason).toBeNull();
    expect(result.status).toBe('complete');
    expect(requests[0]?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 8000 });
    // The second request sends the first answer back with its signed thinking block first.
    const assistant = requests[1]?.body.messages[1]?.content as { type: string }[];
    expect(assistant[0]).toMatchObject({ type: 'thinking' });
    expect(assistant[1]).toMatchObject({ type: 'tool_use', name: 'bash' });
    expect(result.usage.thinking_tokens).toBeGreaterThan(0);
    expect(result.usage.output_tokens).toBeGreaterThan(result.usage.thinking_tokens ?? 0);
    expect(result.completion?.usage.thinking_tokens).toBe(result.usage.thinking_tokens);
  });

  it('does not think on normal workers by default', async () => {
    const { result, requests } = await runWork({ complexity: 'normal' });
    expect(result.status).toBe('complete');
    expect(requests[0]?.body.thinking).toBeUndefined();
    expect(result.usage.thinking_tokens).toBe(0);
  });

  it('follows models.thinking per kind: 0 turns it off, a number sets the budget', async () => {
    const off = await runWork({
      complexity: 'complex',
      config: 'models:\n  thinking:\n    complex: 0\n',
    });
    expect(off.requests[0]?.body.thinking).toBeUndefined();
    const on = await runWork({
      complexity: 'easy',
      config: 'models:\n  thinking:\n    easy: 2048\n',
    });
    expect(on.requests[0]?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(on.result.status).toBe('complete');
  });

  it('refuses a thinking budget the API would refuse, naming the field', () => {
    const parsed = parseConfig({ models: { thinking: { plan: 500 } } });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]?.field).toBe('models.thinking.plan');
  });
});

describe('the fake model keeps the API rules of thinking', () => {
  const thought = 'Reasoning.';
  const turn = (thinking: { type: string; [key: string]: unknown } | null) => ({
    model: 'claude-opus-5-5',
    max_tokens: 16000,
    thinking: { type: 'enabled', budget_tokens: 8000 },
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Go.' }] },
      {
        role: 'assistant',
        content: [
          ...(thinking ? [thinking] : []),
          { type: 'tool_use', id: 't1', name: 'bash', input: {} },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
    ],
  });
  const signed = { type: 'thinking', thinking: thought, signature: signThinking(thought) };

  it('accepts the thinking block as it was given', () => {
    expect(typeof applyApiRules(turn(signed), {})).toBe('object');
  });

  it.each([
    ['dropped', null, /must start with a thinking block/],
    ['edited', { ...signed, thinking: 'Reasoning, edited.' }, /Invalid `signature`/],
  ])('refuses a tool-use turn whose thinking block was %s', (_name, block, message) => {
    expect(applyApiRules(turn(block), {})).toMatch(message);
  });
});
