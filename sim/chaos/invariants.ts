import { isWorkRole, type SessionRole } from '../../src/core/sessions/session.js';
import { parseVerdictMarker } from '../../src/core/sessions/verdict-marker.js';
import {
  completionPath,
  integrationBranch,
  planPath,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import type { FakeGitHub, SimRequestLog } from '../github/fake-github.js';
import { botNoReplyEmail } from '../github/routes/routes-pulls.js';
import { deliveredOrSaysWhy } from './says-why.js';

/** One worker of the played plan, as plan.json has it. */
interface PlannedWorker {
  id: string;
  depends_on: string[];
}

/** The build a chaos run played, and whether it reached its final pull request. */
export interface PlayedChaos {
  gh: FakeGitHub;
  issue: number;
  build: string;
  /** The final PR was opened and shown in the status comment in time. */
  completed: boolean;
  /** The comments people wrote (the `/approve` that starts the build included). */
  personComments: string[];
  /** The model requests the sessions made and were answered, in order; absent where not recorded. */
  modelCalls?: readonly ModelCall[];
}

/** One answered model request: its session's role, pull request and turn, and how long GitHub's log (`gh.log`) was when it came. */
export interface ModelCall {
  role: string;
  pr: number | null;
  turn: number;
  at: number;
}

const COMMENTS = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
const REFS = 'POST /repos/{owner}/{repo}/git/refs';
const UNREF = 'DELETE /repos/{owner}/{repo}/git/refs/{ref}';
const MERGE = 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge';
const REVIEWS = 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews';
const DISPATCH = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';

/**
 * The issue's invariants of a build under faults, computed from what the
 * simulated GitHub did (its request log and store), never from the app's own
 * word. Answers the invariants that failed, each with what was seen.
 */
export function checkInvariants(played: PlayedChaos): string[] {
  const { gh, issue, build } = played;
  const done = gh.log.map((entry, index) => ({ ...entry, index })).filter((e) => e.status < 300);
  const bodyOf = (entry: SimRequestLog) => (entry.body ?? {}) as Record<string, unknown>;
  const failed: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failed.push(what);
  };

  // The build's own: a repository may hold several builds at once.
  const statusPosts = done.filter(
    (e) =>
      e.route === COMMENTS &&
      e.path.endsWith(`/issues/${issue}/comments`) &&
      String(bodyOf(e).body ?? '').includes('<!-- baton:status'),
  );
  check(statusPosts.length === 1, `one status comment (created ${statusPosts.length})`);

  const workers = readPlan(gh, build);
  check(workers.length > 0, 'a plan on the build branch');
  const inputsOf = (e: SimRequestLog) => (bodyOf(e).inputs ?? {}) as Record<string, string>;
  const dispatches = done.filter((e) => e.route === DISPATCH && inputsOf(e).build === build);
  const merges = done.filter((e) => e.route === MERGE);
  const pullOf = (worker: string) =>
    [...gh.pulls.values()].find((pull) => pull.head === workerBranch(build, worker));
  const mergeOf = (worker: string) => {
    const pull = pullOf(worker);
    return merges.filter((e) => pull && e.path.endsWith(`/pulls/${pull.number}/merge`));
  };

  let workAttempts = 0;
  for (const { id, depends_on } of workers) {
    const own = dispatches.filter(
      (e) => inputsOf(e).worker === id && isWorkRole(inputsOf(e).role as SessionRole),
    );
    const attempts = new Map<string, number>();
    for (const e of own) {
      const trigger = inputsOf(e).trigger ?? '';
      attempts.set(trigger, (attempts.get(trigger) ?? 0) + 1);
    }
    // A worker's first attempt guards itself (docs/design-notes.md, "A review's dispatch is its
    // own guard"): replicas that share no store may both dispatch it, and its twin ends before
    // the model is asked (below). Every other attempt takes a lock.
    const twice = [...attempts].filter(([t, n]) => n > 1 && t !== '').map(([t]) => t);
    check(twice.length === 0, `${id}: one dispatch per attempt (twice: ${twice.join(', ')})`);
    workAttempts += attempts.size;
    const merged = mergeOf(id);
    const merge = merged[0];
    const branch = `refs/heads/${workerBranch(build, id)}`;
    const created = done.filter((e) => e.route === REFS && bodyOf(e).ref === branch);
    // A lock released after a dispatch GitHub refused is taken again by the next reconcile;
    // a branch made again after its merge (and its deletion) still counts twice.
    const mergedAt = merge?.index ?? Number.POSITIVE_INFINITY;
    const released = done.filter(
      (e) =>
        e.route === UNREF &&
        e.index < mergedAt &&
        decodeURIComponent(e.path).endsWith(`/git/${branch}`),
    );
    check(
      created.length <= Math.max(1, attempts.size) + released.length,
      `${id}: branch created once per attempt (${created.length} for ${attempts.size}, ${released.length} released)`,
    );
    check(merged.length === 1, `${id}: PR merged once (${merged.length})`);
    if (merge) {
      const sha = String(bodyOf(merge).sha ?? '');
      // A head that only merged the build branch in (update-branch) keeps the verdict of the head before it.
      const judged = new Set([sha, updatedFrom(gh, build, sha)]);
      const approved = done.some(
        (e) =>
          e.route === REVIEWS &&
          e.index < merge.index &&
          e.path.endsWith(`/pulls/${pullOf(id)?.number}/reviews`) &&
          judged.has(String(bodyOf(e).commit_id)) &&
          parseVerdictMarker(String(bodyOf(e).body ?? ''))?.verdict === 'approve',
      );
      check(
        approved,
        `${id}: merged after an approve verdict for its merged head ${sha.slice(0, 7)}`,
      );
    }
    const firstDispatch = own[0];
    for (const dependency of depends_on) {
      const depMerge = mergeOf(dependency)[0];
      check(
        !firstDispatch || (depMerge !== undefined && depMerge.index < firstDispatch.index),
        `${id}: dispatched only after ${dependency} merged`,
      );
    }
    const head = gh.git.resolve(integrationBranch(build));
    check(
      head !== null && gh.git.entryAt(head, completionPath(build, id)) !== null,
      `${id}: its output on the build branch`,
    );
  }

  // Each attempt of a worker's work asks the model from one session: a twin asks it nothing.
  if (played.modelCalls) {
    const sessions = played.modelCalls.filter(
      (call) => isWorkRole(call.role as SessionRole) && call.turn === 0,
    ).length;
    check(
      sessions <= workAttempts,
      `a worker's attempt asks the model from one session (${sessions} sessions for ${workAttempts} attempts)`,
    );
  }

  // A review run of a merged pull request has nothing to judge: it posts nothing and asks no model.
  for (const pull of [...gh.pulls.values()].filter((one) =>
    one.head.startsWith(`baton/${build}/`),
  )) {
    const merge = merges.find((e) => e.path.endsWith(`/pulls/${pull.number}/merge`));
    if (!merge) continue;
    const late = done.filter(
      (e) =>
        e.route === REVIEWS &&
        e.index > merge.index &&
        e.path.endsWith(`/pulls/${pull.number}/reviews`),
    );
    check(
      late.length === 0,
      `#${pull.number}: no review posted after it merged (${late.length} posted)`,
    );
    const asked = (played.modelCalls ?? []).filter(
      (call) =>
        call.role === 'review' &&
        call.pr === pull.number &&
        call.turn === 0 &&
        call.at > merge.index,
    );
    check(
      asked.length === 0,
      `#${pull.number}: no review session asks the model after it merged (${asked.length} did)`,
    );
  }

  const perHead = new Map<string, number>();
  for (const review of gh.reviews.filter((r) => r.user.login === gh.botLogin)) {
    const key = `#${review.pull}@${review.commitId.slice(0, 7)}`;
    perHead.set(key, (perHead.get(key) ?? 0) + 1);
  }
  const doubled = [...perHead].filter(([, n]) => n > 1).map(([key]) => key);
  check(doubled.length === 0, `at most one review per PR per head (twice: ${doubled.join(', ')})`);

  const finals = [...gh.pulls.values()].filter(
    (pull) => pull.head === integrationBranch(build) && pull.base === gh.defaultBranch,
  );
  check(
    finals.length === 1 && (finals[0]?.body ?? '').includes(`Closes #${issue}`),
    `one final PR with Closes #${issue} (${finals.length})`,
  );
  // Standing: a build that did not deliver shows why on its status, as a person reads it.
  const silent = deliveredOrSaysWhy(gh, {
    issue,
    build,
    delivered: played.completed || finals.length > 0,
  });
  check(silent === null, silent ?? '');
  const steering = played.personComments.filter((body) => body.trim() !== '/approve');
  check(
    played.completed && steering.length === 0,
    `the build completes without a person${steering.length ? ` (${steering.join(', ')})` : ''}`,
  );
  return failed;
}

/**
 * The earlier head of a head made by `update-branch`, or the head: a merge of
 * the build branch into it that GitHub made for the app (authored by its bot,
 * signed with GitHub's key), as the simulator recorded it. A merge a person or
 * a session made, whatever its message, is a head of its own.
 */
function updatedFrom(gh: FakeGitHub, build: string, sha: string): string {
  const commit = gh.git.objects.get(sha);
  if (commit?.type !== 'commit') return sha;
  const [first, second] = commit.parents;
  const byGitHubForTheApp =
    commit.signedByGitHub === true && commit.author?.email === botNoReplyEmail(gh.botLogin);
  return first && second && byGitHubForTheApp && commit.message.includes(integrationBranch(build))
    ? first
    : sha;
}

function readPlan(gh: FakeGitHub, build: string): PlannedWorker[] {
  const head = gh.git.resolve(integrationBranch(build));
  const text = head ? gh.git.filesOf(head).get(planPath(build)) : undefined;
  if (!text) return [];
  const plan = JSON.parse(text) as { workers?: PlannedWorker[] };
  return (plan.workers ?? []).map(({ id, depends_on }) => ({ id, depends_on: depends_on ?? [] }));
}
