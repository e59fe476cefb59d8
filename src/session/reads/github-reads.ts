import { z } from 'zod';
import type { ListedWorkflowRun } from '../../core/snapshot/usage-ties.js';
import { ListedReview, REVIEW_PAGES_MAX } from '../baton-review.js';
import { CommitParents, Comparison } from '../review-head.js';
import {
  createSessionOctokit,
  type SessionClientInput,
  statusOfError,
  triesOf,
  unreachableMessage,
} from '../session-octokit.js';
import {
  ISSUE_HISTORY_QUERY,
  type IssueHistory,
  IssueHistoryAnswer,
  RECORD_MESSAGES_QUERY,
  RecordMessagesAnswer,
} from './github-queries.js';
import {
  CheckRun,
  Comment,
  Issue,
  LinkedIssueBody,
  ListedPull,
  OneWorkflowRun,
  Pull,
  PullComment,
  PullFile,
  Review,
  ReviewThreadComment,
  RUNS_LISTED_MAX,
  WorkflowRun,
  WrittenReview,
} from './github-shapes.js';

/**
 * The few GitHub reads a session makes, with the job's read-only token,
 * through the session's Octokit (`src/session/session-octokit.ts`): a 502 or a rate
 * limit is retried, bounded and logged, instead of ending the session.
 */
export interface GitHubReads {
  getIssue(issue: number): Promise<Issue>;
  /** Null when the comment was deleted (GitHub answers 404). */
  getIssueComment(id: string): Promise<Comment | null>;
  /** One page (from 1) of an issue's comments, oldest first, a hundred a page. */
  listIssueComments(issue: number, page: number): Promise<Comment[]>;
  getPull(pr: number): Promise<Pull>;
  /** "Compare two commits" (`base...head`): its status and files. */
  compare(base: string, head: string): Promise<Comparison>;
  /** A commit's parents, in order. */
  parentsOf(sha: string): Promise<string[]>;
  listPullFiles(pr: number): Promise<PullFile[]>;
  getReview(pr: number, id: string): Promise<Review>;
  /** A pull request's reviews (up to `REVIEW_PAGES_MAX` pages), to find Baton's own. */
  listReviews(pr: number): Promise<ListedReview[]>;
  listReviewComments(pr: number, id: string): Promise<ReviewThreadComment[]>;
  /** Pull requests of every state that match `query` (`base=…`, `head=owner:branch`), every page. */
  listPulls(query: string): Promise<ListedPull[]>;
  /** A pull request's inline review comments, every page. */
  listPullComments(pr: number): Promise<PullComment[]>;
  /** A pull request's reviews with their authors and links, every page. */
  listWrittenReviews(pr: number): Promise<WrittenReview[]>;
  listCheckRuns(sha: string): Promise<CheckRun[]>;
  /** An issue's sub-issues, in GitHub's order (at most 100, GitHub's limit). */
  listSubIssues(issue: number): Promise<LinkedIssueBody[]>;
  /** The issues that block one ("blocked by" links). */
  listBlockedBy(issue: number): Promise<LinkedIssueBody[]>;
  /** Who changed the issue's text and labels, and when (one GraphQL query). */
  getIssueHistory(issue: number): Promise<IssueHistory>;
  /** `admin`, `maintain`, `write`, `triage`, `read`, or `none` for an account with no access. */
  getPermission(login: string): Promise<string>;
  /** The branches whose names start with `prefix` (`baton/12-add-login/`), full names. */
  listBranches(prefix: string): Promise<string[]>;
  /**
   * The refs under `refs/<prefix>` (full names), asked with `If-None-Match: etag`
   * when given: null when GitHub answers 304 (nothing changed, and nothing
   * counted against the token's limit).
   */
  listRefsIfChanged(
    prefix: string,
    etag: string | null,
  ): Promise<{ refs: string[]; etag: string | null } | null>;
  /** Who reacted to an issue or pull request comment with `content` (`eyes`), by login. */
  listCommentReactions(id: number, content: string): Promise<string[]>;
  /**
   * The refs under `prefix` (`refs/baton/<build>/usage/`, full names) with their
   * commits' messages: one GraphQL request a hundred refs; where GraphQL lists
   * none, the REST listing and a read of each commit `keep` keeps, at most `restMax`.
   */
  listRecords(
    prefix: string,
    options: { restMax: number; keep?: (ref: string) => boolean },
  ): Promise<ListedRecord[]>;
  /**
   * The runs of `workflow` dispatched (`workflow_dispatch`) at or after
   * `createdFrom` (ISO 8601, whole seconds), a hundred a page; more than GitHub
   * lists for such a filter (1,000) is an error, not a short list. Needs `actions: read`.
   */
  listWorkflowRuns(workflow: string, createdFrom: string): Promise<ListedWorkflowRun[]>;
  /** The names (`display_title`) of the workflow's dispatched runs on `branch`, newest first. */
  listRunNamesOn(workflow: string, branch: string): Promise<string[]>;
  /** One run of any workflow by its id; null where GitHub has none. Needs `actions: read`. */
  getWorkflowRun(id: number): Promise<OneWorkflowRun | null>;
}

/** A hidden ref (its full name) and its commit's message. */
export interface ListedRecord {
  ref: string;
  message: string;
}

/** A read GitHub answered 404: the thing is gone (or the account has no access). */
async function orNullWhenGone<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (statusOfError((error as { cause?: unknown }).cause) === 404) return null;
    throw error;
  }
}

/** A read that GitHub refused or answered with something unexpected. */
export class GitHubReadError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'GitHubReadError';
  }
}

/**
 * GitHub refused this token a collaborator's permission (403): `baton doctor`'s
 * `collaborator-permission` probe answering no. A plan session then leaves the
 * check of who edited the issue to publish, which holds the app's token.
 */
export class PermissionReadRefused extends GitHubReadError {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'PermissionReadRefused';
  }
}

/**
 * Where GraphQL is, from the REST API's URL, when Actions does not say
 * (`GITHUB_GRAPHQL_URL`): `<api>/graphql` on github.com; `https://<host>/api/graphql` on
 * Enterprise Server, whose REST API is at `https://<host>/api/v3`.
 */
export function graphqlUrlOf(apiUrl: string): string {
  const trimmed = apiUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(trimmed)
    ? trimmed.replace(/\/api\/v3$/, '/api/graphql')
    : `${trimmed}/graphql`;
}

/** GitHub answers at most 3,000 files of a pull request, 100 a page. */
const MAX_FILE_PAGES = 30;
/** Pages of any other whole listing read at most: 3,000 items. */
const LIST_PAGES_MAX = 30;

/** The reads of one repository, with the job's read token (if any). */
export function createGitHubReads(
  client: SessionClientInput & {
    /** Actions' `GITHUB_GRAPHQL_URL`; on Enterprise Server it is not under the REST API's URL. */
    graphqlUrl?: string;
    repository: string;
  },
): GitHubReads {
  const { apiUrl, graphqlUrl = graphqlUrlOf(apiUrl), repository } = client;
  const octokit = createSessionOctokit({ ...client, userAgent: 'baton-session' });
  const get = async <S extends z.ZodType>(route: string, schema: S): Promise<z.infer<S>> => {
    let data: unknown;
    try {
      ({ data } = await octokit.request(`GET /repos/${repository}${route}`));
    } catch (error) {
      const status = statusOfError(error);
      if (status === null) throw error;
      const unreachable = unreachableMessage(error, `GET ${route}`);
      if (unreachable) throw new GitHubReadError(unreachable, { cause: error });
      const tries = triesOf(error);
      throw new GitHubReadError(
        `GET ${route} answered ${status}${tries > 1 ? ` after ${tries} tries` : ''}; check the workflow's GITHUB_TOKEN permissions and the dispatch inputs`,
        { cause: error },
      );
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      throw new GitHubReadError(
        `GET ${route} answered an unexpected shape: ${parsed.error.message}`,
      );
    return parsed.data;
  };
  /** Every page of a listing: GitHub gives at most 100 items a page, 30 unless asked. */
  const getAll = async <T>(route: string, item: z.ZodType<T>): Promise<T[]> => {
    const items: T[] = [];
    const join = route.includes('?') ? '&' : '?';
    for (let page = 1; page <= LIST_PAGES_MAX; page++) {
      const batch = await get(`${route}${join}per_page=100&page=${page}`, z.array(item));
      items.push(...batch);
      if (batch.length < 100) break;
    }
    return items;
  };
  return {
    getIssue: (issue) => get(`/issues/${issue}`, Issue),
    getIssueComment: (id) => orNullWhenGone(get(`/issues/comments/${id}`, Comment)),
    listIssueComments: (issue, page) =>
      get(`/issues/${issue}/comments?per_page=100&page=${page}`, z.array(Comment)),
    async listRefsIfChanged(prefix, etag) {
      const route = `/git/matching-refs/${prefix.replace(/\/+$/, '')}`;
      try {
        const response = await octokit.request(`GET /repos/${repository}${route}`, {
          ...(etag ? { headers: { 'if-none-match': etag } } : {}),
        });
        const refs = z.array(z.object({ ref: z.string() })).safeParse(response.data);
        if (!refs.success)
          throw new GitHubReadError(
            `GET ${route} answered an unexpected shape: ${refs.error.message}`,
          );
        return {
          refs: refs.data
            .map((entry) => entry.ref)
            .filter((ref) => ref.startsWith(`refs/${prefix}`)),
          etag: response.headers.etag ?? null,
        };
      } catch (error) {
        if (statusOfError(error) === 304) return null;
        if (error instanceof GitHubReadError) throw error;
        const status = statusOfError(error);
        if (status === null) throw error;
        throw new GitHubReadError(
          unreachableMessage(error, `GET ${route}`) ?? `GET ${route} answered ${status}`,
          { cause: error },
        );
      }
    },
    async listRecords(prefix, { restMax, keep = () => true }) {
      const [owner, repo] = repository.split('/');
      const records: ListedRecord[] = [];
      let after: string | null = null;
      for (let page = 0; page < LIST_PAGES_MAX; page++) {
        const { data } = await octokit.request({
          method: 'POST',
          url: graphqlUrl,
          query: RECORD_MESSAGES_QUERY,
          variables: { owner, repo, prefix, after },
        });
        const parsed = RecordMessagesAnswer.safeParse(data);
        if (!parsed.success) break;
        const { refs } = parsed.data.data.repository;
        for (const node of refs.nodes)
          if (node.target.message !== undefined)
            records.push({ ref: `${prefix}${node.name}`, message: node.target.message });
        if (!refs.pageInfo.hasNextPage) break;
        after = refs.pageInfo.endCursor;
      }
      if (records.length > 0) return records;
      // GraphQL may not list hidden refs (`baton doctor` probes it): REST lists and reads them.
      const listed = await get(
        `/git/matching-refs/${prefix.replace(/^refs\//, '').replace(/\/+$/, '')}`,
        z.array(z.object({ ref: z.string(), object: z.object({ sha: z.string() }) })),
      );
      const own = listed
        .filter((entry) => entry.ref.startsWith(prefix) && keep(entry.ref))
        .slice(0, restMax);
      return Promise.all(
        own.map(async (entry) => ({
          ref: entry.ref,
          message: (
            await get(`/git/commits/${entry.object.sha}`, z.object({ message: z.string() }))
          ).message,
        })),
      );
    },
    async listWorkflowRuns(workflow, createdFrom) {
      const created = encodeURIComponent(`>=${createdFrom}`);
      const runs: ListedWorkflowRun[] = [];
      for (let page = 1; page <= RUNS_LISTED_MAX / 100; page++) {
        const route = `/actions/workflows/${workflow}/runs?event=workflow_dispatch&created=${created}&per_page=100&page=${page}`;
        const batch = (await get(route, z.object({ workflow_runs: z.array(WorkflowRun) })))
          .workflow_runs;
        runs.push(...batch);
        if (batch.length < 100) return runs;
      }
      throw new GitHubReadError(
        `more than ${RUNS_LISTED_MAX} runs of ${workflow} since ${createdFrom}: GitHub does not list them all`,
      );
    },
    async listRunNamesOn(workflow, branch) {
      const names: string[] = [];
      for (let page = 1; page <= RUNS_LISTED_MAX / 100; page++) {
        const route = `/actions/workflows/${workflow}/runs?event=workflow_dispatch&branch=${encodeURIComponent(branch)}&per_page=100&page=${page}`;
        const batch = (await get(route, z.object({ workflow_runs: z.array(WorkflowRun) })))
          .workflow_runs;
        names.push(...batch.map((run) => run.display_title));
        if (batch.length < 100) return names;
      }
      throw new GitHubReadError(
        `more than ${RUNS_LISTED_MAX} runs of ${workflow} on ${branch}: GitHub does not list them all`,
      );
    },
    getWorkflowRun: (id) => orNullWhenGone(get(`/actions/runs/${id}`, OneWorkflowRun)),
    async listCommentReactions(id, content) {
      const reactions = await getAll(
        `/issues/comments/${id}/reactions?content=${encodeURIComponent(content)}`,
        z.object({ user: z.object({ login: z.string() }).nullable().optional() }),
      );
      return reactions.flatMap((reaction) => (reaction.user ? [reaction.user.login] : []));
    },
    getPull: (pr) => get(`/pulls/${pr}`, Pull),
    compare: (base, head) =>
      get(`/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`, Comparison),
    parentsOf: async (sha) =>
      (await get(`/commits/${encodeURIComponent(sha)}`, CommitParents)).parents.map((p) => p.sha),
    async listBranches(prefix) {
      // GitHub matches the ref as a prefix; without the trailing slash, so filter here.
      const route = `/git/matching-refs/heads/${prefix.replace(/\/+$/, '')}`;
      const refs = await get(route, z.array(z.object({ ref: z.string() })));
      return refs
        .map((entry) => entry.ref.replace(/^refs\/heads\//, ''))
        .filter((name) => name.startsWith(prefix));
    },
    async listPullFiles(pr) {
      const files: PullFile[] = [];
      for (let page = 1; page <= MAX_FILE_PAGES; page++) {
        const batch = await get(`/pulls/${pr}/files?per_page=100&page=${page}`, z.array(PullFile));
        files.push(...batch);
        if (batch.length < 100) break;
      }
      return files;
    },
    getReview: (pr, id) => get(`/pulls/${pr}/reviews/${id}`, Review),
    async listReviews(pr) {
      const reviews: ListedReview[] = [];
      for (let page = 1; page <= REVIEW_PAGES_MAX; page++) {
        const route = `/pulls/${pr}/reviews?per_page=100&page=${page}`;
        const batch = await get(route, z.array(ListedReview));
        reviews.push(...batch);
        if (batch.length < 100) break;
      }
      return reviews;
    },
    listReviewComments: (pr, id) =>
      getAll(`/pulls/${pr}/reviews/${id}/comments`, ReviewThreadComment),
    listPulls: (query) => getAll(`/pulls?state=all&${query}`, ListedPull),
    listPullComments: (pr) => getAll(`/pulls/${pr}/comments`, PullComment),
    listWrittenReviews: (pr) => getAll(`/pulls/${pr}/reviews`, WrittenReview),
    // A GitHub without sub-issues (an older Enterprise Server) answers 404: no sub-issues.
    listSubIssues: (issue) =>
      getAll(`/issues/${issue}/sub_issues`, LinkedIssueBody).catch((error: unknown) => {
        if (error instanceof GitHubReadError && statusOfError(error.cause) === 404) return [];
        throw error;
      }),
    listBlockedBy: (issue) => getAll(`/issues/${issue}/dependencies/blocked_by`, LinkedIssueBody),
    async listCheckRuns(sha) {
      const runs: z.infer<typeof CheckRun>[] = [];
      for (let page = 1; page <= LIST_PAGES_MAX; page++) {
        const route = `/commits/${sha}/check-runs?per_page=100&page=${page}`;
        const batch = (await get(route, z.object({ check_runs: z.array(CheckRun) }))).check_runs;
        runs.push(...batch);
        if (batch.length < 100) break;
      }
      return runs;
    },
    async getIssueHistory(issue) {
      const [owner, repo] = repository.split('/');
      let data: unknown;
      try {
        ({ data } = await octokit.request({
          method: 'POST',
          url: graphqlUrl,
          query: ISSUE_HISTORY_QUERY,
          variables: { owner, repo, issue },
        }));
      } catch (error) {
        const status = statusOfError(error);
        if (status === null) throw error;
        const reason =
          unreachableMessage(error, "the issue's history (GraphQL)") ??
          `the issue's history (GraphQL) answered ${status}`;
        throw new GitHubReadError(reason, { cause: error });
      }
      const parsed = IssueHistoryAnswer.safeParse(data);
      const found = parsed.success ? parsed.data.data.repository.issue : null;
      if (!found)
        throw new GitHubReadError(
          `the issue's history (GraphQL) answered an unexpected shape: ${parsed.error?.message ?? `no issue #${issue}`}`,
        );
      const change = (node: {
        createdAt?: string | undefined;
        actor?: { login: string } | null | undefined;
      }) => ({
        at: node.createdAt ?? '',
        login: node.actor?.login ?? null,
      });
      const nodes = found.timelineItems.nodes.filter((node) => node.createdAt);
      return {
        lastEdit: found.lastEditedAt
          ? { at: found.lastEditedAt, login: found.editor?.login ?? null }
          : null,
        renames: nodes.filter((node) => node.__typename === 'RenamedTitleEvent').map(change),
        labels: nodes
          .filter((node) => node.__typename === 'LabeledEvent' && node.label)
          .map((node) => ({ ...change(node), label: node.label?.name ?? '' })),
      };
    },
    async getPermission(login) {
      const answer = await orNullWhenGone(
        get(
          `/collaborators/${encodeURIComponent(login)}/permission`,
          z.object({ permission: z.string() }),
        ),
      ).catch((error: unknown) => {
        if (error instanceof GitHubReadError && statusOfError(error.cause) === 403)
          throw new PermissionReadRefused(error.message, { cause: error.cause });
        throw error;
      });
      return answer?.permission ?? 'none';
    },
  };
}
