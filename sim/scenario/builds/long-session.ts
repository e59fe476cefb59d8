import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { defaultConfig } from '../../../src/core/config/config.js';
import { resolveLimits } from '../../../src/session/agent/model/limits.js';
import {
  type ModelFeatures,
  plainFeatures,
} from '../../../src/session/agent/model/model-features.js';
import { type LoopOutcome, runModelLoop } from '../../../src/session/agent/model/model-loop.js';
import { createUsageMeter, type UsageMeter } from '../../../src/session/agent/model/usage-meter.js';
import type { AgentTool } from '../../../src/session/agent/tools/agent-tool.js';
import { createSubmitTool } from '../../../src/session/agent/tools/submit-tool.js';
import type { CapturedRequest, FakeReply } from '../../fake-anthropic.js';
import { reply, toolUse } from '../../fake-anthropic.js';

/** Characters of each tool result of a long session: about 7,000 tokens, a long build log. */
export const LONG_OUTPUT_CHARS = 28_000;

/**
 * A model that calls `bash` for `turns` turns, then submits: with outputs of
 * LONG_OUTPUT_CHARS, 80 turns are a history of about 560,000 tokens.
 */
export function longSessionModel(turns: number) {
  return (request: CapturedRequest): FakeReply => {
    const turn = request.body.messages.filter((m) => m.role === 'assistant').length;
    if (turn < turns) return reply(toolUse('bash', { command: 'cat build.log' }));
    return reply(toolUse('submit_completion', { status: 'complete', summary: 'Read it all.' }));
  };
}

/** Runs the session loop of Baton against `url` with a bash whose every answer is long. */
export async function runLongSession({
  url,
  features = {},
}: {
  url: string;
  features?: Partial<ModelFeatures>;
}): Promise<{ outcome: LoopOutcome<unknown>; meter: UsageMeter }> {
  const log: AgentTool = {
    definition: { type: 'bash_20250124', name: 'bash' },
    run: async () => ({ content: 'x'.repeat(LONG_OUTPUT_CHARS), isError: false }),
  };
  const config = defaultConfig();
  const meter = createUsageMeter();
  const outcome = await runModelLoop({
    client: new Anthropic({ apiKey: 'sk-ant-fake', baseURL: url, maxRetries: 0 }),
    model: 'claude-sonnet-5-5',
    system: 'You are a Baton session in the work role.',
    prompt: 'Read the build log.',
    tools: [log],
    submit: createSubmitTool({
      name: 'submit_completion',
      description: 'Hand in.',
      schema: z.object({ status: z.string(), summary: z.string() }),
    }),
    meter,
    limits: resolveLimits({
      config: { ...config, session: { ...config.session, maxTurns: 200 } },
      startedAt: Date.now(),
    }),
    features: { ...plainFeatures(), ...features },
    now: Date.now,
    log: () => {},
  });
  return { outcome, meter };
}
