import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { graphqlCost } from '../../sim/github/graphql/graphql-cost.js';
import { MEMBERS_PER_CALL } from '../../src/github/change-set/read-members.js';
import { SET_QUERY } from '../../src/github/change-set/set-query.js';
import { BUILD_QUERY } from '../../src/github/observe/build-query.js';

/**
 * Every GraphQL document Baton sends, measured from GitHub's published schema
 * by GitHub's documented method (sim/github/graphql/graphql-cost.ts): GitHub refuses a
 * call over 500,000 nodes and a connection over 100; Baton keeps each under
 * 100,000 nodes and 10 points so an installation's 5,000 points an hour last.
 */
const MAX_NODES = 100_000;
const MAX_POINTS = 10;
const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Template literals that parse as GraphQL with an operation, as the shared tool finds them. */
function documentsIn(text: string): { text: string; interpolated: boolean }[] {
  const found: { text: string; interpolated: boolean }[] = [];
  for (const match of text.matchAll(/`((?:[^`\\]|\\.)*)`/gs)) {
    const body = match[1] ?? '';
    if (!/\b(query|mutation)\b/.test(body)) continue;
    try {
      const doc = parse(body.replace(/\$\{[^}]*\}/g, ''));
      if (doc.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION))
        found.push({ text: body, interpolated: body.includes('${') });
    } catch {
      // not GraphQL
    }
  }
  return found;
}

/**
 * A change set's operations are sent with the build query, whose fragments they
 * spread (`SET_QUERY`): measured as sent, the build query's own operations apart.
 * `BatonSet` is made of two operations written whole (`BatonBuild`, `BatonMembers`),
 * and counts as the file's own.
 */
const SENT_WITH_THE_BUILD_QUERY = 'src/github/change-set/set-query.ts';

const documents = sourceFiles(join(ROOT, 'src')).flatMap((file) =>
  documentsIn(readFileSync(file, 'utf8')).map((doc) => ({
    file: relative(ROOT, file),
    ...doc,
  })),
);

const ofBuild = new Set(operationNames(BUILD_QUERY));

/** Each document as a call sends it, and the operations it holds that are its own. */
const sent = documents.map((doc) =>
  doc.file === SENT_WITH_THE_BUILD_QUERY
    ? {
        ...doc,
        text: SET_QUERY,
        own: operationNames(SET_QUERY).filter((name) => !ofBuild.has(name)),
      }
    : { ...doc, own: operationNames(doc.text) },
);

function operationNames(text: string): string[] {
  return parse(text.replace(/\$\{[^}]*\}/g, '')).definitions.flatMap((def) =>
    def.kind === Kind.OPERATION_DEFINITION && def.name ? [def.name.value] : [],
  );
}

describe('the GraphQL documents in src', () => {
  it('are found (the build query and its pages, an issue’s older closes and reopens, record commits, the commits beneath Baton’s updates of a branch, the issue history, a session’s records, the auto-merge, ref-deleting and draft mutations, the doctor probes, the project door’s item and field)', () => {
    const names = sent.flatMap((doc) => doc.own);
    expect(names.sort()).toEqual([
      'BatonAutoMerge',
      'BatonBuild',
      'BatonBuildPulls',
      'BatonBuildRefs',
      'BatonCommitOrigin',
      'BatonConvertToDraft',
      'BatonDeleteRefs',
      'BatonDoctorReaction',
      'BatonDoctorRefs',
      'BatonIssueHistory',
      'BatonIssueStates',
      'BatonMembers',
      'BatonProjectItem',
      'BatonProjectValue',
      'BatonPullChecks',
      'BatonReadyForReview',
      'BatonRecordCommits',
      'BatonSessionRecords',
      'BatonSet',
    ]);
  });

  it('are whole literals, so every tool that reads the source measures them', () => {
    expect(documents.filter((doc) => doc.interpolated).map((doc) => doc.file)).toEqual([]);
  });

  it.each(
    sent.flatMap((doc) =>
      graphqlCost(doc.text)
        .filter((cost) => doc.own.includes(cost.name))
        .map((cost) => ({ file: doc.file, cost })),
    ),
  )('$cost.name ($file): under 100,000 nodes, at most 10 points, no page over 100', ({ cost }) => {
    expect(cost.nodes).toBeLessThanOrEqual(MAX_NODES);
    expect(cost.points).toBeLessThanOrEqual(MAX_POINTS);
    expect(cost.connections.filter((c) => c.value === null || c.value > 100)).toEqual([]);
  });

  it("reads a change set's members within the limits even were each repository of a call counted (GitHub's documented method counts `nodes(ids:)` as no connection)", () => {
    const costs = graphqlCost(SET_QUERY);
    const cost = (name: string) => costs.find((one) => one.name === name);
    const [members, build] = [cost('BatonMembers'), cost('BatonBuild')];
    expect(members && build).toBeDefined();
    expect((members?.nodes ?? 0) * MEMBERS_PER_CALL).toBeLessThanOrEqual(MAX_NODES);
    expect(Math.round(((members?.requests ?? 0) * MEMBERS_PER_CALL) / 100)).toBeLessThanOrEqual(
      MAX_POINTS,
    );
    // `BatonSet`: the set build with as many members in its one call.
    const nodes = (build?.nodes ?? 0) + (members?.nodes ?? 0) * MEMBERS_PER_CALL;
    const requests = (build?.requests ?? 0) + (members?.requests ?? 0) * MEMBERS_PER_CALL;
    expect(nodes).toBeLessThanOrEqual(MAX_NODES);
    expect(Math.round(requests / 100)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it('read every worker PR the same way on every page: each list of them is the one Pulls fragment, of the one Pull', () => {
    const definitions = parse(SET_QUERY).definitions;
    const direct = (name: string) => {
      const definition = definitions.find(
        (def) =>
          (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION) &&
          def.name?.value === name,
      );
      return (
        JSON.stringify(definition).match(
          /"kind":"FragmentSpread","name":\{"kind":"Name","value":"(\w+)"/g,
        ) ?? []
      ).map((spread) => /"value":"(\w+)"$/.exec(spread)?.[1] ?? '');
    };
    // Every fragment an operation spreads, through the fragments it spreads.
    const spreads = (name: string): string[] => {
      const seen = new Set<string>();
      const visit = (from: string) => {
        for (const one of direct(from))
          if (!seen.has(one)) {
            seen.add(one);
            visit(one);
          }
      };
      visit(name);
      return [...seen];
    };
    expect(direct('Pulls')).toEqual(['Pull']);
    expect(direct('BuildRepository')).toContain('Pulls');
    expect(direct('BatonBuildPulls')).toEqual(['Pulls']);
    expect(direct('MemberRepository')).toContain('Pulls');
    expect(spreads('BatonSet')).toEqual(
      expect.arrayContaining(['BuildRepository', 'MemberRepository']),
    );
    for (const name of ['Pulls', 'Pull'])
      expect(
        definitions.filter(
          (def) => def.kind === Kind.FRAGMENT_DEFINITION && def.name.value === name,
        ),
      ).toHaveLength(1);
  });

  // An independent implementation of the same method, when one is named
  // (GRAPHQL_LIMITS_TOOL=path/to/graphql-limits.mjs): both must give the same figures.
  const tool = process.env.GRAPHQL_LIMITS_TOOL;
  it.skipIf(!tool)('agree with the independent measure in GRAPHQL_LIMITS_TOOL', () => {
    const files = [...new Set(documents.map((doc) => doc.file))];
    const output = execFileSync('node', [tool ?? '', '--max-nodes', String(MAX_NODES), ...files], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    for (const doc of documents) {
      for (const cost of graphqlCost(doc.text)) {
        expect(output).toContain(
          `ok   ${doc.file}: ${cost.operation} ${cost.name}: ${cost.nodes.toLocaleString('en-US')} nodes (limit 100,000), ${cost.points} point(s) (${cost.requests} requests)`,
        );
      }
    }
  });
});

describe('the cost method', () => {
  it('measures the build query as it stood (checkSuites × checkRuns) over the node limit', () => {
    const old = `query {
      repository(owner: "o", name: "r") {
        pullRequests(first: 100) { nodes {
          commits(last: 1) { nodes { commit {
            checkSuites(first: 50) { nodes { checkRuns(first: 100) { nodes { name } } } }
          } } }
        } }
      }
    }`;
    const [cost] = graphqlCost(old);
    // 100 + 100×1 + 100×1×50 + 100×1×50×100 possible nodes.
    expect(cost?.nodes).toBe(100 + 100 + 5_000 + 500_000);
    // 1 + 100 + 100 + 5,000 requests to fill them, ÷ 100.
    expect(cost?.points).toBe(52);
  });

  it("follows GitHub's documented example", () => {
    // docs.github.com, "Rate limits and query limits for the GraphQL API": 50 + 50×20 + 50×20×10 + 50×10 nodes.
    const example = `query {
      viewer {
        repositories(first: 50) { edges { repository: node { name
          pullRequests(first: 20) { edges { pullRequest: node { title
            comments(first: 10) { edges { comment: node { bodyHTML } } }
          } } }
          issues(first: 20) { totalCount edges { issue: node { title bodyHTML
            comments(first: 10) { edges { comment: node { id } } }
          } } }
        } } }
        followers(first: 10) { edges { follower: node { login } } }
      }
    }`;
    const [cost] = graphqlCost(example);
    expect(cost?.nodes).toBe(50 + 50 * 20 + 50 * 20 * 10 + 50 * 20 + 50 * 20 * 10 + 10);
    expect(cost?.requests).toBe(1 + 50 + 50 * 20 + 50 + 50 * 20 + 1);
  });
});
