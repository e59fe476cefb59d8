import type { z } from 'zod';

/**
 * Zod's issues with `plan.json` as sentences a planner can act on: where (a
 * path like `workers[2].depends_on[0]`, and the worker's id), what is wrong,
 * and what was found.
 */
export function planSchemaProblems(raw: unknown, issues: z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    // The worker count has its own, clearer message below.
    if (issue.code === 'too_big' && issue.path.join('.') === 'workers') return [];
    const where = renderPath(issue.path);
    const worker = workerNameAt(raw, issue.path);
    const place = `plan.json ${where || '(the whole file)'}${worker}`;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      return [
        `${place}: ${keys} ${issue.keys.length > 1 ? 'are not plan fields' : 'is not a plan field'}; remove or rename it.`,
      ];
    }
    const value = valueAt(raw, issue.path);
    if (value === undefined && issue.path.length > 0) return [`${place} is missing; add it.`];
    const got =
      issue.code === 'invalid_format' || issue.code === 'invalid_value'
        ? ` (got ${shorten(JSON.stringify(value))})`
        : '';
    return [`${place}: ${issue.message}${got}.`];
  });
}

/** `workers[2].depends_on[0]`, as a planner reads it in the JSON. */
function renderPath(path: PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i > 0 ? '.' : ''}${String(key)}`))
    .join('');
}

function workerNameAt(raw: unknown, path: PropertyKey[]): string {
  if (path[0] !== 'workers' || typeof path[1] !== 'number' || path[2] === 'id') return '';
  const id = valueAt(raw, ['workers', path[1], 'id']);
  return typeof id === 'string' ? ` (worker ${id})` : '';
}

/** The value at a path in parsed JSON, or undefined where the path leads nowhere. */
export function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
