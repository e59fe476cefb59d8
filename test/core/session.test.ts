import { describe, expect, it } from 'vitest';
import {
  AGENT_JOB_MARGIN_MINUTES,
  isSessionTrigger,
  parseRunName,
  parseTrigger,
  renderDispatchInputs,
  renderRunName,
  type SessionRequest,
  type SessionTrigger,
} from '../../src/core/sessions/session.js';

function makeRequest(overrides: Partial<SessionRequest> = {}): SessionRequest {
  return {
    role: 'review',
    build: '12-add-login',
    issue: 12,
    worker: 'W1.2',
    pr: 34,
    trigger: 'head-abc123',
    ...overrides,
  };
}

describe('session triggers', () => {
  it.each([
    ['comment-123', true],
    ['review-4567', true],
    ['checks-0123456789abcdef0123456789abcdef01234567', true],
    ['conflict-abc', true],
    ['head-abc123', true],
    ['adapt-W1.2', true],
    ['adapt-W0.1', true],
    ['adapt-W0.2', false],
    ['head-', false],
    ['head-ABC', false],
    ['head-0123456789abcdef0123456789abcdef012345678', false],
    ['push-123', false],
    ['comment-12 3', false],
    ['comment-12\n', false],
  ])('tells whether %j is a trigger', (value, expected) => {
    expect(isSessionTrigger(value)).toBe(expected);
  });

  it('splits a trigger into its kind and id', () => {
    expect(parseTrigger('review-4567')).toEqual({ kind: 'review', id: '4567' });
    expect(parseTrigger('checks-abc')).toEqual({ kind: 'checks', id: 'abc' });
  });

  it('reads a malformed trigger as empty, not as a crash', () => {
    expect(parseTrigger('head-XYZ' as SessionTrigger)).toEqual({ kind: '', id: '' });
  });
});

describe('run names', () => {
  it.each<[string, SessionRequest, string]>([
    ['a review', makeRequest(), 'baton review 12-add-login W1.2 head-abc123'],
    [
      'a first plan',
      { role: 'plan', build: '12-add-login', issue: 12 },
      'baton plan 12-add-login - -',
    ],
    [
      'a first work attempt',
      { role: 'work', build: '12-add-login', issue: 12, worker: 'W1.2' },
      'baton work 12-add-login W1.2 -',
    ],
    [
      "the contract's first session",
      { role: 'contract', build: '12-add-login', issue: 12, worker: 'W0.1' },
      'baton contract 12-add-login W0.1 -',
    ],
  ])('names and reads back %s', (_name, request, name) => {
    expect(renderRunName(request)).toBe(name);
    expect(parseRunName(name)).toEqual({
      role: request.role,
      build: request.build,
      worker: request.worker ?? null,
      trigger: request.trigger ?? null,
    });
  });

  it('reads a name with extra spaces around it', () => {
    expect(parseRunName('  baton fix 12-x W1.1 review-9 ')).toEqual({
      role: 'fix',
      build: '12-x',
      worker: 'W1.1',
      trigger: 'review-9',
    });
  });

  it.each([
    'CI',
    'baton',
    'baton plan 12-x -',
    'baton plan 12-x - - extra',
    'baton deploy 12-x - -',
    'baton work 12-x W1.1 push-1',
    'other work 12-x W1.1 -',
  ])('reads %j as no Baton run', (title) => {
    expect(parseRunName(title)).toBeNull();
  });
});

describe('renderDispatchInputs', () => {
  it('passes every input as a string, empty when absent', () => {
    expect(renderDispatchInputs(makeRequest())).toEqual({
      role: 'review',
      build: '12-add-login',
      issue: '12',
      worker: 'W1.2',
      pr: '34',
      trigger: 'head-abc123',
    });
    expect(renderDispatchInputs({ role: 'plan', build: '12-add-login', issue: 12 })).toEqual({
      role: 'plan',
      build: '12-add-login',
      issue: '12',
      worker: '',
      pr: '',
      trigger: '',
    });
  });

  it('adds the runner input only for a runner other than the default', () => {
    const request = { role: 'plan', build: '12-add-login', issue: 12 } as const;
    expect(renderDispatchInputs({ ...request, runner: 'gpu-box' })).toMatchObject({
      runner: 'gpu-box',
    });
    expect(renderDispatchInputs(request)).not.toHaveProperty('runner');
  });

  it('adds the timeout input (session.timeoutMinutes plus the margin) only when the timeout is not the default', () => {
    const request = { role: 'work', build: '12-add-login', issue: 12 } as const;
    expect(renderDispatchInputs({ ...request, timeoutMinutes: 120 })).toMatchObject({
      timeout: String(120 + AGENT_JOB_MARGIN_MINUTES),
    });
    expect(renderDispatchInputs(request)).not.toHaveProperty('timeout');
  });
});
