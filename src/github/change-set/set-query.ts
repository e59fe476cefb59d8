import {
  BUILD_QUERY,
  type BuildQueryResult,
  type GraphPageInfo,
  type GraphPull,
  type GraphRefs,
} from '../observe/build-query.js';

/**
 * A change set's GraphQL (docs/change-sets.md): its members read by one
 * fragment, `MemberRepository`, every member having the same build id, up to
 * five repositories a call (`BatonMembers`, `readMembers`), and the first of
 * them in the set build's own call (`BatonSet`, `membersSeen.alongside`).
 * `BatonSet` reads the set build by the build query's own fragment
 * (`BuildRepository`), and a member's pull requests by its `Pulls`: the set's
 * operations are sent with the build query (`SET_QUERY`), whose fragments
 * they spread; this literal holds only what is the set's, and `BatonSet` is
 * made of `BatonBuild` and `BatonMembers` (`BATON_SET`).
 * `test/app/graphql-limits.test.ts` measures them as they are sent.
 */
export const SET_OPERATIONS = /* GraphQL */ `
  query BatonMembers(
    $ids: [ID!]!
    $memberIntegration: String!
    $memberRefPrefix: String!
    $memberPlanPath: String!
    $memberCompletionsPath: String!
    $workflowPath: String!
    $memberUsagePrefix: String!
    $memberAdaptPrefix: String!
    $memberMessagePrefix: String!
    $memberValidationPrefix: String!
    $memberContractPath: String!
    $revertBranch: String!
  ) {
    nodes(ids: $ids) { ...MemberRepository }
  }

  fragment MemberRepository on Repository {
    nameWithOwner
    defaultBranchRef { name target { oid } compare(headRef: $memberIntegration) { behindBy } }
    workflow: object(expression: $workflowPath) { oid }
    refs(refPrefix: $memberRefPrefix, first: 100) { ...Refs }
    usageRefs: refs(refPrefix: $memberUsagePrefix, first: 100) { ...Refs }
    adaptRefs: refs(refPrefix: $memberAdaptPrefix, first: 100) { ...Refs }
    messageRefs: refs(refPrefix: $memberMessagePrefix, first: 100) { ...Refs }
    validationRefs: refs(refPrefix: $memberValidationPrefix, first: 100) { ...Refs }
    pullRequests(baseRefName: $memberIntegration, first: 20, orderBy: { field: CREATED_AT, direction: ASC }) { ...Pulls }
    finalPulls: pullRequests(
      headRefName: $memberIntegration
      first: 5
      orderBy: { field: CREATED_AT, direction: DESC }
    ) {
      pageInfo { hasNextPage }
      nodes { ...GatedPull }
    }
    revertPulls: pullRequests(
      headRefName: $revertBranch
      first: 5
      orderBy: { field: CREATED_AT, direction: DESC }
    ) {
      nodes { ...GatedPull }
    }
    plan: object(expression: $memberPlanPath) { ... on Blob { oid } }
    contract: object(expression: $memberContractPath) { ... on Blob { byteSize isTruncated text } }
    completions: object(expression: $memberCompletionsPath) {
      ... on Tree { entries { name object { ... on Blob { oid byteSize text } } } }
    }
  }

  fragment GatedPull on PullRequest {
    number
    state
    merged
    url
    isCrossRepository
    baseRefName
    headRefOid
    autoMergeRequest { enabledAt }
    mergeCommit { oid }
    commits(last: 1) {
      nodes { commit { oid statusCheckRollup { contexts(first: 100) { ...Contexts } } } }
    }
  }
`;

/** The variables operation `name` of `document` declares, as it declares them. */
function variablesOf(document: string, name: string): string {
  const declared = new RegExp(`query ${name}\\(([^)]*)\\)`).exec(document)?.[1];
  if (!declared) throw new Error(`no operation ${name} with variables`);
  return declared;
}

/**
 * `BatonSet`: the set build's `BatonBuild` and its first members' `BatonMembers` in one
 * call. It declares the variables of both, taken from their own declarations, so each
 * list is written once and the set's call asks for no variable the two do not.
 */
const BATON_SET = `
  query BatonSet(${variablesOf(BUILD_QUERY, 'BatonBuild')}${variablesOf(SET_OPERATIONS, 'BatonMembers')}) {
    repository(owner: $owner, name: $repo) { ...BuildRepository }
    nodes(ids: $ids) { ...MemberRepository }
  }
`;

/** The build query and the set's operations, one document, as a set's calls send it. */
export const SET_QUERY = BUILD_QUERY + SET_OPERATIONS + BATON_SET;

/** A pull request a change set gates by its order: a member's final pull request, or its revert. */
export interface GraphGatedPull {
  number: number;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  merged: boolean;
  url: string;
  isCrossRepository: boolean;
  baseRefName: string;
  headRefOid: string;
  autoMergeRequest: { enabledAt: string } | null;
  mergeCommit: { oid: string } | null;
  commits: {
    nodes: {
      commit: {
        oid: string;
        statusCheckRollup: GraphPull['commits']['nodes'][number]['commit']['statusCheckRollup'];
      };
    }[];
  };
}

/**
 * One member build of a change set as `BatonMembers` reads it, for each
 * repository of the set in one call (docs/change-sets.md): every member has the
 * same build id, so one fragment serves them all.
 */
export interface GraphMember {
  nameWithOwner: string;
  defaultBranchRef: {
    name: string;
    target: { oid: string };
    /** `behindBy`: the default branch's commits the member's build branch lacks. */
    compare: { behindBy: number } | null;
  } | null;
  /** Baton's session workflow on the default branch. */
  workflow: { oid: string } | null;
  refs: GraphRefs;
  usageRefs: GraphRefs;
  adaptRefs?: GraphRefs;
  /** The messages recorded for its workers' sessions (`/steer`, `/queue`). */
  messageRefs?: GraphRefs;
  /** Its milestones' validation records (docs/verification.md). */
  validationRefs?: GraphRefs;
  pullRequests: { pageInfo?: GraphPageInfo; nodes: GraphPull[] };
  finalPulls: { pageInfo?: { hasNextPage: boolean }; nodes: GraphGatedPull[] };
  revertPulls: { nodes: GraphGatedPull[] };
  plan: { oid: string } | null;
  /** Its `contract.json`, once its contract is on its build branch. */
  contract?: BuildQueryResult['repository']['contract'];
  completions: BuildQueryResult['repository']['completions'];
}

export interface MembersResult {
  nodes: (GraphMember | null)[];
}
