import type { Runaway } from '../rules/runaway.js';
import type { SessionRole } from '../sessions/session.js';
import type { Ledger, LedgerEntry } from '../snapshot/ledger.js';
import type { RunInfo } from '../snapshot/snapshot.js';
import type { CommandEntry, Link, ReviewRound } from '../status/status-view.js';
import type { BuildRead } from './build-read.js';
import type { BuildRow } from './build-row.js';
import { type NoticeLine, noticeLines } from './notice-lines.js';
import { sessionEngine, sessionModel } from './session-model.js';

/** How a session ended, in a word: still going, delivered, or why not. */
export type SessionOutcome =
  | 'queued'
  | 'running'
  | 'delivered'
  | 'partial'
  | 'blocked'
  | 'impossible'
  | 'failed'
  | 'cancelled'
  | 'timed-out';

/** One session of the build, a bar of its timeline. */
export interface SessionBar {
  runId: number;
  attempt: number;
  url: string;
  role: SessionRole;
  /** When it left the queue, and when it ended (null while it runs). */
  startedAt: string;
  endedAt: string | null;
  seconds: number | null;
  /** Its record's engine, else the one the configuration chose for it. */
  engine: string;
  model: string | null;
  /** What it cost, from the ledger; null before its record (or estimate) is counted. */
  costUsd: number | null;
  estimated: boolean;
  outcome: SessionOutcome;
}

/** One lane of the timeline: a worker's sessions, or the build's own (plan, synthesis). */
export interface TimelineLane {
  /** The worker id, or `build` for sessions of no worker. */
  lane: string;
  repository: string;
  sessions: SessionBar[];
}

/** A build's own view: its row, the graph, the timeline, the review rounds, its notices. */
export interface BuildDetail {
  row: BuildRow;
  /** The plan's workers across the repositories the viewer may read, with what each depends on. */
  graph: { id: string; title: string; repository: string; state: string; dependsOn: string[] }[];
  lanes: TimelineLane[];
  /** From the first session's start to its last end (or now): the timeline's span. */
  span: { from: string; to: string } | null;
  rounds: { worker: string; pull: Link; rounds: ReviewRound[] }[];
  /** The notices Baton posted on the issue, each said in words (their text is on the issue). */
  notices: NoticeLine[];
  history: CommandEntry[];
  runaways: Runaway[];
  byRole: { role: SessionRole; usd: number; sessions: number }[];
}

/**
 * The detail of one build the viewer may read, from its row (workers already
 * filtered); a change set's with its `members` the viewer may read, whose
 * sessions join its timeline and whose spend its figures (as the overview's).
 */
export function buildDetailOf({
  read,
  row,
  ledger,
  runaways,
  members = [],
  readable = () => true,
  now,
}: {
  read: BuildRead;
  row: BuildRow;
  ledger: Ledger;
  runaways: readonly Runaway[];
  members?: readonly { read: BuildRead; ledger: Ledger; row: BuildRow }[];
  /** Whether the viewer may read a repository: a set's notices about others are left out where not. */
  readable?: (repository: string) => boolean;
  now: string;
}): BuildDetail {
  const { snapshot, view } = read;
  const visible = new Set(row.workers.map((worker) => worker.id));
  const lanes = mergedLanes([
    lanesOf({ read, row, ledger, visible, unplanned: 'left out' }),
    ...members.map((member) => lanesOf({ ...member, visible, unplanned: 'build' })),
  ]);
  const bars = lanes.flatMap((lane) => lane.sessions);
  const from = bars.map((bar) => bar.startedAt).sort()[0];
  const to = bars
    .map((bar) => bar.endedAt ?? now)
    .sort()
    .at(-1);
  const progress =
    view?.phase === 'running' || view?.phase === 'done' || view?.phase === 'cancelled'
      ? view.progress
      : null;
  return {
    row,
    graph: row.workers.map((worker) => ({
      id: worker.id,
      title: worker.title,
      repository: worker.repository,
      state: worker.state,
      dependsOn: worker.dependsOn.filter((id) => visible.has(id)),
    })),
    lanes,
    span: from && to ? { from, to } : null,
    rounds: (progress?.workers ?? [])
      .filter((worker) => visible.has(worker.id) && worker.pull && worker.rounds.length > 0)
      .map((worker) => ({ worker: worker.id, pull: worker.pull as Link, rounds: worker.rounds })),
    // A member's notices and commands are on its set's issue: none where the viewer may not read it.
    notices: row.issue ? noticeLines(snapshot.notices ?? [], readable) : [],
    history: row.issue ? (progress?.history ?? []) : [],
    runaways: runaways.filter((runaway) => visible.has(runaway.worker)),
    byRole: byRoleOf([ledger, ...members.map((member) => member.ledger)]),
  };
}

function byRoleOf(ledgers: readonly Ledger[]): BuildDetail['byRole'] {
  const roles = new Map<SessionRole, { role: SessionRole; usd: number; sessions: number }>();
  for (const ledger of ledgers) {
    for (const [role, tally] of Object.entries(ledger.byRole)) {
      if (tally.sessions === 0) continue;
      const found = roles.get(role as SessionRole) ?? {
        role: role as SessionRole,
        usd: 0,
        sessions: 0,
      };
      found.usd += tally.costUsd;
      found.sessions += tally.sessions;
      roles.set(role as SessionRole, found);
    }
  }
  return [...roles.values()];
}

/** The lanes of a set's builds as one timeline: a worker's sessions in one lane, the builds' own first. */
function mergedLanes(groups: readonly TimelineLane[][]): TimelineLane[] {
  const lanes = new Map<string, TimelineLane>();
  for (const [index, group] of groups.entries()) {
    for (const lane of group) {
      // A member build's own sessions (its plan's copy, its checks) are named by its repository.
      const name = index > 0 && lane.lane === 'build' ? lane.repository : lane.lane;
      const found = lanes.get(name);
      if (found) found.sessions.push(...lane.sessions);
      else lanes.set(name, { ...lane, lane: name, sessions: [...lane.sessions] });
    }
  }
  for (const lane of lanes.values())
    lane.sessions.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return [...lanes.values()];
}

/**
 * A build's sessions by lane. A session of a worker the row does not show is
 * left out of the set's own build (a worker of a repository the viewer may not
 * read); a member's, which the viewer may read whole, goes to its build's own
 * lane (a worker only its plan holds, as a fix its validation added), so every
 * session the set's spend counts is in a row.
 */
function lanesOf({
  read,
  row,
  ledger,
  visible,
  unplanned,
}: {
  read: BuildRead;
  row: BuildRow;
  ledger: Ledger;
  visible: ReadonlySet<string>;
  unplanned: 'left out' | 'build';
}): TimelineLane[] {
  const plan = read.snapshot.plan.kind === 'valid' ? read.snapshot.plan.plan : null;
  const lanes = new Map<string, TimelineLane>();
  for (const run of read.snapshot.runs) {
    const hidden = run.worker && !visible.has(run.worker) && !/^L\d+$/.test(run.worker);
    if (hidden && unplanned === 'left out') continue;
    const lane = run.worker && visible.has(run.worker) ? run.worker : 'build';
    const repository =
      row.workers.find((worker) => worker.id === lane)?.repository ?? row.repository;
    const entry = ledger.entries.filter((one) => one.runId === run.id).at(-1) ?? null;
    const session = { role: run.role, worker: run.worker, engine: entry?.engine ?? null };
    const bar = barOf({
      run,
      entry,
      engine: sessionEngine({ entry: session, config: read.config, plan }),
      model: sessionModel({ entry: session, config: read.config, plan }),
    });
    const found = lanes.get(lane) ?? { lane, repository, sessions: [] };
    found.sessions.push(bar);
    lanes.set(lane, found);
  }
  const order = ['build', ...row.workers.map((worker) => worker.id)];
  return [...lanes.values()].sort((a, b) => order.indexOf(a.lane) - order.indexOf(b.lane));
}

function barOf({
  run,
  entry,
  engine,
  model,
}: {
  run: RunInfo;
  entry: LedgerEntry | null;
  engine: string;
  model: string | null;
}): SessionBar {
  const startedAt = run.startedAt ?? run.createdAt;
  const endedAt = run.status === 'completed' ? run.updatedAt : null;
  const ms = endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : Number.NaN;
  return {
    runId: run.id,
    attempt: run.attempt ?? 1,
    url: run.url,
    role: run.role,
    startedAt,
    endedAt,
    seconds: Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : null,
    engine,
    model,
    costUsd: entry ? entry.costUsd : null,
    estimated: entry?.estimated ?? false,
    outcome: outcomeOf(run, entry),
  };
}

function outcomeOf(run: RunInfo, entry: LedgerEntry | null): SessionOutcome {
  if (run.status === 'queued') return 'queued';
  if (run.status !== 'completed') return 'running';
  // Its session said a criterion cannot be met (its publish ends the run red).
  if (entry?.outcome === 'impossible') return 'impossible';
  switch (run.conclusion) {
    case 'success':
      return entry?.outcome === 'partial'
        ? 'partial'
        : entry?.outcome === 'blocked'
          ? 'blocked'
          : 'delivered';
    case 'cancelled':
      return 'cancelled';
    case 'timed_out':
      return 'timed-out';
    default:
      return 'failed';
  }
}
