import { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import { renderUsageMessage, type UsageRecord, usageRef } from '../../src/core/records/usage.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { briefPath, integrationBranch, planPath } from '../../src/core/vocabulary/ids.js';

export interface PlanWorkerSpec {
  id: string;
  title?: string;
  depends_on?: string[];
  complexity?: 'easy' | 'normal' | 'complex';
}

/** The build of the first issue an app test opens (`labelledIssue`'s "Add OAuth login"). */
export const BUILD = '1-add-oauth-login';

/** Three workers in a diamond: W1.1 and W1.2, then W2.1 on both. */
export const DIAMOND: PlanWorkerSpec[] = [
  { id: 'W1.1', title: 'OAuth provider' },
  { id: 'W1.2', title: 'Login routes' },
  { id: 'W2.1', title: 'Sessions', depends_on: ['W1.1', 'W1.2'] },
];

/** Two workers in a chain: W2.1 on W1.1. */
export const CHAIN: PlanWorkerSpec[] = [{ id: 'W1.1' }, { id: 'W2.1', depends_on: ['W1.1'] }];

/** `.github/baton.yml` of a repository whose builds mirror their workers as sub-issues (`plan.mirrorSubIssues`). */
export const MIRROR_SUB_ISSUES = 'plan:\n  mirrorSubIssues: true\n';

/** The dispatch inputs the app may send a session's workflow, in the template's order. */
export const DISPATCH_INPUTS = [
  'role',
  'build',
  'issue',
  'worker',
  'pr',
  'trigger',
  'runner',
  'timeout',
  'engine',
  'views',
  'budget',
] as const;

/**
 * The workflow's name and the dispatch inputs the app may send (the shipped
 * template declares them all): the simulator refuses a dispatch with inputs
 * the workflow does not declare, as GitHub does.
 */
const WORKFLOW_STUB = `name: Baton
on:
  workflow_dispatch:
    inputs:
${DISPATCH_INPUTS.map((input) => `      ${input}:\n        type: string\n`).join('')}`;

/**
 * A repository with Baton set up: the workflow on the default branch, a maintainer, a reader
 * and a triager (triage permission: it labels, closes and reopens issues; REST's `permission`
 * reads it as `read`).
 */
export function installedRepo(
  now: () => string,
  named: { owner?: string; repo?: string; repositoryId?: number } = {},
): FakeGitHub {
  const gh = new FakeGitHub({ now, ...named });
  gh.git.commitOn(
    gh.defaultBranch,
    { '.github/workflows/baton.yml': WORKFLOW_STUB },
    'Set up Baton',
  );
  gh.workflows.add('baton.yml');
  gh.permissions.set('maintainer', 'write');
  gh.permissions.set('admin', 'admin');
  gh.permissions.set('reader', 'read');
  gh.permissions.set('triager', 'read');
  return gh;
}

/**
 * An issue asking for a build: opened with the build label, and the maintainer's label event
 * waiting in the outbox. Answers its number.
 */
export function labelledIssue(
  gh: FakeGitHub,
  { title = 'Add OAuth login', label = 'orchestrate' }: { title?: string; label?: string } = {},
): number {
  const issue = gh.openIssue({ title, labels: [label] });
  gh.events.labeled(issue, label, 'maintainer');
  return issue;
}

/** What a plan session's publish job does: commit plan.json and the briefs on the build branch. */
export function landPlan(
  gh: FakeGitHub,
  {
    build,
    issue,
    workers,
    raw,
  }: { build: string; issue: number; workers: PlanWorkerSpec[]; raw?: unknown },
): string {
  const plan = raw ?? {
    version: 1,
    build,
    issue,
    title: 'Add OAuth login',
    summary:
      'Add an OAuth provider, the login routes, and the session handling that ties them together.',
    workers: workers.map((w) => ({
      id: w.id,
      title: w.title ?? `Worker ${w.id}`,
      depends_on: w.depends_on ?? [],
      complexity: w.complexity ?? 'normal',
    })),
  };
  const briefs = Object.fromEntries(
    workers.map((w) => [
      briefPath(build, w.id),
      `---\nworker_id: ${w.id}\ntitle: ${w.title ?? `Worker ${w.id}`}\nwave: ${w.id.slice(1, w.id.indexOf('.'))}\n---\n# Mission\nDo ${w.id}.\n`,
    ]),
  );
  return gh.git.commitOn(
    integrationBranch(build),
    { [planPath(build)]: JSON.stringify(plan, null, 2), ...briefs },
    `Plan ${build}`,
  );
}

/**
 * A person merges `pull` on GitHub: its head merged into the default branch,
 * the pull request closed as merged (at `now()`), its event and the branch's
 * push sent as `by`. What GitHub closes through it is the test's to say.
 */
export function mergeByHand(gh: FakeGitHub, pull: SimPull, now: () => string, by = 'maintainer') {
  const main = gh.git.resolve(gh.defaultBranch) ?? '';
  const head = gh.git.resolve(pull.head) ?? '';
  const merged = gh.git.merge({ ours: main, theirs: head, message: `${pull.title} (#1)` });
  Object.assign(pull, { state: 'closed', mergedAt: now(), closedAt: now() });
  gh.events.pull('closed', pull, by);
  gh.setBranch(gh.defaultBranch, merged, by);
}

/** The status comment of a build, as people see it. */
export function statusBody(gh: FakeGitHub, build: string): string | undefined {
  return gh.comments.find((c) => findStatusBuild(c.body) === build)?.body;
}

/** A test clock: every reading is one second after the last, so events have an order. */
export function tickingClock(start = '2026-11-22T10:00:00.000Z'): () => string {
  let time = Date.parse(start);
  return () => {
    time += 1000;
    return new Date(time).toISOString();
  };
}

/** A test clock that moves only when told: `now()` for the simulator, `advance(ms)` for the test. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let at = start;
  return {
    now: () => new Date(at).toISOString(),
    advance: (ms: number) => {
      at += ms;
    },
  };
}

/** A usage record of a work session of W1.1 that spent `usd`, unless `fields` say otherwise. */
export function usageRecordOf({
  usd,
  ...fields
}: Partial<UsageRecord> & { usd: number }): UsageRecord {
  return {
    version: 1,
    run_id: 1,
    attempt: 1,
    role: 'work',
    worker: 'W1.1',
    outcome: 'complete',
    usage: {
      input_tokens: 1,
      output_tokens: 1,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: usd,
      turns: 1,
      seconds: 1,
    },
    ...fields,
  };
}

/**
 * A usage record at `ref`, as publish or any writer pushes it: a work session of W1.1 that spent
 * `usd`, unless `fields` say otherwise, committed at `at` when given. Returns its commit.
 */
export function pushUsageRecord(
  gh: FakeGitHub,
  {
    ref,
    usd,
    at,
    ...fields
  }: Partial<UsageRecord> & { ref: string; usd: number; at?: string | undefined },
): string {
  const record = usageRecordOf({ usd, ...fields });
  const sha = gh.git.commit({ parent: null, changes: {}, message: renderUsageMessage(record) });
  const commit = gh.git.objects.get(sha);
  if (at && commit?.type === 'commit') commit.committedAt = at;
  gh.git.refs.set(ref, sha);
  return sha;
}

/**
 * A work session of W1.1 in a build of the repository (by default another than the test's)
 * that spent `usd` and ended with `outcome`: its usage record, as publish writes it, committed
 * at `at` (when given).
 */
export function sessionSpent(
  gh: FakeGitHub,
  {
    usd,
    at,
    runId,
    build = '9-other-build',
    outcome = 'complete',
  }: { usd: number; at?: string; runId: number; build?: string; outcome?: UsageRecord['outcome'] },
) {
  const sha = pushUsageRecord(gh, {
    ref: usageRef({ build, runId, attempt: 1 }),
    usd,
    at,
    run_id: runId,
    outcome,
  });
  // The run Baton dispatched that the record is of: a record counts only when tied to one.
  gh.workflows.add('baton.yml');
  const created = at ?? gh.now();
  gh.runs.push({
    id: runId,
    workflow: 'baton.yml',
    displayTitle: `baton work ${build} W1.1 -`,
    event: 'workflow_dispatch',
    headBranch: `baton/${build}/W1.1`,
    headSha: sha,
    status: 'completed',
    conclusion: outcome === 'complete' ? 'success' : 'failure',
    createdAt: created,
    updatedAt: created,
    runAttempt: 1,
    inputs: { role: 'work', build, worker: 'W1.1', trigger: '' },
  });
}
