/**
 * A build's sub-issues: the mirrors Baton opens for a plan's workers (one a
 * worker, found again by a hidden marker), and the closing of a sub-issue once
 * its worker has merged.
 */
import type { Config } from '../config/config.js';
import type { Action } from '../context/action.js';
import type { Plan } from '../plan/plan.js';
import type { BuildSnapshot, SubIssueInfo } from '../snapshot/snapshot.js';
import { briefPath, compareWorkerIds } from '../vocabulary/ids.js';
import type { WorkerState } from '../workers/worker-state.js';

/** The hidden marker that says which worker of which build a sub-issue mirrors. */
export function renderMirrorMarker(build: string, worker: string): string {
  return `<!-- baton:mirror build=${build} worker=${worker} -->`;
}

/** The worker a mirror's body names, if it is of this build. */
export function parseMirrorMarker(body: string, build: string): string | null {
  const match = /<!-- baton:mirror build=(\S+) worker=(W\d+\.\d+) -->/.exec(body);
  return match && match[1] === build ? (match[2] ?? null) : null;
}

/** A mirror's title: the worker id, then its title, as the plan says. */
export function mirrorTitle(worker: { id: string; title: string }): string {
  return `${worker.id}: ${worker.title}`;
}

/** A mirror's body: what it is, where the brief lies, and the marker. No brief text. */
export function renderMirrorBody({
  build,
  worker,
  briefPath,
}: {
  build: string;
  worker: string;
  briefPath: string;
}): string {
  return [
    `Worker ${worker} of Baton's build \`${build}\`. Its brief is \`${briefPath}\` on the build branch; Baton closes this issue when the worker's pull request merges.`,
    '',
    renderMirrorMarker(build, worker),
  ].join('\n');
}

/**
 * With `plan.mirrorSubIssues`, every worker of a planned build has a sub-issue
 * of the build's issue (docs/sub-issues.md), kept in step with the plan:
 *
 * - one is created for a worker that has none (in plan order, so a
 *   dependency's comes first and can be linked), except a skipped worker;
 * - its title follows the plan (a `/replan` may rename the worker);
 * - it is closed as completed when the worker merges (`decideSubIssues`), and
 *   as not planned when the worker is skipped or a later plan drops it; it
 *   stays a sub-issue of the issue, so the plan's history shows there;
 * - one closed as not planned is reopened, under its title now, when a later
 *   plan brings its worker back under the same id.
 *
 * Each rule reads the state GitHub lists, so a closed mirror is never closed
 * again, and a lost event is made good at the next look. A build of
 * sub-issues is not mirrored: its sub-issues are the plan already.
 */
export function decideMirror({
  snapshot,
  config,
  plan,
  workers,
}: {
  snapshot: BuildSnapshot;
  config: Config;
  plan: Plan;
  workers: WorkerState[];
}): Action[] {
  if (!config.plan.mirrorSubIssues || !snapshot.issue.subIssues) return [];
  if (plan.workers.some((worker) => worker.sub_issue !== undefined)) return [];
  const mirrors = mirrorsOf(snapshot.issue.subIssues);
  const planned = workers.flatMap(({ worker, state }): Action[] => {
    const title = mirrorTitle(worker);
    const mirror = mirrors.get(worker.id);
    if (!mirror) {
      if (state === 'skipped') return [];
      const body = renderMirrorBody({
        build: snapshot.build,
        worker: worker.id,
        briefPath: briefPath(snapshot.build, worker.id),
      });
      const dependsOn = worker.depends_on.map((dep) => {
        const id = mirrors.get(dep)?.id;
        return id === undefined ? { worker: dep } : { worker: dep, id };
      });
      return [{ kind: 'create-mirror', worker: worker.id, title, body, dependsOn }];
    }
    if (mirror.state === 'closed') {
      const back =
        mirror.stateReason === 'not_planned' && state !== 'skipped' && state !== 'merged';
      return back
        ? [{ kind: 'reopen-sub-issue', number: mirror.number, worker: worker.id, title }]
        : [];
    }
    if (state === 'skipped') {
      return [
        {
          kind: 'close-sub-issue',
          number: mirror.number,
          worker: worker.id,
          reason: 'not_planned',
        },
      ];
    }
    if (mirror.title !== undefined && mirror.title !== title) {
      return [{ kind: 'retitle-issue', number: mirror.number, title }];
    }
    return [];
  });
  const ids = new Set(plan.workers.map((worker) => worker.id));
  const dropped = closeOpenMirrors(
    [...mirrors].filter(([worker]) => !ids.has(worker)),
    () => 'not_planned',
  );
  return [...planned, ...dropped];
}

/**
 * A cancelled build's mirrors still open are closed: as completed for a
 * worker whose pull request merged (its close may not have happened yet), as
 * not planned for the rest. Should the build go on (its issue reopened),
 * `decideMirror` reopens those whose workers are still to do.
 */
export function decideCancelledMirrors(snapshot: BuildSnapshot, config: Config): Action[] {
  if (!config.plan.mirrorSubIssues || !snapshot.issue.subIssues) return [];
  const merged = new Set(
    snapshot.pulls.filter((pull) => pull.state === 'merged').map((pull) => pull.worker),
  );
  return closeOpenMirrors([...mirrorsOf(snapshot.issue.subIssues)], (worker) =>
    merged.has(worker) ? 'completed' : 'not_planned',
  );
}

/** Closes each of these mirrors that is open, in worker order, for the reason given. */
function closeOpenMirrors(
  mirrors: [string, SubIssueInfo][],
  reasonOf: (worker: string) => 'completed' | 'not_planned',
): Action[] {
  return mirrors
    .filter(([, mirror]) => mirror.state === 'open')
    .sort(([a], [b]) => compareWorkerIds(a, b))
    .map(([worker, mirror]) => ({
      kind: 'close-sub-issue',
      number: mirror.number,
      worker,
      reason: reasonOf(worker),
    }));
}

/** The mirror sub-issue of each worker; of two for one worker (should never be), the first. */
export function mirrorsOf(subIssues: SubIssueInfo[]): Map<string, SubIssueInfo> {
  const mirrors = new Map<string, SubIssueInfo>();
  for (const sub of subIssues) {
    if (sub.mirrorOf && !mirrors.has(sub.mirrorOf)) mirrors.set(sub.mirrorOf, sub);
  }
  return mirrors;
}

/**
 * A build of sub-issues closes each sub-issue once its worker's pull request
 * has merged into the build branch, and so does a mirrored build its mirrors. Only sub-issues GitHub still lists under
 * the build's issue, and still open, are closed: a closed one is left as it is.
 */
export function decideSubIssues(snapshot: BuildSnapshot, workers: WorkerState[]): Action[] {
  const subIssues = snapshot.issue.subIssues ?? [];
  const open = new Set(subIssues.filter((s) => s.state === 'open').map((s) => s.number));
  const mirrors = mirrorsOf(subIssues);
  return workers.flatMap(({ worker, state }): Action[] => {
    const number = worker.sub_issue ?? mirrors.get(worker.id)?.number;
    if (number === undefined || state !== 'merged' || !open.has(number)) return [];
    return [{ kind: 'close-sub-issue', number, worker: worker.id, reason: 'completed' }];
  });
}
