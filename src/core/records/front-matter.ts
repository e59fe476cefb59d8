import yaml from 'js-yaml';
import type { z } from 'zod';
import { schemaProblems } from '../vocabulary/schema-problems.js';

/** `---` lines fence the front matter; `----` or `---x` do not close it. An editor's BOM is allowed. */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

export type ParsedFrontMatter<T> =
  | { ok: true; frontMatter: T; body: string }
  | { ok: false; problems: string[] };

/**
 * Splits a markdown document of the build record (a brief, findings) into its
 * YAML front matter, checked against `schema`, and the body after it. The
 * problems name the document (`the brief`) and its front matter as `label`
 * calls it, for the session that wrote it to act on.
 */
export function parseFrontMatter<S extends z.ZodType>(
  text: string,
  { schema, document, label }: { schema: S; document: string; label: string },
): ParsedFrontMatter<z.output<S>> {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    return {
      ok: false,
      problems: [`${document} must start with YAML front matter between --- lines`],
    };
  }
  let data: unknown;
  try {
    data = yaml.load(match[1] ?? '', { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    return { ok: false, problems: [`${label} is not valid YAML: ${reason}`] };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, problems: schemaProblems(label, parsed.error) };
  }
  return { ok: true, frontMatter: parsed.data, body: match[2] ?? '' };
}
