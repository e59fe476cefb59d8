import type { ProbotOctokit } from 'probot';
import { parseBuildId, REPOSITORY_NAME } from '../../core/vocabulary/ids.js';
import type { SoloProcess } from './solo-process.js';

/** The app's Octokit, authenticated as one installation. */
export type Octokit = ProbotOctokit;

/** The repository a build lives in, and what the adapter needs to know about the app. */
export interface RepoContext {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The app's bot login, `<slug>[bot]`: its comments and reviews are Baton's own. */
  botLogin: string;
  /** The app's installation the client acts as, where known: a look another replica takes needs it. */
  installationId?: number;
  /**
   * The installation's client for another of its repositories (`owner/name`), where
   * this one's token covers only its own (the conductor's, with nothing hosted). Absent:
   * this client, which as the app's installation token covers every repository of it.
   */
  octokitFor?: (repository: string) => Promise<Octokit>;
  /**
   * A read-only client that sees every repository of the installation (lists
   * them and their runs), where this one's token was minted for its own
   * repository alone (the conductor's). Absent: this client, which as the
   * app's installation token sees them all.
   */
  installationReader?: () => Promise<Octokit>;
  /**
   * A read-only client for the members of the change set whose home is `home` (`owner/name`),
   * where this one's token was minted for its own repository alone (the conductor's): GitHub
   * answers such a token only for that repository and public ones, so a private member read
   * with it is null. Asked only for `home` and the repositories its `changeSets.repositories`
   * lists; the conductor checks that against GitHub before it mints. Absent: this client,
   * which as the app's installation token reads them all.
   */
  membersReader?: (request: { home: string; repositories: string[] }) => Promise<Octokit>;
  /**
   * This process shares no store with other processes of the app (`SoloProcess`): its
   * dispatches are sent within a deadline of their locks, and a lock with no run is taken
   * over only after a grace. Absent: whatever reconciles a build holds it alone (one
   * process's queue with Redis's lease, the conductor's concurrency group).
   */
  solo?: SoloProcess;
  /**
   * Whether this reconcile still surely holds its build across replicas (`BuildHold.held`,
   * the lease in Redis): a dispatch is sent only while it does. Absent: held for the whole
   * reconcile (one process's queue, the conductor's concurrency group).
   */
  held?: () => boolean;
}

/** The context of another repository of the same installation (a change set's, docs/change-sets.md). */
export async function contextOf(ctx: RepoContext, repository: string): Promise<RepoContext> {
  const [owner = '', repo = ''] = repository.split('/');
  if (`${ctx.owner}/${ctx.repo}`.toLowerCase() === repository.toLowerCase()) return ctx;
  const octokit = ctx.octokitFor ? await ctx.octokitFor(repository) : ctx.octokit;
  return { ...ctx, octokit, owner, repo };
}

/**
 * A build's key in this process, `owner/repo#build`: its place in the build
 * queue, its owed writes in the write budget, its held status edit.
 */
export function buildKey(ctx: { owner: string; repo: string }, build: string): string {
  return `${ctx.owner}/${ctx.repo}#${build}`;
}

/**
 * The repository and build a key names (`buildKey`), each by GitHub's and Baton's rules
 * for such names; null for anything else. Only a hint, as a branch name is: what a key
 * read from a store names is asked of GitHub before anything is read or written for it.
 */
export function parseBuildKey(
  key: string,
): { owner: string; repo: string; build: string; issue: number } | null {
  const hash = key.indexOf('#');
  const repository = key.slice(0, hash);
  const build = key.slice(hash + 1);
  const parsed = hash > 0 && REPOSITORY_NAME.test(repository) ? parseBuildId(build) : null;
  if (!parsed) return null;
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo, build, issue: parsed.issue };
}

/** GitHub's error shape, narrowed without trusting it. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

export function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'response' in error) {
    const data = (error as { response?: { data?: { message?: unknown } } }).response?.data;
    if (typeof data?.message === 'string') return data.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Runs a write whose listed error statuses mean "already so" or "no longer needed"; null for those. */
export async function ignoreStatus<T>(
  statuses: number[],
  write: () => Promise<T>,
): Promise<T | null> {
  try {
    return await write();
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && statuses.includes(status)) return null;
    throw error;
  }
}
