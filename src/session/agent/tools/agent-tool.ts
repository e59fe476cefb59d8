import type {
  Tool,
  ToolBash20250124,
  ToolTextEditor20250728,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { z } from 'zod';

/** What a tool answers the model; `isError` marks a call the model should correct. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

/** A tool the session executes itself: its definition for the API, and its implementation. */
export interface AgentTool {
  /** Our own tools, or Anthropic's bash and text editor whose execution is ours. */
  definition: Tool | ToolBash20250124 | ToolTextEditor20250728;
  run(input: unknown): Promise<ToolResult>;
}

/** A tool result that the model should read as a mistake to correct. */
export function toolError(content: string): ToolResult {
  return { content, isError: true };
}

/** A tool result the model reads as the answer to its call. */
export function toolOk(content: string): ToolResult {
  return { content, isError: false };
}

/** A zod schema as a tool's `input_schema` (the JSON Schema of what the model may send). */
export function toInputSchema(schema: z.ZodType): { type: 'object'; [key: string]: unknown } {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return { ...json, type: 'object' };
}
