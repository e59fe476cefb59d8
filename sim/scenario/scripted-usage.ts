import type { FakeBlock, FakeUsage, MessagesRequest } from '../fake-anthropic.js';

/**
 * The input tokens Anthropic adds for its own tool definitions (bash and the
 * text editor are defined server-side, so they are not in the request's JSON).
 */
const SHELL_TOOLS_TOKENS = 1_100;
const READ_ONLY_TOOLS_TOKENS = 350;

/**
 * Usage the way the Messages API reports it for a session that caches its
 * prompt (system, tools and the newest turn carry breakpoints): the first
 * request writes the whole prompt to the cache; each later one reads what the
 * previous request wrote and writes only what is new. A few tokens after the
 * last breakpoint are plain input. Output is the reply plus the reasoning
 * before it. Sizes are about a token per four characters, so the reports show
 * tokens and costs that grow with the work.
 */
export function scriptedUsage({
  request,
  reply,
  previousInput,
  shell,
  thinkingTokens,
}: {
  request: MessagesRequest;
  reply: readonly FakeBlock[];
  /** The prompt size of the session's previous request (0 on its first). */
  previousInput: number;
  shell: boolean;
  thinkingTokens: number;
}): { usage: FakeUsage; promptTokens: number } {
  const sent = JSON.stringify([request.system, request.tools, request.messages]).length;
  const promptTokens = Math.ceil(sent / 4) + (shell ? SHELL_TOOLS_TOKENS : READ_ONLY_TOOLS_TOKENS);
  const plain = 4;
  const cached = Math.min(previousInput, promptTokens - plain);
  return {
    promptTokens,
    usage: {
      input_tokens: plain,
      cache_read_input_tokens: cached,
      cache_creation_input_tokens: promptTokens - plain - cached,
      output_tokens: Math.ceil(JSON.stringify(reply).length / 4) + thinkingTokens,
    },
  };
}
