/**
 * Whether a lesson kept a mistake from coming back (docs/memory.md, "How it is measured"):
 * a review finding whose text names a lesson's slug, made after that lesson merged, is a
 * repeat of it. The slug must stand as a word of its own (`no-any` is not in
 * `no-any-cast`), and the finding must come strictly after the merge, so the corrections
 * that taught the lesson are never counted against it. Times are ISO 8601, compared as
 * instants. Nothing here reads where findings or merges come from.
 */

/** A lesson that reached the default branch, and when its pull request merged. */
export interface MergedLesson {
  slug: string;
  mergedAt: string;
}

/** A review finding: its text and when it was made. */
export interface ReviewFinding {
  text: string;
  at: string;
}

export interface RepeatRate {
  /** Lessons merged. */
  lessons: number;
  /** Findings made after at least one lesson merged: the ones that could repeat one. */
  findings: number;
  /** Of those, the findings that name a lesson merged before them. */
  repeats: number;
  /** `repeats / findings`; null when no finding came after a merge. */
  rate: number | null;
  /** Each lesson repeated, with how many findings named it (a finding may name two). */
  bySlug: { slug: string; repeats: number }[];
}

export function repeatRate(lessons: MergedLesson[], findings: ReviewFinding[]): RepeatRate {
  const merged = lessons.map((lesson) => ({ ...lesson, ms: instant(lesson.mergedAt) }));
  const first = Math.min(...merged.map((lesson) => lesson.ms));
  const counts = new Map<string, number>();
  let considered = 0;
  let repeats = 0;
  for (const finding of findings) {
    const at = instant(finding.at);
    if (!(at > first)) continue;
    considered += 1;
    const named = merged.filter((lesson) => at > lesson.ms && names(finding.text, lesson.slug));
    if (named.length > 0) repeats += 1;
    for (const { slug } of named) counts.set(slug, (counts.get(slug) ?? 0) + 1);
  }
  const bySlug = [...counts]
    .map(([slug, n]) => ({ slug, repeats: n }))
    .sort((a, b) => b.repeats - a.repeats || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return {
    lessons: lessons.length,
    findings: considered,
    repeats,
    rate: considered === 0 ? null : repeats / considered,
    bySlug,
  };
}

function instant(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new Error(
      `"${text}" is no ISO 8601 time: give when it happened, e.g. 2026-11-20T10:00:00Z`,
    );
  return ms;
}

/** Whether `text` names `slug` as a word of its own: no letter, digit or `-` joined to either end. */
function names(text: string, slug: string): boolean {
  const lower = text.toLowerCase();
  for (let from = lower.indexOf(slug); from !== -1; from = lower.indexOf(slug, from + 1)) {
    const before = lower[from - 1] ?? '';
    const after = lower[from + slug.length] ?? '';
    if (!/[a-z0-9-]/.test(before) && !/[a-z0-9-]/.test(after)) return true;
  }
  return false;
}
