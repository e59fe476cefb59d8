import type { Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import type { z } from 'zod';
import { toInputSchema } from './agent-tool.js';

/** A submission accepted as a value, or refused with every problem. */
export type Accepted<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * A `submit_*` tool: how the model hands in its structured result. The input
 * is checked against the schema and then by `check`; a rejected submission is
 * answered with every problem, so the model can correct it in one go.
 */
export interface SubmitTool<T> {
  definition: Tool;
  accept(input: unknown): Accepted<T>;
}

/** A submit tool whose input schema is the zod schema's JSON Schema. */
export function createSubmitTool<S extends z.ZodType, T = z.infer<S>>({
  name,
  description,
  schema,
  check,
}: {
  name: string;
  description: string;
  schema: S;
  check?: (value: z.infer<S>) => Accepted<T>;
}): SubmitTool<T> {
  return {
    definition: { name, description, input_schema: toInputSchema(schema) },
    accept(input) {
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        return {
          ok: false,
          problems: parsed.error.issues.map(
            (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
          ),
        };
      }
      return check ? check(parsed.data) : { ok: true, value: parsed.data as T };
    },
  };
}
