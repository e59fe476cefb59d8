/**
 * A lesson: one rule a person approved for the repository's sessions, kept in
 * the repository as `.baton/memory/<slug>.md` (docs/memory.md). Its front
 * matter says what the rule is, why, which sessions and paths it is for, the
 * lines of code it stands on (`citations`, checked against the tree each time
 * a session reads it), and the comments or runs that taught it (`evidence`).
 * The prose after the front matter is material, never instructions. The app
 * never reads a lesson: sessions read them from their own checkout.
 */
import yaml from 'js-yaml';
import { z } from 'zod';
import { MEMORY_ROLES, type MemoryRole } from '../config/memory-settings.js';
import { parseFrontMatter } from '../records/front-matter.js';
import { LESSON_SLUG } from '../vocabulary/ids.js';

/** Where lessons live in a repository. */
export const MEMORY_FOLDER = '.baton/memory';

export { MEMORY_ROLES, type MemoryRole } from '../config/memory-settings.js';
export { LESSON_SLUG };

export const LESSON_STATUSES = ['active', 'stale', 'expired'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

/** `YYYY-MM-DD`, a day that exists (no clock: the calendar's rule alone). */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'write a date as YYYY-MM-DD')
  .refine(isCalendarDay, 'is not a day of the calendar');

function isCalendarDay(day: string): boolean {
  const [year = 0, month = 0, date = 0] = day.split('-').map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && date >= 1 && date <= days;
}

/**
 * A path inside the repository (no leading `/`, no `..`, no line break), or a
 * glob of `src/core/verification/path-glob.ts` (`*`, `?`, `**`).
 */
function repoPath(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine(
      (path) => !/^\/|(?:^|\/)\.\.(?:\/|$)|[\r\n\0\\]/.test(path),
      'write a path inside the repository (no leading /, no .., no backslash)',
    );
}

/** One line of code a lesson stands on, as it read at `commit`. */
export const Citation = z.strictObject({
  path: repoPath(300),
  line: z.number().int().min(1),
  commit: z.string().regex(/^[0-9a-f]{40}$/, 'write the full 40-character commit id'),
  text: z
    .string()
    .max(200)
    .refine((text) => text.trim().length > 0, 'write the cited line as it reads')
    .refine((text) => !/[\r\n]/.test(text), 'cite one line'),
});
export type Citation = z.infer<typeof Citation>;

/** What taught the lesson: a comment, review or run on GitHub. */
const EvidenceUrl = z
  .string()
  .max(500)
  .regex(/^https:\/\/github\.com\/[^\s]+$/, 'write a link to github.com (https://github.com/...)');

/** The build (issue number) that taught a lesson, or `remember` for one a person wrote with `/remember`. */
const LessonBuild = z
  .union([z.string(), z.number().int()])
  .transform(String)
  .pipe(z.string().regex(/^(?:[1-9]\d{0,9}|remember)$/, 'write the build number or "remember"'));

/** A sentence: one line, not empty. */
function sentence(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !/[\r\n]/.test(text), 'write one line');
}

/** A lesson's front matter (lesson-format: docs/memory.md, "The lesson file"). */
export const LessonFrontMatter = z.strictObject({
  rule: sentence(300),
  why: sentence(500),
  roles: z.array(z.enum(MEMORY_ROLES)).min(1).optional(),
  paths: z.array(repoPath(200)).min(1).max(20).optional(),
  citations: z.array(Citation).min(1).max(5),
  evidence: z.array(EvidenceUrl).min(1).max(10),
  created: Day,
  build: LessonBuild,
  status: z.enum(LESSON_STATUSES),
  uses: z.number().int().min(0),
  lastUsed: Day.optional(),
});
export type LessonFrontMatter = z.output<typeof LessonFrontMatter>;

/** The longest prose a lesson carries after its front matter. */
export const LESSON_BODY_MAX = 4000;

/** A lesson as read: its slug (from the file's name), front matter and prose. */
export const Lesson = LessonFrontMatter.extend({
  slug: z.string().regex(LESSON_SLUG),
  body: z.string().max(LESSON_BODY_MAX),
});
export type Lesson = z.output<typeof Lesson>;

export type ParsedLesson = { ok: true; lesson: Lesson } | { ok: false; problems: string[] };

/** The path of a lesson's file. */
export function lessonPath(slug: string): string {
  return `${MEMORY_FOLDER}/${slug}.md`;
}

/** The slug a lesson's path names, or null when it is not `<slug>.md` of the right shape. */
export function slugOf(path: string): string | null {
  const name = path.split('/').pop() ?? '';
  const slug = name.endsWith('.md') ? name.slice(0, -3) : '';
  return LESSON_SLUG.test(slug) ? slug : null;
}

/**
 * Reads a lesson's file. The problems name the file, the field and what to
 * write, for the person (or the learn session) who wrote it to act on.
 */
export function parseLesson(path: string, text: string): ParsedLesson {
  const slug = slugOf(path);
  if (slug === null) {
    return {
      ok: false,
      problems: [
        `${path}: name a lesson's file <slug>.md, the slug of lowercase letters, digits and - (at most 60)`,
      ],
    };
  }
  const parsed = parseFrontMatter(text, {
    schema: LessonFrontMatter,
    document: path,
    label: `${path} front matter`,
  });
  if (!parsed.ok) return parsed;
  const body = parsed.body.trim();
  if (body.length > LESSON_BODY_MAX) {
    return {
      ok: false,
      problems: [`${path}: the prose after the front matter is over ${LESSON_BODY_MAX} characters`],
    };
  }
  return { ok: true, lesson: { ...parsed.frontMatter, slug, body } };
}

/** A lesson's file, which `parseLesson` reads back to the same lesson. */
export function renderLesson(lesson: Lesson): string {
  const { slug: _slug, body, ...front } = lesson;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(LessonFrontMatter.shape)) {
    const value = (front as Record<string, unknown>)[key];
    if (value !== undefined) ordered[key] = value;
  }
  const text = yaml.dump(ordered, { lineWidth: -1, schema: yaml.CORE_SCHEMA, quotingType: '"' });
  const prose = body.trim();
  return `---\n${text}---\n${prose ? `\n${prose}\n` : ''}`;
}

/** The roles a lesson is for: its own, or every reading role. */
export function rolesOf(lesson: Lesson): readonly MemoryRole[] {
  return lesson.roles ?? MEMORY_ROLES;
}

/** The day a lesson was last of use: its last use, else its creation. */
export function lastUsedDay(lesson: Pick<Lesson, 'created' | 'lastUsed'>): string {
  return lesson.lastUsed ?? lesson.created;
}
