import type { Action } from '../../../src/core/context/action.js';
import type { SessionRequest } from '../../../src/core/sessions/session.js';
import { parseBatonBranch } from '../../../src/core/vocabulary/ids.js';
import { mayMerge, runningWorkers } from './judge.js';
import { chance, completionFor, newSha, nowOf, openPullOf, sameKey, type World } from './world.js';

/** Carries out one decision on the fake GitHub, noting every rule it breaks. */
export function applyActions(world: World, actions: Action[]): void {
  const statuses = actions.filter((action) => action.kind === 'render-status');
  if (statuses.length !== 1 || actions.at(-1)?.kind !== 'render-status') {
    world.violations.push('not exactly one render-status, last');
  }
  // A decision may merge several PRs; act makes them in order and stops at the first GitHub
  // refuses: one an earlier merge of the same pass put behind or in conflict.
  let merged = 0;
  let held = false;
  for (const action of actions) {
    if (action.kind === 'merge-pull') {
      if (held) continue;
      const pull = world.snap.pulls.find((candidate) => candidate.number === action.pull);
      if (merged > 0 && pull?.state === 'open' && pull.mergeState !== 'clean') {
        held = true;
        continue;
      }
      merged += 1;
    }
    applyAction(world, action);
  }
  const running = runningWorkers(world);
  if (running.length > world.config.maxParallel) {
    world.violations.push(
      `${running.length} running (${running.join(', ')}) > maxParallel ${world.config.maxParallel}`,
    );
  }
}

function applyAction(world: World, action: Action): void {
  const { snap } = world;
  switch (action.kind) {
    case 'dispatch':
      dispatch(world, action.request);
      return;
    case 'merge-pull':
      merge(world, action);
      return;
    case 'update-pull-branch': {
      const pull = snap.pulls.find((candidate) => candidate.number === action.pull);
      if (!pull || pull.headSha !== action.expectedHeadSha) return; // GitHub answers 422
      Object.assign(pull, {
        updatedFrom: [pull.headSha, ...(pull.updatedFrom ?? [])],
        headSha: newSha(world),
        mergeState: 'clean',
      });
      pull.checks = { state: 'pending', failedRuns: [] };
      return;
    }
    case 'rerun-failed-jobs':
      rerun(world, action.runId);
      return;
    case 'cancel-run': {
      const run = snap.runs.find((candidate) => candidate.id === action.runId);
      if (run && run.status !== 'completed')
        Object.assign(run, { status: 'completed', conclusion: 'cancelled' });
      return;
    }
    case 'set-review-check': {
      const pull = snap.pulls.find((candidate) => candidate.number === action.pull);
      if (pull) pull.reviewCheck = { sha: action.sha, verdict: action.verdict };
      return;
    }
    case 'add-label':
    case 'remove-label': {
      const pull = snap.pulls.find((candidate) => candidate.number === action.number);
      if (!pull) return;
      const others = pull.labels.filter((label) => label !== action.label);
      pull.labels = action.kind === 'add-label' ? [...others, action.label] : others;
      return;
    }
    case 'sync-build-branch':
      if (snap.integration) snap.integration = { sha: newSha(world), containsDefault: true };
      return;
    case 'open-final-pull':
      if (snap.finalPull) world.violations.push('opened a second final PR');
      snap.finalPull = {
        number: world.nextId++,
        state: 'open',
        url: 'https://github.com/acme/shop/pull/final',
      };
      return;
    case 'enable-auto-merge':
      if (snap.finalPull) snap.finalPull.autoMerge = true;
      return;
    case 'close-pull': {
      const pull = snap.pulls.find((candidate) => candidate.number === action.pull);
      if (pull?.state === 'open') pull.state = 'closed';
      return;
    }
    case 'delete-branch': {
      const branch = parseBatonBranch(action.branch);
      if (branch?.kind === 'worker') delete snap.branches[branch.worker];
      return;
    }
    case 'comment':
    case 'look-again':
      return;
    case 'create-mirror':
    case 'retitle-issue':
      return;
    case 'close-sub-issue': {
      const sub = snap.issue.subIssues?.find((candidate) => candidate.number === action.number);
      if (sub) Object.assign(sub, { state: 'closed', stateReason: action.reason });
      return;
    }
    case 'reopen-sub-issue': {
      const sub = snap.issue.subIssues?.find((candidate) => candidate.number === action.number);
      if (sub) Object.assign(sub, { state: 'open', stateReason: 'reopened', title: action.title });
      return;
    }
    case 'notice':
      snap.notices = [...(snap.notices ?? []), action.key];
      return;
    case 'clean-up-refs': {
      // Never the exchange ref of a run under way, nor a lock while one is.
      const underWay = snap.runs.filter((run) => run.status !== 'completed');
      const named = action.runs.filter((r) => underWay.some((run) => run.id === r.id));
      if (named.length > 0) {
        world.violations.push(`cleaned up the exchange of run ${named.map((r) => r.id)} under way`);
      }
      if (action.locks && underWay.length > 0)
        world.violations.push('deleted the locks while a run is under way');
      return;
    }
    case 'render-status':
      world.lastView = action.view;
      return;
    case 'record-message':
      snap.messageRefs = [
        ...(snap.messageRefs ?? []),
        { worker: action.worker, comment: action.comment },
      ];
      return;
    case 'drop-records':
      snap.ignoredValidations = (snap.ignoredValidations ?? []).filter(
        (one) => !action.refs.includes(one.ref),
      );
      return;
    case 'forget-messages':
      snap.messageRefs = (snap.messageRefs ?? []).filter(
        (ref) => !action.messages.some((gone) => gone.comment === ref.comment),
      );
      return;
    default: {
      const _exhaustive: never = action;
      throw new Error(`unknown action ${JSON.stringify(_exhaustive)}`);
    }
  }
}

function dispatch(world: World, request: SessionRequest): void {
  const { snap } = world;
  const key = {
    role: request.role,
    worker: request.worker ?? null,
    trigger: request.trigger ?? null,
  };
  if (snap.runs.some((run) => sameKey(run, key))) {
    world.violations.push(`dispatched ${key.role} ${key.worker} ${key.trigger} twice`);
  }
  if (
    (request.role === 'review' || request.role === 'fix') &&
    openPullOf(world, key.worker)?.number !== request.pr
  ) {
    world.violations.push(
      `${request.role} for ${key.worker} names PR ${request.pr}, which is not its open PR`,
    );
  }
  if (request.role === 'plan' && !snap.integration)
    snap.integration = { sha: newSha(world), containsDefault: true };
  if (request.role === 'work' && key.worker && snap.integration)
    snap.branches[key.worker] = snap.integration.sha;
  const id = world.nextId++;
  const at = nowOf(world);
  snap.runs.push({
    ...key,
    id,
    status: 'queued',
    conclusion: null,
    createdAt: at,
    updatedAt: at,
    url: `https://github.com/acme/shop/actions/runs/${id}`,
  });
  if (chance(world, 0.02)) world.stuck.add(id);
}

function merge(world: World, action: Extract<Action, { kind: 'merge-pull' }>): void {
  const { snap } = world;
  const pull = snap.pulls.find((candidate) => candidate.number === action.pull);
  if (pull?.state !== 'open') {
    world.violations.push(`merged PR ${action.pull}, which is not open`);
    return;
  }
  if (pull.headSha !== action.sha)
    world.violations.push(`merged PR ${pull.number} at a sha that is not its head`);
  if (pull.mergeState !== 'clean')
    world.violations.push(`merged PR ${pull.number} while ${pull.mergeState}`);
  if (!mayMerge(world, pull))
    world.violations.push(`merged PR ${pull.number} without approval and green checks`);
  if (snap.pulls.some((other) => other.worker === pull.worker && other.state === 'merged')) {
    world.violations.push(`merged ${pull.worker} twice`);
  }
  pull.state = 'merged';
  snap.completions[pull.worker] = { kind: 'valid', completion: completionFor(world, pull.worker) };
  if (snap.integration) snap.integration = { ...snap.integration, sha: newSha(world) };
  for (const other of snap.pulls.filter((candidate) => candidate.state === 'open')) {
    const roll = world.rng();
    if (!world.calm && roll < 0.1) other.mergeState = 'dirty';
    else if (roll < 0.4) other.mergeState = 'behind';
  }
}

function rerun(world: World, runId: number): void {
  const pull = world.snap.pulls.find((candidate) =>
    candidate.checks.failedRuns.some((run) => run.id === runId),
  );
  const failed = pull?.checks.failedRuns.find((run) => run.id === runId);
  if (!pull || !failed) return;
  if (failed.attempt > 1) world.violations.push(`re-ran CI run ${runId} a second time`);
  world.reruns.set(pull.number, runId);
  pull.checks = { state: 'pending', failedRuns: [] };
}
