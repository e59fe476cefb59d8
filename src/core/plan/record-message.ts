import type { z } from 'zod';

/**
 * Records Baton keeps out of every branch (usage, adaptations) are the message
 * of a commit that a hidden ref points at: a header line naming the kind, a
 * blank line, then the record as JSON. A record is a few hundred bytes; a
 * message far larger is not one.
 */
const RECORD_MAX_BYTES = 4096;

/** The commit message that carries a record of the kind `header` names. */
export function renderRecordMessage(header: string, record: unknown): string {
  return `${header}\n\n${JSON.stringify(record)}\n`;
}

/** A record from a commit message, or null when the message is not a valid one of its kind. */
export function parseRecordMessage<S extends z.ZodType>(
  message: string,
  { header, schema }: { header: string; schema: S },
): z.output<S> | null {
  if (message.length > RECORD_MAX_BYTES) return null;
  const [first, ...rest] = message.split('\n');
  if (first?.trim() !== header) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(rest.join('\n')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The records among commit messages, in order; a message that is not one is left out. */
export function recordsOf<R>(
  messages: readonly string[],
  parse: (message: string) => R | null,
): R[] {
  return messages.flatMap((message) => {
    const record = parse(message);
    return record ? [record] : [];
  });
}
