import type { Command } from '../../src/core/commands/command.js';
import { type Config, type ParsedConfig, parseConfig } from '../../src/core/config/config.js';
import type { Contract } from '../../src/core/plan/contract.js';
import type { Plan, PlanWorker } from '../../src/core/plan/plan.js';
import type { ValidationRecord } from '../../src/core/plan/validation.js';
import type { Completion } from '../../src/core/records/completion.js';
import type { UsageRecord } from '../../src/core/records/usage.js';
import type { Evidence } from '../../src/core/sessions/evidence.js';
import { normalizeSnapshot } from '../../src/core/snapshot/normalize-snapshot.js';
import type {
  BuildSnapshot,
  CommandInfo,
  ContractRead,
  IssueStateChange,
  MemoryPull,
  NormalSnapshot,
  PullInfo,
  ReviewInfo,
  RunInfo,
} from '../../src/core/snapshot/snapshot.js';
import {
  type BuildProgress,
  type StatusView,
  type WorkerRow,
  waitingWorkerRow,
} from '../../src/core/status/status-view.js';

export const BUILD = '12-add-login';
export const ISSUE = 12;
export const NOW = '2026-03-01T12:00:00Z';
export const INTEGRATION_SHA = sha('1');

/** A 40-hex sha made from a short tag: `sha('a1')`. */
export function sha(tag: string): string {
  return tag.padStart(40, '0');
}

/** `minutes` before NOW, as ISO. */
export function ago(minutes: number): string {
  return new Date(Date.parse(NOW) - minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

export function makeWorker(overrides: Partial<PlanWorker> & { id: string }): PlanWorker {
  return { title: `Work of ${overrides.id}`, depends_on: [], complexity: 'normal', ...overrides };
}

/** W1.1, W1.2, and W2.1 on both, unless told otherwise. */
export function makePlan(overrides: Partial<Plan> = {}): Plan {
  return {
    version: 1,
    build: BUILD,
    issue: ISSUE,
    title: 'Add login',
    summary: 'Adds a password login: a form, a session store and the API between them.',
    workers: [
      makeWorker({ id: 'W1.1', title: 'Session store' }),
      makeWorker({ id: 'W1.2', title: 'Login form' }),
      makeWorker({ id: 'W2.1', title: 'Login API', depends_on: ['W1.1', 'W1.2'] }),
    ],
    ...overrides,
  };
}

/** Plan workers from `'W1.1'` or `'W2.1<W1.1,W1.2'` (id, then what it depends on). */
export function workers(...specs: string[]): PlanWorker[] {
  return specs.map((spec) => {
    const [id = '', deps] = spec.split('<');
    return makeWorker({ id, depends_on: deps ? deps.split(',') : [] });
  });
}

type Raw<T> = { [K in keyof T]?: T[K] extends object ? Raw<T[K]> : T[K] };

/** A valid config from the keys given, the rest defaulted as in `.github/baton.yml`. */
export function makeConfig(raw: Raw<Config> = {}): ParsedConfig {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.problems)}`);
  return parsed;
}

export function makeRun(overrides: Partial<RunInfo> = {}): RunInfo {
  const id = overrides.id ?? 7001;
  return {
    id,
    role: 'work',
    worker: 'W1.1',
    trigger: null,
    status: 'completed',
    conclusion: 'success',
    createdAt: ago(60),
    updatedAt: ago(50),
    url: `https://github.com/acme/shop/actions/runs/${id}`,
    ...overrides,
  };
}

/** What a run under way says: GitHub's `in_progress`, no conclusion yet. */
export const UNDER_WAY = {
  status: 'in_progress',
  conclusion: null,
} as const satisfies Partial<RunInfo>;

/** The plan session that wrote the plan, long done. */
export function planRun(overrides: Partial<RunInfo> = {}): RunInfo {
  return makeRun({ id: 7000, role: 'plan', worker: null, createdAt: ago(120), ...overrides });
}

/** W1.1's fix session for `trigger`, started 40 minutes ago. */
export function fixRun(trigger: string, overrides: Partial<RunInfo> = {}): RunInfo {
  return makeRun({
    id: 7200,
    role: 'fix',
    worker: 'W1.1',
    trigger: trigger as RunInfo['trigger'],
    createdAt: ago(40),
    ...overrides,
  });
}

export function makeReview(overrides: Partial<ReviewInfo> = {}): ReviewInfo {
  return {
    id: 501,
    author: 'baton-app[bot]',
    byBaton: true,
    verdict: 'approve',
    commitSha: sha('a1'),
    submittedAt: ago(30),
    ...overrides,
  };
}

export function makePull(overrides: Partial<PullInfo> = {}): PullInfo {
  const number = overrides.number ?? 101;
  return {
    number,
    worker: 'W1.1',
    headSha: sha('a1'),
    state: 'open',
    mergeState: 'clean',
    reviews: [],
    checks: { state: 'success', failedRuns: [] },
    labels: [],
    url: `https://github.com/acme/shop/pull/${number}`,
    createdAt: ago(55),
    ...overrides,
  };
}

/**
 * Publish's evidence of a worker's head (src/core/sessions/evidence.ts): the
 * files given as `path:lines` (`+` before the path: added, `-`: deleted, else
 * modified), of the head `sha('a1')` unless told.
 */
export function makeEvidence(files: string[] = [], overrides: Partial<Evidence> = {}): Evidence {
  return {
    version: 1,
    head: sha('a1'),
    files: files.map((spec) => {
      const [named = '', lines = '10'] = spec.split(':');
      const status = named.startsWith('+')
        ? 'added'
        : named.startsWith('-')
          ? 'deleted'
          : 'modified';
      return { path: named.replace(/^[+-]/, ''), status, lines: Number(lines) };
    }),
    contract: 'none',
    claims: { checked: 0, flagged: [] },
    ...overrides,
  };
}

export function makeCommand(command: Command, overrides: Partial<CommandInfo> = {}): CommandInfo {
  return {
    commentId: 900,
    author: 'alice',
    createdAt: ago(10),
    source: { kind: 'issue' },
    command,
    ...overrides,
  };
}

export function makeCompletion(overrides: Partial<Completion> = {}): Completion {
  return {
    worker_id: 'W1.1',
    status: 'complete',
    summary: 'Added the session store.',
    artifacts: ['src/session-store.ts'],
    learnings: [],
    concerns: [],
    decisions: [],
    follow_up: [],
    affects: [],
    usage: {
      input_tokens: 1000,
      output_tokens: 200,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: 0.5,
      turns: 10,
      seconds: 300,
    },
    ...overrides,
  };
}

/** A build with a valid plan written by a finished plan session, nothing else yet. */
export function makeSnapshot(overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return {
    build: BUILD,
    issue: {
      number: ISSUE,
      title: 'Add login',
      state: 'open',
      labels: ['orchestrate'],
      url: `https://github.com/acme/shop/issues/${ISSUE}`,
    },
    repo: { owner: 'acme', name: 'shop', defaultBranch: 'main', defaultSha: sha('d1') },
    workflowInstalled: true,
    integration: { sha: INTEGRATION_SHA, containsDefault: true },
    plan: { kind: 'valid', plan: makePlan(), sha: sha('p1') },
    completions: {},
    branches: {},
    pulls: [],
    runs: [planRun()],
    commands: [],
    finalPull: null,
    statusComment: null,
    ...overrides,
  };
}

/** A snapshot as `normalizeSnapshot` leaves it for the rules: in canonical order, its times parsed. */
export function makeNormalSnapshot(overrides: Partial<BuildSnapshot> = {}): NormalSnapshot {
  return normalizeSnapshot(makeSnapshot(overrides));
}

/**
 * A close or reopen of the build's issue, `minutes` ago, as observe reads it off the timeline:
 * by a writer (`maySteer`) unless told.
 */
export function makeStateChange(
  kind: IssueStateChange['kind'],
  overrides: Partial<IssueStateChange> & { minutes?: number } = {},
): IssueStateChange {
  const { minutes = 10, ...rest } = overrides;
  return { kind, by: 'carol', at: ago(minutes), byPull: null, maySteer: true, ...rest };
}

/** A valid plan as a snapshot reads it: `plan` (W1.1, W1.2 and W2.1 unless given) at sha `p`. */
export function validPlan(plan: Plan = makePlan()): BuildSnapshot['plan'] {
  return { kind: 'valid', plan, sha: 'p' };
}

/** A valid plan of the workers given as `workers` takes them: `planOf('W1.1', 'W2.1<W1.1')`. */
export function planOf(...specs: string[]): BuildSnapshot['plan'] {
  return validPlan(makePlan({ workers: workers(...specs) }));
}

/** The runs of a delivered build: the plan session's, then W1.1's and W2.1's work, long done. */
export function deliveredRuns(): RunInfo[] {
  return [planRun(), makeRun({ id: 7011, worker: 'W1.1' }), makeRun({ id: 7021, worker: 'W2.1' })];
}

/** A build whose every worker is done: W1.1 (PR #101) and W2.1 (#103) merged, W1.2 skipped. */
export function deliveredSnapshot(overrides: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return makeSnapshot({
    runs: deliveredRuns(),
    pulls: [
      makePull({ number: 101, worker: 'W1.1', state: 'merged' }),
      makePull({ number: 103, worker: 'W2.1', state: 'merged' }),
    ],
    commands: [makeCommand({ name: 'skip', worker: 'W1.2' })],
    completions: {
      'W1.1': { kind: 'valid', completion: makeCompletion() },
      'W2.1': { kind: 'valid', completion: makeCompletion({ worker_id: 'W2.1' }) },
    },
    ...overrides,
  });
}

/** `BUILD`'s final pull request, #200, in `state`. */
export function finalPull(state: 'open' | 'merged' | 'closed'): BuildSnapshot['finalPull'] {
  return { number: 200, url: 'https://github.com/acme/shop/pull/200', state };
}

/** `BUILD`'s status comment, in sight. */
export const STATUS_COMMENT = { id: 900, body: `<!-- baton:status build=${BUILD} -->` };

/** The delivered build once its final pull request is `state`, its status comment in sight. */
export function endedSnapshot(
  state: 'open' | 'merged' | 'closed',
  overrides: Partial<BuildSnapshot> = {},
): BuildSnapshot {
  return deliveredSnapshot({
    statusComment: STATUS_COMMENT,
    finalPull: finalPull(state),
    ...overrides,
  });
}

/** A worker's row in the status table: waiting, nothing run or spent, unless told. */
export function makeWorkerRow(overrides: Partial<WorkerRow> & { id: string }): WorkerRow {
  return {
    ...waitingWorkerRow({
      id: overrides.id,
      title: `Work of ${overrides.id}`,
      dependsOn: [],
      engine: 'baton',
    }),
    ...overrides,
  };
}

/** A progress's totals: worker counts and the build's spend, nothing spent by any role unless told. */
export function makeTotals(
  overrides: Partial<BuildProgress['totals']> &
    Pick<BuildProgress['totals'], 'merged' | 'skipped' | 'total'>,
): BuildProgress['totals'] {
  const none = () => ({ tokens: 0, costUsd: 0, sessions: 0, estimated: 0 });
  return {
    tokens: 0,
    costUsd: 0,
    sessions: 0,
    estimated: 0,
    byRole: {
      plan: none(),
      work: none(),
      contract: none(),
      review: none(),
      fix: none(),
      research: none(),
      summary: none(),
      synthesis: none(),
      validate: none(),
      learn: none(),
    },
    ...overrides,
  };
}

/** A running build's status: no workers, nothing spent or asked, no budget, unless told. */
export function makeRunningView(overrides: Partial<BuildProgress> = {}): StatusView {
  return {
    phase: 'running',
    build: BUILD,
    progress: {
      build: BUILD,
      issue: ISSUE,
      title: 'Add login',
      workers: [],
      totals: makeTotals({ merged: 0, skipped: 0, total: 0 }),
      paused: null,
      budget: { maxUsd: null, reached: false },
      finalPull: null,
      history: [],
      links: { repoUrl: 'https://github.com/acme/shop', branch: 'main' },
      ...overrides,
    },
  };
}

/** A session's usage record, as its publish job leaves it: the plan session's unless told. */
export function makeUsageRecord(
  overrides: Partial<Omit<UsageRecord, 'usage'>> & { cost?: number; seconds?: number } = {},
): UsageRecord {
  const { cost = 1, seconds = 60, ...rest } = overrides;
  return {
    version: 1,
    run_id: 7000,
    attempt: 1,
    role: 'plan',
    worker: null,
    outcome: 'complete',
    usage: {
      input_tokens: 1000,
      output_tokens: 100,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: cost,
      turns: 3,
      seconds,
    },
    ...rest,
  };
}

/**
 * The usage record of a session of `worker` (run `run_id`) that said its criteria cannot be met,
 * as publish writes it once it checked them: outcome `impossible`, the criteria, the reason.
 */
export function makeImpossibleRecord({
  run_id,
  worker = 'W1.1',
  role = 'work',
  criteria = [`${worker}:1`],
  reason = 'The criterion asks greet() to return two different strings for one name.',
}: {
  run_id: number;
  worker?: string;
  role?: UsageRecord['role'];
  criteria?: string[];
  reason?: string;
}): UsageRecord {
  return makeUsageRecord({ run_id, role, worker, outcome: 'impossible', criteria, reason });
}

/**
 * The builders by what they make, for tests that build whole snapshots and would otherwise import
 * a dozen of them: `make.snapshot({ runs: [make.run({ … })], pulls: [make.pull({ … })] })`.
 */
export const make = {
  command: makeCommand,
  completion: makeCompletion,
  evidence: makeEvidence,
  config: makeConfig,
  plan: makePlan,
  pull: makePull,
  review: makeReview,
  run: makeRun,
  snapshot: makeSnapshot,
  normalSnapshot: makeNormalSnapshot,
  stateChange: makeStateChange,
  usageRecord: makeUsageRecord,
  impossibleRecord: makeImpossibleRecord,
  worker: makeWorker,
};

/** A build's contract: one check of the build's first criterion in one file, run by `npm test`, unless told. */
export function makeContract(overrides: Partial<Contract> = {}): Contract {
  return {
    version: 1,
    command: 'npm test -- test/contract',
    files: ['test/contract/login.test.ts'],
    checks: [
      { criterion: 'build:1', file: 'test/contract/login.test.ts', name: 'login › signs in' },
    ],
    unchecked: [],
    ...overrides,
  };
}

/** `contract.json` as a snapshot reads it: `makeContract`'s, valid. */
export function validContract(overrides: Partial<Contract> = {}): ContractRead {
  return { kind: 'valid', contract: makeContract(overrides) };
}

/** A milestone's validation record: M2 of the build branch head, passed, by run 7300, unless told. */
export function makeValidation(overrides: Partial<ValidationRecord> = {}): ValidationRecord {
  return {
    version: 1,
    milestone: 2,
    run_id: 7300,
    head: INTEGRATION_SHA,
    passed: true,
    exit_code: 0,
    failed: [],
    ...overrides,
  };
}

/** A validate run of milestone `k` at `head`, done, unless told. */
export function validateRun(k: number, head: string, overrides: Partial<RunInfo> = {}): RunInfo {
  return makeRun({
    id: 7300,
    role: 'validate',
    worker: `M${k}`,
    trigger: `head-${head}`,
    createdAt: ago(20),
    updatedAt: ago(10),
    ...overrides,
  });
}

/** What the memory counts say of no build: nothing proposed, applied or repeated. */
export const NO_MEMORY = {
  proposed: 0,
  merged: 0,
  applied: 0,
  findings: 0,
  repeats: 0,
  rate: null,
  lessons: [],
};

/** A build's learn pull request in `repository`, with its changed files as its lessons. */
export function makeMemoryPull(
  repository: string,
  number: number,
  state: MemoryPull['state'],
  lessons: number,
): MemoryPull {
  return { number, state, url: `https://github.com/${repository}/pull/${number}`, lessons };
}

/** W1.1's valid report, `lessons` the lessons it applied. */
export function appliedLessons(lessons: string[]): BuildSnapshot['completions'] {
  return { 'W1.1': { kind: 'valid', completion: makeCompletion({ lessons }) } };
}

/** A worker's pull request whose reviews were each given lessons: one review a `memories` entry. */
export function pullReviewedWith(...memories: NonNullable<ReviewInfo['memory']>[]): PullInfo {
  return makePull({ reviews: memories.map((memory) => makeReview({ memory })) });
}
