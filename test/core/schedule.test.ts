import { describe, expect, it } from 'vitest';
import { dependentChainLengths, pickDispatches } from '../../src/core/plan/schedule.js';
import { workers } from './factories.js';

describe('dependentChainLengths', () => {
  it.each<[string, string[], Record<string, number>]>([
    ['a lone worker', ['W1.1'], { 'W1.1': 1 }],
    ['a chain', ['W1.1', 'W2.1<W1.1', 'W3.1<W2.1'], { 'W1.1': 3, 'W2.1': 2, 'W3.1': 1 }],
    [
      'a diamond',
      ['W1.1', 'W2.1<W1.1', 'W2.2<W1.1', 'W3.1<W2.1,W2.2'],
      { 'W1.1': 3, 'W2.1': 2, 'W2.2': 2, 'W3.1': 1 },
    ],
    [
      'a wide wave',
      ['W1.1', 'W1.2', 'W1.3', 'W2.1<W1.2'],
      { 'W1.1': 1, 'W1.2': 2, 'W1.3': 1, 'W2.1': 1 },
    ],
    [
      'uneven branches',
      ['W1.1', 'W2.1<W1.1', 'W2.2<W1.1', 'W3.1<W2.2'],
      { 'W1.1': 3, 'W2.1': 1, 'W2.2': 2, 'W3.1': 1 },
    ],
  ])('counts the longest chain of dependents in %s', (_name, specs, expected) => {
    expect(Object.fromEntries(dependentChainLengths(workers(...specs)))).toEqual(expected);
  });

  it('stays total on a cycle that validation would have refused', () => {
    const lengths = dependentChainLengths(workers('W1.1<W1.2', 'W1.2<W1.1'));
    expect([...lengths.keys()].sort()).toEqual(['W1.1', 'W1.2']);
  });
});

describe('pickDispatches', () => {
  const chains = new Map([
    ['W1.1', 1],
    ['W1.2', 3],
    ['W1.3', 3],
    ['W1.4', 2],
  ]);
  const ready = ['W1.1', 'W1.2', 'W1.3', 'W1.4'];

  it.each<[number, number, string[]]>([
    [4, 0, ['W1.2', 'W1.3', 'W1.4', 'W1.1']],
    [2, 0, ['W1.2', 'W1.3']],
    [4, 3, ['W1.2']],
    [2, 2, []],
    [2, 5, []],
  ])('with maxParallel %i and %i running, starts %j', (maxParallel, running, expected) => {
    expect(pickDispatches({ ready, running, maxParallel, chains })).toEqual(expected);
  });
});
