import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { contractPath, isContractWorker } from '../../src/core/plan/contract.js';
import { completionPath, integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { bump, countersOf } from './scripted-counters.js';
import type { SessionScript } from './scripted-sessions.js';

/**
 * What a scripted work or fix session commits on its worker's branch, as its publish
 * pushes it (test/support/scripted-sessions.ts): its files, its completion report, and
 * CI's check (and a commit status, where the script says so) on the head it pushed.
 */

/** A conflict's fix: the build branch merged into the worker's, keeping the build branch's side. */
export function mergeBuildBranch(gh: FakeGitHub, script: SessionScript, worker: string): void {
  const head = gh.git.resolve(workerBranch(script.build, worker)) ?? '';
  const base = gh.git.resolve(integrationBranch(script.build)) ?? '';
  const merged = gh.git.merge({
    ours: head,
    theirs: base,
    message: `Merge ${integrationBranch(script.build)}`,
  });
  gh.setBranch(workerBranch(script.build, worker), merged);
  addCi(gh, script, worker);
}

/** A worker's file of its own; the contract's worker's checks and `contract.json`. */
export function defaultFiles(script: SessionScript, worker: string): Record<string, string> {
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
export function pushWork(
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

export function completion(script: SessionScript, worker: string): Record<string, string> {
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
