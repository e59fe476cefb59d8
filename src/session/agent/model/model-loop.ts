import type {
  BetaContentBlockParam as ContentBlockParam,
  BetaMessage as Message,
  BetaMessageParam as MessageParam,
  BetaTextBlockParam as TextBlockParam,
  BetaToolResultBlockParam as ToolResultBlockParam,
  BetaToolUseBlock as ToolUseBlock,
} from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { SessionLimit } from '../../../core/records/usage.js';
import type { AgentTool } from '../tools/agent-tool.js';
import type { SubmitTool } from '../tools/submit-tool.js';
import type { Interjections } from './interjection.js';
import { exceededLimit } from './limits.js';
import { requestTurn, type TurnRequest } from './model-request.js';
import type { UsageMeter } from './usage-meter.js';

/**
 * One model conversation, driven by an explicit loop over `messages.create`
 * rather than the SDK's tool runner: the loop checks every limit before each
 * request and stops the moment a valid `submit_*` arrives, neither of which
 * the runner lets us do cleanly. Every response (also the last one) is metered
 * by the model proxy it passes through (model-proxy/), as every engine's is.
 * The SDK still retries 429, 5xx and 529 itself.
 *
 * The history is sent back as the API returned it, block for block: thinking
 * blocks keep their signatures (the API refuses a tool-use turn whose thinking
 * was changed), server tools' results stay where they came. What keeps a long
 * session inside the context window is the API's context management
 * (model-features.ts): it clears old tool results server-side, while the
 * system prompt, the first message (the brief) and the newest results stay whole.
 */
export interface LoopRequest<T> extends TurnRequest {
  prompt: string;
  submit: SubmitTool<T>;
  meter: UsageMeter;
  /**
   * Checks a valid submission before it is taken (the work role runs the
   * tests): a message sends it back to the model as an error to act on; null takes it.
   */
  verify?: (value: T) => Promise<string | null>;
  /** What to tell the model between two turns (a person's `/steer`, the wind-down); none: nothing. */
  interjections?: Interjections;
  log: (line: string) => void;
}

/**
 * A valid submission, or why the conversation ended without one; `limit`
 * when one of the session's limits ended it.
 */
export type LoopOutcome<T> =
  | { kind: 'submitted'; value: T }
  | { kind: 'failed'; reason: string; limit?: SessionLimit };

type TurnAnswer<T> = LoopOutcome<T> | { kind: 'continue'; content: ContentBlockParam[] };

const EMPTY_REPLY: TextBlockParam = { type: 'text', text: '(no reply)' };

interface LoopState {
  nudges: number;
  rejected: number;
}

/** Converses until a valid submission, a limit, or a model error; never throws for those. */
export async function runModelLoop<T>(request: LoopRequest<T>): Promise<LoopOutcome<T>> {
  const messages: MessageParam[] = [
    { role: 'user', content: [{ type: 'text', text: request.prompt }] },
  ];
  const state: LoopState = { nudges: 0, rejected: 0 };
  for (;;) {
    const exceeded = exceededLimit(request.meter, request.limits, request.now());
    if (exceeded) return { kind: 'failed', reason: exceeded.reason, limit: exceeded.limit };
    await interject(request, messages);
    const response = await requestTurn(request, messages);
    if ('reason' in response) return { kind: 'failed', reason: response.reason };
    // The API refuses an empty assistant turn in the history; an empty reply becomes a placeholder.
    const content =
      response.content.length > 0 ? (response.content as ContentBlockParam[]) : [EMPTY_REPLY];
    messages.push({ role: 'assistant', content });
    // A server tool loop (web search) that paused is resumed by sending the turn back as it is.
    if (response.stop_reason === 'pause_turn') continue;
    const answer = await answerTurn(request, response, state);
    if (answer.kind !== 'continue') return answer;
    messages.push({ role: 'user', content: answer.content });
  }
}

/**
 * Adds what the model is told between two turns (a person's message, the
 * wind-down) to the newest user message, after its tool results: the next
 * request carries it, and is its receipt's turn.
 */
async function interject<T>(request: LoopRequest<T>, messages: MessageParam[]): Promise<void> {
  const told = (await request.interjections?.take()) ?? [];
  const last = messages.at(-1);
  if (told.length === 0 || !last || last.role !== 'user') return;
  const content = typeof last.content === 'string' ? [textBlock(last.content)] : last.content;
  last.content = [...content, ...told.map((interjection) => textBlock(interjection.text))];
  for (const interjection of told) {
    request.log(`turn ${request.meter.turns + 1}: told the model ${interjection.id}`);
    request.interjections?.took(interjection, request.meter.turns + 1);
  }
}

function textBlock(text: string): TextBlockParam {
  return { type: 'text', text };
}

async function answerTurn<T>(
  request: LoopRequest<T>,
  response: Message,
  state: LoopState,
): Promise<TurnAnswer<T>> {
  const uses = response.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
  if (uses.length === 0) return nudge(request, response, state);
  const results: ToolResultBlockParam[] = [];
  for (const use of uses) {
    request.meter.tools.set(use.name, (request.meter.tools.get(use.name) ?? 0) + 1);
    request.log(`turn ${request.meter.turns}: ${use.name} ${describeInput(use.input)}`);
    if (use.name === request.submit.definition.name) {
      const accepted = request.submit.accept(use.input);
      const sentBack = accepted.ok && request.verify ? await request.verify(accepted.value) : null;
      if (accepted.ok && sentBack !== null) {
        results.push(toolResult(use.id, sentBack, true));
        continue;
      }
      if (accepted.ok) return { kind: 'submitted', value: accepted.value };
      state.rejected += 1;
      const problems = accepted.problems.map((p) => `- ${p}`).join('\n');
      if (state.rejected >= request.limits.maxInvalidSubmissions) {
        return {
          kind: 'failed',
          reason: `${use.name} was rejected ${state.rejected} times; last problems:\n${problems}`,
        };
      }
      results.push(
        toolResult(
          use.id,
          `Not accepted:\n${problems}\nCorrect all of these and call ${use.name} again.`,
          true,
        ),
      );
      continue;
    }
    results.push(await runTool(request.tools, use));
  }
  return { kind: 'continue', content: results };
}

function nudge<T>(request: LoopRequest<T>, response: Message, state: LoopState): TurnAnswer<T> {
  const submit = request.submit.definition.name;
  if (response.stop_reason === 'refusal')
    return { kind: 'failed', reason: 'the model refused to continue' };
  if (response.stop_reason === 'model_context_window_exceeded') {
    return {
      kind: 'failed',
      reason: "the conversation outgrew the model's context window; split the task",
    };
  }
  if (state.nudges >= request.limits.maxNudges) {
    return { kind: 'failed', reason: `the model stopped without calling ${submit}` };
  }
  state.nudges += 1;
  const text =
    response.stop_reason === 'max_tokens'
      ? `Your reply was cut off at the output limit. Go on in smaller steps, and finish with ${submit}.`
      : `You stopped without calling ${submit}. Finish the task if anything is left, then call ${submit}: it is the only way to hand in your work.`;
  const block: TextBlockParam = { type: 'text', text };
  return { kind: 'continue', content: [block] };
}

async function runTool(
  tools: readonly AgentTool[],
  use: ToolUseBlock,
): Promise<ToolResultBlockParam> {
  const tool = tools.find((t) => t.definition.name === use.name);
  if (!tool) return toolResult(use.id, `There is no tool named ${use.name} in this session.`, true);
  try {
    const result = await tool.run(use.input);
    return toolResult(use.id, result.content, result.isError);
  } catch (error) {
    return toolResult(
      use.id,
      `The tool failed: ${error instanceof Error ? error.message : String(error)}`,
      true,
    );
  }
}

function toolResult(id: string, content: string, isError: boolean): ToolResultBlockParam {
  return {
    type: 'tool_result',
    tool_use_id: id,
    content: content || '(empty)',
    ...(isError ? { is_error: true } : {}),
  };
}

/** A short trace of a tool call for the Actions log; tool inputs hold no credentials. */
function describeInput(input: unknown): string {
  const text = JSON.stringify(input) ?? '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
