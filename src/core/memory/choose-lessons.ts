/**
 * Which of the repository's lessons one session reads: active ones, not
 * expired, breaking no rule of `lesson-problems.ts`, for its role and the
 * paths it touches, whose citations still hold, and that fit the token
 * budget, the most used first (ties: the oldest first). Every lesson left out
 * is named with why, for the session's log; the stale ones also go in its
 * result, so the next learn pull request can mark them.
 */
import type { MemoryRole, MemorySettings } from '../config/memory-settings.js';
import { matchesAny } from '../verification/path-glob.js';
import { type Lesson, lastUsedDay, rolesOf } from './lesson.js';
import { describeLessonProblem, lessonProblems } from './lesson-problems.js';
import { LESSONS_PREAMBLE, renderLessonEntry } from './render-lessons.js';

/** Baton's estimate of tokens: four characters a token. */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export type LeftOutWhy = 'status' | 'expired' | 'rule' | 'role' | 'paths' | 'stale' | 'budget';

export interface LeftOut {
  slug: string;
  why: LeftOutWhy;
  /** In words, for the log. */
  detail: string;
}

export interface ChosenLessons {
  chosen: Lesson[];
  left: LeftOut[];
  /** Active lessons whose citations no longer hold, whatever the session's role. */
  stale: string[];
  /** The estimated tokens of the section the chosen lessons make (at least those of its text: each part rounds up). */
  tokens: number;
}

const DAY_MS = 86_400_000;

/** Whole days from one `YYYY-MM-DD` to another. */
function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * The days a lesson has gone unused, where they pass `memory.expireDays` (counted from its
 * `lastUsed`, else its `created`); null while it is in use. Sessions leave such a lesson
 * out; the next learn pull request marks it `expired`.
 */
export function idleDaysPastExpiry(
  lesson: Pick<Lesson, 'created' | 'lastUsed'>,
  today: string,
  expireDays: number,
): number | null {
  const idle = daysBetween(lastUsedDay(lesson), today);
  return idle > expireDays ? idle : null;
}

export function chooseLessons({
  lessons,
  role,
  paths,
  settings,
  today,
  repository,
  holds,
}: {
  lessons: readonly Lesson[];
  role: MemoryRole;
  /** The paths the session touches; null: every path (plan, contract, validate). */
  paths: readonly string[] | null;
  settings: Pick<MemorySettings, 'budgetTokens' | 'expireDays'>;
  /** `YYYY-MM-DD`, the session's day. */
  today: string;
  /** The repository's own `owner/name`. */
  repository: string;
  /** Whether the lesson's citations still hold in the checkout. */
  holds: (lesson: Lesson) => boolean;
}): ChosenLessons {
  const left: LeftOut[] = [];
  const stale: string[] = [];
  const fitting: Lesson[] = [];
  for (const lesson of lessons) {
    const out = (why: LeftOutWhy, detail: string) => left.push({ slug: lesson.slug, why, detail });
    if (lesson.status !== 'active') {
      out('status', `lesson ${lesson.slug} is ${lesson.status}`);
      continue;
    }
    const idle = idleDaysPastExpiry(lesson, today, settings.expireDays);
    if (idle !== null) {
      out(
        'expired',
        `lesson ${lesson.slug} was last of use ${idle} days ago (memory.expireDays: ${settings.expireDays})`,
      );
      continue;
    }
    const [problem] = lessonProblems(lesson, repository);
    if (problem) {
      out('rule', describeLessonProblem(lesson.slug, problem));
      continue;
    }
    if (!holds(lesson)) {
      stale.push(lesson.slug);
      out('stale', `lesson ${lesson.slug}: a cited line no longer reads as it did`);
      continue;
    }
    if (!rolesOf(lesson).includes(role)) {
      out('role', `lesson ${lesson.slug} is not for ${role} sessions`);
      continue;
    }
    if (
      lesson.paths &&
      paths !== null &&
      !paths.some((path) => matchesAny(lesson.paths ?? [], path))
    ) {
      out('paths', `lesson ${lesson.slug} is for paths this session does not touch`);
      continue;
    }
    fitting.push(lesson);
  }
  const chosen: Lesson[] = [];
  let tokens = 0;
  for (const lesson of [...fitting].sort(byUse)) {
    // The section's own words count with its first lesson; each lesson, with the blank line before it.
    const cost =
      estimateTokens(`\n\n${renderLessonEntry(lesson)}`) +
      (chosen.length === 0 ? estimateTokens(LESSONS_PREAMBLE) : 0);
    if (tokens + cost > settings.budgetTokens) {
      left.push({
        slug: lesson.slug,
        why: 'budget',
        detail: `lesson ${lesson.slug} does not fit memory.budgetTokens (${settings.budgetTokens})`,
      });
      continue;
    }
    tokens += cost;
    chosen.push(lesson);
  }
  return { chosen, left, stale, tokens };
}

/** The most used first; ties, the oldest first, then by slug, so the order never depends on the listing. */
function byUse(a: Lesson, b: Lesson): number {
  return b.uses - a.uses || a.created.localeCompare(b.created) || a.slug.localeCompare(b.slug);
}

/**
 * The paths a brief names, which are the paths a worker's session touches as
 * far as its lessons go: words with a folder (`src/log.ts`, `src/auth/`) or a
 * file's extension (`package.json`); none named, null: every path.
 */
export function pathsNamedIn(text: string): string[] | null {
  const found = new Set<string>();
  for (const match of text.matchAll(
    /(?<![\w/.:@-])((?:[\w.-]+\/)+[\w.*-]*|[\w-]+\.[A-Za-z]{1,8})(?![\w/-])/g,
  )) {
    const path = (match[1] ?? '').replace(/^\.\//, '').replace(/[.]+$/, '');
    if (path && !path.startsWith('/') && !path.includes('..')) found.add(path);
  }
  return found.size > 0 ? [...found] : null;
}
