import yaml from 'js-yaml';
import { z } from 'zod';
import { Complexity, WorkerId, waveOf } from '../plan/plan.js';
import { type ParsedFrontMatter, parseFrontMatter } from './front-matter.js';

/** The YAML front matter of a brief, `workers/<id>.md`. */
export const BriefFrontMatter = z.object({
  /** The worker this brief is for. */
  worker_id: WorkerId,
  /** The same title as in `plan.json`. */
  title: z.string().trim().min(1).max(120),
  /** The wave, the first number of the id (0 for the contract's worker, W0.1). */
  wave: z.number().int().min(0),
  /** Workers whose merged work this one builds on. */
  depends_on: z.array(WorkerId).default([]),
  /** `easy`, `normal` or `complex`; picks the model. */
  complexity: Complexity.default('normal'),
});
export type BriefFrontMatter = z.infer<typeof BriefFrontMatter>;

export type ParsedBrief = ParsedFrontMatter<BriefFrontMatter>;

/** Splits a brief into its checked front matter and its markdown body. */
export function parseBrief(text: string): ParsedBrief {
  const parsed = parseFrontMatter(text, {
    schema: BriefFrontMatter,
    document: 'the brief',
    label: 'front matter',
  });
  if (!parsed.ok) return parsed;
  const { worker_id: id, wave } = parsed.frontMatter;
  if (wave !== waveOf(id)) {
    return {
      ok: false,
      problems: [`front matter wave: is ${wave}, but ${id} is in wave ${waveOf(id)}`],
    };
  }
  if (!parsed.body.trim())
    return { ok: false, problems: ['the brief has no body after its front matter'] };
  return parsed;
}

/** A brief file: YAML front matter (BriefFrontMatter) and the markdown body the planner wrote. */
export function renderBriefFile(
  worker: { id: string; title: string; depends_on: string[]; complexity: Complexity },
  body: string,
): string {
  const frontMatter: BriefFrontMatter = {
    worker_id: worker.id,
    title: worker.title,
    wave: waveOf(worker.id),
    depends_on: worker.depends_on,
    complexity: worker.complexity,
  };
  const front = yaml.dump(frontMatter, { flowLevel: 1, lineWidth: -1 });
  return `---\n${front}---\n\n${body.trim()}\n`;
}
