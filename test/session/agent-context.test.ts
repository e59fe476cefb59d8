import { afterEach, describe, expect, it } from 'vitest';
import {
  type CapturedRequest,
  type FakeReply,
  reply,
  startFakeAnthropic,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { CLEARED_TOOL_RESULT, promptTokens } from '../../sim/fake-api-rules.js';
import { wallCeiling } from '../../sim/machine-time.js';
import { longSessionModel, runLongSession } from '../../sim/scenario/builds/long-session.js';
import { removeTempDirs, runSession, workerRepo } from './agent-fixtures.js';

afterEach(removeTempDirs);

const TURNS = 80;
/** About 7,000 tokens of output per command: 80 of them are 560,000 tokens of history. */
const BIG_OUTPUT = `yes 'line of a long build log' | head -c 28000`;

function longSession(turns: number) {
  return (request: CapturedRequest): FakeReply => {
    const turn = request.body.messages.filter((m) => m.role === 'assistant').length;
    if (turn < turns) return reply(toolUse('bash', { command: BIG_OUTPUT }));
    return reply(toolUse('submit_completion', { status: 'complete', summary: 'Read it all.' }));
  };
}

function firstText(request: { messages: { content: unknown }[] }): string {
  const content = request.messages[0]?.content as { text?: string }[];
  return content.map((b) => b.text ?? '').join('');
}

describe('context management', () => {
  it(
    'finishes an 80-turn work session whose history passes 200k tokens, clearing old tool results',
    async () => {
      const { code, result, requests } = await runSession({
        root: (await workerRepo({ config: 'session:\n  maxTurns: 100\n' })).root,
        env: { BATON_WORKER: 'W1.1' },
        respond: longSession(TURNS),
      });
      expect(result.reason).toBeNull();
      expect(result.status).toBe('complete');
      expect(code).toBe(0);
      const last = requests.at(-1) as CapturedRequest;
      expect(requests).toHaveLength(TURNS + 1);
      // The client keeps the whole history; the API reads a cleared one.
      expect(promptTokens(last.body)).toBeGreaterThan(200_000);
      expect(last.inputTokens).toBeLessThan(120_000);
      expect(last.headers['anthropic-beta']).toContain('context-management-2025-06-27');
      expect(last.appliedEdits[0]?.type).toBe('clear_tool_uses_20250919');
      // The system prompt and the first message (the brief) are read intact.
      expect(last.seen.system).toEqual(last.body.system);
      expect(firstText(last.seen)).toContain(`workers/W1.1.md`);
      expect(firstText(last.seen)).toBe(firstText(last.body));
      // The newest results are the latest state: kept whole; older ones cleared.
      const results = last.seen.messages.flatMap((m) =>
        Array.isArray(m.content)
          ? (m.content as { type: string; content?: unknown }[]).filter(
              (b) => b.type === 'tool_result',
            )
          : [],
      );
      expect(results.slice(-6).every((b) => b.content !== CLEARED_TOOL_RESULT)).toBe(true);
      expect(results.slice(0, -6).every((b) => b.content === CLEARED_TOOL_RESULT)).toBe(true);
      // What it cost: the cleared tokens are counted in the usage.
      expect(result.usage.turns).toBe(TURNS + 1);
      expect(result.usage.cleared_input_tokens).toBeGreaterThan(1_000_000);
      // 27 CPU-seconds, 16 s on the wall alone: past 300 s beside a CI's whole builds (a load of 20),
      // so its limit is a minute stretched as far as a load stretches it (sim/machine-time.ts).
    },
    wallCeiling(60_000),
  );

  it('without context management the same history is refused as too long', async () => {
    const model = await startFakeAnthropic({ respond: longSessionModel(TURNS) });
    try {
      const { outcome } = await runLongSession({
        url: model.url,
        features: { clearAtInputTokens: null },
      });
      expect(outcome.kind).toBe('failed');
      expect(outcome.kind === 'failed' && outcome.reason).toMatch(
        /prompt is too long.*context window/,
      );
      expect(model.requests.length).toBeLessThan(TURNS);
    } finally {
      await model.close();
    }
  });
});
