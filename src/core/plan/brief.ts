import yaml from 'js-yaml';
import { z } from 'zod';
import { Complexity, WorkerId, waveOf } from './plan.js';

/** The YAML front matter of a brief, `workers/<id>.md`. */
export const BriefFrontMatter = z.object({
  /** The worker this brief is for. */
  worker_id: WorkerId,
  /** The same title as in `plan.json`. */
  title: z.string().trim().min(1).max(120),
  /** The wave, the first number of the id. */
  wave: z.number().int().min(1),
  /** Workers whose merged work this one builds on. */
  depends_on: z.array(WorkerId).default([]),
  /** `easy`, `normal` or `complex`; picks the model. */
  complexity: Complexity.default('normal'),
});
export type BriefFrontMatter = z.infer<typeof BriefFrontMatter>;

export type ParsedBrief =
  | { ok: true; frontMatter: BriefFrontMatter; body: string }
  | { ok: false; problems: string[] };

/** `---` lines fence the front matter; `----` or `---x` do not close it. An editor's BOM is allowed. */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

/** Splits a brief into its checked front matter and its markdown body. */
export function parseBrief(text: string): ParsedBrief {
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    return {
      ok: false,
      problems: ['the brief must start with YAML front matter between --- lines'],
    };
  }
  let data: unknown;
  try {
    data = yaml.load(match[1] ?? '', { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    return { ok: false, problems: [`front matter is not valid YAML: ${reason}`] };
  }
  const parsed = BriefFrontMatter.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (issue) => `front matter ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      ),
    };
  }
  const { worker_id: id, wave } = parsed.data;
  if (wave !== waveOf(id)) {
    return {
      ok: false,
      problems: [`front matter wave: is ${wave}, but ${id} is in wave ${waveOf(id)}`],
    };
  }
  const body = match[2] ?? '';
  if (!body.trim())
    return { ok: false, problems: ['the brief has no body after its front matter'] };
  return { ok: true, frontMatter: parsed.data, body };
}
