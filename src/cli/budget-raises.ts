/**
 * Who raised a cap, as GitHub records it (docs/governance.md, "The audit
 * trail"): the commits of the default branch that changed `.github/baton.yml`
 * in a window, each commit's file against the one before it, kept where
 * `budget.maxUsd` or `budget.dailyUsd` went up (a cap taken away counts as
 * raised). Read only for the windows of sessions started again after a raise
 * (`raiseWindows`): the trail of a build with none costs no request here.
 */
import { parse } from 'yaml';
import type { BudgetRaise } from '../core/audit/audit-trail.js';
import { DEFAULT_MAX_USD } from '../core/config/config.js';
import { CONFIG_PATH } from '../read-config.js';
import type { AppOctokit } from './app-probot.js';

/** The caps a version of the file sets; null for one it turns off. */
interface Caps {
  maxUsd: number | null;
  dailyUsd: number | null;
}

/** The raises of a cap committed to the repository's default branch within `since`..`until` (ISO 8601). */
export async function readBudgetRaises(
  octokit: AppOctokit,
  { owner, repo, since, until }: { owner: string; repo: string; since: string; until: string },
): Promise<BudgetRaise[]> {
  const commits = await octokit.paginate(octokit.rest.repos.listCommits, {
    owner,
    repo,
    path: CONFIG_PATH,
    since,
    until,
    per_page: 100,
  });
  // GitHub lists the newest first; each is weighed against the file as it stood before it.
  const oldestFirst = [...commits].reverse();
  const parent = oldestFirst[0]?.parents[0]?.sha;
  let before = parent ? await capsAt(octokit, { owner, repo, ref: parent }) : null;
  const raises: BudgetRaise[] = [];
  for (const commit of oldestFirst) {
    const after = await capsAt(octokit, { owner, repo, ref: commit.sha });
    const at = commit.commit.committer?.date ?? commit.commit.author?.date;
    for (const field of ['maxUsd', 'dailyUsd'] as const) {
      if (!at || !before || !after || !isRaised(before[field], after[field])) continue;
      raises.push({ field, by: commit.author?.login ?? null, at, url: commit.html_url });
    }
    before = after;
  }
  return raises;
}

/** Whether a cap went up: a higher one, or none where there was one. */
function isRaised(before: number | null, after: number | null): boolean {
  if (before === null) return false;
  return after === null || after > before;
}

/** The caps of the file at `ref`; null where it is not there or is not YAML. */
async function capsAt(
  octokit: AppOctokit,
  { owner, repo, ref }: { owner: string; repo: string; ref: string },
): Promise<Caps | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: CONFIG_PATH, ref });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
    const raw = parse(Buffer.from(data.content, 'base64').toString('utf8')) as unknown;
    const budget = (raw as { budget?: Record<string, unknown> } | null)?.budget ?? {};
    // `null` or `0` turns a cap off; a cap left out is the default's.
    const cap = (value: unknown, otherwise: number | null) =>
      value === null || value === 0 ? null : typeof value === 'number' ? value : otherwise;
    return { maxUsd: cap(budget.maxUsd, DEFAULT_MAX_USD), dailyUsd: cap(budget.dailyUsd, null) };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    if (error instanceof Error && error.name === 'YAMLParseError') return null;
    throw error;
  }
}
