import { z } from 'zod';

/** A tool's name as a session's result keeps it: an id (letters, digits, `._-:/@[]`), else `other`. */
export const TOOL_NAME = /^[\w.:/@[\]-]{1,100}$/;
/** The most tool calls a session keeps: the first ones; the rest are not traced. */
export const MAX_TOOL_CALLS = 500;

/**
 * One tool call of a session, as its model requests showed it at the proxy
 * (src/session/agent/model-proxy/tool-calls.ts): its tool's name, the turn
 * whose answer asked for it, when it started (ms since the epoch, the
 * runner's clock) and how long it ran. `ok` false: its result was an error
 * (where the API says so).
 */
export const ToolCall = z.strictObject({
  name: z.string().regex(TOOL_NAME),
  turn: z.number().int().positive(),
  at: z.number().int().nonnegative(),
  ms: z.number().int().nonnegative(),
  ok: z.boolean().optional(),
});
export type ToolCall = z.infer<typeof ToolCall>;
