/**
 * The lessons one session reads (docs/memory.md), read once when its first
 * conversation starts: the lesson files of its steering source, chosen for its
 * role and the paths it touches (`chooseLessons`), each citation checked
 * against the same source's files (the default branch's blobs, never the
 * branch under work or review: a worker that edits a cited line does not take
 * the lesson out of its own review, nor bring a stale one back), and each file
 * looked through for secrets as publish looks through commits. What it read
 * and what it found stale go in its result.
 */
import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../../core/config/config.js';
import { chooseLessons, idleDaysPastExpiry } from '../../../core/memory/choose-lessons.js';
import { citationsHold } from '../../../core/memory/citation.js';
import {
  type Lesson,
  lessonPath,
  MEMORY_ROLES,
  type MemoryRole,
  renderLesson,
} from '../../../core/memory/lesson.js';
import { renderLessonSection } from '../../../core/memory/render-lessons.js';
import type { SessionEnv } from '../../env.js';
import { findSecretsIn } from '../../publish/checks/secrets/secret-rules.js';
import { type GitOptions, gitRaw } from '../git/git.js';
import type { SteeringSource } from '../git/steering-files.js';
import { readLessons } from './read-lessons.js';

/** A cited file larger than this is not read: the citation does not hold. */
const MAX_CITED_BYTES = 1024 * 1024;

/** What the session read of its repository's memory, for its result. */
export interface LessonsRead {
  /** The lessons given to the session, by slug. */
  read: string[];
  /** Active lessons whose citations no longer hold. */
  stale: string[];
}

export interface SessionLessons extends LessonsRead {
  /** The section for the first message; null when no lesson is given. */
  section: string | null;
}

/** What a role says of the lessons it wants: the paths its session touches (null: every path). */
export interface MemoryAsk {
  paths: readonly string[] | null;
}

/** What of the session its lessons are read with (the agent context has it all). */
export interface LessonsContext {
  env: SessionEnv;
  config: Config;
  root: string;
  toolEnv: Record<string, string>;
  steering: SteeringSource;
  now: () => number;
  log: (line: string) => void;
}

/**
 * The lessons of the session; none when memory is off, for a role that reads
 * none, or for a build that is not a code build (the role passes no ask then).
 */
export async function sessionLessons(ctx: LessonsContext, ask: MemoryAsk): Promise<SessionLessons> {
  const none = { section: null, read: [], stale: [] };
  const role = ctx.env.BATON_ROLE;
  const { memory } = ctx.config;
  if (!memory.enabled || !isMemoryRole(role) || !memory.roles.includes(role)) return none;
  const options = { root: ctx.root, env: ctx.toolEnv };
  const lessons = await withoutSecrets(await readLessons(options, ctx.steering, ctx.log), ctx.log);
  if (lessons.length === 0) return none;
  const lines = await citedLines(options, ctx.steering, lessons);
  const result = chooseLessons({
    lessons,
    role,
    paths: ask.paths,
    settings: memory,
    today: new Date(ctx.now()).toISOString().slice(0, 10),
    repository: ctx.env.GITHUB_REPOSITORY,
    holds: (lesson) => citationsHold(lesson, (file) => lines.get(file) ?? null),
  });
  for (const out of result.left) ctx.log(out.detail);
  const read = result.chosen.map((lesson) => lesson.slug);
  ctx.log(
    read.length > 0
      ? `lessons read: ${read.join(', ')} (about ${result.tokens} tokens of memory.budgetTokens ${memory.budgetTokens})`
      : 'no lesson of .baton/memory applies to this session',
  );
  return { section: renderLessonSection(result.chosen), read, stale: result.stale };
}

function isMemoryRole(role: string): role is MemoryRole {
  return (MEMORY_ROLES as readonly string[]).includes(role);
}

/** Lessons in which secretlint's rules (publish's scan) find a secret are left out. */
async function withoutSecrets(lessons: Lesson[], log: (line: string) => void): Promise<Lesson[]> {
  const kept: Lesson[] = [];
  for (const lesson of lessons) {
    const found = await findSecretsIn(lessonPath(lesson.slug), renderLesson(lesson));
    if (found.length === 0) kept.push(lesson);
    else
      log(
        `lesson ${lesson.slug} holds what ${found[0]?.rule} reads as a secret (rule secret): left out`,
      );
  }
  return kept;
}

/**
 * The lines of every file the lessons cite, read once each from the steering
 * source: the default branch's blobs in Actions, the checkout's files outside
 * it. A file that is gone, not a regular file (a link), outside the checkout or
 * too large has none.
 */
async function citedLines(
  options: GitOptions,
  source: SteeringSource,
  lessons: readonly Lesson[],
): Promise<Map<string, string[]>> {
  const files = [...new Set(lessons.flatMap((lesson) => lesson.citations.map((c) => c.path)))];
  const texts =
    source.kind === 'checkout'
      ? await checkoutTexts(options.root, files)
      : await blobTexts(options, source.ref, files);
  return new Map([...texts].map(([file, text]) => [file, text.split(/\r?\n/)]));
}

async function checkoutTexts(root: string, files: readonly string[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const file of files) {
    const text = await readCited(root, file);
    if (text !== null) texts.set(file, text);
  }
  return texts;
}

/** A cited file of the checkout: a regular file inside it, not too large; else null. */
async function readCited(root: string, file: string): Promise<string | null> {
  const full = path.join(root, file);
  try {
    const stat = await lstat(full);
    if (!stat.isFile() || stat.size > MAX_CITED_BYTES) return null;
    const real = await realpath(full);
    if (!real.startsWith(`${root}${path.sep}`)) return null;
    return await readFile(real, 'utf8');
  } catch {
    return null;
  }
}

/** The texts of `files` as `ref` has them: regular files' blobs alone, in one listing. */
async function blobTexts(
  options: GitOptions,
  ref: string,
  files: readonly string[],
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (files.length === 0) return texts;
  // `ls-tree -l`: `<mode> blob <sha> <size>\t<path>`, one a NUL; a link is 120000, a submodule 160000.
  const listing = await gitRaw(options, [
    'ls-tree',
    '-r',
    '-z',
    '-l',
    ref,
    '--',
    ...files.map((file) => `:(literal)${file}`),
  ]);
  for (const entry of listing.split('\0')) {
    const match = /^100(?:644|755) blob ([0-9a-f]+) +(\d+)\t(.+)$/.exec(entry);
    if (!match?.[1] || !match[3] || Number(match[2]) > MAX_CITED_BYTES) continue;
    if (!files.includes(match[3])) continue;
    texts.set(match[3], await gitRaw(options, ['cat-file', 'blob', match[1]]));
  }
  return texts;
}

/**
 * The active lessons a learn session marks (docs/memory.md, "How a build teaches"): one
 * unused past `memory.expireDays` as `expired`, else one whose citations no longer hold in
 * the default branch as `stale`; each as it will be written, its status changed alone.
 */
export async function lessonsToMark(ctx: LessonsContext): Promise<Lesson[]> {
  const options = { root: ctx.root, env: ctx.toolEnv };
  const active = (await readLessons(options, ctx.steering, ctx.log)).filter(
    (lesson) => lesson.status === 'active',
  );
  if (active.length === 0) return [];
  const today = new Date(ctx.now()).toISOString().slice(0, 10);
  const { expireDays } = ctx.config.memory;
  const expired = active.filter((lesson) => idleDaysPastExpiry(lesson, today, expireDays) !== null);
  const rest = active.filter((lesson) => !expired.includes(lesson));
  const lines = await citedLines(options, ctx.steering, rest);
  const stale = rest.filter((lesson) => !citationsHold(lesson, (file) => lines.get(file) ?? null));
  return [
    ...expired.map((lesson) => ({ ...lesson, status: 'expired' as const })),
    ...stale.map((lesson) => ({ ...lesson, status: 'stale' as const })),
  ];
}
