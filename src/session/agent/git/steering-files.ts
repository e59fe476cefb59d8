import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CONFIG_FILE, STYLE_GUIDE_PATH, skillPath } from '../../../core/vocabulary/ids.js';
import { type GitOptions, git, gitRaw, gitSucceeds, readBlobsIn } from './git.js';

/** Every file that steers a session: its settings and the skills of each role. */
export const STEERING_FILES = [
  `.github/${CONFIG_FILE}`,
  ...(
    [
      'plan',
      'worker',
      'review',
      'fix',
      'research',
      'summary',
      'research-work',
      'research-review',
      'synthesis',
      'content-work',
      'content-review',
    ] as const
  ).map((role) => skillPath(role)),
  STYLE_GUIDE_PATH,
];

const EventPayload = z.object({ repository: z.object({ default_branch: z.string().min(1) }) });

/** Where the session's settings and skills come from. */
export type SteeringSource =
  | { kind: 'default-branch'; branch: string; ref: string }
  /** Outside Actions (no event payload): the checkout itself, as in local runs and tests. */
  | { kind: 'checkout' };

/**
 * Finds the repository's default branch in the run's event payload
 * (`GITHUB_EVENT_PATH`, written by the runner) and its tip among the
 * checkout's remote branches (the workflow checks out with `fetch-depth: 0`).
 * Without an event payload the session is not in Actions and reads its
 * checkout; with one, a default branch it cannot find is an error, never a
 * reason to fall back to the branch under review.
 */
export async function findSteeringSource(
  options: GitOptions,
  eventPath: string | undefined,
): Promise<SteeringSource> {
  if (!eventPath) return { kind: 'checkout' };
  const payload = EventPayload.safeParse(
    JSON.parse(await readFile(eventPath, 'utf8').catch(() => '{}')),
  );
  if (!payload.success) {
    throw new Error(`${eventPath} does not name the repository's default branch`);
  }
  const branch = payload.data.repository.default_branch;
  const ref = `refs/remotes/origin/${branch}`;
  if (!(await gitSucceeds(options, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))) {
    throw new Error(
      `the checkout has no ${ref}: check out with fetch-depth: 0 so the default branch's settings and skills can be read`,
    );
  }
  return { kind: 'default-branch', branch, ref };
}

/** The text of `file` in the steering source; null when it is absent there. */
export async function readSteeringFile(
  options: GitOptions,
  source: SteeringSource,
  file: string,
): Promise<string | null> {
  if (source.kind === 'checkout') {
    return readFile(path.join(options.root, file), 'utf8').catch(() => null);
  }
  const [blob] = await readBlobsIn(options, [`${source.ref}:${file}`]);
  return blob ? steeringText(blob) : null;
}

/** A steering file's text as the session is given it: trimmed, ending in one line feed. */
function steeringText(blob: Buffer): string {
  return `${blob.toString('utf8').trim()}\n`;
}

/**
 * Puts the default branch's skills into the checkout, where the model reads
 * them, in place of the branch's own: a worker cannot write the rules of its
 * own review. A skill the default branch lacks is removed. Git is told to
 * leave these paths alone (`--skip-worktree`), so the session never commits
 * the swap. Git is asked once which skills the default branch has and once
 * which the checkout tracks, not once a skill.
 */
export async function installDefaultSkills(
  options: GitOptions,
  source: SteeringSource,
): Promise<void> {
  if (source.kind === 'checkout') return;
  const skills = STEERING_FILES.filter((name) => name.startsWith('.baton/'));
  // The default branch's skills, read by one git: an absent one is null.
  const blobs = await readBlobsIn(
    options,
    skills.map((file) => `${source.ref}:${file}`),
  );
  const present = new Map(
    skills.flatMap((file, i) => {
      const blob = blobs[i];
      return blob ? [[file, steeringText(blob)] as const] : [];
    }),
  );
  const tracked = await filesAt(options, skills);
  const skipped = skills.filter((file) => tracked.has(file));
  if (skipped.length > 0) {
    await git(options, ['update-index', '--skip-worktree', '--', ...skipped]);
  }
  const excluded = skills.filter((file) => present.has(file) && !tracked.has(file));
  if (excluded.length > 0) await excludeFromCommits(options, excluded);
  for (const file of skills) {
    const target = path.join(options.root, file);
    const text = present.get(file);
    if (text === undefined) await rm(target, { force: true });
    else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
  }
}

/**
 * Which of `files` the checkout's index holds, in one `ls-files`. Paths are
 * literal: a name is never read as a pattern.
 */
async function filesAt(options: GitOptions, files: readonly string[]): Promise<Set<string>> {
  const pathspecs = files.map((file) => `:(literal)${file}`);
  const found = new Set(
    (await gitRaw(options, ['ls-files', '-z', '--', ...pathspecs])).split('\0'),
  );
  return new Set(files.filter((file) => found.has(file)));
}

/** Keeps untracked files out of `git add -A` through the checkout's own exclude list. */
async function excludeFromCommits(options: GitOptions, files: readonly string[]): Promise<void> {
  const gitDir = await git(options, ['rev-parse', '--absolute-git-dir']);
  await mkdir(path.join(gitDir, 'info'), { recursive: true });
  await appendFile(
    path.join(gitDir, 'info', 'exclude'),
    files.map((file) => `/${file}\n`).join(''),
  );
}
