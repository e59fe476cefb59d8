/**
 * The GraphQL queries of the session's reads (`GitHubReads`) and the shapes
 * of their answers: an issue's history and a build's record messages.
 */
import { z } from 'zod';

/**
 * The issue's last body edit, its title renames and its label events, in
 * GitHub's GraphQL: REST has no record of body edits. A build asked through the
 * pull-label door lives on a pull request, which `issue(number:)` does not resolve.
 * `test/app/graphql-limits.test.ts` measures it against GitHub's published schema.
 */
export const ISSUE_HISTORY_QUERY = /* GraphQL */ `
  query BatonIssueHistory($owner: String!, $repo: String!, $issue: Int!) {
    repository(owner: $owner, name: $repo) {
      issue: issueOrPullRequest(number: $issue) {
        ... on Issue {
          lastEditedAt
          editor { login }
          timelineItems(itemTypes: [LABELED_EVENT, RENAMED_TITLE_EVENT], last: 100) {
            nodes {
              __typename
              ... on LabeledEvent { createdAt actor { login } label { name } }
              ... on RenamedTitleEvent { createdAt actor { login } }
            }
          }
        }
        ... on PullRequest {
          lastEditedAt
          editor { login }
          timelineItems(itemTypes: [LABELED_EVENT, RENAMED_TITLE_EVENT], last: 100) {
            nodes {
              __typename
              ... on LabeledEvent { createdAt actor { login } label { name } }
              ... on RenamedTitleEvent { createdAt actor { login } }
            }
          }
        }
      }
    }
  }
`;

const Login = z.object({ login: z.string() }).nullable().optional();
export const IssueHistoryAnswer = z.object({
  data: z.object({
    repository: z.object({
      issue: z
        .object({
          lastEditedAt: z.string().nullable().optional(),
          editor: Login,
          timelineItems: z.object({
            nodes: z.array(
              z.object({
                __typename: z.string(),
                createdAt: z.string().optional(),
                actor: Login,
                label: z.object({ name: z.string() }).nullable().optional(),
              }),
            ),
          }),
        })
        .nullable(),
    }),
  }),
});

/** A change to an issue by an account (null when GitHub names none, e.g. a deleted user). */
export interface IssueChange {
  at: string;
  login: string | null;
}
export interface IssueHistory {
  /** The body's last edit, if it was ever edited. */
  lastEdit: IssueChange | null;
  renames: IssueChange[];
  labels: (IssueChange & { label: string })[];
}

/** The messages of the hidden refs under a prefix, a hundred a page (a session's spend so far). */
export const RECORD_MESSAGES_QUERY = /* GraphQL */ `
  query BatonSessionRecords($owner: String!, $repo: String!, $prefix: String!, $after: String) {
    repository(owner: $owner, name: $repo) {
      refs(refPrefix: $prefix, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { name target { ... on Commit { message } } }
      }
    }
  }
`;

export const RecordMessagesAnswer = z.object({
  data: z.object({
    repository: z.object({
      refs: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        nodes: z.array(
          z.object({ name: z.string(), target: z.object({ message: z.string().optional() }) }),
        ),
      }),
    }),
  }),
});
