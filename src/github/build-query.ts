/**
 * One GraphQL query reads nearly all of a build's truth: the issue and its
 * comments, the build's branches, every worker PR with its reviews, comments,
 * head commit, its checks and its commit statuses, the final PR, the build
 * record's files, who labelled the issue, and the sessions' usage and
 * adaptation records (hidden refs). Over
 * REST that is a dozen requests and more per open PR; here it is one.
 * (Workflow runs are not in GraphQL; they stay a REST listing.)
 *
 * The brief files are read for their size only: the app never reads a brief.
 * `test/app/build-query.test.ts` validates this text against GitHub's
 * published schema.
 */
export const BUILD_QUERY = /* GraphQL */ `
  query BatonBuild(
    $owner: String!
    $repo: String!
    $issue: Int!
    $integration: String!
    $defaultBranch: String!
    $refPrefix: String!
    $planPath: String!
    $workersPath: String!
    $completionsPath: String!
    $subIssuesPath: String!
    $loopsPath: String!
    $usagePrefix: String!
    $adaptPrefix: String!
  ) {
    repository(owner: $owner, name: $repo) {
      issue(number: $issue) {
        title
        state
        createdAt
        url
        labels(first: 50) { nodes { name } }
        comments(last: 100) { totalCount nodes { ...Comment } }
        timelineItems(itemTypes: [LABELED_EVENT], last: 20) {
          nodes { ... on LabeledEvent { createdAt actor { login __typename } label { name } } }
        }
      }
      defaultRef: ref(qualifiedName: $defaultBranch) { target { oid } }
      integrationRef: ref(qualifiedName: $integration) { compare(headRef: $defaultBranch) { aheadBy } }
      refs(refPrefix: $refPrefix, first: 100) { nodes { name target { oid } } }
      usageRefs: refs(refPrefix: $usagePrefix, first: 100) {
        nodes { name target { ... on Commit { message } } }
      }
      adaptRefs: refs(refPrefix: $adaptPrefix, first: 100) {
        nodes { name target { ... on Commit { message } } }
      }
      pullRequests(baseRefName: $integration, first: 100, orderBy: { field: CREATED_AT, direction: ASC }) {
        nodes {
          databaseId
          number
          state
          merged
          url
          createdAt
          updatedAt
          headRefName
          headRefOid
          mergeStateStatus
          headRepository { nameWithOwner }
          labels(first: 20) { nodes { name } }
          reviews(last: 100) {
            nodes { databaseId author { login __typename } state body submittedAt commit { oid } }
          }
          comments(last: 100) { totalCount nodes { ...Comment } }
          commits(last: 1) {
            nodes {
              commit {
                oid
                message
                parents(first: 2) { nodes { oid } }
                checkSuites(first: 50) {
                  nodes { checkRuns(first: 100) { nodes { name status conclusion detailsUrl } } }
                }
                status { contexts { context state targetUrl } }
              }
            }
          }
        }
      }
      finalPulls: pullRequests(
        headRefName: $integration
        baseRefName: $defaultBranch
        first: 1
        orderBy: { field: CREATED_AT, direction: DESC }
      ) {
        nodes { number state merged url autoMergeRequest { enabledAt } }
      }
      plan: object(expression: $planPath) { ... on Blob { oid byteSize isTruncated text } }
      workers: object(expression: $workersPath) {
        ... on Tree { entries { name object { ... on Blob { byteSize } } } }
      }
      subIssueGraph: object(expression: $subIssuesPath) {
        ... on Blob { byteSize isTruncated text }
      }
      completions: object(expression: $completionsPath) {
        ... on Tree { entries { name object { ... on Blob { oid byteSize text } } } }
      }
      loops: object(expression: $loopsPath) {
        ... on Tree { entries { name object { ... on Blob { byteSize text } } } }
      }
    }
  }

  fragment Comment on IssueComment {
    databaseId
    body
    createdAt
    author { login __typename }
    reactionGroups { content viewerHasReacted }
  }
`;

/** GraphQL names a bot `name`, REST `name[bot]`; Baton speaks REST's language. */
export function loginOf(author: { login: string; __typename: string } | null): string {
  if (!author) return '';
  return author.__typename === 'Bot' ? `${author.login}[bot]` : author.login;
}

export interface GraphComment {
  databaseId: number;
  body: string;
  createdAt: string;
  author: { login: string; __typename: string } | null;
  /** Which reactions the viewer (the app) gave: its 👀 marks a command it accepted. */
  reactionGroups: { content: string; viewerHasReacted: boolean }[] | null;
}

export interface GraphCheckRun {
  name: string;
  status: string;
  conclusion: string | null;
  detailsUrl: string | null;
}

/** A commit status (the newest per context), as CI that predates checks reports. */
export interface GraphStatusContext {
  context: string;
  state: 'ERROR' | 'EXPECTED' | 'FAILURE' | 'PENDING' | 'SUCCESS';
  targetUrl: string | null;
}

export interface GraphPull {
  databaseId: number;
  number: number;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  merged: boolean;
  url: string;
  createdAt: string;
  updatedAt: string;
  headRefName: string;
  headRefOid: string;
  mergeStateStatus: string;
  headRepository: { nameWithOwner: string } | null;
  labels: { nodes: { name: string }[] };
  reviews: {
    nodes: {
      databaseId: number;
      author: { login: string; __typename: string } | null;
      state: string;
      body: string;
      submittedAt: string | null;
      commit: { oid: string } | null;
    }[];
  };
  comments: { totalCount: number; nodes: GraphComment[] };
  commits: {
    nodes: {
      commit: {
        oid: string;
        message: string;
        parents: { nodes: { oid: string }[] };
        checkSuites: { nodes: { checkRuns: { nodes: GraphCheckRun[] } }[] };
        /** Null when the commit has no status at all. */
        status: { contexts: GraphStatusContext[] } | null;
      };
    }[];
  };
}

export interface BuildQueryResult {
  repository: {
    issue: {
      title: string;
      state: 'OPEN' | 'CLOSED';
      createdAt: string;
      url: string;
      labels: { nodes: { name: string }[] };
      comments: { totalCount: number; nodes: GraphComment[] };
      /** The issue's label events, newest last: who added the build's label. */
      timelineItems: {
        nodes: ({
          createdAt: string;
          actor: { login: string; __typename: string } | null;
          label: { name: string };
        } | null)[];
      };
    } | null;
    defaultRef: { target: { oid: string } } | null;
    /** `aheadBy`: commits of the default branch the build branch does not have yet. */
    integrationRef: { compare: { aheadBy: number } | null } | null;
    refs: { nodes: { name: string; target: { oid: string } }[] };
    /** Sessions' usage records: hidden refs whose commit message is the record. */
    usageRefs: { nodes: { name: string; target: { message?: string } }[] };
    /** Adapt sessions' records: hidden refs whose commit message is the record. */
    adaptRefs?: { nodes: { name: string; target: { message?: string } }[] };
    pullRequests: { nodes: GraphPull[] };
    finalPulls: {
      nodes: {
        number: number;
        state: string;
        merged: boolean;
        url: string;
        autoMergeRequest: { enabledAt: string } | null;
      }[];
    };
    plan: { oid: string; byteSize: number; isTruncated: boolean; text: string | null } | null;
    workers: { entries: { name: string; object: { byteSize: number } | null }[] } | null;
    /** `sub-issues.json`, when the plan session found sub-issues on the issue. */
    subIssueGraph: { byteSize: number; isTruncated: boolean; text: string | null } | null;
    completions: {
      entries: {
        name: string;
        object: { oid: string; byteSize: number; text: string | null } | null;
      }[];
    } | null;
    /** `loops/`: the research results `<n>.json` with their text; a loop's folder reads as `{}` or null. */
    loops?: {
      entries: {
        name: string;
        object: { byteSize?: number; text?: string | null } | null;
      }[];
    } | null;
  };
}
