import type { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull, SimRun } from '../../sim/github/records.js';
import { contractPath } from '../../src/core/plan/contract.js';
import type { ChangedLines } from '../../src/core/sessions/evidence.js';
import type { ReviewedInRun } from '../../src/core/sessions/session.js';
import {
  integrationBranch,
  parseMilestoneSubject,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from './app-harness.js';
import { BUILD, DIAMOND, labelledIssue, landPlan, type PlanWorkerSpec } from './builds.js';
import type { ManualLooks } from './manual-looks.js';
import { completion, defaultFiles, mergeBuildBranch, pushWork } from './scripted-commits.js';
import { bump, countersOf } from './scripted-counters.js';
import { leaveEvidence } from './scripted-evidence.js';
import { recordExchange, recordPartial, recordUsage } from './scripted-records.js';
import { type InRunReview, playReviewInRun, reviewPull } from './scripted-review.js';
import { playValidation, type ValidationOutcome } from './scripted-validation.js';

export { recordExchange } from './scripted-records.js';
export { batonReviewsOf, type InRunReview, playReviewInRun } from './scripted-review.js';

/**
 * What the Actions side does in app tests: each queued run of the Baton
 * workflow plays its role on the simulated GitHub the way a session's publish
 * job would (commits, a PR opened as the app, a review with a verdict marker),
 * then the run completes. A work, contract or fix session that delivers a pull
 * request ready for review has it reviewed in its own run first, as the
 * workflow's review jobs do (`reviewInRun`). No model; the script says how each one goes.
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
   * The verdict of Baton's review number `round` (from 1) of a worker's PR, in a run of its
   * own or in the run that pushed the head; default approve. `fail`: the review ends without
   * one: a review run's jobs red on the pull request's head; in the run that pushed the
   * head, nothing (its jobs continue on error: the run ends as its session did).
   */
  review?: (worker: string, round: number) => 'approve' | 'changes-requested' | 'fail';
  /**
   * Whether a work, contract or fix run whose session delivered a pull request ready for
   * review (not a draft) reviews its head before it completes, as the shipped workflow's
   * review jobs do (templates/workflows/baton.yml); default true. `false`: the run completes
   * at once and a review is the app's to dispatch, as with a workflow from before those jobs,
   * `review.enabled: false`, or a review in the run that ended without one.
   */
  reviewInRun?: boolean;
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
   * A review in a work, contract or fix run costs `review`, at `<run>-<attempt>-review`.
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

/**
 * How a run's session went, as its publish job left it: the run completed (or is
 * completing) with a conclusion; it goes on working until the test ends it; or it
 * delivered, and the review in its run is next.
 */
type Played =
  | { kind: 'finished'; conclusion: 'success' | 'failure' }
  | { kind: 'held' }
  | { kind: 'reviewing'; review: InRunReview };

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

/**
 * Plays one run of the Baton workflow at once, as its jobs would: the session and its
 * publish, then the review in the run where one is owed (`playReviewInRun`).
 */
export function playSession(gh: FakeGitHub, script: SessionScript, run: SimRun): void {
  const review = playSessionJobs(gh, script, run);
  if (review) playReviewInRun(gh, script, review);
}

/**
 * Plays a run's session and its publish job: what it writes, its usage record. Where the
 * run then reviews the pull request its session delivered, answers that review and leaves
 * the run in progress, for the caller to play (`playReviewInRun`) when the review is done:
 * at once (`playSession`), or minutes later in a world whose sessions take time.
 */
export function playSessionJobs(
  gh: FakeGitHub,
  script: SessionScript,
  run: SimRun,
): InRunReview | null {
  if (script.exchanges) recordExchange(gh, run);
  const played = playRun(gh, script, run);
  if (script.usageUsd && played.kind !== 'held') {
    const failed = played.kind === 'finished' && played.conclusion !== 'success';
    recordUsage(gh, script, run, { outcome: failed ? 'failed' : 'complete' });
  }
  return played.kind === 'reviewing' ? played.review : null;
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

function playRun(gh: FakeGitHub, script: SessionScript, run: SimRun): Played {
  run.status = 'in_progress';
  switch (run.inputs.role) {
    case 'plan':
      return playPlan(gh, script, run);
    case 'validate':
      return playValidate(gh, script, run);
    // An ended build's learn session: no person's correction in a scripted build, so no lesson.
    case 'learn':
      return finish(gh, run, 'success');
    // The contract's session delivers its pull request as a worker's does.
    case 'contract':
    case 'work':
      return playWork(gh, script, run);
    case 'review':
      return playReview(gh, script, run);
    case 'fix':
      return playFix(gh, script, run);
    default:
      return finish(gh, run, 'failure');
  }
}

/** The run completes (`gh.finishRun`: a world may make it complete later). */
function finish(gh: FakeGitHub, run: SimRun, conclusion: 'success' | 'failure'): Played {
  gh.finishRun(run.id, conclusion);
  return { kind: 'finished', conclusion };
}

/**
 * A work, contract or fix session that pushed its commits to `pull`: where the pull request
 * is open and ready for review, its run reviews the head next (`reviewInRun`); else it completes.
 */
function delivered(
  gh: FakeGitHub,
  script: SessionScript,
  run: SimRun,
  pull: SimPull | undefined,
): Played {
  if (script.reviewInRun === false || !pull || pull.state !== 'open' || pull.draft) {
    return finish(gh, run, 'success');
  }
  const after = run.inputs.role as ReviewedInRun;
  return {
    kind: 'reviewing',
    review: { run, after, worker: run.inputs.worker ?? '', pull: pull.number },
  };
}

function playPlan(gh: FakeGitHub, script: SessionScript, run: SimRun): Played {
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
  return finish(gh, run, 'success');
}

function playValidate(gh: FakeGitHub, script: SessionScript, run: SimRun): Played {
  const worker = run.inputs.worker ?? '';
  playValidation(gh, {
    build: script.build,
    run,
    // Asked only of a run that validates: a twin run that finds the record runs nothing.
    outcome: () =>
      script.validate?.(
        parseMilestoneSubject(worker) ?? 0,
        bump(countersOf(gh).validations, worker),
      ) ?? 'pass',
  });
  return finish(gh, run, 'success');
}

function playWork(gh: FakeGitHub, script: SessionScript, run: SimRun): Played {
  const worker = run.inputs.worker ?? '';
  // As the session does: a twin of a first attempt (its dispatch takes no lock) finds the
  // worker's branch the first one's publish opened, and ends before the model is asked.
  const first = run.headBranch === integrationBranch(script.build) && !run.inputs.trigger;
  if (first && gh.git.resolve(workerBranch(script.build, worker)) !== null) {
    return finish(gh, run, 'success');
  }
  const attempt = bump(countersOf(gh).attempts, worker);
  const outcome = script.work?.(worker, attempt) ?? 'deliver';
  if (outcome === 'hold') return { kind: 'held' };
  if (outcome === 'fail') return finish(gh, run, 'failure');
  const partial = outcome === 'partial';
  const files = script.files?.(worker) ?? defaultFiles(script, worker);
  pushWork(gh, script, {
    worker,
    changes: { ...files, ...completion(script, worker) },
    from: run.headSha,
  });
  const pull = workerPull(gh, script, { worker, draft: partial });
  leaveEvidence(gh, script, { worker, written: files });
  if (!partial) return delivered(gh, script, run, pull);
  recordPartial(gh, script, run);
  return finish(gh, run, 'success');
}

/** The worker's open pull request, opened as the app where there is none (a draft for partial work). */
function workerPull(
  gh: FakeGitHub,
  script: SessionScript,
  { worker, draft }: { worker: string; draft: boolean },
): SimPull {
  const head = workerBranch(script.build, worker);
  const open = [...gh.pulls.values()].find((p) => p.state === 'open' && p.head === head);
  if (open) return open;
  const title = script.workers.find((w) => w.id === worker)?.title ?? `Worker ${worker}`;
  return gh.openPull({
    title: `[${script.build.replace(/^\d+-/, '')}] ${worker}: ${title}`,
    body: `Work of ${worker}.`,
    head,
    base: integrationBranch(script.build),
    user: gh.botLogin,
    draft,
  });
}

/** A review run the app dispatched: a failed one leaves its jobs red on the head it was dispatched on. */
function playReview(gh: FakeGitHub, script: SessionScript, run: SimRun): Played {
  const { worker = '', pr = '' } = run.inputs;
  // As the session does: a twin run (two replicas dispatched it) finds Baton's review of the head and stops.
  if (reviewPull(gh, script, { pull: gh.pulls.get(Number(pr)), worker }) !== 'failed') {
    return finish(gh, run, 'success');
  }
  // Its jobs are checks on the head it was dispatched on (`checksOn`), red once it ends.
  gh.beginRun(run.id, ['baton agent', 'baton publish']);
  return finish(gh, run, 'failure');
}

function playFix(gh: FakeGitHub, script: SessionScript, run: SimRun): Played {
  const { worker = '', pr = '' } = run.inputs;
  // As the session does: a fix of red checks whose pull request moved past that head (a twin
  // run's fix went first) ends with nothing to push, and nothing for its run to review.
  const asked = /^checks-([0-9a-f]{40})$/.exec(run.inputs.trigger ?? '')?.[1];
  const pull = gh.pulls.get(Number(pr));
  if (asked && pull && gh.git.resolve(pull.head) !== asked) return finish(gh, run, 'success');
  const round = bump(countersOf(gh).fixes, worker);
  if ((script.fix?.(worker, round) ?? 'deliver') === 'fail') {
    return finish(gh, run, 'failure');
  }
  if (run.inputs.trigger?.startsWith('conflict-')) mergeBuildBranch(gh, script, worker);
  else {
    pushWork(gh, script, {
      worker,
      changes: { [`src/${worker}.fix.ts`]: `// fix ${run.id}\n` },
      from: run.headSha,
    });
  }
  leaveEvidence(gh, script, { worker, written: { [`src/${worker}.fix.ts`]: '// fix\n' } });
  // A continuation that finished partial work hands it to review, as publish does.
  if (pull?.draft && run.inputs.trigger?.startsWith('continue-')) pull.draft = false;
  return delivered(gh, script, run, pull);
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
