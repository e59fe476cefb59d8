import { parseUsageMessage, type UsageRecord } from '../../src/core/records/usage.js';
import { isWorkRole, type SessionRole } from '../../src/core/sessions/session.js';
import { integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { Simulation } from '../e2e.js';
import type { FakeGitHub } from '../github/fake-github.js';
import type { SimPull } from '../github/records.js';
import { type MachineLimit, machineLimit } from '../machine-time.js';
import { settle } from './settle.js';

/** How a maintainer plays a build: the issue, and what to do while it runs. */
export interface PlayBuildOptions {
  sim: Simulation;
  /** The issue; `label` (default `orchestrate`) picks the build type; `prepare` runs once it exists. */
  issue: { title: string; body: string; label?: string; prepare?: (issue: number) => void };
  /** Reply `/retry <id>` to every failed worker the status comment offers it for, at most this often per worker; default 0. */
  retries?: number;
  /** Told of every new version of the status comment, in order. */
  onStatus?: (body: string, at: Date) => void;
  /** Told of every notice Baton posts (a new comment, because a person is needed). */
  onNotice?: (body: string, at: Date) => void;
  /** Told of every comment the maintainer makes (`/approve`, `/retry W2.1`). */
  onComment?: (body: string, at: Date) => void;
  /**
   * A research build's follow-up questions, once the status comment proposes
   * them: `/approve` them, or `/skip follow-ups`. Left out, the build waits
   * (and the play times out) if a synthesis proposes any.
   */
  followUps?: 'approve' | 'skip';
  /**
   * What else the maintainer does while the build runs, asked at each look
   * until the final pull request opens: `say` replies on the issue (as
   * `/approve` and `/retry` are). Left out, nothing.
   */
  whileRunning?: (look: { issue: number; build: string; say: (body: string) => void }) => void;
  /** The whole build's time limit, in the machine's time (sim/machine-time.ts); default 3 minutes. */
  timeoutMs?: number;
  /**
   * The scripted model's problems (turns its scenario does not play), read at each look: one
   * fails its session, so the build cannot come out as scripted, and the play ends at once
   * naming it rather than at its limit.
   */
  problems?: readonly string[];
}

/** What the build left: the issue, the build id, the final PR, and every version of the status comment. */
export interface PlayedBuild {
  issue: number;
  build: string;
  finalPull: SimPull;
  statuses: string[];
}

/** The routes that write a comment's body (the log's route names carry the method). */
const STATUS_WRITES = new Set([
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
]);

/**
 * Plays a build as a maintainer would: labels the issue, waits for the plan,
 * replies `/approve`, answers failed workers with `/retry` when told to (and a
 * research build's follow-up questions when `followUps` says how), and
 * waits until the final pull request is open and the status comment shows
 * it, with every session finished and every webhook delivered.
 */
export async function playBuild(options: PlayBuildOptions): Promise<PlayedBuild> {
  const { sim } = options;
  const watch = watchStatus(sim.gh, options.onStatus, options.onNotice);
  const issue = sim.labelIssue(options.issue);
  const say = (body: string) => {
    sim.comment({ issue, body });
    options.onComment?.(body, new Date());
  };
  const limit = machineLimit(options.timeoutMs ?? 180_000);
  const watched = waitWatching({ sim, watch, limit });
  const wait: typeof watched = (what, check) =>
    watched(what, () => {
      const [problem] = options.problems ?? [];
      if (problem !== undefined)
        throw new Error(`the scripted model met what its scenario does not play: ${problem}`);
      return check();
    });
  await wait('the plan in the status comment', () =>
    sim.statusComment(issue)?.includes('Reply `/approve`'),
  );
  say('/approve');
  const retried = new Map<string, Set<number>>();
  const build = await wait('the build id', () => statusBuild(sim.statusComment(issue)));
  let followUpsAnswered = false;
  const finalPull = await wait('the final pull request', () => {
    if (options.retries) answerFailures({ sim, issue, retried, limit: options.retries, say });
    options.whileRunning?.({ issue, build, say });
    if (
      options.followUps &&
      !followUpsAnswered &&
      sim.statusComment(issue)?.includes('reply `/approve` to investigate')
    ) {
      followUpsAnswered = true;
      say(options.followUps === 'approve' ? '/approve' : '/skip follow-ups');
    }
    return findFinalPull(sim.gh, build);
  });
  // Its own line, not any "#N": status edits are paced, so an older status may still show
  // another reference with that number for a few seconds.
  await wait('the status comment to show the final pull request', () =>
    sim.statusComment(issue)?.includes(`**Final pull request:** [#${finalPull.number}]`),
  );
  await settle(sim);
  watch.poll();
  return { issue, build, finalPull, statuses: watch.statuses };
}

/** The final PR of a build: from its build branch to the default branch. */
export function findFinalPull(gh: FakeGitHub, build: string): SimPull | undefined {
  return [...gh.pulls.values()].find(
    (pull) => pull.head === integrationBranch(build) && pull.base === gh.defaultBranch,
  );
}

function statusBuild(body: string | undefined): string | null {
  return /<!-- baton:status build=([\w.-]+) -->/.exec(body ?? '')?.[1] ?? null;
}

/** `/retry W1.2` for each worker whose row offers it, once per failed attempt. */
function answerFailures({
  sim,
  issue,
  retried,
  limit,
  say,
}: {
  sim: Simulation;
  issue: number;
  say: (body: string) => void;
  /** Per worker, the attempt counts at which it was retried already. */
  retried: Map<string, Set<number>>;
  limit: number;
}): void {
  const body = sim.statusComment(issue) ?? '';
  for (const [, worker = ''] of body.matchAll(/`\/retry (W\d+\.\d+)`/g)) {
    const attempts = sim.gh.runs.filter(
      (run) => isWorkRole(run.inputs.role as SessionRole) && run.inputs.worker === worker,
    ).length;
    const done = retried.get(worker) ?? new Set<number>();
    if (done.has(attempts) || done.size >= limit) continue;
    retried.set(worker, done.add(attempts));
    say(`/retry ${worker}`);
  }
}

/**
 * A wait on the simulation that reads every status comment written meanwhile
 * (`watch`) before each check, all of its waits sharing one `limit` of the
 * machine's time: the one that finds it run out names its stage.
 */
export function waitWatching({
  sim,
  watch,
  limit,
}: {
  sim: Simulation;
  watch: { poll(): void };
  limit: MachineLimit;
}): <T>(what: string, check: () => T | null | undefined | false) => Promise<T> {
  return (what, check) =>
    sim.waitFor(
      what,
      () => {
        watch.poll();
        return check();
      },
      limit,
    );
}

/**
 * Every version of every status comment, in the order the app wrote them,
 * read from the simulated GitHub's request log (so none is missed between two
 * polls); an unchanged body is not counted twice.
 */
export function watchStatus(
  gh: FakeGitHub,
  onStatus?: (body: string, at: Date) => void,
  onNotice?: (body: string, at: Date) => void,
): { statuses: string[]; poll(): void } {
  const statuses: string[] = [];
  let seen = 0;
  return {
    statuses,
    poll() {
      for (; seen < gh.log.length; seen++) {
        const entry = gh.log[seen];
        const body = (entry?.body as { body?: unknown } | undefined)?.body;
        const written = entry && entry.status < 300 && STATUS_WRITES.has(entry.route);
        if (!written || typeof body !== 'string') continue;
        if (body.includes('<!-- baton:notice') && entry.route.startsWith('POST')) {
          onNotice?.(body, new Date());
          continue;
        }
        if (!body.includes('<!-- baton:status')) continue;
        if (statuses.at(-1) === body) continue;
        statuses.push(body);
        onStatus?.(body, new Date());
      }
    },
  };
}

/** The usage records a build's publish jobs pushed to its hidden refs, by run. */
export function usageRecordsOf(gh: FakeGitHub, build: string): UsageRecord[] {
  const prefix = `refs/baton/${build}/usage/`;
  return [...gh.git.refs]
    .filter(([ref]) => ref.startsWith(prefix))
    .flatMap(([, sha]) => {
      const commit = gh.git.objects.get(sha);
      const record = commit?.type === 'commit' ? parseUsageMessage(commit.message) : null;
      return record ? [record] : [];
    })
    .sort((a, b) => a.run_id - b.run_id);
}
