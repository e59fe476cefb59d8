import { z } from 'zod';
import { WorkerId } from '../../../../core/plan/plan.js';
import { BRIEF_MAX_BYTES } from '../../../../core/plan/validate-plan.js';
import { parseBrief } from '../../../../core/records/brief.js';
import type { Accepted } from '../../tools/submit-tool.js';

/** What the model hands in through `submit_adaptation`: new brief bodies, only for the workers named. */
export const AdaptationSubmission = z.strictObject({
  briefs: z
    .array(
      z.strictObject({
        worker: WorkerId.describe('One of the workers this session may revise.'),
        brief: z
          .string()
          .min(1)
          .describe(
            'The whole new brief body in markdown, without front matter (Baton keeps it): mission, output paths, context, requirements, success criteria as "- [ ]" checkboxes, what to report back.',
          ),
      }),
    )
    .max(60)
    .describe('One entry per brief that must change; an empty list when none needs to.'),
});
export type AdaptationSubmission = z.infer<typeof AdaptationSubmission>;

/** The revised brief files, by worker id: the old front matter with the new body. */
export type RevisedBriefs = Map<string, string>;

/**
 * Checks a submission: only the workers this session may revise, each once,
 * and each new brief parses, keeps success criteria, and fits the plan's cap.
 */
export function checkAdaptation(
  submission: AdaptationSubmission,
  { briefs }: { briefs: Map<string, string> },
): Accepted<RevisedBriefs> {
  const problems: string[] = [];
  const revised: RevisedBriefs = new Map();
  const allowed = [...briefs.keys()].join(', ');
  for (const { worker, brief } of submission.briefs) {
    const old = briefs.get(worker);
    if (old === undefined) {
      problems.push(`${worker} is not one of the briefs this session may revise (${allowed})`);
      continue;
    }
    if (revised.has(worker)) problems.push(`${worker} is listed twice; give one brief per worker`);
    const text = `${frontMatterOf(old)}\n${brief.trim()}\n`;
    revised.set(worker, text);
    problems.push(...checkBrief(worker, text));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: revised };
}

/** The front matter of a brief file, fences included, with the blank line after it. */
function frontMatterOf(text: string): string {
  const match = /^\uFEFF?---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*\r?\n/.exec(text);
  return match ? `${match[0]}` : '';
}

function checkBrief(worker: string, text: string): string[] {
  const size = Buffer.byteLength(text);
  if (size > BRIEF_MAX_BYTES) {
    return [`the brief of ${worker} is ${size} bytes, more than ${BRIEF_MAX_BYTES}; shorten it`];
  }
  const parsed = parseBrief(text);
  if (!parsed.ok) return parsed.problems.map((p) => `the brief of ${worker}: ${p}`);
  if (!/^\s*- \[ \] /m.test(parsed.body)) {
    return [`the brief of ${worker} has no success criteria: list them as "- [ ] …" checkboxes`];
  }
  return [];
}
