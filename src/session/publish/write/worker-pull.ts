import { z } from 'zod';
import { neutralizeClosingKeywords } from '../../../core/vocabulary/closing-keywords.js';
import {
  integrationBranch,
  parseBuildId,
  parseMemberBuildId,
  workerBranch,
} from '../../../core/vocabulary/ids.js';
import { type GitHubApi, GitHubApiError, repoPath } from './github-api.js';

const Pull = z.object({
  number: z.number(),
  html_url: z.string(),
  node_id: z.string().optional(),
  draft: z.boolean().optional(),
});

/**
 * `[<slug>] W1.1: <title>`, the worker PR's title. A squash merge
 * makes it a commit title that the final pull request brings to the default
 * branch, and the plan's titles are a model's: it may close no issue.
 */
export function renderPullTitle({
  build,
  worker,
  title,
}: {
  build: string;
  worker: string;
  title: string;
}): string {
  // A change set's member build is titled as its set is (docs/change-sets.md).
  const own = parseMemberBuildId(build)?.build ?? build;
  const slug = parseBuildId(own)?.slug ?? build;
  return `[${slug}] ${worker}: ${neutralizeClosingKeywords(title)}`;
}

/** The worker's pull request after publish opened or updated it. */
export interface WorkerPull {
  number: number;
  url: string;
  created: boolean;
}

/**
 * Opens the worker's PR (head: worker branch, base: build branch), or updates
 * the body of the one already open, so a re-run never opens a second PR. A
 * `draft` is partial work (docs/sessions.md, "Wind-down").
 */
export async function ensureWorkerPull({
  api,
  repository,
  build,
  worker,
  title,
  body,
  draft = false,
}: {
  api: GitHubApi;
  repository: string;
  build: string;
  worker: string;
  title: string;
  body: string;
  draft?: boolean;
}): Promise<WorkerPull> {
  const open = await findOpenPull({ api, repository, build, worker });
  if (open) return updatePullBody({ api, repository, pr: open.number, body });
  const request = {
    title,
    head: workerBranch(build, worker),
    base: integrationBranch(build),
    body,
    ...(draft ? { draft: true } : {}),
  };
  try {
    const created = Pull.parse(await api.request('POST', `${repoPath(repository)}/pulls`, request));
    return { number: created.number, url: created.html_url, created: true };
  } catch (error) {
    // 422: another attempt opened it in the meantime; update that one.
    const raced = error instanceof GitHubApiError && error.status === 422;
    const again = raced ? await findOpenPull({ api, repository, build, worker }) : null;
    if (!again) throw error;
    return updatePullBody({ api, repository, pr: again.number, body });
  }
}

async function findOpenPull({
  api,
  repository,
  build,
  worker,
}: {
  api: GitHubApi;
  repository: string;
  build: string;
  worker: string;
}): Promise<z.infer<typeof Pull> | null> {
  const owner = repository.split('/')[0] ?? '';
  const query = new URLSearchParams({
    state: 'open',
    head: `${owner}:${workerBranch(build, worker)}`,
    base: integrationBranch(build),
    per_page: '10',
  });
  const pulls = z
    .array(Pull)
    .parse(await api.request('GET', `${repoPath(repository)}/pulls?${query}`));
  return pulls[0] ?? null;
}

/**
 * Makes a worker's pull request a draft (partial work) or ready for review
 * (work a continuation finished): GitHub offers only GraphQL mutations for
 * either (REST's `draft` is read-only once opened). Nothing when it is so already.
 */
export async function setPullDraft({
  api,
  repository,
  pr,
  draft,
}: {
  api: GitHubApi;
  repository: string;
  pr: number;
  draft: boolean;
}): Promise<'changed' | 'unchanged'> {
  const pull = Pull.parse(await api.request('GET', `${repoPath(repository)}/pulls/${pr}`));
  if ((pull.draft ?? false) === draft || !pull.node_id) return 'unchanged';
  await api.graphql(draft ? TO_DRAFT : READY_FOR_REVIEW, { id: pull.node_id });
  return 'changed';
}

const TO_DRAFT = /* GraphQL */ `
  mutation BatonConvertToDraft($id: ID!) {
    convertPullRequestToDraft(input: { pullRequestId: $id }) { pullRequest { isDraft } }
  }
`;

const READY_FOR_REVIEW = /* GraphQL */ `
  mutation BatonReadyForReview($id: ID!) {
    markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } }
  }
`;

/** Replaces a pull request's body; its title and state stay as they are. */
export async function updatePullBody({
  api,
  repository,
  pr,
  body,
}: {
  api: GitHubApi;
  repository: string;
  pr: number;
  body: string;
}): Promise<WorkerPull> {
  const updated = Pull.parse(
    await api.request('PATCH', `${repoPath(repository)}/pulls/${pr}`, { body }),
  );
  return { number: updated.number, url: updated.html_url, created: false };
}
