import { describe, expect, it } from 'vitest';
import { parseVerdictMarker, renderVerdictMarker } from '../../src/core/sessions/verdict-marker.js';

describe('the verdict marker', () => {
  it.each([
    ['approve', 0.1234],
    ['changes-requested', 0],
  ] as const)('carries %s and its cost through a review body', (verdict, costUsd) => {
    const body = `The review.\n\n${renderVerdictMarker({ verdict, costUsd })}\n`;
    expect(parseVerdictMarker(body)).toEqual({ verdict, costUsd });
  });

  it.each([
    ['no marker', 'Looks good to me.'],
    ['an unknown verdict', '<!-- baton:verdict maybe cost=1 -->'],
  ])('finds nothing in a body with %s', (_, body) => {
    expect(parseVerdictMarker(body)).toBeNull();
  });

  it('reads a marker without a cost as costing nothing', () => {
    expect(parseVerdictMarker('<!-- baton:verdict approve -->')).toEqual({
      verdict: 'approve',
      costUsd: 0,
    });
  });
});
