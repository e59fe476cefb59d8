import { describe, expect, it } from 'vitest';
import {
  createInstallationPacer,
  GITHUB_PACE,
  kindOfRequest,
  type RequestKind,
} from '../../src/github/client/pacing/request-pacer.js';

const T0 = 1_000_000;

/** Waits for requests reserved one after another at the given times. */
function waits(requests: Array<[RequestKind, number]>, rules = GITHUB_PACE): number[] {
  const pacer = createInstallationPacer(rules);
  return requests.map(([kind, at]) => pacer.reserve(kind, at));
}

describe('kindOfRequest', () => {
  it.each([
    [{ method: 'GET', url: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs' }, 'read'],
    [{ method: 'HEAD', url: '/repos/o/r' }, 'read'],
    [{ method: 'POST', url: '/graphql', query: 'query BatonBuild { viewer { login } }' }, 'query'],
    [{ method: 'POST', url: '/graphql', query: '\n  { viewer { login } }' }, 'query'],
    [{ method: 'POST', url: '/graphql', query: '# note\n mutation M { x }' }, 'mutation'],
    [{ method: 'POST', url: 'https://ghe.test/api/graphql', query: 'query Q { a }' }, 'query'],
    [{ method: 'POST', url: '/graphql' }, 'mutation'],
    [{ method: 'POST', url: '/repos/{owner}/{repo}/git/refs' }, 'write'],
    [{ method: 'PATCH', url: '/repos/o/r/issues/comments/1' }, 'write'],
    [{ method: 'PUT', url: '/repos/o/r/pulls/1/merge' }, 'write'],
    [{ method: 'DELETE', url: '/repos/o/r/git/refs/heads%2Fx' }, 'write'],
    [{ method: 'POST', url: '/app/installations/{installation_id}/access_tokens' }, 'auth'],
  ] as const)('%o is a %s', (request, kind) => {
    expect(kindOfRequest(request)).toBe(kind);
  });
});

describe('an installation pacer', () => {
  it('never makes a REST read wait, even among writes', () => {
    expect(
      waits([
        ['write', T0],
        ['read', T0],
        ['write', T0],
        ['read', T0 + 1],
      ]),
    ).toEqual([0, 0, 1000, 0]);
  });

  it('spaces writes a second apart from the last reserved start', () => {
    expect(
      waits([
        ['write', T0],
        ['write', T0 + 200],
        ['write', T0 + 300],
        ['write', T0 + 5000],
      ]),
    ).toEqual([0, 800, 1700, 0]);
  });

  it('does not space GraphQL queries while the minute has points left', () => {
    const queries = Array.from({ length: 50 }, (_, i): [RequestKind, number] => ['query', T0 + i]);
    expect(waits([['write', T0], ...queries]).every((wait) => wait === 0)).toBe(true);
  });

  it('makes a query wait for the oldest points to leave the minute once 2,000 are spent', () => {
    const pacer = createInstallationPacer(GITHUB_PACE);
    for (let i = 0; i < 2000; i++) expect(pacer.reserve('query', T0 + i * 10)).toBe(0);
    // The 2,001st query, 20 s after the first, starts when the first is a minute old.
    expect(pacer.reserve('query', T0 + 20_000)).toBe(40_000);
    // The next one waits for the second query's point.
    expect(pacer.reserve('query', T0 + 20_000)).toBe(40_010);
  });

  it('counts a mutation as a write and as five points', () => {
    const rules = { writeSpacingMs: 1000, pointsPerWindow: 10, windowMs: 60_000 };
    // Two mutations spend the 10 points; the second also waits its write spacing.
    expect(
      waits(
        [
          ['mutation', T0],
          ['mutation', T0],
          ['write', T0],
          ['query', T0],
        ],
        rules,
      ),
    ).toEqual([0, 1000, 2000, 60_000]);
  });

  it('keeps the spacing a simulation asks for', () => {
    const rules = { ...GITHUB_PACE, writeSpacingMs: 100 };
    expect(
      waits(
        [
          ['write', T0],
          ['write', T0],
          ['write', T0],
        ],
        rules,
      ),
    ).toEqual([0, 100, 200]);
  });
});
