/**
 * A learn session's lessons, published (docs/memory.md): each file read back
 * through the lesson format's parser from the verified head, pushed to the
 * build's own branch `baton/<build>/memory` (created once: it must not exist,
 * or be at this head already), and one pull request into the default branch,
 * "What build #N taught", that a person merges or closes. Baton never merges
 * it. Its body names the lessons' files only: no model text in it.
 */
import { z } from 'zod';
import {
  lessonPath,
  MEMORY_FOLDER,
  parseLesson,
  renderLesson,
} from '../../../core/memory/lesson.js';
import { parseBuildId, rememberedComment } from '../../../core/vocabulary/ids.js';
import { hasCommits } from '../checks/check-result.js';
import { HEAD_REF } from '../checks/read-pushed-commits.js';
import type { PublishOutcome } from '../publish-outcome.js';
import type { ReadSession } from '../read-session.js';
import { type GitHubApi, GitHubApiError, repoPath } from './github-api.js';
import { pushBranch } from './push-branch.js';

const Pull = z.object({ number: z.number(), html_url: z.string() });

/** What publishing lessons takes of a checked session. */
type CheckedLessons = ReadSession & { api: GitHubApi; pushed: boolean };

/** The lessons' pull request's title: one a build, and one a `/remember` comment. */
export function memoryPullTitle(issue: number, remembered?: string): string {
  return remembered ? `A lesson to remember, from #${issue}` : `What build #${issue} taught`;
}

/** The pull request's body: what it is, who approves it, and each lesson's file. */
export function memoryPullBody({
  issue,
  slugs,
  stale = [],
  expired = [],
  remembered,
}: {
  issue: number;
  slugs: string[];
  /** Lessons the repository has whose citations no longer hold, marked `status: stale`. */
  stale?: string[];
  /** Lessons the repository has unused past `memory.expireDays`, marked `status: expired`. */
  expired?: string[];
  remembered?: string;
}): string {
  const count =
    slugs.length === 0
      ? 'no new lesson'
      : slugs.length === 1
        ? 'one lesson'
        : `${slugs.length} lessons`;
  const from = remembered
    ? `A \`/remember\` on build #${issue} (comment ${remembered}) proposes ${count}.`
    : `Build #${issue} proposes ${count}, learned from the corrections people with write access made during it.`;
  return [
    `${from} Each is a file under \`${MEMORY_FOLDER}/\`, which later sessions read before they work.`,
    '',
    'Merge to keep them; edit or delete any file first. **Baton never merges this pull request**: a person approves what every later session will read.',
    '',
    ...slugs.map((slug) => `- \`${lessonPath(slug)}\``),
    ...markedLines(
      stale,
      'Marked `status: stale`, a line they cite having changed since (sessions leave them out already):',
    ),
    ...markedLines(
      expired,
      'Marked `status: expired`, unused for longer than `memory.expireDays` (sessions leave them out already):',
    ),
  ].join('\n');
}

function markedLines(slugs: readonly string[], lead: string): string[] {
  return slugs.length > 0
    ? ['', lead, '', ...slugs.map((slug) => `- \`${lessonPath(slug)}\``)]
    : [];
}

/** Publishes a learn session: nothing without lessons; else the lessons checked, pushed, and their pull request. */
export async function publishLessons(checked: CheckedLessons): Promise<PublishOutcome> {
  const { env, target, result, repo, token, io } = checked;
  if (!hasCommits(result) || !target.branch || !result.head || !result.base) {
    return { kind: 'published', lines: ['No lesson proposed: no pull request.'] };
  }
  const changed = (
    await repo.must({ args: ['diff', '--name-only', '-z', result.base, HEAD_REF], token })
  )
    .split('\0')
    .filter(Boolean);
  const problems: string[] = [];
  const slugs: string[] = [];
  const marked = { stale: [] as string[], expired: [] as string[] };
  for (const path of changed) {
    const text = await repo.must({ args: ['show', `${HEAD_REF}:${path}`], token });
    const read = parseLesson(path, text);
    if (!read.ok) {
      problems.push(...read.problems);
      continue;
    }
    const listed = await repo.must({
      args: ['ls-tree', '--name-only', result.base, '--', path],
      token,
    });
    if (!listed.trim()) {
      slugs.push(read.lesson.slug);
      continue;
    }
    // A lesson the default branch has may change one way alone: marked stale or expired, every other field as it was.
    const before = parseLesson(
      path,
      await repo.must({ args: ['show', `${result.base}:${path}`], token }),
    );
    const mark = (['stale', 'expired'] as const).find(
      (status) =>
        before.ok &&
        before.lesson.status === 'active' &&
        renderLesson({ ...before.lesson, status }) === renderLesson(read.lesson),
    );
    if (mark) marked[mark].push(read.lesson.slug);
    else
      problems.push(
        `${path}: a learn session changes an active lesson the repository has only to mark it status: stale or status: expired`,
      );
  }
  const { stale, expired } = marked;
  if (problems.length > 0 || slugs.length + stale.length + expired.length === 0) {
    return {
      kind: 'refused',
      problems: problems.length > 0 ? problems : ['the learn session committed no lesson'],
    };
  }
  if (!checked.pushed) {
    await pushBranch({
      repo,
      remote: io.remote,
      token,
      branch: target.branch,
      base: null,
      head: result.head,
      ...(io.log ? { log: io.log } : {}),
    });
  }
  const issue = Number(env.BATON_ISSUE ?? parseBuildId(target.build)?.issue);
  const repository = env.GITHUB_REPOSITORY;
  const remembered = rememberedComment(env.BATON_TRIGGER);
  const body = memoryPullBody({
    issue,
    slugs: slugs.sort(),
    stale: stale.sort(),
    expired: expired.sort(),
    ...(remembered ? { remembered } : {}),
  });
  const title = memoryPullTitle(issue, remembered);
  const pull = await ensureMemoryPull({ checked, branch: target.branch, title, body });
  return {
    kind: 'published',
    lines: [
      `Pushed ${slugs.length} lessons, ${stale.length} marked stale and ${expired.length} marked expired to ${target.branch}.`,
      `${pull.created ? 'Opened' : 'Updated'} pull request #${pull.number} of ${repository}: ${pull.url}`,
    ],
  };
}

/** The one pull request of the build's lessons: opened, or the open one's body updated (a re-run). */
async function ensureMemoryPull({
  checked: { env, api },
  branch,
  title,
  body,
}: {
  checked: CheckedLessons;
  branch: string;
  title: string;
  body: string;
}): Promise<{ number: number; url: string; created: boolean }> {
  const repository = env.GITHUB_REPOSITORY;
  const owner = repository.split('/')[0] ?? '';
  const find = async () => {
    const query = new URLSearchParams({
      state: 'open',
      head: `${owner}:${branch}`,
      per_page: '10',
    });
    const open = z
      .array(Pull)
      .parse(await api.request('GET', `${repoPath(repository)}/pulls?${query}`));
    return open[0] ?? null;
  };
  const update = async (number: number) => {
    const updated = Pull.parse(
      await api.request('PATCH', `${repoPath(repository)}/pulls/${number}`, { body }),
    );
    return { number: updated.number, url: updated.html_url, created: false };
  };
  const open = await find();
  if (open) return update(open.number);
  const { default_branch: base } = z
    .object({ default_branch: z.string() })
    .parse(await api.request('GET', repoPath(repository)));
  try {
    const created = Pull.parse(
      await api.request('POST', `${repoPath(repository)}/pulls`, {
        title,
        head: branch,
        base,
        body,
      }),
    );
    return { number: created.number, url: created.html_url, created: true };
  } catch (error) {
    // 422: another attempt opened it in the meantime; update that one.
    const again = error instanceof GitHubApiError && error.status === 422 ? await find() : null;
    if (!again) throw error;
    return update(again.number);
  }
}
