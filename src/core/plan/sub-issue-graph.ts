import { z } from 'zod';
import { MAX_WORKERS } from './plan.js';
import { findCycles } from './plan-graph.js';

/** Another issue, as a blocked-by link shows it: its number and whether it is still open. */
export const LinkedIssue = z.strictObject({
  number: z.number().int().positive(),
  state: z.enum(['open', 'closed']),
});
export type LinkedIssue = z.infer<typeof LinkedIssue>;

/** One sub-issue of the build's issue, with the issues GitHub says block it. */
export const SubIssue = z.strictObject({
  number: z.number().int().positive(),
  title: z.string().trim().min(1).max(256),
  state: z.enum(['open', 'closed']),
  blocked_by: z.array(LinkedIssue).max(100).default([]),
});
export type SubIssue = z.infer<typeof SubIssue>;

/**
 * `sub-issues.json`: the build issue's sub-issues and their "blocked by"
 * links as GitHub had them when the plan session read them (never their
 * bodies). The plan session writes it beside `plan.json`; publish checks it
 * against GitHub again, and the app holds the plan to it.
 */
export const SubIssueGraph = z.strictObject({
  version: z.literal(1),
  /** The build's issue, whose sub-issues these are. */
  parent: z.number().int().positive(),
  /** In GitHub's order (the parent's sub-issue list). */
  sub_issues: z.array(SubIssue).min(1).max(100),
});
export type SubIssueGraph = z.infer<typeof SubIssueGraph>;

/** A worker as the sub-issues dictate it: id, sub-issue, title and dependencies. */
export interface SubIssueWorker {
  id: string;
  sub_issue: number;
  title: string;
  depends_on: string[];
}

export type SubIssuePlan =
  | { ok: true; workers: SubIssueWorker[] }
  | { ok: false; problems: string[] };

/**
 * The workers a sub-issue graph makes: one per open sub-issue; its open
 * sibling blockers are its dependencies (a closed blocker is done), and its
 * wave is one more than the deepest of them, numbered in GitHub's order
 * within a wave. A cycle, or a link to an open issue that is not a sibling,
 * is a problem that says which link to change.
 */
export function planFromSubIssues(graph: SubIssueGraph): SubIssuePlan {
  const open = graph.sub_issues.filter((sub) => sub.state === 'open');
  const siblings = new Set(graph.sub_issues.map((sub) => sub.number));
  const problems: string[] = [];
  if (open.length === 0) {
    problems.push(
      `Every sub-issue of #${graph.parent} is closed: there is nothing to build. Reopen or add a sub-issue, then /replan.`,
    );
  }
  if (open.length > MAX_WORKERS) {
    problems.push(
      `#${graph.parent} has ${open.length} open sub-issues, more than the ${MAX_WORKERS} workers a build may have; move some to another issue.`,
    );
  }
  for (const sub of open) {
    for (const blocker of sub.blocked_by) {
      if (blocker.state === 'open' && !siblings.has(blocker.number)) {
        problems.push(
          `#${sub.number} is blocked by #${blocker.number}, which is not a sub-issue of #${graph.parent}; add #${blocker.number} as a sub-issue of #${graph.parent}, close it, or remove the link.`,
        );
      }
    }
  }
  const deps = new Map(open.map((sub) => [sub.number, openSiblingBlockers(sub, open)]));
  const cycles = findCycles(
    open.map((sub) => ({
      id: `#${sub.number}`,
      dependsOn: (deps.get(sub.number) ?? []).map((n) => `#${n}`),
    })),
  );
  for (const cycle of cycles) {
    const first = cycle[0] ?? '';
    problems.push(
      `The "blocked by" links of #${graph.parent}'s sub-issues form a cycle: ${[...cycle, first].join(' is blocked by ')}; remove one of these links.`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, workers: numberWorkers(open, deps) };
}

function openSiblingBlockers(sub: SubIssue, open: SubIssue[]): number[] {
  const openNumbers = new Set(open.map((s) => s.number));
  const numbers = sub.blocked_by
    .filter((b) => b.state === 'open' && openNumbers.has(b.number) && b.number !== sub.number)
    .map((b) => b.number);
  return [...new Set(numbers)];
}

/** Waves by dependency depth (the graph is acyclic here); ids in GitHub's order within a wave. */
function numberWorkers(open: SubIssue[], deps: Map<number, number[]>): SubIssueWorker[] {
  const waves = new Map<number, number>();
  const waveOf = (n: number): number => {
    const known = waves.get(n);
    if (known !== undefined) return known;
    const wave = 1 + Math.max(0, ...(deps.get(n) ?? []).map(waveOf));
    waves.set(n, wave);
    return wave;
  };
  const ids = new Map<number, string>();
  const seqs = new Map<number, number>();
  for (const sub of open) {
    const wave = waveOf(sub.number);
    const seq = (seqs.get(wave) ?? 0) + 1;
    seqs.set(wave, seq);
    ids.set(sub.number, `W${wave}.${seq}`);
  }
  return open
    .map((sub) => ({
      id: ids.get(sub.number) ?? '',
      sub_issue: sub.number,
      title: sub.title.slice(0, 120),
      depends_on: (deps.get(sub.number) ?? []).map((n) => ids.get(n) ?? ''),
    }))
    .sort((a, b) => waveOfId(a.id) - waveOfId(b.id) || seqOfId(a.id) - seqOfId(b.id));
}

function waveOfId(id: string): number {
  return Number(id.slice(1, id.indexOf('.')));
}

function seqOfId(id: string): number {
  return Number(id.slice(id.indexOf('.') + 1));
}

/** A plan's worker as far as the sub-issue check needs it. */
export interface LooseSubIssueWorker {
  id: string;
  sub_issue?: number | undefined;
  depends_on: string[];
}

/**
 * Holds a plan to its sub-issues: one worker per open sub-issue, with the id
 * and the dependencies the graph gives, and no other worker. Each problem says
 * what to change in `plan.json`.
 */
export function subIssuePlanProblems(
  workers: LooseSubIssueWorker[],
  expected: SubIssueWorker[],
): string[] {
  const problems: string[] = [];
  const byId = new Map(workers.map((w) => [w.id, w]));
  for (const want of expected) {
    const got = byId.get(want.id);
    if (!got) {
      problems.push(
        `Sub-issue #${want.sub_issue} has no worker: add ${want.id} with "sub_issue": ${want.sub_issue}.`,
      );
      continue;
    }
    if (got.sub_issue !== want.sub_issue) {
      problems.push(
        `${want.id} must carry out sub-issue #${want.sub_issue} ("sub_issue": ${want.sub_issue}), not ${got.sub_issue === undefined ? 'none' : `#${got.sub_issue}`}.`,
      );
    }
    const same =
      got.depends_on.length === want.depends_on.length &&
      want.depends_on.every((dep) => got.depends_on.includes(dep));
    if (!same) {
      problems.push(
        `${want.id} must depend on exactly ${want.depends_on.join(', ') || 'nothing'}, as the "blocked by" links of #${want.sub_issue} say; it lists ${got.depends_on.join(', ') || 'nothing'}.`,
      );
    }
  }
  const wanted = new Set(expected.map((w) => w.id));
  for (const worker of workers) {
    if (!wanted.has(worker.id)) {
      problems.push(
        `${worker.id} is not one of the open sub-issues; a build of sub-issues has one worker per open sub-issue, so remove it (or add a sub-issue for it on GitHub).`,
      );
    }
  }
  return problems;
}

/** Every problem of a sub-issue graph read from `sub-issues.json`, or its plan. */
export function parseSubIssueGraph(
  raw: unknown,
  issue: number,
): { ok: true; graph: SubIssueGraph } | { ok: false; problems: string[] } {
  const parsed = SubIssueGraph.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (i) => `sub-issues.json: ${i.path.join('.') || '(top)'}: ${i.message}`,
      ),
    };
  }
  if (parsed.data.parent !== issue) {
    return {
      ok: false,
      problems: [
        `sub-issues.json lists the sub-issues of #${parsed.data.parent}, but the build answers #${issue}; run /replan.`,
      ],
    };
  }
  return { ok: true, graph: parsed.data };
}
