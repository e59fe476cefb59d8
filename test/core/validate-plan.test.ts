import { describe, expect, it } from 'vitest';
import { BRIEF_MAX_BYTES, MAX_WORKERS, validatePlan } from '../../src/core/plan/validate-plan.js';

const BUILD = '12-add-login';

interface RawWorker {
  id: unknown;
  title?: unknown;
  depends_on?: unknown;
  complexity?: unknown;
  [key: string]: unknown;
}

function makeWorker(
  id: string,
  dependsOn: string[] = [],
  extra: Partial<RawWorker> = {},
): RawWorker {
  return { id, title: `Work of ${id}`, depends_on: dependsOn, complexity: 'normal', ...extra };
}

function makeRaw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    build: BUILD,
    issue: 12,
    title: 'Add login',
    summary: 'Log in with a password.',
    workers: [makeWorker('W1.1'), makeWorker('W1.2'), makeWorker('W2.1', ['W1.1', 'W1.2'])],
    ...overrides,
  };
}

/** The plan of these workers, the rest as `makeRaw` has it. */
function planOf(...workers: RawWorker[]): Record<string, unknown> {
  return makeRaw({ workers });
}

/** Every brief present and small, for the workers of `raw`. */
function briefsFor(raw: Record<string, unknown>, size = 1000): Record<string, number> {
  const workers = Array.isArray(raw.workers) ? (raw.workers as RawWorker[]) : [];
  return Object.fromEntries(workers.map((worker) => [`workers/${String(worker.id)}.md`, size]));
}

function problemsOf(raw: Record<string, unknown>, briefSizes = briefsFor(raw)): string[] {
  const result = validatePlan({ raw, build: BUILD, briefSizes });
  return result.ok ? [] : result.problems;
}

describe('validatePlan', () => {
  it('accepts a sound plan and fills the defaults', () => {
    const raw = makeRaw({ workers: [{ id: 'W1.1', title: 'Only' }] });
    expect(validatePlan({ raw, build: BUILD, briefSizes: briefsFor(raw) })).toEqual({
      ok: true,
      plan: {
        ...raw,
        workers: [{ id: 'W1.1', title: 'Only', depends_on: [], complexity: 'normal' }],
      },
    });
  });

  it.each([
    [
      'the file is not an object',
      null,
      ['plan.json (the whole file): Invalid input: expected object, received null.'],
    ],
    ['a field is missing', { summary: undefined }, ['plan.json summary is missing; add it.']],
    [
      'the version is unknown',
      { version: 2 },
      ['plan.json version: Invalid input: expected 1 (got 2).'],
    ],
    [
      'a field is unknown',
      { owner: 'x' },
      ['plan.json (the whole file): "owner" is not a plan field; remove or rename it.'],
    ],
    [
      'fields are unknown',
      { owner: 'x', repo: 'y' },
      ['plan.json (the whole file): "owner", "repo" are not plan fields; remove or rename it.'],
    ],
    [
      'the issue is not a number',
      { issue: 'twelve' },
      ['plan.json issue: Invalid input: expected number, received string.'],
    ],
  ])('reports the schema problem when %s', (_name, overrides, expected) => {
    const raw = overrides === null ? null : makeRaw(overrides);
    const result = validatePlan({ raw, build: BUILD, briefSizes: briefsFor(makeRaw()) });
    expect(result).toEqual({ ok: false, problems: expected });
  });

  it('names the path and the worker of a schema problem inside a worker', () => {
    const raw = makeRaw({
      workers: [
        makeWorker('W1.1'),
        makeWorker('W1.2', [], { complexity: 'hard', extra: true }),
        makeWorker('W2.1', ['W1.1', 'first']),
        makeWorker('w2.2'),
        makeWorker('W2.3', [], { title: '' }),
        'W2.4',
      ],
    });
    expect(problemsOf(raw)).toEqual([
      'plan.json workers[1].complexity (worker W1.2): Invalid option: expected one of "easy"|"normal"|"complex" (got "hard").',
      'plan.json workers[1] (worker W1.2): "extra" is not a plan field; remove or rename it.',
      'plan.json workers[2].depends_on[1] (worker W2.1): a worker id is W<wave>.<seq>, like W1.2 (got "first").',
      'plan.json workers[3].id: a worker id is W<wave>.<seq>, like W1.2 (got "w2.2").',
      'plan.json workers[4].title (worker W2.3): Too small: expected string to have >=1 characters.',
      'plan.json workers[5]: Invalid input: expected object, received string.',
    ]);
  });

  it('shortens a long value it quotes', () => {
    const raw = planOf(makeWorker('W1.1', [], { complexity: 'x'.repeat(100) }));
    expect(problemsOf(raw)[0]).toMatch(/\(got "x{58}…\)\.$/);
  });

  it.each([
    [
      'build',
      { build: '13-other' },
      'plan.json says "build": "13-other", but it lies on the branch of build 12-add-login; set "build": "12-add-login".',
    ],
    [
      'issue',
      { issue: 13 },
      'plan.json says "issue": 13, but build 12-add-login answers issue 12; set "issue": 12.',
    ],
  ])('reports a plan whose %s does not match the branch', (_field, overrides, expected) => {
    expect(problemsOf(makeRaw(overrides))).toEqual([expected]);
  });

  it(`refuses more than ${MAX_WORKERS} workers, once`, () => {
    const many = Array.from({ length: 501 }, (_, i) =>
      makeWorker(`W${Math.floor(i / 99) + 1}.${(i % 99) + 1}`),
    );
    const at = makeRaw({ workers: many.slice(0, MAX_WORKERS) });
    expect(problemsOf(at)).toEqual([]);
    expect(problemsOf(makeRaw({ workers: many.slice(0, MAX_WORKERS + 1) }))).toEqual([
      'The plan has 61 workers, more than the 60 allowed; merge small workers or leave work for a follow-up build.',
    ]);
    const huge = makeRaw({ workers: many });
    expect(problemsOf(huge)).toEqual([
      'The plan has 501 workers, more than the 60 allowed; merge small workers or leave work for a follow-up build.',
    ]);
  });

  it('reports a duplicate id with the places it is used', () => {
    const raw = planOf(makeWorker('W1.1'), makeWorker('W1.2'), makeWorker('W1.1'));
    expect(problemsOf(raw)).toEqual([
      'W1.1 is the id of 2 workers (workers[0], workers[2]); give each worker its own id.',
    ]);
  });

  it.each([
    [
      'on itself',
      [makeWorker('W1.1', ['W1.1'])],
      ['W1.1 depends on itself; remove W1.1 from its depends_on.'],
    ],
    [
      'on an unknown worker',
      [makeWorker('W1.1'), makeWorker('W2.1', ['W1.9'])],
      ['W2.1 depends on W1.9, which is not in the plan; add W1.9 or remove it from depends_on.'],
    ],
    [
      'twice on the same worker',
      [makeWorker('W1.1'), makeWorker('W2.1', ['W1.1', 'W1.1'])],
      ['W2.1 lists W1.1 more than once in depends_on; list it once.'],
    ],
    [
      'on a later wave',
      [makeWorker('W1.1', ['W2.1']), makeWorker('W2.1')],
      [
        'W1.1 (wave 1) depends on W2.1 in a later wave; a worker may depend only on earlier waves, so move W1.1 to a later wave or drop the dependency.',
      ],
    ],
  ])('reports a dependency %s', (_name, workers, expected) => {
    expect(problemsOf(planOf(...workers))).toEqual(expected);
  });

  it('names a dependency cycle, besides the wave rule it breaks', () => {
    const raw = planOf(
      makeWorker('W1.2', ['W1.3']),
      makeWorker('W1.3', ['W1.1']),
      makeWorker('W1.1', ['W1.2']),
    );
    expect(problemsOf(raw)).toEqual([
      'W1.2 (wave 1) depends on W1.3 in the same wave; a worker may depend only on earlier waves, so move W1.2 to a later wave or drop the dependency.',
      'W1.3 (wave 1) depends on W1.1 in the same wave; a worker may depend only on earlier waves, so move W1.3 to a later wave or drop the dependency.',
      'W1.1 (wave 1) depends on W1.2 in the same wave; a worker may depend only on earlier waves, so move W1.1 to a later wave or drop the dependency.',
      'Dependencies form a cycle: W1.1, which depends on W1.2, which depends on W1.3, which depends on W1.1; remove one of these dependencies.',
    ]);
  });

  it('names each separate cycle once', () => {
    const raw = planOf(
      makeWorker('W1.1', ['W2.1']),
      makeWorker('W2.1', ['W1.1']),
      makeWorker('W3.1', ['W3.2']),
      makeWorker('W3.2', ['W3.1', 'W1.1']),
    );
    expect(problemsOf(raw).filter((problem) => problem.startsWith('Dependencies'))).toEqual([
      'Dependencies form a cycle: W1.1, which depends on W2.1, which depends on W1.1; remove one of these dependencies.',
      'Dependencies form a cycle: W3.1, which depends on W3.2, which depends on W3.1; remove one of these dependencies.',
    ]);
  });

  it.each([
    ['missing', {}, ['W1.2 has no brief: commit workers/W1.2.md beside plan.json.']],
    ['at the limit', { 'workers/W1.2.md': BRIEF_MAX_BYTES }, []],
    [
      'over the limit',
      { 'workers/W1.2.md': BRIEF_MAX_BYTES + 1 },
      [
        'The brief of W1.2 (workers/W1.2.md) is 32769 bytes, more than the 32768 allowed (32 KB); shorten it or split the worker.',
      ],
    ],
  ])('checks a brief that is %s', (_name, sizes, expected) => {
    const raw = planOf(makeWorker('W1.1'), makeWorker('W1.2'));
    expect(problemsOf(raw, { 'workers/W1.1.md': 10, ...sizes })).toEqual(expected);
  });

  it('reports every problem at once, schema and rules together', () => {
    const raw = makeRaw({
      build: 'other',
      workers: [makeWorker('W1.1', ['W1.1']), makeWorker('W2.1', ['W3.1'], { complexity: 'hard' })],
    });
    expect(problemsOf(raw, {})).toEqual([
      'plan.json workers[1].complexity (worker W2.1): Invalid option: expected one of "easy"|"normal"|"complex" (got "hard").',
      'plan.json says "build": "other", but it lies on the branch of build 12-add-login; set "build": "12-add-login".',
      'W1.1 depends on itself; remove W1.1 from its depends_on.',
      'W2.1 depends on W3.1, which is not in the plan; add W3.1 or remove it from depends_on.',
      'W1.1 has no brief: commit workers/W1.1.md beside plan.json.',
      'W2.1 has no brief: commit workers/W2.1.md beside plan.json.',
    ]);
  });

  it('reads what it can of workers whose depends_on is not a list', () => {
    const raw = planOf(makeWorker('W1.1', [], { depends_on: 'W1.2' }));
    expect(problemsOf(raw)).toEqual([
      'plan.json workers[0].depends_on (worker W1.1): Invalid input: expected array, received string.',
    ]);
  });
});

describe("validatePlan: the contract's worker", () => {
  const contract = makeWorker('W0.1', [], { contract: true });
  const withCriteria = (workers: RawWorker[], extra: Record<string, unknown> = {}) =>
    makeRaw({ criteria: ['GET /health answers 200'], workers, ...extra });
  const sound = () =>
    withCriteria([
      contract,
      makeWorker('W1.1', ['W0.1'], { criteria: ['login answers 200 for a good password'] }),
      makeWorker('W1.2', ['W0.1']),
      makeWorker('W2.1', ['W1.1', 'W1.2']),
    ]);
  const problemsWith = (raw: Record<string, unknown>, wanted?: boolean) => {
    const result = validatePlan({
      raw,
      build: BUILD,
      briefSizes: briefsFor(raw),
      ...(wanted === undefined ? {} : { contract: wanted }),
    });
    return result.ok ? [] : result.problems;
  };

  it('accepts W0.1 in wave 0 with contract: true, which every worker of wave 1 waits for', () => {
    expect(problemsWith(sound(), true)).toEqual([]);
    expect(problemsWith(sound())).toEqual([]);
  });

  it('accepts another worker that the plan lets change the contract', () => {
    const raw = sound();
    (raw.workers as RawWorker[])[3] = makeWorker('W2.1', ['W1.1'], { contract: true });
    expect(problemsWith(raw, true)).toEqual([]);
  });

  it.each<[string, () => Record<string, unknown>, boolean | undefined, string]>([
    [
      'criteria without W0.1, where the configuration wants a contract',
      () => withCriteria([makeWorker('W1.1'), makeWorker('W2.1', ['W1.1'])]),
      true,
      'The plan names acceptance criteria but has no W0.1',
    ],
    [
      'W0.1 without criteria',
      () => planOf(contract, makeWorker('W1.1', ['W0.1'])),
      undefined,
      'but the plan names no acceptance criteria',
    ],
    [
      'W0.1 where the configuration wants no contract',
      sound,
      false,
      'verification.contract is false',
    ],
    [
      'W0.1 in a research build',
      () => ({ ...sound(), type: 'research' }),
      undefined,
      'which only a code build has',
    ],
    [
      'W0.1 without contract: true',
      () => withCriteria([makeWorker('W0.1'), makeWorker('W1.1', ['W0.1'])]),
      undefined,
      'set "contract": true on it',
    ],
    [
      'a worker of wave 1 that does not wait for W0.1',
      () => withCriteria([contract, makeWorker('W1.1', ['W0.1']), makeWorker('W1.2')]),
      undefined,
      'W1.2 does not wait for W0.1',
    ],
    [
      'a later worker that depends on nothing',
      () => withCriteria([contract, makeWorker('W1.1', ['W0.1']), makeWorker('W2.1', [])]),
      undefined,
      'W2.1 does not wait for W0.1',
    ],
  ])('refuses %s', (_name, raw, wanted, problem) => {
    expect(problemsWith(raw(), wanted)).toEqual([expect.stringContaining(problem)]);
  });

  it('refuses W0.1 depending on anything (an earlier wave it cannot have)', () => {
    const raw = withCriteria([
      makeWorker('W0.1', ['W1.1'], { contract: true }),
      makeWorker('W1.1', ['W0.1']),
    ]);
    expect(problemsWith(raw)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("W0.1, the contract's worker, runs before every other"),
      ]),
    );
  });

  it('refuses W0.2 in the same repository: a repository has one contract', () => {
    const raw = withCriteria([
      contract,
      makeWorker('W0.2', [], { contract: true }),
      makeWorker('W1.1', ['W0.1']),
    ]);
    expect(problemsWith(raw)).toEqual([
      expect.stringContaining(
        "W0.1 and W0.2 both write the contract of the issue's repository; a repository has one contract",
      ),
    ]);
  });

  it('leaves a plan without criteria and without W0.1 alone, whatever the configuration wants', () => {
    expect(problemsWith(makeRaw(), true)).toEqual([]);
  });
});

describe("validatePlan: a change set's contracts, one per repository", () => {
  const lib = 'acme/lib';
  const client = 'acme/client';
  const set = (workers: RawWorker[]) =>
    makeRaw({ criteria: ['acme/client builds against acme/lib'], workers });
  const sound = () =>
    set([
      makeWorker('W0.1', [], { contract: true, repository: lib }),
      makeWorker('W0.2', [], { contract: true, repository: client }),
      makeWorker('W1.1', ['W0.1'], { repository: lib, criteria: ['get answers 200'] }),
      makeWorker('W2.1', ['W0.2', 'W1.1'], { repository: client }),
      makeWorker('W3.1', ['W2.1'], { repository: client }),
    ]);
  const problemsWith = (raw: Record<string, unknown>, wanted?: boolean) => {
    const result = validatePlan({
      raw,
      build: '12-add-login',
      briefSizes: Object.fromEntries(
        (raw.workers as RawWorker[]).map((w) => [`workers/${String(w.id)}.md`, 10]),
      ),
      ...(wanted === undefined ? {} : { contract: wanted }),
    });
    return result.ok ? [] : result.problems;
  };

  it('accepts W0.1 and W0.2, each waited for by the workers of its repository that wait on no other there', () => {
    expect(problemsWith(sound(), true)).toEqual([]);
  });

  it.each<[string, (workers: RawWorker[]) => RawWorker[], string]>([
    [
      "a worker that waits only for another repository's worker, not its own contract",
      (workers) => workers.map((w) => (w.id === 'W2.1' ? { ...w, depends_on: ['W1.1'] } : w)),
      'W2.1 does not wait for W0.2, the contract of its repository',
    ],
    [
      'two contracts for one repository',
      (workers) => workers.map((w) => (w.id === 'W0.2' ? { ...w, repository: lib } : w)),
      'W0.1 and W0.2 both write the contract of acme/lib',
    ],
    [
      'a gap in the contracts’ numbers',
      (workers) =>
        workers.map((w) =>
          w.id === 'W0.2'
            ? { ...w, id: 'W0.3' }
            : {
                ...w,
                depends_on: (w.depends_on as string[]).map((d) => (d === 'W0.2' ? 'W0.3' : d)),
              },
        ),
      "The contract's workers are numbered from W0.1 without a gap",
    ],
    [
      'a repository whose workers have criteria but no contract',
      (workers) =>
        workers
          .filter((w) => w.id !== 'W0.2')
          .map((w) => ({
            ...w,
            depends_on: (w.depends_on as string[]).filter((d) => d !== 'W0.2'),
            ...(w.id === 'W3.1' ? { criteria: ['the client calls get'] } : {}),
          })),
      'acme/client has workers with criteria but no contract',
    ],
  ])('refuses %s', (_name, change, problem) => {
    const raw = sound();
    const changed = { ...raw, workers: change(raw.workers as RawWorker[]) };
    expect(problemsWith(changed, true)).toEqual(
      expect.arrayContaining([expect.stringContaining(problem)]),
    );
  });
});
