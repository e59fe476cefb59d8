import { describe, expect, it } from 'vitest';
import {
  classifySetupFile,
  isSetupChange,
  planSetup,
  type SetupFileInput,
  type SetupFileState,
} from '../../src/core/setup/plan-setup.js';

const CURRENT = '# Worker\nDo the brief.\n';

function makeInput(overrides: Partial<SetupFileInput> = {}): SetupFileInput {
  return {
    path: '.baton/skills/worker.md',
    content: CURRENT,
    existing: { kind: 'absent' },
    shipped: ['hash-of-v1', 'hash-of-v2'],
    ...overrides,
  };
}

describe('classifySetupFile', () => {
  it.each<[string, Partial<SetupFileInput>, SetupFileState]>([
    ['adds a file the default branch lacks', {}, 'missing'],
    [
      'leaves a file identical to the current version alone',
      { existing: { kind: 'file', content: CURRENT, fingerprint: 'hash-of-v2' } },
      'current',
    ],
    [
      'updates a file that is an earlier shipped version',
      { existing: { kind: 'file', content: '# Worker\nOld.\n', fingerprint: 'hash-of-v1' } },
      'outdated',
    ],
    [
      'updates the current text pinned to another commit (same fingerprint, different bytes)',
      { existing: { kind: 'file', content: `${CURRENT} `, fingerprint: 'hash-of-v2' } },
      'outdated',
    ],
    [
      'never touches a file that matches no shipped version',
      { existing: { kind: 'file', content: '# Ours\n', fingerprint: 'hash-of-ours' } },
      'customised',
    ],
    [
      'never touches an empty file someone made on purpose',
      { existing: { kind: 'file', content: '', fingerprint: 'hash-of-empty' } },
      'customised',
    ],
    [
      'never touches a folder or symlink in its place',
      { existing: { kind: 'other' } },
      'customised',
    ],
    [
      'takes nothing for a shipped version when none was recorded',
      { existing: { kind: 'file', content: '# Old\n', fingerprint: 'hash-of-v1' }, shipped: [] },
      'customised',
    ],
  ])('%s', (_, overrides, state) => {
    expect(classifySetupFile(makeInput(overrides))).toBe(state);
  });
});

describe('planSetup', () => {
  it('keeps the order of the templates and writes only missing and outdated files', () => {
    const files = planSetup([
      makeInput({ path: 'a' }),
      makeInput({ path: 'b', existing: { kind: 'file', content: CURRENT, fingerprint: 'x' } }),
      makeInput({
        path: 'c',
        existing: { kind: 'file', content: 'old', fingerprint: 'hash-of-v1' },
      }),
      makeInput({ path: 'd', existing: { kind: 'file', content: 'mine', fingerprint: 'mine' } }),
    ]);
    expect(files.map((file) => [file.path, file.state])).toEqual([
      ['a', 'missing'],
      ['b', 'current'],
      ['c', 'outdated'],
      ['d', 'customised'],
    ]);
    expect(files.filter(isSetupChange).map((file) => file.path)).toEqual(['a', 'c']);
    expect(files.every((file) => file.content === CURRENT)).toBe(true);
  });
});
