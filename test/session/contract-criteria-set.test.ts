import { afterEach, describe, expect, it } from 'vitest';
import { memberBuildId, planPath } from '../../src/core/vocabulary/ids.js';
import type { AgentContext } from '../../src/session/agent/agent-context.js';
import { readPlannedCriteria } from '../../src/session/agent/roles/hand-in/contract-submission.js';
import { makeTempDir, planJson, removeTempDirs, writeFiles } from './agent-fixtures.js';

afterEach(removeTempDirs);

/** The set's plan, as a member's build branch holds it: lib ← service, the issue in acme/service. */
const PLAN = planJson({
  criteria: ['acme/service answers with acme/lib’s get', 'every repository builds'],
  workers: [
    { id: 'W0.1', title: 'Contract', contract: true, repository: 'acme/lib' },
    { id: 'W0.2', title: 'Contract', contract: true },
    {
      id: 'W1.1',
      title: 'Rename',
      depends_on: ['W0.1'],
      repository: 'acme/lib',
      criteria: ['get answers what fetch did'],
    },
    { id: 'W2.1', title: 'Call get', depends_on: ['W0.2', 'W1.1'], criteria: ['it calls get'] },
  ],
});

/** What a contract session of `repository` reads as its criteria, from the plan in its checkout. */
async function criteriaIn(repository: string, build: string, plan = PLAN): Promise<string[]> {
  const root = await makeTempDir();
  await writeFiles(root, { [planPath(build)]: plan });
  const ctx = { root, env: { BATON_BUILD: build, GITHUB_REPOSITORY: repository } };
  const criteria = await readPlannedCriteria(ctx as unknown as AgentContext);
  return criteria.map((criterion) => criterion.id);
}

describe("a contract session's criteria", () => {
  it("are its own repository's alone in a change set's member", async () => {
    const member = memberBuildId('12-rename-fetch', 'acme/service');
    expect(await criteriaIn('Acme/Lib', member)).toEqual(['W1.1:1']);
    expect(await criteriaIn('acme/service', member)).toEqual(['build:1', 'build:2', 'W2.1:1']);
  });

  it("are every one of the plan's in a build, whatever repository a criterion names", async () => {
    const own = JSON.parse(PLAN) as { workers: { repository?: string }[] };
    const plan = JSON.stringify({
      ...own,
      workers: own.workers.slice(1).map(({ repository: _elsewhere, ...worker }) => worker),
    });
    expect(await criteriaIn('acme/service', '12-rename-fetch', plan)).toEqual([
      'build:1',
      'build:2',
      'W1.1:1',
      'W2.1:1',
    ]);
  });
});
