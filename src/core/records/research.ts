import { z } from 'zod';

/** The largest `loops/<n>.json` the app reads. */
export const RESEARCH_RESULT_MAX_BYTES = 4 * 1024;

/**
 * `loops/<n>.json`: what a research session of an improvement loop decided,
 * schema-checked. It carries no prose: the findings are in `loops/<n>/findings.md`,
 * which only sessions read. `nothing_worth_doing` ends the series early.
 */
export const ResearchResult = z.strictObject({
  /** The loop this research was for. */
  loop: z.number().int().min(1).max(99),
  /** True when the research found nothing worth a loop: no plan, the series ends. */
  nothing_worth_doing: z.boolean(),
});
export type ResearchResult = z.infer<typeof ResearchResult>;

export type ResearchRead =
  | { kind: 'valid'; result: ResearchResult }
  | { kind: 'invalid'; problems: string[] };
