import { describe, expect, it } from 'vitest';
import { parseCommands } from '../../../src/core/commands/parse-commands.js';
import { decide } from '../../../src/core/decide/decide.js';
import {
  contractCriteria,
  criteriaOf,
  criterionRepository,
} from '../../../src/core/plan/contract.js';
import {
  isChangeSetPlan,
  landsAfter,
  lastWaveOf,
  outsideDependencies,
  planRepositories,
  repositoryOrder,
  sliceOf,
} from '../../../src/core/plan/set-plan.js';
import { validatePlan } from '../../../src/core/plan/validate-plan.js';
import {
  memberBuildId,
  parseBatonBranch,
  parseMemberBuildId,
  revertBranch,
} from '../../../src/core/vocabulary/ids.js';
import { dispatched, rowsOf } from '../decide-helpers.js';
import { make, makePlan, makeWorker, planRun } from '../factories.js';
import { memberChangeSet } from './set-factories.js';

const HOME = 'acme/service';

/** A worker of `repository` (the issue's, acme/service, when none), with what it depends on. */
function at(id: string, repository: string | null, dependsOn: string[] = []) {
  return makeWorker({
    id,
    depends_on: dependsOn,
    ...(repository ? { repository } : {}),
  });
}

/** lib ← service ← client: W1.1 in acme/lib, W2.1 and W2.2 here, W3.1 in acme/client. */
const SET = makePlan({
  workers: [
    at('W1.1', 'acme/lib'),
    at('W2.1', null, ['W1.1']),
    at('W2.2', null, ['W1.1']),
    at('W3.1', 'acme/client', ['W2.1']),
  ],
});

describe('member build ids', () => {
  it('name the set and the repository of its issue, in lower case, and read back', () => {
    const id = memberBuildId('12-rename-fetch', 'Acme/App.Web');
    expect(id).toBe('12-rename-fetch.acme.app.web');
    expect(parseMemberBuildId(id)).toEqual({
      build: '12-rename-fetch',
      issue: 12,
      home: 'acme/app.web',
    });
  });

  it.each([
    ['a build id of its own', '12-rename-fetch'],
    ['no repository', '12-rename-fetch.acme'],
    ['an empty repository name', '12-rename-fetch.acme.'],
    ['no issue', 'rename.acme.app'],
  ])('are not read from %s', (_name, id) => {
    expect(parseMemberBuildId(id)).toBeNull();
  });

  it('name branches Baton reads, the revert branch a member build only', () => {
    const member = memberBuildId('12-rename-fetch', HOME);
    expect(parseBatonBranch(`refs/heads/baton/${member}/W2.1`)).toEqual({
      kind: 'worker',
      build: member,
      worker: 'W2.1',
    });
    expect(parseBatonBranch(revertBranch(member))).toEqual({ kind: 'revert', build: member });
    expect(parseBatonBranch('baton/12-rename-fetch/revert')).toBeNull();
  });
});

describe("a change set's plan", () => {
  it('is one when a worker names another repository than the issue’s', () => {
    expect(isChangeSetPlan(SET, HOME)).toBe(true);
    expect(isChangeSetPlan(makePlan({ workers: [at('W1.1', HOME)] }), HOME)).toBe(false);
    expect(planRepositories(SET, HOME)).toEqual(['acme/lib', 'acme/service', 'acme/client']);
  });

  it('lands its repositories after those their workers depend on', () => {
    const order = repositoryOrder(SET, HOME);
    expect(order).toEqual({
      ok: true,
      order: ['acme/lib', 'acme/service', 'acme/client'],
      after: new Map([
        ['acme/lib', []],
        ['acme/service', ['acme/lib']],
        ['acme/client', ['acme/service']],
      ]),
    });
    if (!order.ok) throw new Error('no order');
    expect(landsAfter(order.after, 'acme/lib').sort()).toEqual(['acme/client', 'acme/service']);
    expect(landsAfter(order.after, 'acme/client')).toEqual([]);
  });

  it('has no order when the repositories depend on each other in a circle', () => {
    const circle = makePlan({
      workers: [
        at('W1.1', 'acme/lib'),
        at('W2.1', null, ['W1.1']),
        at('W3.1', 'acme/lib', ['W2.1']),
      ],
    });
    expect(repositoryOrder(circle, HOME)).toEqual({
      ok: false,
      cycle: ['acme/lib', 'acme/service'],
    });
  });

  it('gives each repository its workers, and names what they wait on elsewhere', () => {
    expect(sliceOf(SET, 'acme/service', HOME).workers.map((w) => w.id)).toEqual(['W2.1', 'W2.2']);
    expect(outsideDependencies(SET, 'acme/service', HOME)).toEqual(new Map([['W1.1', 'acme/lib']]));
    expect(outsideDependencies(SET, 'acme/lib', HOME)).toEqual(new Map());
  });

  it("needs in a member's record the briefs of that repository's workers alone", () => {
    const raw = { ...SET, build: memberBuildId('12-add-login', HOME) };
    const briefs = { 'workers/W2.1.md': 10, 'workers/W2.2.md': 10 };
    expect(
      validatePlan({
        raw,
        build: raw.build,
        briefSizes: briefs,
        member: { repository: HOME, home: HOME },
      }),
    ).toMatchObject({ ok: true });
    expect(validatePlan({ raw, build: raw.build, briefSizes: briefs })).toMatchObject({
      ok: false,
      problems: ['W1.1 has no brief: commit workers/W1.1.md beside plan.json.', expect.any(String)],
    });
  });
});

describe('outside dependencies in a member build', () => {
  const slice = makePlan({ workers: [at('W2.1', null, ['W1.1']), at('W2.2', null)] });
  const decideWith = (done: string[]) =>
    decide({
      snapshot: make.snapshot({
        plan: { kind: 'valid', plan: slice, sha: 'p' },
        runs: [planRun()],
        changeSet: memberChangeSet({
          outside: { done, repositories: { 'W1.1': 'acme/lib' }, chains: { 'W2.2': 1, 'W2.1': 2 } },
        }),
      }),
      config: make.config({ approval: 'none' }),
      now: '2026-03-01T12:00:00Z',
    });

  it('waits for a worker of another repository, named with its repository, until the set says it is done', () => {
    const waiting = decideWith([]);
    expect(dispatched(waiting)).toEqual(['work W2.2 -']);
    expect(rowsOf(waiting)['W2.1']).toEqual({
      state: 'waiting',
      note: 'waits for W1.1 (acme/lib)',
    });
    expect(dispatched(decideWith(['W1.1']))).toEqual(['work W2.1 -', 'work W2.2 -']);
  });
});

describe('/rollback', () => {
  it('is a command alone on its line', () => {
    expect(parseCommands('/rollback')).toEqual({ commands: [{ name: 'rollback' }], errors: [] });
    expect(parseCommands('/rollback lib').errors).toEqual([
      {
        line: '/rollback lib',
        message: '/rollback takes nothing after it: write `/rollback` alone on its line.',
      },
    ]);
  });
});

describe("a change set's criteria, each in the contract of the repository that can run it", () => {
  const routed = (criteria: string[], workers = SET.workers) =>
    criteriaOf({ criteria, workers }).map((criterion) => [
      criterion.id,
      criterionRepository(criterion, { criteria, workers }, HOME),
    ]);

  it("puts a worker's criteria in its own repository's contract", () => {
    const workers = SET.workers.map((w) =>
      w.id === 'W1.1' || w.id === 'W2.1' ? { ...w, criteria: ['get answers 200'] } : w,
    );
    expect(routed([], workers)).toEqual([
      ['W1.1:1', 'acme/lib'],
      ['W2.1:1', 'acme/service'],
    ]);
  });

  it('puts a build criterion in the repository landing last among those it names, or among all where it names none', () => {
    expect(
      routed([
        'Acme/Lib exports get',
        'acme/service answers with acme/lib’s get',
        'acme/client and acme/lib agree on the wire format',
        'every repository builds',
        'acme/library is not acme/lib-extra',
      ]),
    ).toEqual([
      ['build:1', 'acme/lib'],
      ['build:2', 'acme/service'],
      ['build:3', 'acme/client'],
      ['build:4', 'acme/client'],
      ['build:5', 'acme/client'],
    ]);
  });

  it("gives each member's contract its criteria alone, and a build's contract all of them", () => {
    const plan = { criteria: ['acme/service starts'], workers: SET.workers };
    expect(contractCriteria(plan, 'acme/service', HOME).map((c) => c.id)).toEqual(['build:1']);
    expect(contractCriteria(plan, 'acme/lib', HOME)).toEqual([]);
    const one = makePlan({
      criteria: ['it starts'],
      workers: [makeWorker({ id: 'W1.1', criteria: ['x'] })],
    });
    expect(contractCriteria(one, HOME, HOME).map((c) => c.id)).toEqual(['build:1', 'W1.1:1']);
  });
});

describe("a member's last milestone", () => {
  it("is its own part's last wave in a change set, and the plan's in a build", () => {
    const build = '12-rename-fetch';
    const member = memberBuildId(build, HOME);
    expect(lastWaveOf(SET, { build: member, repository: 'Acme/Lib' })).toBe(1);
    expect(lastWaveOf(SET, { build: member, repository: HOME })).toBe(2);
    expect(lastWaveOf(SET, { build: member, repository: 'acme/client' })).toBe(3);
    expect(lastWaveOf(SET, { build, repository: 'acme/lib' })).toBe(3);
  });
});
