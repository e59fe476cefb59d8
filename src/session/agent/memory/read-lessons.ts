/**
 * The lesson files a session reads: `.baton/memory/*.md` from where its
 * settings and skills come (`SteeringSource`: the default branch, never the
 * branch under work or review, so a worker cannot write lessons for its own
 * review), bounded (at most `MAX_LESSON_FILES` files of `MAX_LESSON_BYTES`
 * each). A file that does not read as a lesson is left out and logged.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Lesson, MEMORY_FOLDER, parseLesson } from '../../../core/memory/lesson.js';
import { type GitOptions, gitRaw } from '../git/git.js';
import type { SteeringSource } from '../git/steering-files.js';

export const MAX_LESSON_FILES = 200;
export const MAX_LESSON_BYTES = 8 * 1024;

/** One lesson file as listed: its path and size, and how to read it. */
interface Listed {
  path: string;
  bytes: number;
  read: () => Promise<string>;
}

/** The lessons of the steering source that read; what did not is logged. */
export async function readLessons(
  options: GitOptions,
  source: SteeringSource,
  log: (line: string) => void,
): Promise<Lesson[]> {
  const listed = (await listLessonFiles(options, source, log)).sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  if (listed.length > MAX_LESSON_FILES) {
    log(
      `${MEMORY_FOLDER} holds ${listed.length} lesson files; only the first ${MAX_LESSON_FILES} by name are read`,
    );
  }
  const lessons: Lesson[] = [];
  for (const file of listed.slice(0, MAX_LESSON_FILES)) {
    if (file.bytes > MAX_LESSON_BYTES) {
      log(`${file.path} is over ${MAX_LESSON_BYTES} bytes: left out`);
      continue;
    }
    const parsed = parseLesson(file.path, await file.read());
    if (parsed.ok) lessons.push(parsed.lesson);
    else log(`${file.path} does not read as a lesson, left out: ${parsed.problems.join('; ')}`);
  }
  return lessons;
}

async function listLessonFiles(
  options: GitOptions,
  source: SteeringSource,
  log: (line: string) => void,
): Promise<Listed[]> {
  if (source.kind === 'checkout') return listCheckout(options.root);
  // `ls-tree -l`: `<mode> blob <sha> <size>\t<path>`, one a NUL; only regular files (no links, no folders).
  const listing = await gitRaw(options, [
    'ls-tree',
    '-z',
    '-l',
    source.ref,
    '--',
    `:(literal)${MEMORY_FOLDER}/`,
  ]).catch((error: unknown) => {
    log(`cannot list ${MEMORY_FOLDER} of ${source.ref}, so no lesson is read: ${String(error)}`);
    return '';
  });
  return listing
    .split('\0')
    .filter(Boolean)
    .flatMap((entry) => {
      const match = /^100(?:644|755) blob ([0-9a-f]+) +(\d+)\t(.+)$/.exec(entry);
      if (!match?.[3]?.endsWith('.md') || match[3].slice(MEMORY_FOLDER.length + 1).includes('/'))
        return [];
      const sha = match[1] ?? '';
      return [
        {
          path: match[3],
          bytes: Number(match[2]),
          read: () => gitRaw(options, ['cat-file', 'blob', sha]),
        },
      ];
    });
}

/** Outside Actions: the checkout's own files, regular ones only (a link could lead out of it). */
async function listCheckout(root: string): Promise<Listed[]> {
  const folder = path.join(root, MEMORY_FOLDER);
  const names = await readdir(folder).catch(() => []);
  const listed: Listed[] = [];
  for (const name of names.filter((each) => each.endsWith('.md'))) {
    const file = path.join(folder, name);
    const stat = await lstat(file);
    if (!stat.isFile()) continue;
    listed.push({
      path: `${MEMORY_FOLDER}/${name}`,
      bytes: stat.size,
      read: () => readFile(file, 'utf8'),
    });
  }
  return listed;
}
