import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { contractPath } from '../../src/core/plan/contract.js';
import { renderValidationMessage, validationRef } from '../../src/core/plan/validation.js';
import {
  briefPath,
  integrationBranch,
  planPath,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import { startSetApp } from '../support/app-tests.js';
import { statusBody } from '../support/builds.js';
import {
  driveSetIssue,
  finalPullOf,
  LIB,
  SERVICE,
  SET_BUILD,
  SET_MEMBER,
  type SetWorkerSpec,
  setScripts,
} from '../support/change-sets.js';

/**
 * lib ← service, each with its contract (docs/change-sets.md): W0.1 writes acme/lib's, which
 * W1.1 waits for; W0.2 writes acme/service's, which W2.1 waits for besides W1.1.
 */
const WORKERS: SetWorkerSpec[] = [
  { id: 'W0.1', title: 'Contract: checks for the acceptance criteria', repository: LIB },
  { id: 'W0.2', title: 'Contract: checks for the acceptance criteria', repository: SERVICE },
  {
    id: 'W1.1',
    title: 'Rename fetch to get',
    depends_on: ['W0.1'],
    repository: LIB,
    criteria: ['get answers what fetch answered'],
  },
  {
    id: 'W2.1',
    title: 'Call get',
    depends_on: ['W0.2', 'W1.1'],
    repository: SERVICE,
    criteria: ['the service calls get'],
  },
];

/** The session runs of the Baton workflow in one repository, oldest first. */
function sessions(gh: FakeGitHub) {
  return gh.runs.filter((run) => run.workflow === 'baton.yml');
}

/** When the contract's pull request of `worker` merged into the member's build branch. */
function contractMergedAt(gh: FakeGitHub, worker: string): number {
  const pull = [...gh.pulls.values()].find((p) => p.head === workerBranch(SET_MEMBER, worker));
  expect(pull?.base).toBe(integrationBranch(SET_MEMBER));
  return Date.parse(pull?.mergedAt ?? '');
}

describe("a change set's contracts, one per repository, on the simulated GitHub", () => {
  it('gives each member its contract first, starts its workers after their own, validates each member there, and opens the final pull requests after every member passed', async () => {
    const { repos, app } = await startSetApp();
    const scripts = setScripts(repos, {}, WORKERS, ['acme/service answers with get']);
    await driveSetIssue({ repos, app, scripts });
    expect(app.errors).toEqual([]);

    // Each repository's contract session runs there, in the role contract, in its member build.
    const contractRuns = (gh: FakeGitHub) =>
      sessions(gh)
        .filter((run) => run.inputs.role === 'contract')
        .map((run) => `${run.inputs.build} ${run.inputs.worker}`);
    expect(contractRuns(repos.lib)).toEqual([`${SET_MEMBER} W0.1`]);
    expect(contractRuns(repos.service)).toEqual([`${SET_MEMBER} W0.2`]);
    expect(contractRuns(repos.client)).toEqual([]);
    for (const gh of [repos.lib, repos.service]) {
      const files = gh.git.filesOf(gh.git.resolve(integrationBranch(SET_MEMBER)) ?? '');
      expect(files.has(contractPath(SET_MEMBER))).toBe(true);
    }

    // No worker's first run was created before its own repository's contract merged.
    const work = (gh: FakeGitHub, worker: string) =>
      sessions(gh).filter((run) => run.inputs.role === 'work' && run.inputs.worker === worker);
    const libContract = contractMergedAt(repos.lib, 'W0.1');
    const serviceContract = contractMergedAt(repos.service, 'W0.2');
    expect(work(repos.lib, 'W1.1')).toHaveLength(1);
    expect(work(repos.service, 'W2.1')).toHaveLength(1);
    for (const run of work(repos.lib, 'W1.1'))
      expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(libContract);
    for (const run of work(repos.service, 'W2.1'))
      expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(serviceContract);

    // Each member's milestone is validated in its repository, on its build branch.
    const validations = (gh: FakeGitHub) =>
      sessions(gh).filter((run) => run.inputs.role === 'validate');
    expect(validations(repos.lib).map((run) => `${run.inputs.build} ${run.inputs.worker}`)).toEqual(
      [`${SET_MEMBER} M1`],
    );
    expect(
      validations(repos.service).map((run) => `${run.inputs.build} ${run.inputs.worker}`),
    ).toEqual([`${SET_MEMBER} M2`]);

    // acme/lib is done long before acme/service, yet its final pull request waited for both validations.
    const lastValidation = Math.max(
      ...[...validations(repos.lib), ...validations(repos.service)].map((run) =>
        Date.parse(run.createdAt),
      ),
    );
    const finals = [repos.lib, repos.service].map((gh) => finalPullOf(gh));
    expect(finals.map((pull) => pull?.state)).toEqual(['open', 'open']);
    for (const pull of finals)
      expect(Date.parse(pull?.createdAt ?? '')).toBeGreaterThan(lastValidation);
    expect(app.errors).toEqual([]);
  });

  it('validates a member whose last milestone a record no validation run wrote says passed', async () => {
    const { repos, app } = await startSetApp();
    // Code a worker added to acme/service's CI, with `contents: write`, says its last milestone passed.
    const message = renderValidationMessage({
      version: 1,
      milestone: 2,
      run_id: 1,
      head: 'f'.repeat(40),
      passed: true,
      exit_code: 0,
      failed: [],
    });
    const forged = repos.service.git.commit({ parent: null, changes: {}, message });
    repos.service.git.refs.set(validationRef(SET_MEMBER, 2, 'f'.repeat(40)), forged);
    const scripts = setScripts(repos, {}, WORKERS, ['acme/service answers with get']);
    await driveSetIssue({ repos, app, scripts });
    expect(app.errors).toEqual([]);

    const validated = sessions(repos.service).filter((run) => run.inputs.role === 'validate');
    expect(validated.map((run) => run.inputs.worker)).toEqual(['M2']);
    const final = finalPullOf(repos.service);
    expect(Date.parse(final?.createdAt ?? '')).toBeGreaterThan(
      Date.parse(validated[0]?.createdAt ?? ''),
    );
  });

  it("answers a member's failed milestone with a fix worker the app adds to the set's plan, which runs there, and a validation that passes", async () => {
    const { repos, app } = await startSetApp();
    const scripts = setScripts(repos, {}, WORKERS, ['acme/service answers with get']);
    const [lib] = scripts.get(repos.lib) ?? [];
    if (!lib) throw new Error('no script for acme/lib');
    // acme/lib's first validation finds its criterion's check failing; the one after the fix passes.
    lib.validate = (milestone, ordinal) =>
      milestone === 1 && ordinal === 1 ? { fail: ['W1.1:1'] } : 'pass';
    await driveSetIssue({ repos, app, scripts });
    expect(app.errors).toEqual([]);

    // The member's publish could name no worker; the set's plan has one since, in acme/lib.
    const fix = {
      id: 'W2.2',
      title: 'Fix: W1.1:1 fails',
      depends_on: ['W1.1'],
      complexity: 'normal',
      repository: LIB,
    };
    const planOn = (gh: FakeGitHub, build: string) =>
      JSON.parse(
        gh.git.filesOf(gh.git.resolve(integrationBranch(build)) ?? '').get(planPath(build)) ?? '{}',
      );
    expect(planOn(repos.service, SET_BUILD).workers).toContainEqual(fix);
    // acme/lib's copy of the plan and the brief, where its sessions read them.
    expect(planOn(repos.lib, SET_MEMBER).workers).toContainEqual(fix);
    const libFiles = repos.lib.git.filesOf(
      repos.lib.git.resolve(integrationBranch(SET_MEMBER)) ?? '',
    );
    const brief = libFiles.get(briefPath(SET_MEMBER, 'W2.2')) ?? '';
    expect(brief).toContain('the check of criterion W1.1:1 failed');
    expect(brief).toContain('> get answers what fetch answered');
    expect(
      repos.service.git
        .filesOf(repos.service.git.resolve(integrationBranch(SET_BUILD)) ?? '')
        .get(briefPath(SET_BUILD, 'W2.2')),
    ).toBe(brief);

    // The fix worker ran in acme/lib, merged there, and acme/lib's next milestone passed.
    const ran = (gh: FakeGitHub) =>
      sessions(gh).map((run) => `${run.inputs.role} ${run.inputs.worker}`);
    expect(ran(repos.lib)).toEqual(
      expect.arrayContaining(['validate M1', 'work W2.2', 'validate M2']),
    );
    expect(ran(repos.service)).not.toContain('work W2.2');
    const merged = [...repos.lib.pulls.values()].find(
      (pull) => pull.head === workerBranch(SET_MEMBER, 'W2.2'),
    );
    expect(merged?.mergedAt).toBeTruthy();
    const finals = [repos.lib, repos.service].map((gh) => finalPullOf(gh));
    expect(finals.map((pull) => pull?.state)).toEqual(['open', 'open']);
    const status = statusBody(repos.service, SET_BUILD) ?? '';
    expect(status).not.toContain('no fix worker');
    // Nobody was asked to push a fix while the app added the worker.
    expect(repos.service.comments.filter((c) => c.body.includes('no fix worker'))).toEqual([]);
    expect(app.errors).toEqual([]);
  });
});
