/**
 * How a learn session's model hands in lessons (`submit_lessons`), and what
 * its code checks before one is written: every evidence link is one of the
 * corrections the code gathered, every citation is a line of the checkout
 * whose text the code reads (never the model's words), and the lesson reads
 * back through the lesson format's own parser. A lesson that fails is sent
 * back with what to change.
 */
import { z } from 'zod';
import {
  LESSON_SLUG,
  Lesson,
  lessonPath,
  MEMORY_ROLES,
  parseLesson,
  renderLesson,
} from '../../../core/memory/lesson.js';
import { lessonProblems } from '../../../core/memory/lesson-problems.js';
import type { Accepted } from '../tools/submit-tool.js';

/** Most lessons one learn session proposes. */
export const LESSONS_MAX = 10;

const Proposed = z.strictObject({
  slug: z
    .string()
    .regex(LESSON_SLUG, 'write lowercase letters, digits and - (at most 60)')
    .describe(
      "The lesson's name and file name (`.baton/memory/<slug>.md`): a few words, a-z 0-9 -.",
    ),
  rule: z.string().describe('One sentence, at most 300 characters: what to do, or never do.'),
  why: z
    .string()
    .describe(
      'One sentence, at most 500 characters: which corrections taught it, and why it holds.',
    ),
  roles: z
    .array(z.enum(MEMORY_ROLES))
    .min(1)
    .optional()
    .describe('The sessions that should read it; leave it out for every one.'),
  paths: z
    .array(z.string())
    .min(1)
    .max(20)
    .optional()
    .describe('Globs of the paths it applies to (`src/**`); leave it out for every path.'),
  citations: z
    .array(z.strictObject({ path: z.string(), line: z.number().int().min(1) }))
    .min(1)
    .max(5)
    .describe(
      "1 to 5 lines of the checkout the rule stands on, by path and line: Baton reads each line's text itself.",
    ),
  evidence: z
    .array(z.string())
    .min(1)
    .max(10)
    .describe(
      '1 to 10 links of the corrections listed in the prompt that taught it, exactly as listed.',
    ),
  explanation: z
    .string()
    .max(4000)
    .optional()
    .describe('A few sentences more, if the rule needs them.'),
});

export const LessonsSubmission = z.strictObject({
  lessons: z
    .array(Proposed)
    .max(LESSONS_MAX)
    .describe(
      `At most ${LESSONS_MAX} lessons; none when the corrections teach nothing that will hold again.`,
    ),
});
export type LessonsSubmission = z.infer<typeof LessonsSubmission>;

/** What the checks of a submission know that the model does not write. */
export interface LessonFacts {
  /** The gathered corrections' links: the only evidence a lesson may cite. */
  evidence: ReadonlySet<string>;
  /** Line `line` of `path` in the checkout, or why it cannot be cited. */
  lineOf(path: string, line: number): { ok: true; text: string } | { ok: false; why: string };
  /** The checkout's commit, which every citation is at. */
  commit: string;
  /** Today, `YYYY-MM-DD`. */
  today: string;
  /** The build (its issue number), or `remember`. */
  build: string;
  /** Lessons the repository has already: a slug of theirs is not a new lesson. */
  existing: ReadonlySet<string>;
  /** `owner/name`: a lesson may reach no other repository. */
  repository: string;
  /** At most this many lessons (one for a `/remember`); `LESSONS_MAX` when absent. */
  most?: number;
}

/** The lessons, whole and checked, or every problem of the submission for the model to fix. */
export function checkLessons(
  submission: LessonsSubmission,
  facts: LessonFacts,
): Accepted<Lesson[]> {
  const problems: string[] = [];
  const lessons: Lesson[] = [];
  const slugs = new Set<string>();
  const most = facts.most ?? LESSONS_MAX;
  if (submission.lessons.length > most)
    problems.push(`lessons: hand in at most ${most} (${submission.lessons.length} given)`);
  submission.lessons.forEach((proposed, index) => {
    const at = `lessons.${index}`;
    const own: string[] = [];
    if (slugs.has(proposed.slug))
      own.push(`${at}.slug: ${proposed.slug} is used twice; name each lesson once`);
    if (facts.existing.has(proposed.slug))
      own.push(`${at}.slug: ${lessonPath(proposed.slug)} is a lesson already; choose another slug`);
    slugs.add(proposed.slug);
    proposed.evidence.forEach((url, n) => {
      if (!facts.evidence.has(url))
        own.push(
          `${at}.evidence.${n}: ${JSON.stringify(url.slice(0, 200))} is not the link of a correction listed in the prompt; cite only those links, exactly as listed`,
        );
    });
    const citations = proposed.citations.flatMap((citation, n) => {
      const read = facts.lineOf(citation.path, citation.line);
      if (!read.ok) {
        own.push(`${at}.citations.${n}: ${read.why}`);
        return [];
      }
      return [{ ...citation, commit: facts.commit, text: read.text }];
    });
    if (own.length > 0) {
      problems.push(...own);
      return;
    }
    const parsed = Lesson.safeParse({
      slug: proposed.slug,
      rule: proposed.rule,
      why: proposed.why,
      ...(proposed.roles ? { roles: proposed.roles } : {}),
      ...(proposed.paths ? { paths: proposed.paths } : {}),
      citations,
      evidence: proposed.evidence,
      created: facts.today,
      build: facts.build,
      status: 'active',
      uses: 0,
      body: proposed.explanation?.trim() ?? '',
    });
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map(
          (issue: z.core.$ZodIssue) => `${at}.${issue.path.join('.')}: ${issue.message}`,
        ),
      );
      return;
    }
    const lesson = parsed.data;
    // What a lesson may never say (lesson-problems.ts): sent back by its rule, field and words.
    const said = lessonProblems(lesson, facts.repository);
    if (said.length > 0) {
      problems.push(
        ...said.map((problem) => `${at}.${problem.field}: ${problem.message} (${problem.rule})`),
      );
      return;
    }
    // What is written must read back as the same lesson, as every session will read it.
    const back = parseLesson(lessonPath(lesson.slug), renderLesson(lesson));
    if (!back.ok) {
      problems.push(...back.problems.map((problem) => `${at}: ${problem}`));
      return;
    }
    lessons.push(back.lesson);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: lessons };
}
