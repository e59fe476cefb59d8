import type { CapturedRequest, FakeReply, Respond } from '../../fake-anthropic.js';
import type { RespondResponses, ResponsesReply } from '../../fake-openai.js';
import type { ScriptedModel } from '../scripted-model.js';
import { CLAUDE_TOOLS, isClaudeCodeRequest, readClaudeCodeRequest } from './claude-code-dialect.js';
import { readCodexRequest, toCodexItems, waitOnCodexCommand } from './codex-dialect.js';
import { COPILOT_TOOLS, isCopilotRequest, readCopilotRequest } from './copilot-dialect.js';
import { type CallBook, engineCall, toEngineToolUses } from './engine-calls.js';

/**
 * A scripted build's model that every engine can talk to: the Messages API's
 * script for Baton's own loop, Claude Code and Copilot (told apart by the
 * tools they declare), and the Responses API's for Codex, each playing the same
 * scenario (scripted-model.ts) in its own dialect. After a session writes its
 * hand-in, the engine's next request is answered with a closing sentence, as
 * a model ends its turn; the scenario never sees it. Nor does it see Codex
 * waited on while a command still runs: it reads the command's whole output.
 */
export interface EngineModels {
  anthropic: Respond;
  openai: RespondResponses;
}

export function speakEngines(model: ScriptedModel): EngineModels {
  const book: CallBook = new Map();
  const anthropic: Respond = async (captured, index) => {
    const engine = isClaudeCodeRequest(captured.body)
      ? { read: readClaudeCodeRequest, prefix: 'toolu_engine', tools: CLAUDE_TOOLS }
      : isCopilotRequest(captured.body)
        ? { read: readCopilotRequest, prefix: 'toolu_copilot', tools: COPILOT_TOOLS }
        : null;
    if (!engine) return model(captured, index);
    const read = engine.read(captured.body, book);
    if (typeof read === 'string') return problem(model, read);
    if (read.handedIn) return { message: { content: [{ type: 'text', text: 'Handed in.' }] } };
    const reply = await model(asBaton(captured, read.baton), index);
    if ('error' in reply) return reply;
    const { prefix, tools } = engine;
    const content = toEngineToolUses(reply.message.content, {
      book,
      prefix,
      translate: (call) => engineCall(call, read.paths, tools),
    });
    return { message: { ...reply.message, content } };
  };
  const openai: RespondResponses = async (captured, index) => {
    const read = readCodexRequest(captured.body, book);
    if (typeof read === 'string')
      return { error: { status: 400, type: 'invalid_request_error', message: read } };
    if (read.handedIn) return { output: [{ type: 'message', text: 'Handed in.' }] };
    if (read.running) return { output: waitOnCodexCommand(read.running, book) };
    const asked: CapturedRequest = {
      index: captured.index,
      body: read.baton,
      headers: captured.headers,
      seen: read.baton,
      appliedEdits: [],
      inputTokens: 0,
    };
    const reply = await model(asked, index);
    return toResponsesReply(reply, (content) => toCodexItems(content, read.paths, book));
  };
  return { anthropic, openai };
}

function asBaton(captured: CapturedRequest, baton: CapturedRequest['body']): CapturedRequest {
  return { ...captured, body: baton, seen: baton };
}

function problem(model: ScriptedModel, text: string): FakeReply {
  model.problems.push(text);
  return { error: { status: 400, type: 'invalid_request_error', message: text } };
}

/**
 * The scripted answer as the Responses API reports it: its usage with the
 * cached tokens inside the input (OpenAI counts them there, and bills no cache
 * writes), an API error with its status.
 */
function toResponsesReply(
  reply: FakeReply,
  items: (content: Parameters<typeof toCodexItems>[0]) => ReturnType<typeof toCodexItems>,
): ResponsesReply {
  if ('error' in reply) {
    const { status, type, message } = reply.error;
    return { error: { status, type, message: message ?? type } };
  }
  const usage = reply.message.usage ?? {};
  const cached = usage.cache_read_input_tokens ?? 0;
  return {
    output: items(reply.message.content),
    usage: {
      input_tokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cached,
      cached_tokens: cached,
      output_tokens: usage.output_tokens ?? 0,
      reasoning_tokens: 0,
    },
  };
}
