import type { z } from 'zod';

/**
 * What a failed schema check found, a line an issue: the document as `label` calls it
 * (`result.json`, the brief's front matter), where in it, and what is wrong.
 */
export function schemaProblems(label: string, error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${label} ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
}
