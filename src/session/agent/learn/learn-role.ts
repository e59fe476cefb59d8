import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type Lesson,
  lessonPath,
  MEMORY_FOLDER,
  renderLesson,
  slugOf,
} from '../../../core/memory/lesson.js';
import { parseBuildId, rememberedComment } from '../../../core/vocabulary/ids.js';
import { fenced, MATERIAL_LEAD } from '../../../core/vocabulary/markdown.js';
import type { AgentContext } from '../agent-context.js';
import { converse, readOnlyParts } from '../agent-context.js';
import { lessonsToMark } from '../memory/session-lessons.js';
import { failedOutcome, type RoleOutcome } from '../roles/role-outcome.js';
import { commitSession } from '../session-output.js';
import { createReadOnlyTools } from '../tools/read-only-tools.js';
import { createSubmitTool } from '../tools/submit-tool.js';
import { type Correction, gatherCorrections, gatherRemembered } from './gather-corrections.js';
import {
  checkLessons,
  LESSONS_MAX,
  type LessonFacts,
  LessonsSubmission,
} from './lesson-submission.js';

/**
 * `learn` (docs/memory.md): when a build has ended, its code gathers the
 * corrections people with write access made (`gatherCorrections`) and shows
 * them to the model as quoted material; the model proposes at most ten
 * lessons through `submit_lessons`, each checked (`checkLessons`) and written
 * as `.baton/memory/<slug>.md` on top of the default branch, beside each
 * active lesson whose citations no longer hold, marked `status: stale`, and
 * each unused past `memory.expireDays`, marked `status: expired`.
 * Publish opens the one pull request a person approves. No correction, no model call.
 */
export async function runLearnRole(ctx: AgentContext): Promise<RoleOutcome> {
  const build = ctx.env.BATON_BUILD;
  const issue = Number(ctx.env.BATON_ISSUE ?? parseBuildId(build)?.issue);
  // A `/remember` comment's session reads that comment alone, and proposes one lesson.
  const remembered = rememberedComment(ctx.env.BATON_TRIGGER);
  const corrections = remembered
    ? await gatherRemembered(ctx.github, remembered)
    : await gatherCorrections(ctx.github, {
        build,
        issue,
        repository: ctx.env.GITHUB_REPOSITORY,
        botLogin: ctx.env.GITHUB_ACTOR ?? null,
        log: ctx.log,
      });
  const most = remembered ? 1 : LESSONS_MAX;
  // A build's learn session marks the lessons whose cited lines changed or that went unused; a `/remember`'s proposes only.
  const marked = remembered ? [] : await lessonsToMark(ctx);
  for (const lesson of marked)
    ctx.log(
      lesson.status === 'expired'
        ? `lesson ${lesson.slug}: unused past memory.expireDays, marked expired`
        : `lesson ${lesson.slug}: a citation no longer holds, marked stale`,
    );
  if (corrections.length === 0) {
    ctx.log(
      'no correction by a person with write access, nor a failed validation or refusal of Baton: nothing to learn, no model call',
    );
    return marked.length === 0
      ? { status: 'complete', reason: null, head: null }
      : writeLessons(ctx, build, [], marked);
  }
  ctx.log(
    `${corrections.length} corrections: by people with write access, and Baton's failed validations and refusals`,
  );
  const facts: LessonFacts = {
    evidence: new Set(corrections.map((correction) => correction.url)),
    lineOf: (file, line) => lineOf(ctx.root, file, line),
    commit: ctx.base,
    today: new Date(ctx.now()).toISOString().slice(0, 10),
    build: remembered ? 'remember' : String(issue),
    most,
    existing: existingLessons(ctx.root),
    repository: ctx.env.GITHUB_REPOSITORY,
  };
  const repository = ctx.env.GITHUB_REPOSITORY;
  const submit = createSubmitTool({
    name: 'submit_lessons',
    description: `Hand in at most ${most} lessons the corrections teach (none when they teach nothing that will hold again).`,
    schema: LessonsSubmission,
    check: (submission) => checkLessons(submission, facts),
  });
  const outcome = await converse(ctx, {
    ...readOnlyParts(ctx, { models: 'review', role: 'learn', submit: 'submit_lessons' }),
    prompt: renderLearnPrompt({ build, repository, corrections, most }),
    tools: createReadOnlyTools({ root: ctx.root, maxOutputChars: ctx.limits.maxToolOutputChars }),
    submit,
  });
  if (outcome.kind === 'failed') return failedOutcome(outcome.reason);
  return writeLessons(ctx, build, outcome.value, marked);
}

/** The lessons proposed, and the ones marked stale or expired, committed on top of the default branch. */
async function writeLessons(
  ctx: AgentContext,
  build: string,
  lessons: readonly Lesson[],
  marked: readonly Lesson[],
): Promise<RoleOutcome> {
  const written = [...lessons, ...marked];
  if (written.length === 0) return { status: 'complete', reason: null, head: null };
  await mkdir(path.join(ctx.root, MEMORY_FOLDER), { recursive: true });
  for (const lesson of written)
    await writeFile(path.join(ctx.root, lessonPath(lesson.slug)), renderLesson(lesson));
  const commit = await commitSession(ctx, `Lessons of ${build}`);
  if (!commit.ok) return failedOutcome(commit.reason);
  return { status: 'complete', reason: null, head: commit.head };
}

/** The prompt: the task, then each correction quoted as material with the link a lesson cites. */
export function renderLearnPrompt({
  build,
  repository,
  corrections,
  most = LESSONS_MAX,
}: {
  build: string;
  repository: string;
  corrections: readonly Correction[];
  /** At most this many lessons: one for a `/remember`. */
  most?: number;
}): string {
  return [
    `Build \`${build}\` of ${repository} has ended. Below are the corrections people with write access made during it, and what Baton recorded of it: milestone validations that failed and the fixes they led to, and publish refusals.`,
    'Propose lessons: rules a later session should follow so that no one has to make the same correction again.',
    'A lesson holds beyond this one build, cites 1 to 5 lines of this checkout it applies to (read them first), and links the corrections that taught it.',
    'Propose none when the corrections were about this build alone.',
    `Then call submit_lessons with them (at most ${most}).`,
    '',
    MATERIAL_LEAD,
    '',
    ...corrections.flatMap((correction, index) => [
      correction.author === null
        ? `### ${index + 1}. A ${correction.kind}, as Baton recorded it`
        : `### ${index + 1}. A ${correction.kind} by @${correction.author}`,
      '',
      `Link: ${correction.url}`,
      '',
      fenced(`${correction.where}\n\n${correction.text}`, 'text'),
      '',
    ]),
  ].join('\n');
}

/** The slugs of the lessons the checkout has: a new lesson may not take one. */
function existingLessons(root: string): Set<string> {
  try {
    const names = readdirSync(path.join(root, MEMORY_FOLDER));
    return new Set(names.flatMap((name) => slugOf(name) ?? []));
  } catch {
    return new Set();
  }
}

/** Longest cited line, as the lesson format holds it. */
const CITED_LINE_MAX = 200;

/**
 * Line `line` of `file` in the checkout, read by the session's code: a path
 * inside the checkout (no link out of it, nothing of `.git`), a text file, a
 * line with code.
 */
export function lineOf(
  root: string,
  file: string,
  line: number,
): { ok: true; text: string } | { ok: false; why: string } {
  const named = `${file}:${line}`;
  if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..'))
    return { ok: false, why: `${named}: name a path inside the repository` };
  let text: string;
  try {
    const real = realpathSync(path.join(root, file));
    if (!real.startsWith(`${root}${path.sep}`) || !statSync(real).isFile())
      return { ok: false, why: `${named}: ${file} is not a file of the checkout` };
    // Git's own files (the remote, what a checkout keeps of credentials) are no code, and the model's read tools refuse them.
    if (path.relative(root, real).split(path.sep)[0] === '.git')
      return { ok: false, why: `${named}: ${file} is inside .git, which a lesson never cites` };
    text = readFileSync(real, 'utf8');
  } catch {
    return { ok: false, why: `${named}: ${file} is not a file of the checkout` };
  }
  const lines = text.split('\n');
  const found = lines[line - 1]?.replace(/\r$/, '');
  if (found === undefined || (line === lines.length && found === ''))
    return {
      ok: false,
      why: `${named}: ${file} has ${lines.length - (text.endsWith('\n') ? 1 : 0)} lines`,
    };
  if (found.trim() === '') return { ok: false, why: `${named} is blank; cite a line with code` };
  if (found.length > CITED_LINE_MAX)
    return {
      ok: false,
      why: `${named} is longer than ${CITED_LINE_MAX} characters; cite another line`,
    };
  return { ok: true, text: found };
}
