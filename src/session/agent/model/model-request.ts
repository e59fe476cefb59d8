import type Anthropic from '@anthropic-ai/sdk';
import { APIError } from '@anthropic-ai/sdk';
import type {
  BetaMessage,
  BetaMessageParam,
  BetaToolUnion,
} from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { AgentTool } from '../tools/agent-tool.js';
import type { SubmitTool } from '../tools/submit-tool.js';
import type { AgentLimits } from './limits.js';
import { featureParams, type ModelFeatures } from './model-features.js';

const EPHEMERAL = { type: 'ephemeral' } as const;

/** What every request of a conversation is made with (the loop's `LoopRequest` carries it). */
export interface TurnRequest {
  client: Anthropic;
  model: string;
  system: string;
  tools: readonly AgentTool[];
  submit: Pick<SubmitTool<unknown>, 'definition'>;
  limits: AgentLimits;
  /** Thinking, server tools, context management. */
  features: ModelFeatures;
  now: () => number;
}

/** One request of the loop: the answer, or why the model could not be reached after the SDK's retries. */
export async function requestTurn(
  request: TurnRequest,
  messages: readonly BetaMessageParam[],
): Promise<BetaMessage | { reason: string }> {
  const definitions: BetaToolUnion[] = [
    ...request.features.serverTools,
    ...request.tools.map((t) => t.definition),
    request.submit.definition,
  ];
  const last = definitions.length - 1;
  // Breakpoints on the stable prefix (system + tools) and on the newest turn, so
  // that each request reads everything before it from the cache.
  const tools = definitions.map((d, i) => (i === last ? { ...d, cache_control: EPHEMERAL } : d));
  const remaining = request.limits.deadline - request.now();
  const { betas, ...features } = featureParams(request.features, [request.submit.definition.name]);
  try {
    return await request.client.beta.messages.create(
      {
        model: request.model,
        max_tokens: request.limits.maxOutputTokens,
        system: [{ type: 'text', text: request.system, cache_control: EPHEMERAL }],
        tools,
        messages: withCacheBreakpoint(messages),
        ...features,
        ...(betas.length > 0 ? { betas } : {}),
      },
      { timeout: Math.max(10_000, Math.min(600_000, remaining)) },
    );
  } catch (error) {
    if (error instanceof APIError) return { reason: describeModelError(error) };
    throw error;
  }
}

/** The messages with a cache breakpoint on the last block of the last one, without changing the history. */
export function withCacheBreakpoint(messages: readonly BetaMessageParam[]): BetaMessageParam[] {
  const copy = [...messages];
  const last = copy.at(-1);
  if (last?.role !== 'user' || typeof last.content === 'string') return copy;
  const blocks = [...last.content];
  const tail = blocks.at(-1);
  if (tail?.type === 'text' || tail?.type === 'tool_result') {
    blocks[blocks.length - 1] = { ...tail, cache_control: EPHEMERAL };
  }
  copy[copy.length - 1] = { ...last, content: blocks };
  return copy;
}

/** Why a model request failed after the SDK's retries, with what to check. */
export function describeModelError(error: APIError): string {
  const status = error.status ?? 'no response';
  const detail = [error.type, error.apiMessage].filter(Boolean).join(': ') || error.message;
  const tooLong = error.status === 400 && /prompt is too long/i.test(detail);
  const hint = tooLong
    ? "; the conversation outgrew the model's context window after clearing old tool results: split the task"
    : error.status === 401 || error.status === 403
      ? '; check the ANTHROPIC_API_KEY secret of the repository'
      : error.status === 400 || error.status === 404
        ? '; check the model ids under models in .github/baton.yml'
        : error.status === undefined
          ? '; check ANTHROPIC_BASE_URL and the runner network'
          : '';
  return `the model request failed after retries (${status}): ${detail}${hint}`.slice(0, 1000);
}
