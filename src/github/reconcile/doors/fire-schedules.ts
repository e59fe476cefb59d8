/**
 * The schedule door (docs/intake.md): each schedule of `.github/baton.yml` that
 * is due starts a build, once across replicas and runs. Only the repository's
 * own file on its default branch is read, so a schedule on a branch or an
 * unmerged pull request fires nothing. The asker is the GitHub account of the
 * author of the newest default-branch commit that changed the schedule (the
 * parsed entry, not its spacing), who must have write access now; a schedule
 * whose author has none stops and says so in one issue per change.
 *
 * Each firing opens an issue (the build lives on it, as every build does):
 * its title the schedule's, its text the brief file's or the issue run
 * again's. A firing is guarded by the ref `refs/baton-schedules/<name>/<slot>`,
 * created before anything is written: a second replica, a resync and the
 * conductor's hourly run that find it created fire nothing. Once a firing
 * went, the schedule's older slots' refs are deleted.
 */
import { parse } from 'yaml';
import { dueFiring, firingSlot, type Schedule, Schedules } from '../../../core/config/schedules.js';
import { CONFIG_FILE } from '../../../core/vocabulary/ids.js';
import { deleteRef } from '../../act/locks/refs.js';
import { writeOnceByRef } from '../../act/locks/write-once.js';
import { withReason } from '../../client/request-reason.js';
import type { RepoContext } from '../../client/types.js';
import { listMatchingRefs } from '../../observe/hidden-records.js';
import { hasWriteAccess } from '../../observe/permissions.js';
import { readFileAt } from '../../setup/setup-git.js';
import type { BuildLog, ScheduleDeps } from '../queue/handler-deps.js';
import {
  type AskAnswer,
  askForBuild,
  type StartBuild,
  startWithoutDelivery,
} from './ask-for-build.js';

const CONFIG_PATH = `.github/${CONFIG_FILE}`;

/** The most commits of the file walked back to find who changed a schedule: one page. */
const WALK_LIMIT = 30;

/** The most characters of a brief or an issue run again that the firing's issue carries. */
const BRIEF_CHARS = 50_000;

/** What a due schedule came to. */
export type Firing =
  | { schedule: string; result: 'taken' }
  | { schedule: string; result: 'started'; issue: number; answer: AskAnswer }
  | { schedule: string; result: 'stopped'; why: string };

interface Listed {
  sha: string;
  html_url: string;
  author: { login: string } | null;
}

/**
 * Fires the schedules due at `now` in the repository: read from its own
 * `.github/baton.yml` on `defaultBranch`, one request when none is due.
 */
export async function fireSchedules(
  ctx: RepoContext,
  { defaultBranch, now, start }: { defaultBranch: string; now: string; start: StartBuild },
): Promise<Firing[]> {
  const text = await fileAt(ctx, CONFIG_PATH, defaultBranch);
  const due = schedulesOf(text).flatMap((schedule) => {
    const firing = dueFiring(schedule, now);
    return firing ? [{ schedule, firing }] : [];
  });
  if (due.length === 0) return [];
  const commits = await fileCommits(ctx, defaultBranch);
  const head = commits[0];
  if (!head) return [];
  const fired: Firing[] = [];
  for (const { schedule, firing } of due) {
    const ref = `refs/baton-schedules/${schedule.name}/${firingSlot(firing)}`;
    const guarded = await withReason('schedule', () =>
      writeOnceByRef(ctx, { ref, sha: head.sha }, () =>
        fireOne(ctx, { schedule, firing, commits, text: text ?? '', start }),
      ),
    );
    fired.push(guarded.taken ? { schedule: schedule.name, result: 'taken' } : guarded.value);
    if (!guarded.taken) await pruneFirings(ctx, schedule.name, ref);
  }
  return fired;
}

/** A firing's guard ref's last part: its slot (`20261128T0500Z`), not a stop's (`stopped-<sha>`). */
const SLOT = /^\d{8}T\d{4}Z$/;

/**
 * Deletes the guard refs of a schedule's older firings once a newer one fired: only the
 * newest firing can be due (`dueFiring`), so an older slot's guard guards nothing, and a
 * schedule that fires daily would otherwise leave a ref a day. A stop's ref stays (it says
 * once per change that the schedule stopped). Best effort: a ref left is pruned next time.
 */
async function pruneFirings(ctx: RepoContext, name: string, kept: string): Promise<void> {
  const refs = await listMatchingRefs(ctx, `baton-schedules/${name}/`).catch(() => []);
  for (const { ref } of refs) {
    if (ref === kept || !SLOT.test(ref.split('/').at(-1) ?? '')) continue;
    await withReason('schedule', () => deleteRef(ctx, ref)).catch(() => undefined);
  }
}

async function fireOne(
  ctx: RepoContext,
  {
    schedule,
    firing,
    commits,
    text,
    start,
  }: { schedule: Schedule; firing: string; commits: Listed[]; text: string; start: StartBuild },
): Promise<Firing> {
  const changed = await lastChange(ctx, schedule.name, { commits, text });
  const asker = changed?.author?.login ?? null;
  const why = !changed
    ? `no commit among the last ${WALK_LIMIT} of ${CONFIG_PATH} on the default branch says who set it`
    : !asker
      ? `the commit that last changed it (${changed.sha.slice(0, 7)}) is linked to no GitHub account`
      : (await hasWriteAccess(ctx, asker, { ttlMs: 0 }))
        ? null
        : `@${asker}, who last changed it (${changed.sha.slice(0, 7)}), has no write access to the repository now`;
  if (why || !asker || !changed) {
    const reason = why ?? 'no asker';
    await sayStopped(ctx, { schedule, why: reason, sha: changed?.sha ?? commits[0]?.sha ?? '' });
    return { schedule: schedule.name, result: 'stopped', why: reason };
  }
  const brief = await briefOf(ctx, schedule, commits[0]?.sha ?? '');
  const title = `${schedule.title ?? schedule.name} (${firing.slice(0, 16).replace('T', ' ')} UTC)`;
  const body = [
    `<!-- baton:schedule name=${schedule.name} at=${firing} -->`,
    `Asked by the schedule \`${schedule.name}\` of \`${CONFIG_PATH}\`, last changed by @${asker} in ${changed.html_url}.`,
    '',
    brief,
  ].join('\n');
  const { data: issue } = await withReason('schedule', () =>
    ctx.octokit.rest.issues.create({ owner: ctx.owner, repo: ctx.repo, title, body }),
  );
  const answer = await askForBuild(
    ctx,
    {
      asker,
      issue: { number: issue.number, title },
      what: schedule.improve ? { kind: 'improve' } : { kind: 'build', type: schedule.type },
      how: { way: 'schedule', schedule: schedule.name },
      at: firing,
      link: changed.html_url,
      found: null,
    },
    start,
  );
  return { schedule: schedule.name, result: 'started', issue: issue.number, answer };
}

/** The schedules of the file's text; none where it has none or they are broken (the build's config check says why). */
function schedulesOf(text: string | null): Schedule[] {
  const raw = rawSchedules(text);
  const parsed = Schedules.safeParse(raw ?? []);
  return parsed.success ? parsed.data : [];
}

function rawSchedules(text: string | null): unknown[] | null {
  if (text === null) return null;
  try {
    const doc = parse(text) as { schedules?: unknown } | null;
    return Array.isArray(doc?.schedules) ? doc.schedules : null;
  } catch {
    return null;
  }
}

/** The schedule named `name` as the file's text spells it (its entry as written), or null. */
function entryOf(text: string | null, name: string): string | null {
  const entry = rawSchedules(text)?.find(
    (one) => (one as { name?: unknown } | null)?.name === name,
  );
  return entry === undefined ? null : JSON.stringify(entry);
}

/**
 * The newest of `commits` (the file's, newest first) that changed schedule
 * `name`: where the entry differs from the file at the next older commit
 * listed (no commit between them changed the file). Null past one page.
 */
async function lastChange(
  ctx: RepoContext,
  name: string,
  { commits, text }: { commits: Listed[]; text: string },
): Promise<Listed | null> {
  let newer = entryOf(text, name);
  for (let i = 0; i < commits.length; i++) {
    const older = commits[i + 1];
    // Past a full page, the file's older history is not listed: who set it is not known.
    if (!older && commits.length >= WALK_LIMIT) return null;
    const before = older ? entryOf(await fileAt(ctx, CONFIG_PATH, older.sha), name) : null;
    if (before !== newer) return commits[i] ?? null;
    newer = before;
  }
  return null;
}

/** The default branch's commits that changed the file, newest first (one page). */
async function fileCommits(ctx: RepoContext, branch: string): Promise<Listed[]> {
  const { data } = await ctx.octokit.rest.repos.listCommits({
    owner: ctx.owner,
    repo: ctx.repo,
    sha: branch,
    path: CONFIG_PATH,
    per_page: WALK_LIMIT,
  });
  return data.map((commit) => ({
    sha: commit.sha,
    html_url: commit.html_url,
    author: commit.author && 'login' in commit.author ? { login: commit.author.login } : null,
  }));
}

/** A file's text at `ref`; null where there is none (or it is no file of text). */
async function fileAt(ctx: RepoContext, path: string, ref: string): Promise<string | null> {
  const read = await readFileAt(ctx, { ref, path });
  return read.kind === 'file' ? read.content : null;
}

/** The firing's brief: the file's text at the head read, or the issue run again's title and text. */
async function briefOf(ctx: RepoContext, schedule: Schedule, sha: string): Promise<string> {
  if (schedule.brief !== undefined) {
    const text = await fileAt(ctx, schedule.brief, sha);
    return text === null
      ? `The brief \`${schedule.brief}\` is not on the default branch.`
      : text.slice(0, BRIEF_CHARS);
  }
  const { data } = await ctx.octokit.rest.issues.get({
    owner: ctx.owner,
    repo: ctx.repo,
    issue_number: schedule.issue ?? 0,
  });
  return [
    `Again, as #${data.number} asks: ${data.title}`,
    '',
    (data.body ?? '').slice(0, BRIEF_CHARS),
  ].join('\n');
}

/**
 * Says once per change of the schedule (its ref `…/stopped-<sha>`) that it
 * stopped and why, in an issue of its own: the schedule starts nothing until
 * a writer changes it on the default branch.
 */
async function sayStopped(
  ctx: RepoContext,
  { schedule, why, sha }: { schedule: Schedule; why: string; sha: string },
): Promise<void> {
  if (!sha) return;
  await writeOnceByRef(
    ctx,
    { ref: `refs/baton-schedules/${schedule.name}/stopped-${sha.slice(0, 12)}`, sha },
    () =>
      withReason('notice', () =>
        ctx.octokit.rest.issues.create({
          owner: ctx.owner,
          repo: ctx.repo,
          title: `Baton: the schedule ${schedule.name} stopped`,
          body: `The schedule \`${schedule.name}\` of \`${CONFIG_PATH}\` started no build: ${why}. It starts nothing until a writer changes it on the default branch (that writer is then its asker).`,
        }),
      ),
  );
}

/** How a schedule's firing starts its build: a reconcile queued with `start`, as the resync queues one. */
export function startFromSchedule(
  ctx: RepoContext,
  options: { defaultBranch: string; deps: ScheduleDeps; log: BuildLog },
): StartBuild {
  return startWithoutDelivery(ctx, { ...options, said: 'baton: a schedule asks for a build' });
}
