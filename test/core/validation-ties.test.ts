import { describe, expect, it } from 'vitest';
import { renderValidationMessage, type ValidationRecord } from '../../src/core/plan/validation.js';
import { validationsOf } from '../../src/core/snapshot/validation-ties.js';

const HEAD = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const BUILD = '3-login';
const place = (milestone: number, head: string) => `${BUILD}/validation/M${milestone}/${head}`;
const record = (overrides: Partial<ValidationRecord> = {}): ValidationRecord => ({
  version: 1,
  milestone: 2,
  run_id: 501,
  head: HEAD,
  passed: true,
  exit_code: 0,
  failed: [],
  ...overrides,
});
const RUNS: Parameters<typeof validationsOf>[2] = [
  { id: 501, role: 'validate', worker: 'M2', trigger: `head-${HEAD}`, byBaton: true },
  { id: 502, role: 'work', worker: 'W1.1', trigger: null, byBaton: true },
  { id: 503, role: 'validate', worker: 'M2', trigger: `head-${HEAD}`, byBaton: false },
  { id: 504, role: 'validate', worker: 'M1', trigger: `head-${HEAD}`, byBaton: true },
  { id: 505, role: 'validate', worker: 'M2', trigger: `head-${OTHER}`, byBaton: true },
];

describe('validationsOf: a validation record settles a milestone only for its own run', () => {
  it('believes the record of Baton’s validation run of that milestone and head', () => {
    const read = validationsOf(
      BUILD,
      [{ ref: place(2, HEAD), message: renderValidationMessage(record()) }],
      RUNS,
    );
    expect(read).toEqual({ validations: [record()] });
  });

  it.each([
    ['a run there is not', record({ run_id: 999 }), place(2, HEAD), 'no run 999 Baton dispatched'],
    [
      'a work run of Baton’s',
      record({ run_id: 502 }),
      place(2, HEAD),
      'run 502 is not the validation',
    ],
    [
      'a validate run a person dispatched',
      record({ run_id: 503 }),
      place(2, HEAD),
      'no run 503 Baton dispatched',
    ],
    [
      'another milestone’s run',
      record({ run_id: 504 }),
      place(2, HEAD),
      'run 504 is not the validation of M2',
    ],
    [
      'another head’s run',
      record({ run_id: 505 }),
      place(2, HEAD),
      'run 505 is not the validation',
    ],
    [
      'a record away from its place',
      record(),
      place(3, HEAD),
      `it names M2 at ${HEAD}, not its ref's`,
    ],
  ])('ignores a record naming %s, and says why', (_name, forged, ref, reason) => {
    const read = validationsOf(BUILD, [{ ref, message: renderValidationMessage(forged) }], RUNS);
    expect(read.validations).toBeUndefined();
    expect(read.ignoredValidations).toEqual([{ ref, reason: expect.stringContaining(reason) }]);
  });

  it('ignores a ref whose commit is no record', () => {
    const read = validationsOf(BUILD, [{ ref: place(2, HEAD), message: 'hello' }], RUNS);
    expect(read.ignoredValidations).toEqual([
      { ref: place(2, HEAD), reason: 'its message is not a validation record' },
    ]);
  });
});
