import { z } from 'zod';
import { WorkerId } from '../plan/plan.js';
import { type ParsedFrontMatter, parseFrontMatter } from './front-matter.js';

/** How far a research worker trusts what it found. */
export const Confidence = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof Confidence>;

/** A page read on the web: a URL and the day it was read, since pages change. */
export const WebSource = z.strictObject({
  url: z
    .string()
    .trim()
    .max(500)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'),
  read: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be the date the page was read, YYYY-MM-DD'),
});
export type WebSource = z.infer<typeof WebSource>;

/** A repository path with a line; a URL here lacks the date it was read. */
export const RepoSource = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine(
    (text) => !/^https?:\/\//i.test(text),
    'a web source needs the date it was read: write it as url: … and read: YYYY-MM-DD',
  );

/** One source a finding rests on. */
export const FindingSource = z.union([WebSource, RepoSource]);
export type FindingSource = z.infer<typeof FindingSource>;

/** A source as a line of markdown: a web page with the day it was read, or a path. */
export function renderSource(source: FindingSource): string {
  return typeof source === 'string'
    ? `\`${source.replaceAll('`', '')}\``
    : `<${source.url.replace(/[<>]/g, '')}> (read ${source.read})`;
}

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
  /**
   * Where the answer comes from: a web page with the date it was read
   * (`{ url: https://…, read: 2026-11-23 }`), or a repository path with a line (`src/a.ts:12`).
   */
  sources: z
    .array(z.union([WebSource, RepoSource]))
    .min(1)
    .max(100),
});
export type FindingsFrontMatter = z.infer<typeof FindingsFrontMatter>;

export type ParsedFindings = ParsedFrontMatter<FindingsFrontMatter>;

/** Checks a findings document: front matter with sources and confidence, then an answer. */
export function parseFindings(text: string, worker: string): ParsedFindings {
  const parsed = parseFrontMatter(text, {
    schema: FindingsFrontMatter,
    document: 'the findings',
    label: "the findings' front matter",
  });
  if (!parsed.ok) return parsed;
  if (parsed.frontMatter.worker_id !== worker) {
    return {
      ok: false,
      problems: [
        `the findings' front matter says worker_id ${parsed.frontMatter.worker_id}, not ${worker}`,
      ],
    };
  }
  if (!parsed.body.trim()) {
    return { ok: false, problems: ['the findings have no answer after their front matter'] };
  }
  return parsed;
}
