import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimRun } from '../../sim/github/records.js';
import { contractPath, isContractWorker } from '../../src/core/plan/contract.js';
import { renderUsageMessage, type UsageRecord, usageRef } from '../../src/core/records/usage.js';
import { type ChangedLines, renderEvidenceMarker } from '../../src/core/sessions/evidence.js';
import { renderVerdictMarker } from '../../src/core/sessions/verdict-marker.js';
import {
  completionPath,
  integrationBranch,
  parseMilestoneSubject,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import { exchangeMarkerRef } from '../../src/server/session-token-deps.js';
import type { AppHarness } from './app-harness.js';
import { BUILD, DIAMOND, labelledIssue, landPlan, type PlanWorkerSpec } from './builds.js';
import type { ManualLooks } from './manual-looks.js';
import { playValidation, type ValidationOutcome } from './scripted-validation.js';

/**
 * What the Actions side does in app tests: each queued run of the Baton
 * workflow plays its role on the simulated GitHub the way a session's publish
 * job would (commits, a PR opened as the app, a review with a verdict marker),
 * then the run completes. No model; the script says how each one goes.
 */
export interface SessionScript {
  build: string;
  issue: number;
  workers: PlanWorkerSpec[];
  /** The plan session's `plan.json` as it writes it (a change set's, with repositories); else one of `workers`. */
  plan?: unknown;
  /**
   * How a work attempt ends; default: it delivers. `hold`: it stays in progress
   * until the test ends it; `partial`: it stops at the build's budget and hands
   * in its work so far as a draft pull request, as publish does.
   */
  work?: (worker: string, attempt: number) => 'deliver' | 'fail' | 'hold' | 'partial';
  /** How a worker's fix session number `round` (from 1) ends; default: it pushes its fix. */
  fix?: (worker: string, round: number) => 'deliver' | 'fail';
  /**
   * The verdict of Baton's review number `round` (from 1) of a worker's PR; default approve.
   * `fail`: the session ends without a review, its jobs red on the pull request's head.
   */
  review?: (worker: string, round: number) => 'approve' | 'changes-requested' | 'fail';
  /** CI on a worker PR's head after `pushes` pushes (from 1), in run attempt `attempt`; default success. */
  ci?: (worker: string, pushes: number, attempt: number) => 'success' | 'failure';
  /**
   * A commit status (context `ci/jenkins`) on a worker PR's head after `pushes`
   * pushes, posted before CI's check; default none.
   */
  status?: (worker: string, pushes: number) => 'success' | 'failure' | 'pending' | null;
  /** The files a worker's first attempt writes; default one file of its own. */
  files?: (worker: string) => Record<string, string>;
  /** Cost in USD each work session reports. */
  costUsd?: number;
  /** The workers a worker's report says its work affects (`affects`); default none. */
  affects?: (worker: string) => string[];
  /** What a worker's report says (summary, decisions, concerns, follow-ups); default a line of its own. */
  report?: (worker: string) => ReportText;
  /**
   * Leave a usage record per session, as the publish job does (failed sessions
   * included), costing this many USD by role; absent: none, as before records.
   */
  usageUsd?: Partial<Record<'plan' | 'work' | 'review' | 'fix', number>>;
  /**
   * `contract.json` on the build branch, landed with the plan (in a real build the
   * contract worker W0.1 delivers it); absent: the build has no contract.
   */
  contract?: unknown;
  /**
   * How the validation of milestone `k` ends, the `ordinal`-th of that milestone (from 1):
   * its command passes, or these checks (criterion ids) fail, or these criteria's checks
   * passed before the work; default pass.
   */
  validate?: (milestone: number, ordinal: number) => ValidationOutcome;
  /**
   * Leave the ref a publish job's token exchange creates at the app
   * (`refs/baton-exchanges/<run>/<attempt>`), one per session; absent: none.
   */
  exchanges?: boolean;
  /**
   * Leave publish's evidence marker (src/core/sessions/evidence.ts) at the end of a worker
   * pull request's body, of its head, after every work or fix session: the files the
   * sessions wrote as added (`true`, and absent: publish always leaves it), or what a function
   * says of a worker; `false`: none, as a pull request from before evidence.
   */
  evidence?: boolean | ((worker: string) => ChangedLines[]);
}

/** The prose of a worker's completion report. */
export interface ReportText {
  summary?: string;
  decisions?: string[];
  concerns?: string[];
  follow_up?: string[];
}

interface Counters {
  attempts: Map<string, number>;
  reviews: Map<string, number>;
  fixes: Map<string, number>;
  pushes: Map<string, number>;
  validations: Map<string, number>;
}

const counters = new WeakMap<FakeGitHub, Counters>();

/** Plays every queued run (`only` those it takes); returns how many ran. */
export function runQueuedSessions(
  gh: FakeGitHub,
  script: SessionScript,
  only: (run: SimRun) => boolean = () => true,
): number {
  const queued = gh.runs.filter((run) => run.status === 'queued' && only(run));
  for (const run of queued) {
    if (run.workflow === 'ci.yml') rerunCi(gh, script, run);
    else playSession(gh, script, run);
  }
  return queued.length;
}

/** Plays one run of the Baton workflow at once, as its publish job would (the scale bench times them). */
export function playSession(gh: FakeGitHub, script: SessionScript, run: SimRun): void {
  if (script.exchanges) recordExchange(gh, run);
  playRun(gh, script, run);
  if (script.usageUsd) recordUsage(gh, script, run);
}

/** A CI run whose failed jobs were re-run: it ends as the script says for that attempt. */
function rerunCi(gh: FakeGitHub, script: SessionScript, run: SimRun): void {
  const worker = run.headBranch.split('/').at(-1) ?? '';
  const pushes = countersOf(gh).pushes.get(worker) ?? 1;
  gh.completeCheck(run, { conclusion: script.ci?.(worker, pushes, run.runAttempt) ?? 'success' });
}

/** How many of a worker's work sessions did their work (a twin that ended at once is not counted). */
export function attemptsWorked(gh: FakeGitHub, worker: string): number {
  return countersOf(gh).attempts.get(worker) ?? 0;
}

function countersOf(gh: FakeGitHub): Counters {
  let found = counters.get(gh);
  if (!found) {
    found = {
      attempts: new Map(),
      reviews: new Map(),
      fixes: new Map(),
      pushes: new Map(),
      validations: new Map(),
    };
    counters.set(gh, found);
  }
  return found;
}

/** What the token endpoint leaves when a run attempt's publish job trades its OIDC token. */
export function recordExchange(gh: FakeGitHub, run: SimRun): void {
  gh.git.refs.set(exchangeMarkerRef(run.id, run.runAttempt), run.headSha);
}

/** A usage record at its hidden ref, as `writeUsageRecord` pushes it. */
function recordUsage(gh: FakeGitHub, script: SessionScript, run: SimRun): void {
  const ref = usageRef({ build: script.build, runId: run.id, attempt: run.runAttempt });
  // A session that wrote its own record (a partial one) keeps it, as a pushed ref stays.
  if (gh.git.refs.has(ref) || run.status !== 'completed') return;
  const role = run.inputs.role as UsageRecord['role'];
  const record: UsageRecord = {
    version: 1,
    run_id: run.id,
    attempt: run.runAttempt,
    role,
    worker: run.inputs.worker || null,
    outcome: run.conclusion === 'success' ? 'complete' : 'failed',
    usage: {
      input_tokens: 10_000,
      output_tokens: 1_000,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: script.usageUsd?.[role as 'plan'] ?? 0,
      turns: 5,
      seconds: 60,
    },
  };
  const sha = gh.git.commit({ parent: null, changes: {}, message: renderUsageMessage(record) });
  gh.git.refs.set(ref, sha);
}

/** The usage record of a session that stopped at the build's budget and handed in partial work. */
function recordPartial(gh: FakeGitHub, script: SessionScript, run: SimRun): void {
  const record: UsageRecord = {
    version: 1,
    run_id: run.id,
    attempt: run.runAttempt,
    role: 'work',
    worker: run.inputs.worker || null,
    outcome: 'partial',
    limit: 'budget',
    reason: "wound down before the build's budget (budget.maxUsd)",
    usage: {
      input_tokens: 10_000,
      output_tokens: 1_000,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: script.usageUsd?.work ?? 1,
      turns: 5,
      seconds: 60,
    },
  };
  const sha = gh.git.commit({ parent: null, changes: {}, message: renderUsageMessage(record) });
  gh.git.refs.set(usageRef({ build: script.build, runId: run.id, attempt: run.runAttempt }), sha);
}

function bump(map: Map<string, number>, key: string): number {
  const next = (map.get(key) ?? 0) + 1;
  map.set(key, next);
  return next;
}

function playRun(gh: FakeGitHub, script: SessionScript, run: SimRun): void {
  run.status = 'in_progress';
  const { role, worker = '', pr = '' } = run.inputs;
  const count = countersOf(gh);
  switch (role) {
    case 'plan':
      landPlan(gh, {
        build: script.build,
        issue: script.issue,
        workers: script.workers,
        ...(script.plan ? { raw: script.plan } : {}),
      });
      if (script.contract) {
        gh.git.commitOn(
          integrationBranch(script.build),
          { [contractPath(script.build)]: JSON.stringify(script.contract, null, 2) },
          'The contract',
        );
      }
      gh.setBranch(
        integrationBranch(script.build),
        gh.git.resolve(integrationBranch(script.build)) ?? '',
      );
      gh.finishRun(run.id, 'success');
      return;
    case 'validate':
      playValidation(gh, {
        build: script.build,
        run,
        // Asked only of a run that validates: a twin run that finds the record runs nothing.
        outcome: () =>
          script.validate?.(parseMilestoneSubject(worker) ?? 0, bump(count.validations, worker)) ??
          'pass',
      });
      gh.finishRun(run.id, 'success');
      return;
    // An ended build's learn session: no person's correction in a scripted build, so no lesson.
    case 'learn':
      gh.finishRun(run.id, 'success');
      return;
    // The contract's session delivers its pull request as a worker's does.
    case 'contract':
    case 'work': {
      // As the session does: a twin of a first attempt (its dispatch takes no lock) finds the
      // worker's branch the first one's publish opened, and ends before the model is asked.
      const first = run.headBranch === integrationBranch(script.build) && !run.inputs.trigger;
      if (first && gh.git.resolve(workerBranch(script.build, worker)) !== null) {
        gh.finishRun(run.id, 'success');
        return;
      }
      const attempt = bump(count.attempts, worker);
      const outcome = script.work?.(worker, attempt) ?? 'deliver';
      if (outcome === 'hold') return;
      if (outcome === 'fail') {
        gh.finishRun(run.id, 'failure');
        return;
      }
      const partial = outcome === 'partial';
      const files = script.files?.(worker) ?? defaultFiles(script, worker);
      pushWork(gh, script, {
        worker,
        changes: { ...files, ...completion(script, worker) },
        from: run.headSha,
      });
      const open = [...gh.pulls.values()].find(
        (p) => p.state === 'open' && p.head === workerBranch(script.build, worker),
      );
      if (!open) {
        const title = script.workers.find((w) => w.id === worker)?.title ?? `Worker ${worker}`;
        gh.openPull({
          title: `[${script.build.replace(/^\d+-/, '')}] ${worker}: ${title}`,
          body: `Work of ${worker}.`,
          head: workerBranch(script.build, worker),
          base: integrationBranch(script.build),
          user: gh.botLogin,
          draft: partial,
        });
      }
      leaveEvidence(gh, script, { worker, written: files });
      if (partial) recordPartial(gh, script, run);
      gh.finishRun(run.id, 'success');
      return;
    }
    case 'review': {
      const pull = gh.pulls.get(Number(pr));
      const head = pull ? (gh.git.resolve(pull.head) ?? '') : '';
      // As the session does: a twin run (two replicas dispatched it) finds Baton's review of the head and stops.
      const twin = gh.reviews.some(
        (r) => r.pull === pull?.number && r.user.login === gh.botLogin && r.commitId === head,
      );
      if (twin) {
        gh.finishRun(run.id, 'success');
        return;
      }
      const round = bump(count.reviews, worker);
      const verdict = script.review?.(worker, round) ?? 'approve';
      if (verdict === 'fail') {
        // Its jobs are checks on the head it was dispatched on (`checksOn`), red once it ends.
        gh.beginRun(run.id, ['baton agent', 'baton publish']);
        gh.finishRun(run.id, 'failure');
        return;
      }
      if (pull) {
        gh.addReview({
          pull: pull.number,
          user: gh.botLogin,
          body: `Review of ${worker}.\n${renderVerdictMarker({ verdict, costUsd: 0.01 })}`,
          state: 'COMMENTED',
          commitId: head,
          comments: [],
        });
      }
      gh.finishRun(run.id, 'success');
      return;
    }
    case 'fix': {
      // As the session does: a fix of red checks whose pull request moved past that head (a twin
      // run's fix went first) ends with nothing to push.
      const asked = /^checks-([0-9a-f]{40})$/.exec(run.inputs.trigger ?? '')?.[1];
      const fixing = gh.pulls.get(Number(pr));
      if (asked && fixing && gh.git.resolve(fixing.head) !== asked) {
        gh.finishRun(run.id, 'success');
        return;
      }
      if ((script.fix?.(worker, bump(count.fixes, worker)) ?? 'deliver') === 'fail') {
        gh.finishRun(run.id, 'failure');
        return;
      }
      const head = gh.git.resolve(workerBranch(script.build, worker)) ?? '';
      const base = gh.git.resolve(integrationBranch(script.build)) ?? '';
      if (run.inputs.trigger?.startsWith('conflict-')) {
        // Resolve by merging the build branch in, keeping the build branch's side.
        const merged = gh.git.merge({
          ours: head,
          theirs: base,
          message: `Merge ${integrationBranch(script.build)}`,
        });
        gh.setBranch(workerBranch(script.build, worker), merged);
        addCi(gh, script, worker);
      } else {
        pushWork(gh, script, {
          worker,
          changes: { [`src/${worker}.fix.ts`]: `// fix ${run.id}\n` },
          from: run.headSha,
        });
      }
      leaveEvidence(gh, script, { worker, written: { [`src/${worker}.fix.ts`]: '// fix\n' } });
      // A continuation that finished partial work hands it to review, as publish does.
      const pull = gh.pulls.get(Number(pr));
      if (pull?.draft && run.inputs.trigger?.startsWith('continue-')) pull.draft = false;
      gh.finishRun(run.id, 'success');
      return;
    }
    default:
      gh.finishRun(run.id, 'failure');
  }
}

/** Files each worker's sessions wrote, for its evidence. */
const written = new WeakMap<FakeGitHub, Map<string, Record<string, string>>>();

/**
 * As publish will: the worker's open pull request's body ends with the evidence
 * of its head, written as the app (the body as last edited is what GitHub returns).
 */
function leaveEvidence(
  gh: FakeGitHub,
  script: SessionScript,
  { worker, written: files }: { worker: string; written: Record<string, string> },
): void {
  if (script.evidence === false) return;
  const mine = written.get(gh) ?? new Map<string, Record<string, string>>();
  written.set(gh, mine);
  const all = { ...mine.get(worker), ...files };
  mine.set(worker, all);
  const branch = workerBranch(script.build, worker);
  const pull = [...gh.pulls.values()].find((p) => p.state === 'open' && p.head === branch);
  if (!pull) return;
  const changed =
    typeof script.evidence === 'function'
      ? script.evidence(worker)
      : Object.entries(all).map(
          ([path, text]): ChangedLines => ({
            path,
            status: 'added',
            lines: text.split('\n').length - 1,
          }),
        );
  const marker = renderEvidenceMarker({
    version: 1,
    head: gh.git.resolve(branch) ?? '',
    files: changed,
    contract: 'none',
    claims: { checked: 0, flagged: [] },
  });
  pull.body = `${pull.body.replace(/\n*<!-- baton:evidence [A-Za-z0-9_-]+ -->$/, '')}\n\n${marker}`;
  // An edit of the body as the app: GitHub's `editor` is then Baton's bot, where anyone had edited it.
  if (pull.editor !== undefined) pull.editor = gh.botLogin;
}

/** A worker's file of its own; the contract's worker's checks and `contract.json`. */
function defaultFiles(script: SessionScript, worker: string): Record<string, string> {
  if (!isContractWorker(worker))
    return { [`src/${worker}.ts`]: `export const done = '${worker}';\n` };
  const check = 'test/contract.test.ts';
  const contract = {
    version: 1,
    command: 'npm test',
    files: [check],
    checks: [{ criterion: 'build:1', file: check, name: 'the build holds' }],
    unchecked: [],
  };
  return {
    [check]: "test('the build holds', () => {});\n",
    [contractPath(script.build)]: `${JSON.stringify(contract, null, 2)}\n`,
  };
}

/**
 * A session's commit on its worker's branch, as its publish pushes it: a first attempt's
 * opens the branch, on the commit its run was dispatched at (`from`: the build branch's).
 */
function pushWork(
  gh: FakeGitHub,
  script: SessionScript,
  { worker, changes, from }: { worker: string; changes: Record<string, string>; from: string },
): void {
  const branch = workerBranch(script.build, worker);
  const parent = gh.git.resolve(branch) ?? from;
  gh.setBranch(branch, gh.git.commit({ parent, changes, message: `${worker}: work` }), gh.botLogin);
  addCi(gh, script, worker);
}

function addCi(gh: FakeGitHub, script: SessionScript, worker: string): void {
  const pushes = bump(countersOf(gh).pushes, worker);
  const sha = gh.git.resolve(workerBranch(script.build, worker)) ?? '';
  const status = script.status?.(worker, pushes);
  if (status) gh.addStatus({ sha, state: status });
  gh.addCheck({ sha, conclusion: script.ci?.(worker, pushes, 1) ?? 'success' });
}

function completion(script: SessionScript, worker: string): Record<string, string> {
  const report = {
    worker_id: worker,
    status: 'complete',
    summary: `${worker} is done.`,
    artifacts: [`src/${worker}.ts`],
    decisions: [`${worker} chose the simple way.`],
    concerns: [],
    learnings: [],
    follow_up: [],
    affects: script.affects?.(worker) ?? [],
    ...script.report?.(worker),
    usage: {
      input_tokens: 1000,
      output_tokens: 200,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cost_usd: script.costUsd ?? 0.05,
      turns: 3,
      seconds: 30,
    },
  };
  return { [completionPath(script.build, worker)]: `${JSON.stringify(report, null, 2)}\n` };
}

/** The script of issue 1's build (`BUILD`): the DIAMOND workers, every session going well, unless told. */
export function makeScript(overrides: Partial<SessionScript> = {}): SessionScript {
  return { build: BUILD, issue: 1, workers: DIAMOND, ...overrides };
}

/**
 * The script of a chain W1.1 → W2.1 whose W1.1 first work attempt ends `first` (`hold`: in
 * progress until the test ends it; `fail`; `partial`: a draft at the budget); every other
 * session delivers.
 */
export function chainScript(
  first: 'fail' | 'hold' | 'partial',
  overrides: Partial<SessionScript> = {},
): SessionScript {
  return makeScript({
    workers: [{ id: 'W1.1' }, { id: 'W2.1', depends_on: ['W1.1'] }],
    work: (worker, attempt) => (worker === 'W1.1' && attempt === 1 ? first : 'deliver'),
    ...overrides,
  });
}

/** How a batch of webhooks reaches the app(s): in order, or doubled and shuffled. */
export type Delivery = (
  events: { name: string; payload: object }[],
) => { name: string; payload: object }[];

export const inOrder: Delivery = (events) => events;

/** Every event but those named `name` (`push`, `workflow_run`, …), which GitHub never delivers. */
export function dropping(name: string): Delivery {
  return (events) => events.filter((event) => event.name !== name);
}

/** Every event twice, in a shuffled order (seeded, so a failure can be replayed). */
export function doubledAndShuffled(seed: number): Delivery {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return (events) => {
    const all = [...events, ...events];
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [all[i], all[j]] = [all[j] as (typeof all)[number], all[i] as (typeof all)[number]];
    }
    return all;
  };
}

/**
 * Runs a build to rest: deliver every pending webhook, play every queued run,
 * repeat until nothing is left to do. Each batch goes to one of the apps, in turn.
 */
export async function driveBuild({
  gh,
  apps,
  script,
  delivery = inOrder,
  burst = false,
  maxRounds = 60,
  afterRound,
  beforeSessions,
  echoesInRound = false,
  looks,
}: {
  gh: FakeGitHub;
  apps: AppHarness[];
  script: SessionScript;
  delivery?: Delivery;
  /** Deliver each round's webhooks all at once, as GitHub does, instead of one by one. */
  burst?: boolean;
  maxRounds?: number;
  /** Runs after each round's sessions (the bench moves its clocks here); may queue more events. */
  afterRound?: () => Promise<void>;
  /** Runs after each round's webhooks, before its sessions: what someone does while runs wait in the queue. */
  beforeSessions?: () => void;
  /**
   * Deliver the events the apps' own writes set off (a merge's push, an
   * updated branch's synchronize) within the round that made them, as GitHub
   * sends them within a second, rather than a round (a session's minute) later.
   */
  echoesInRound?: boolean;
  /**
   * The apps' looks at builds without an event (`manualLooks`): at rest, the soonest is
   * taken and the build driven on, until none is set.
   */
  looks?: ManualLooks;
}): Promise<void> {
  const deliver = async (batch: { name: string; payload: object }[]) =>
    Promise.all(
      apps.map(async (app, index) => {
        const share = batch.filter((_, i) => i % apps.length === index);
        if (burst) await app.deliverAll(share);
        else for (const event of share) await app.deliver(event.name, event.payload);
      }),
    );
  for (let round = 0; round < maxRounds; round++) {
    await deliver(delivery(gh.outbox.splice(0)));
    for (let echoes = 0; echoesInRound && gh.outbox.length > 0; echoes++) {
      if (echoes >= maxRounds) throw new Error(`the apps' own writes did not settle in a round`);
      await deliver(delivery(gh.outbox.splice(0)));
    }
    beforeSessions?.();
    const ran = runQueuedSessions(gh, script);
    // What `afterRound` set off (a timed reconcile's dispatch) is played next round.
    let queued = false;
    if (afterRound) {
      await afterRound();
      queued = gh.runs.some((r) => r.status === 'queued');
    }
    if (ran === 0 && gh.outbox.length === 0 && !queued) {
      if (!looks?.next()) return;
      await Promise.all(apps.map((app) => app.idle()));
    }
  }
  throw new Error(`the build did not come to rest in ${maxRounds} rounds`);
}

/**
 * A whole build through the app(s): an issue labelled for it, its plan played, the
 * maintainer's `/approve`, then every session until the build is at rest (`driveBuild`, with
 * `drive`'s options each time). Answers the issue.
 */
export async function runApprovedBuild(
  drive: { gh: FakeGitHub } & Parameters<typeof driveBuild>[0],
): Promise<number> {
  const issue = labelledIssue(drive.gh);
  await driveBuild(drive);
  drive.gh.addComment({ issue, body: '/approve', user: 'maintainer' });
  await driveBuild(drive);
  return issue;
}
