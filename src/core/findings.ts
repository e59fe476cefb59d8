import yaml from 'js-yaml';
import { z } from 'zod';
import { WorkerId } from './plan.js';

/** How far a research worker trusts what it found. */
export const Confidence = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof Confidence>;

/**
 * The YAML front matter of a findings document,
 * `.baton/builds/<build>/findings/<worker>.md` (docs/build-types.md).
 */
export const FindingsFrontMatter = z.strictObject({
  /** The worker that investigated. */
  worker_id: WorkerId,
  /** The question the brief asked, in one sentence. */
  question: z.string().trim().min(1).max(500),
  /** `high`, `medium` or `low`: how well the sources support the answer. */
  confidence: Confidence,
  /** Where the answer comes from: a URL, or a repository path with a line (`src/a.ts:12`). */
  sources: z.array(z.string().trim().min(1).max(500)).min(1).max(100),
});
export type FindingsFrontMatter = z.infer<typeof FindingsFrontMatter>;

export type ParsedFindings =
  | { ok: true; frontMatter: FindingsFrontMatter; body: string }
  | { ok: false; problems: string[] };

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

/** Checks a findings document: front matter with sources and confidence, then an answer. */
export function parseFindings(text: string, worker: string): ParsedFindings {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    return {
      ok: false,
      problems: ['the findings must start with YAML front matter between --- lines'],
    };
  }
  let data: unknown;
  try {
    data = yaml.load(match[1] ?? '', { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    return { ok: false, problems: [`the findings' front matter is not valid YAML: ${reason}`] };
  }
  const parsed = FindingsFrontMatter.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (issue) =>
          `the findings' front matter ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      ),
    };
  }
  if (parsed.data.worker_id !== worker) {
    return {
      ok: false,
      problems: [
        `the findings' front matter says worker_id ${parsed.data.worker_id}, not ${worker}`,
      ],
    };
  }
  const body = match[2] ?? '';
  if (!body.trim()) {
    return { ok: false, problems: ['the findings have no answer after their front matter'] };
  }
  return { ok: true, frontMatter: parsed.data, body };
}
