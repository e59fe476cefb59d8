import type { ListedReactionGroup } from './reactions.js';

/**
 * One GraphQL query reads nearly all of a build's truth: the issue (or the pull
 * request a build lives on: `issueOrPullRequest`) and its comments, the build's
 * branches, the worker PRs with their reviews, comments, head commit and its CI
 * (`statusCheckRollup`: check runs and commit statuses), the final PR, the learn
 * session's pull request, the build record's files, who labelled the issue, and
 * the sessions' usage and adaptation records (hidden refs): one request, where
 * REST takes a dozen and more per open PR (workflow runs stay a REST listing).
 *
 * Lists whose whole matters page: the worker PRs come twenty on the first
 * page and fifty on each after it (`BatonBuildPulls`), the branch, usage and
 * adaptation refs 100 at a time (`BatonBuildRefs`), a head's CI past its first
 * hundred contexts (`BatonPullChecks`); `readBuildGraph` follows every
 * `pageInfo`. The issue's closes and reopens before its window are read a
 * hundred at a time while none in sight steers (`BatonIssueStates`,
 * `readStateChanges` in observe-build.ts). Comments beyond a window are read
 * over REST (`commentLists` in observe-build.ts).
 *
 * GitHub refuses a call over 500,000 possible nodes and charges points by the
 * connections it could fill (docs: "Rate limits and query limits for the
 * GraphQL API"). Twenty PRs on the first page keep the build query of a build
 * of twenty workers or fewer at one point and under 7,000 nodes; a later page
 * of fifty is three points and about 16,000 nodes, one request instead of
 * three for the PRs of a big build (a call is a request whatever its points).
 * `test/app/graphql-limits.test.ts` computes it for every document in src
 * from GitHub's schema.
 *
 * The document holds the first page and every later page's operation, and
 * each call names the one it runs (`operationName`, `readBuildPage` for the
 * later pages): `BatonBuild` for the first page of everything, the others for
 * a list past it. They share the fragments, each written once, and the
 * document stays one literal with nothing interpolated so that every tool
 * reading the source measures each operation with the fragments it spreads.
 * A change set's operations (`BatonMembers`, `BatonSet`) are the change set's,
 * in src/github/change-set/set-query.ts, and are sent with this document.
 *
 * The brief files are read for their size only: the app never reads a brief.
 * A worker PR's body is read for the evidence marker publish leaves at its end
 * (src/core/sessions/evidence.ts), never for its prose; `contract.json` is read
 * like the plan, size-capped. `test/app/build-query.test.ts` validates this text
 * against GitHub's published schema.
 */
export const BUILD_QUERY = /* GraphQL */ `
  query BatonBuild(
    $owner: String! $repo: String! $issue: Int! $integration: String! $defaultBranch: String!
    $refPrefix: String! $planPath: String! $workersPath: String! $completionsPath: String!
    $subIssuesPath: String! $loopsPath: String! $usagePrefix: String! $adaptPrefix: String!
    $messagePrefix: String! $validationPrefix: String! $contractPath: String! $memoryBranch: String!
  ) {
    repository(owner: $owner, name: $repo) { ...BuildRepository }
  }

  query BatonBuildPulls($owner: String!, $repo: String!, $integration: String!, $after: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequests(
        baseRefName: $integration
        first: 50
        after: $after
        orderBy: { field: CREATED_AT, direction: ASC }
      ) { ...Pulls }
    }
  }

  query BatonBuildRefs($owner: String!, $repo: String!, $prefix: String!, $after: String!) {
    repository(owner: $owner, name: $repo) {
      refs(refPrefix: $prefix, first: 100, after: $after) { ...Refs }
    }
  }

  query BatonPullChecks($owner: String!, $repo: String!, $number: Int!, $after: String!) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        commits(last: 1) {
          nodes {
            commit { oid statusCheckRollup { contexts(first: 100, after: $after) { ...Contexts } } }
          }
        }
      }
    }
  }

  query BatonIssueStates($owner: String!, $repo: String!, $issue: Int!, $before: String!) {
    repository(owner: $owner, name: $repo) {
      issue: issueOrPullRequest(number: $issue) {
        ... on Issue {
          timelineItems(itemTypes: [CLOSED_EVENT, REOPENED_EVENT], last: 100, before: $before) { ...StateEvents }
        }
        ... on PullRequest {
          timelineItems(itemTypes: [CLOSED_EVENT, REOPENED_EVENT], last: 100, before: $before) { ...PullStateEvents }
        }
      }
    }
  }

  fragment BuildRepository on Repository {
    issue: issueOrPullRequest(number: $issue) { ...BuildIssue ...BuildPullThread }
    defaultRef: ref(qualifiedName: $defaultBranch) { target { oid } }
    integrationRef: ref(qualifiedName: $integration) {
      compare(headRef: $defaultBranch) { aheadBy }
      rules(first: 20) {
        nodes { parameters { ... on RequiredStatusChecksParameters { strictRequiredStatusChecksPolicy } } }
      }
    }
    refs(refPrefix: $refPrefix, first: 100) { ...Refs }
    usageRefs: refs(refPrefix: $usagePrefix, first: 100) { ...Refs }
    adaptRefs: refs(refPrefix: $adaptPrefix, first: 100) { ...Refs }
    messageRefs: refs(refPrefix: $messagePrefix, first: 100) { ...Refs }
    validationRefs: refs(refPrefix: $validationPrefix, first: 100) { ...Refs }
    pullRequests(baseRefName: $integration, first: 20, orderBy: { field: CREATED_AT, direction: ASC }) { ...Pulls }
    finalPulls: pullRequests(
      headRefName: $integration
      baseRefName: $defaultBranch
      first: 20
      orderBy: { field: CREATED_AT, direction: DESC }
    ) {
      pageInfo { hasNextPage }
      nodes { number state merged url isCrossRepository autoMergeRequest { enabledAt } mergeStateStatus }
    }
    memoryPulls: pullRequests(
      headRefName: $memoryBranch
      baseRefName: $defaultBranch
      first: 5
      orderBy: { field: CREATED_AT, direction: DESC }
    ) { nodes { number state merged url isCrossRepository changedFiles } }
    plan: object(expression: $planPath) { ... on Blob { oid byteSize isTruncated text } }
    contract: object(expression: $contractPath) { ... on Blob { byteSize isTruncated text } }
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

  fragment BuildIssue on Issue {
    title state createdAt url
    labels(first: 50) { nodes { name } }
    comments(last: 100) { totalCount nodes { ...Comment } }
    timelineItems(itemTypes: [LABELED_EVENT], last: 20) { nodes { ...Labelled } }
    stateEvents: timelineItems(itemTypes: [CLOSED_EVENT, REOPENED_EVENT], last: 20) { ...StateEvents }
  }

  fragment BuildPullThread on PullRequest {
    title pullState: state createdAt url
    labels(first: 50) { nodes { name } }
    comments(last: 100) { totalCount nodes { ...Comment } }
    timelineItems(itemTypes: [LABELED_EVENT], last: 20) { nodes { ...Labelled } }
    stateEvents: timelineItems(itemTypes: [CLOSED_EVENT, REOPENED_EVENT], last: 20) { ...PullStateEvents }
  }

  fragment Labelled on LabeledEvent { createdAt actor { login __typename } label { name } }

  fragment Pull on PullRequest {
    databaseId
    number
    state
    merged
    mergedAt mergeCommit { oid }
    url
    createdAt
    updatedAt
    headRefName
    headRefOid
    mergeStateStatus
    reviewDecision
    isDraft
    author { login __typename }
    body
    editor { login __typename }
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
          author { email }
          signature { wasSignedByGitHub }
          statusCheckRollup { contexts(first: 100) { ...Contexts } }
        }
      }
    }
  }

  fragment Contexts on StatusCheckRollupContextConnection {
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on CheckRun { name status conclusion detailsUrl checkSuite { app { slug } } }
      ... on StatusContext { context state targetUrl }
    }
  }

  fragment Comment on IssueComment {
    databaseId
    body
    createdAt
    updatedAt
    author { login __typename }
    reactionGroups { content createdAt viewerHasReacted }
  }

  fragment Pulls on PullRequestConnection {
    pageInfo { hasNextPage endCursor }
    nodes { ...Pull }
  }

  fragment Refs on RefConnection {
    pageInfo { hasNextPage endCursor }
    nodes { name target { oid ... on Commit { message } } }
  }

  fragment StateEvents on IssueTimelineItemsConnection {
    pageInfo { hasPreviousPage startCursor }
    nodes { __typename ...Closed ...Reopened }
  }

  fragment PullStateEvents on PullRequestTimelineItemsConnection {
    pageInfo { hasPreviousPage startCursor }
    nodes { __typename ...Closed ...Reopened }
  }

  fragment Closed on ClosedEvent {
    createdAt actor { login __typename } closer { __typename ... on PullRequest { number } }
  }

  fragment Reopened on ReopenedEvent { createdAt actor { login __typename } }
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
  updatedAt: string;
  author: { login: string; __typename: string } | null;
  /**
   * Which reactions the viewer (the app) gave: its 👀 marks a command it accepted.
   * A group with no reactions has no `createdAt` (a scalar: no points, unlike `reactors`).
   */
  reactionGroups: ListedReactionGroup[] | null;
}

export interface GraphCheckRun {
  __typename: 'CheckRun';
  name: string;
  status: string;
  conclusion: string | null;
  detailsUrl: string | null;
  /** The app that created it: two apps' runs of one name are two runs (absent in older fixtures). */
  checkSuite?: { app: { slug: string } | null } | null;
}

/** A commit status (the newest per context), as CI that predates checks reports. */
export interface GraphStatusContext {
  __typename: 'StatusContext';
  context: string;
  state: 'ERROR' | 'EXPECTED' | 'FAILURE' | 'PENDING' | 'SUCCESS';
  targetUrl: string | null;
}

export interface GraphPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Refs under a prefix; `message` is the commit's when the ref points at a commit. */
export interface GraphRefs {
  pageInfo?: GraphPageInfo;
  nodes: { name: string; target: { oid: string; message?: string } }[];
}

export interface BuildPullsResult {
  repository: { pullRequests: { pageInfo: GraphPageInfo; nodes: GraphPull[] } };
}

export interface PullChecksResult {
  repository: {
    pullRequest: {
      commits: {
        nodes: {
          commit: {
            oid: string;
            statusCheckRollup: GraphPull['commits']['nodes'][number]['commit']['statusCheckRollup'];
          };
        }[];
      };
    } | null;
  };
}

/** Closes and reopens of an issue, newest last, with the cursor to read older ones. */
export interface GraphStateEvents {
  pageInfo?: { hasPreviousPage: boolean; startCursor: string | null };
  nodes: ({
    __typename: string;
    createdAt: string;
    actor: { login: string; __typename: string } | null;
    closer?: { __typename: string; number?: number } | null;
  } | null)[];
}

export interface IssueStatesResult {
  repository: { issue: { timelineItems: GraphStateEvents } | null };
}

export interface BuildRefsResult {
  repository: { refs: GraphRefs };
}

export interface GraphPull {
  databaseId: number;
  number: number;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  merged: boolean;
  /** When it was merged, and the commit its merge made; absent from answers of a query without them (a test's). */
  mergedAt?: string | null;
  mergeCommit?: { oid: string } | null;
  url: string;
  createdAt: string;
  updatedAt: string;
  headRefName: string;
  headRefOid: string;
  mergeStateStatus: string;
  /** APPROVED, CHANGES_REQUESTED or REVIEW_REQUIRED where a rule asks for reviews; null or absent: none. */
  reviewDecision?: string | null;
  /** Absent from answers of a query without it (a test's); read as not a draft. */
  isDraft?: boolean;
  /** Who opened it: publish opens a worker's as the app. Absent from a test's answer without it. */
  author?: { login: string; __typename: string } | null;
  /** Its body as last edited, with publish's evidence marker (src/core/sessions/evidence.ts); absent from a test's. */
  body?: string;
  /**
   * Who last edited the body (`PullRequest.editor`: "The actor who edited this pull
   * request's body", https://docs.github.com/en/graphql/reference/objects#pullrequest);
   * null when no one has since it was opened. Absent from a test's answer without it.
   */
  editor?: { login: string; __typename: string } | null;
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
        /**
         * Who the commit names as its author, and whether GitHub signed it with its
         * own key (a commit GitHub made, as `update-branch`'s merge): absent or null
         * for none. A pushed commit may name any author; only GitHub signs as GitHub.
         */
        author?: { email: string | null } | null;
        signature?: { wasSignedByGitHub: boolean } | null;
        /**
         * The head's CI: its latest check runs and the newest status per
         * context. Null when the commit has neither.
         */
        statusCheckRollup: {
          contexts: {
            pageInfo: GraphPageInfo;
            nodes: (GraphCheckRun | GraphStatusContext)[];
          };
        } | null;
      };
    }[];
  };
}

export interface BuildQueryResult {
  repository: {
    /** The build's issue or pull request (`issue(number:)` resolves no pull request); a pull request's state is `pullState`. */
    issue: {
      title: string;
      state?: 'OPEN' | 'CLOSED';
      pullState?: 'OPEN' | 'CLOSED' | 'MERGED';
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
      /**
       * The issue's latest closes and reopens, newest last: who closed it (and the
       * pull request whose merge closed it, "Closes #n", when one did), who reopened
       * it. Read while it is open too: a writer's close outlasts another's reopen.
       */
      stateEvents?: GraphStateEvents;
    } | null;
    defaultRef: { target: { oid: string } } | null;
    /** `aheadBy`: commits of the default branch the build branch does not have yet. */
    integrationRef: {
      compare: { aheadBy: number } | null;
      /**
       * The rules of the rulesets that apply to the build branch: one that asks for
       * pull requests tested with its latest code (`strictRequiredStatusChecksPolicy`)
       * refuses to merge one it has moved past. Branch protection's rules are not
       * listed (only admins read them).
       */
      rules?: {
        nodes: { parameters: { strictRequiredStatusChecksPolicy?: boolean } | null }[];
      } | null;
    } | null;
    refs: GraphRefs;
    /** Sessions' usage records: hidden refs whose commit message is the record. */
    usageRefs: GraphRefs;
    /** Adapt sessions' records: hidden refs whose commit message is the record. */
    adaptRefs?: GraphRefs;
    /** Messages to workers' sessions not taken yet: hidden refs named for their comments. */
    messageRefs?: GraphRefs;
    /** Milestones' validation records: hidden refs whose commit message is the record. */
    validationRefs?: GraphRefs;
    pullRequests: { pageInfo?: GraphPageInfo; nodes: GraphPull[] };
    /**
     * Pull requests from the build branch's name into the default branch,
     * newest first: Baton's final one, and any a fork named the same way.
     */
    finalPulls: {
      pageInfo?: { hasNextPage: boolean };
      nodes: {
        number: number;
        state: string;
        merged: boolean;
        url: string;
        /** A fork's head: never the build's, whatever its branch is called. */
        isCrossRepository?: boolean;
        autoMergeRequest: { enabledAt: string } | null;
        /** Whether GitHub would merge it now (`MergeStateStatus`); absent from an older reply. */
        mergeStateStatus?: string;
      }[];
    };
    /**
     * Pull requests from the build's memory branch into the default branch, newest first:
     * its learn session's "What build #N taught" (docs/memory.md), read for its number and
     * how many files it changes, never their content. Absent from a test's answer without it.
     */
    memoryPulls?: {
      nodes: ({ number: number; state: string; merged: boolean; url: string } & {
        isCrossRepository?: boolean;
        changedFiles: number;
      })[];
    };
    plan: { oid: string; byteSize: number; isTruncated: boolean; text: string | null } | null;
    /** `contract.json` (src/core/plan/contract.ts), once the contract is on the build branch. */
    contract?: { byteSize: number; isTruncated: boolean; text: string | null } | null;
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
