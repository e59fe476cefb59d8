import { parse } from 'yaml';
import { CONFIG_PATH } from '../../config.js';
import type { SetRepository } from '../../core/change-set/set-snapshot.js';
import {
  type ParsedConfig,
  parseConfig,
  type RepositoryVisibility,
} from '../../core/config/config.js';
import { conditionalReads } from '../client/conditional-reads.js';
import { contextOf, type RepoContext, statusOf } from '../client/types.js';

/** A repository as the installation lists it: its name and who may see it. */
export interface ListedRepository {
  name: string;
  url: string;
  visibility: RepositoryVisibility;
}

/**
 * What a change set knows of a repository its issue's repository lists and its
 * plan gives no worker: whether the plan session may have read it, whose
 * consent is then judged as a member's (docs/security.md, "Change sets").
 * Installed and visible as the installation lists it; a private or internal
 * one's own `.github/baton.yml` on its default branch, read as the views job
 * reads it (its own file, no `_extends`) and asked conditionally, so a read
 * that finds it unchanged is not counted. A public one's text is anyone's:
 * nothing more is read of it.
 */
export async function listedFacts(
  ctx: RepoContext,
  { name, listed }: { name: string; listed: ListedRepository | undefined },
): Promise<SetRepository> {
  if (!listed)
    return {
      name,
      url: `https://github.com/${name}`,
      installed: false,
      workflow: false,
      visibility: null,
      config: null,
    };
  const config =
    listed.visibility === 'public' ? null : await ownConfig(await contextOf(ctx, name));
  // `workflow` is judged of the repositories the plan gives workers only.
  return {
    name,
    url: listed.url,
    installed: true,
    workflow: false,
    visibility: listed.visibility,
    config,
  };
}

async function ownConfig(ctx: RepoContext): Promise<ParsedConfig> {
  let text: string | null;
  try {
    const [content] = await conditionalReads.paginate(ctx.octokit, {
      route: 'GET /repos/{owner}/{repo}/contents/{path}',
      params: { owner: ctx.owner, repo: ctx.repo, path: CONFIG_PATH },
      pick: (data) => [(data as { content?: string } | null)?.content ?? ''],
    });
    text = Buffer.from(content ?? '', 'base64').toString('utf8');
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    text = null;
  }
  if (text === null) return parseConfig({});
  try {
    return parseConfig(parse(text));
  } catch {
    return { ok: false, problems: [{ field: '(file)', message: 'is not valid YAML' }] };
  }
}
