import { describe, expect, it } from 'vitest';
import { settingKeysAt } from '../../src/core/config/config.js';
import { editDistance, findNearest } from '../../src/core/vocabulary/nearest.js';

describe('findNearest', () => {
  const settings = ['maxUsd', 'dailyUsd'];
  it.each([
    ['maxUSD', settings, 'maxUsd'],
    ['mxaUsd', settings, 'maxUsd'],
    ['maxUds', settings, 'maxUsd'],
    ['dailyUSD', settings, 'dailyUsd'],
    ['maxusd', settings, 'maxUsd'],
    ['budget', settings, null],
    ['chek', ['session', 'doctor', 'check'], 'check'],
    ['docter', ['session', 'doctor', 'check'], 'doctor'],
    ['frobnicate', ['session', 'doctor', 'check'], null],
    ['x', ['y'], 'y'],
    ['maxUsd', settings, null],
  ])('finds %s near %j: %s', (word, candidates, expected) => {
    expect(findNearest(word, candidates)).toBe(expected);
  });

  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('counts %j to %j as %i edits', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
  });
});

describe('settingKeysAt', () => {
  it('reads the keys Baton knows at a path off the schema, through defaults and transforms', () => {
    expect(settingKeysAt(['budget'])).toEqual(['maxUsd', 'dailyUsd', 'continuePartial']);
    expect(settingKeysAt(['models', 'thinking'])).toContain('complex');
    expect(settingKeysAt(['models', 'prices', 'any-model'])).toEqual(['input', 'output']);
    expect(settingKeysAt([])).toContain('maxParallel');
  });

  it('answers nothing where the path names no object', () => {
    expect(settingKeysAt(['label'])).toEqual([]);
    expect(settingKeysAt(['nowhere', 'at-all'])).toEqual([]);
  });
});
