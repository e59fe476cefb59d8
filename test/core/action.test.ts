import { describe, expect, it } from 'vitest';
import { type DispatchLock, lockFor } from '../../src/core/context/action.js';
import type { SessionRequest } from '../../src/core/sessions/session.js';

const BUILD = { build: '12-x', issue: 12 } as const;

function makeRequest(overrides: Partial<SessionRequest> = {}): SessionRequest {
  return { role: 'work', ...BUILD, worker: 'W1.2', ...overrides };
}

describe('lockFor', () => {
  it.each<[string, SessionRequest, DispatchLock]>([
    ['the first plan takes the build branch', { role: 'plan', ...BUILD }, { kind: 'build-branch' }],
    [
      'a replan takes a ref per comment',
      { role: 'plan', ...BUILD, trigger: 'comment-77' },
      { kind: 'lock-ref', ref: 'refs/baton/12-x/build/plan-comment-77', resetBranch: null },
    ],
    [
      'a first work attempt takes no ref: its run guards itself',
      makeRequest(),
      { kind: 'work-run' },
    ],
    [
      'a retry takes a ref and starts the branch over',
      makeRequest({ trigger: 'comment-88' }),
      {
        kind: 'lock-ref',
        ref: 'refs/baton/12-x/W1.2/work-comment-88',
        resetBranch: 'baton/12-x/W1.2',
      },
    ],
    [
      'a review takes no ref: the run guards itself',
      makeRequest({ role: 'review', pr: 5, trigger: 'head-abc123' }),
      { kind: 'review-run' },
    ],
    [
      'a milestone’s validation takes no ref: the run guards itself, as a review’s',
      { role: 'validate', ...BUILD, worker: 'M2', trigger: 'head-abc123' },
      { kind: 'validate-run' },
    ],
    [
      'a fix of a head’s red checks takes no ref: the run guards itself, as a review’s',
      makeRequest({ role: 'fix', pr: 5, trigger: 'checks-abc123' }),
      { kind: 'checks-fix-run' },
    ],
    [
      'a fix takes a ref per review',
      makeRequest({ role: 'fix', pr: 5, trigger: 'review-991' }),
      { kind: 'lock-ref', ref: 'refs/baton/12-x/W1.2/fix-review-991', resetBranch: null },
    ],
    [
      'research takes a build-wide ref',
      { role: 'research', ...BUILD, trigger: 'comment-9' },
      { kind: 'lock-ref', ref: 'refs/baton/12-x/build/research-comment-9', resetBranch: null },
    ],
    [
      'loop 1’s research starts a series by creating the build branch',
      { role: 'research', ...BUILD, worker: 'L1', trigger: 'comment-9' },
      { kind: 'build-branch' },
    ],
    [
      'a later loop’s research takes a ref of its loop',
      { role: 'research', ...BUILD, worker: 'L2', trigger: 'comment-9' },
      { kind: 'lock-ref', ref: 'refs/baton/12-x/L2/research-comment-9', resetBranch: null },
    ],
    [
      'a loop’s plan takes a ref of its loop, not the build branch',
      { role: 'plan', ...BUILD, worker: 'L2' },
      { kind: 'lock-ref', ref: 'refs/baton/12-x/L2/plan-first', resetBranch: null },
    ],
  ])('%s', (_rule, request, lock) => {
    expect(lockFor(request)).toEqual(lock);
  });

  it('gives two dispatches of the same request the same lock, and different triggers different ones', () => {
    const a = makeRequest({ role: 'fix', trigger: 'review-1' });
    expect(lockFor(a)).toEqual(lockFor({ ...a }));
    expect(lockFor(a)).not.toEqual(lockFor({ ...a, trigger: 'review-2' }));
  });
});
