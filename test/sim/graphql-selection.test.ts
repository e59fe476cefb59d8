import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { postGraphql } from './post-graphql.js';

/**
 * The simulated GraphQL endpoint answers as GitHub does: exactly the fields a
 * query selected, under their response names, through fragments and inline
 * fragments; and it refuses, before running or charging anything, a document
 * naming what GitHub's schema does not have. A client that reads a field it
 * never asked for sees it missing here, as on GitHub.
 */
/** An issue with a label put on it and its title changed, each by a person. */
function issueWithHistory(gh: FakeGitHub): number {
  const number = gh.openIssue({ title: 'Add login' });
  const issue = gh.issues.get(number);
  if (!issue) throw new Error('the issue was not filed');
  issue.labelEvents = [{ label: 'baton', actor: 'alice', at: '2026-01-01T00:00:01Z' }];
  issue.renames = [{ actor: 'bob', at: '2026-01-01T00:00:02Z' }];
  return number;
}

const HISTORY = /* GraphQL */ `
  query BatonIssueHistory($owner: String!, $repo: String!, $issue: Int!) {
    repository(owner: $owner, name: $repo) {
      issue(number: $issue) {
        edited: lastEditedAt
        ...Events
      }
    }
  }
  fragment Events on Issue {
    timelineItems(itemTypes: [LABELED_EVENT, RENAMED_TITLE_EVENT], last: 10) {
      count: totalCount
      nodes {
        __typename
        ... on LabeledEvent { who: actor { login } label { name } }
      }
    }
  }
`;

describe('the simulated GraphQL endpoint answers only what was selected', () => {
  it('gives a query with an alias, a fragment and an inline fragment exactly its fields', () => {
    const gh = new FakeGitHub();
    const issue = issueWithHistory(gh);
    const response = postGraphql(gh, HISTORY, { owner: gh.owner, repo: gh.repo, issue });
    expect(response.status).toBe(200);
    // No `lastEditedAt`, `editor`, `createdAt` nor the rename's actor: none was selected.
    expect(response.body).toEqual({
      data: {
        repository: {
          issue: {
            edited: null,
            timelineItems: {
              count: 2,
              nodes: [
                { __typename: 'LabeledEvent', who: { login: 'alice' }, label: { name: 'baton' } },
                { __typename: 'RenamedTitleEvent' },
              ],
            },
          },
        },
      },
    });
  });

  it('leaves out a field the query did not select, and follows @skip and @include', () => {
    const gh = new FakeGitHub();
    const issue = issueWithHistory(gh);
    const query = /* GraphQL */ `
      query BatonIssueHistory($owner: String!, $repo: String!, $issue: Int!, $who: Boolean!) {
        repository(owner: $owner, name: $repo) {
          issue(number: $issue) {
            timelineItems(itemTypes: [LABELED_EVENT], last: 10) {
              nodes { ... on LabeledEvent { createdAt actor @include(if: $who) { login } } }
            }
          }
        }
      }
    `;
    const nodesOf = (who: boolean) =>
      (
        postGraphql(gh, query, { owner: gh.owner, repo: gh.repo, issue, who }).body as {
          data: { repository: { issue: { timelineItems: { nodes: object[] } } } };
        }
      ).data.repository.issue.timelineItems.nodes;
    const [labelled] = nodesOf(false);
    expect(labelled).toEqual({ createdAt: '2026-01-01T00:00:01Z' });
    expect(labelled).not.toHaveProperty('label');
    expect(labelled).not.toHaveProperty('__typename');
    expect(nodesOf(true)[0]).toEqual({
      createdAt: '2026-01-01T00:00:01Z',
      actor: { login: 'alice' },
    });
  });

  it('keeps of a git object only the fragments on its own type', () => {
    const gh = new FakeGitHub();
    const issue = gh.openIssue({ title: 'Add login' });
    gh.pushCommit({ branch: 'baton/b1', changes: { '.baton/b1/plan.json': '{}' } });
    const query = /* GraphQL */ `
      query BatonBuild($owner: String!, $repo: String!, $issue: Int!, $planPath: String!) {
        repository(owner: $owner, name: $repo) {
          issue(number: $issue) { title }
          plan: object(expression: $planPath) {
            ... on Tree { oid }
            ... on Blob { byteSize }
          }
        }
      }
    `;
    const response = postGraphql(gh, query, {
      owner: gh.owner,
      repo: gh.repo,
      issue,
      planPath: 'baton/b1:.baton/b1/plan.json',
    });
    expect(response.body).toEqual({
      data: { repository: { issue: { title: 'Add login' }, plan: { byteSize: 2 } } },
    });
  });

  it('refuses a field GitHub’s schema lacks as GitHub does, before charging the call', () => {
    const gh = new FakeGitHub();
    const issue = issueWithHistory(gh);
    const query = `query BatonIssueHistory($owner: String!, $repo: String!, $issue: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $issue) {
      ... on Issue { lastEditor { login } }
    }
  }
}`;
    const response = postGraphql(gh, query, { owner: gh.owner, repo: gh.repo, issue });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [
        {
          message: "Field 'lastEditor' doesn't exist on type 'Issue'",
          locations: [{ line: 4, column: 22 }],
          path: ['query BatonIssueHistory', 'repository', 'issue', '... on Issue', 'lastEditor'],
          extensions: { code: 'undefinedField', typeName: 'Issue', fieldName: 'lastEditor' },
        },
      ],
    });
    expect(gh.graphqlBudget.spent).toBe(0);
  });

  it('refuses an argument the field does not take, and a document that does not parse', () => {
    const gh = new FakeGitHub();
    const unknownArgument = postGraphql(
      gh,
      `{ repository(owner: "o", name: "r", private: true) { name } }`,
    );
    expect(unknownArgument.body).toEqual({
      errors: [
        {
          message: "Field 'repository' doesn't accept argument 'private'",
          locations: [{ line: 1, column: 37 }],
          path: ['query', 'repository', 'private'],
          extensions: {
            code: 'argumentNotAccepted',
            name: 'repository',
            typeName: 'Field',
            argumentName: 'private',
          },
        },
      ],
    });
    const broken = postGraphql(gh, '{ repository(owner: "o" { name } }');
    expect(broken.body).toMatchObject({ errors: [{ locations: [{ line: 1, column: 25 }] }] });
    expect(broken.body).not.toHaveProperty('data');
    expect(gh.graphqlBudget.spent).toBe(0);
  });
});
