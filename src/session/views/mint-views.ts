import yaml from 'js-yaml';
import {
  type ViewArchive,
  type ViewFacts,
  type ViewTarget,
  viewsAllowed,
  viewsAsked,
  viewsFactsNeeded,
} from '../../core/change-set/views.js';
import { type Config, defaultConfig, parseConfig } from '../../core/config/config.js';
import { type AppClient, createAppClient } from '../app-client.js';
import { revokeSessionToken } from '../publish/write/token/get-session-token.js';
import { createSessionOctokit, type SessionOctokit } from '../session-octokit.js';
import { type GivenViews, maskArchive, type ViewsRequest } from './ask-views.js';

/**
 * The views with nothing hosted (docs/serverless.md): the views step holds
 * the app's key as the publish step does, and decides by the endpoint's
 * rules (`viewsAllowed`) with a token of `contents: read` on the whole
 * installation, which it revokes once it has minted one for the allowed
 * repositories alone; with that one it asks each view's archive link, and
 * hands it back to be revoked once the archives are downloaded. Only for a
 * run the app dispatched.
 */
export async function mintViews({ env, fetch, mask }: ViewsRequest): Promise<GivenViews> {
  if (env.GITHUB_EVENT_NAME !== 'workflow_dispatch')
    return {
      ok: false,
      message: `views are for dispatched runs, not ${env.GITHUB_EVENT_NAME ?? '?'}`,
    };
  let app: AppClient;
  try {
    app = await createAppClient({
      apiUrl: env.GITHUB_API_URL,
      appId: env.BATON_APP_ID ?? '',
      privateKey: env.BATON_APP_PRIVATE_KEY ?? '',
      fetch,
      mask,
      userAgent: 'baton-session',
    });
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const installationId = await app.installationOf(env.GITHUB_REPOSITORY);
  if (installationId === null)
    return { ok: false, message: `the app is not installed on ${env.GITHUB_REPOSITORY}` };
  const actor = env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || '?';
  if (actor !== (await app.botLogin()))
    return { ok: false, message: `the run was started by ${actor}, not dispatched by the app` };
  const scope = { installationId, repositoryId: null, repository: env.GITHUB_REPOSITORY };
  const broad = await app.mintToken({
    ...scope,
    permissions: { contents: 'read' },
    repositories: [],
  });
  // Both of the run's tokens talk to the same GitHub, as the same client.
  const clientOf = (token: string) =>
    createSessionOctokit({ apiUrl: env.GITHUB_API_URL, token, userAgent: 'baton-session', fetch });
  try {
    const octokit = clientOf(broad.token);
    const repository = env.GITHUB_REPOSITORY.toLowerCase();
    const asked = viewsAsked({
      build: env.BATON_BUILD,
      config: await ownConfig(octokit, repository),
    });
    if (!asked) return { ok: false, message: `build ${env.BATON_BUILD} is no change set's` };
    const facts = await readFacts(octokit, viewsFactsNeeded(asked));
    const views = viewsAllowed({ asked, repository, facts });
    if (views.length === 0) return { ok: true, token: null, views: [] };
    const minted = await app.mintToken({
      ...scope,
      permissions: { contents: 'read' },
      repositories: views.map((view) => view.repository.split('/')[1] ?? view.repository),
    });
    const reader = clientOf(minted.token);
    const archives: ViewArchive[] = [];
    try {
      for (const view of views) {
        const archive = await archiveLink(reader, view);
        maskArchive(archive, mask);
        archives.push({ ...view, archive });
      }
    } catch (error) {
      await revokeSessionToken({ apiUrl: env.GITHUB_API_URL, token: minted.token, fetch });
      throw error;
    }
    return { ok: true, token: minted.token, views: archives };
  } finally {
    await revokeSessionToken({ apiUrl: env.GITHUB_API_URL, token: broad.token, fetch });
  }
}

/**
 * The link GitHub makes for an archive of the view's branch (its default
 * branch where `ref` is null): `GET …/tarball/{ref}` answers 302 to it
 * (https://docs.github.com/rest/repos/contents#download-a-repository-archive-tar).
 */
async function archiveLink(octokit: SessionOctokit, view: ViewTarget): Promise<string> {
  const [owner = '', repo = ''] = view.repository.split('/');
  const ref =
    view.ref ??
    (
      (await octokit.request('GET /repos/{owner}/{repo}', { owner, repo })).data as {
        default_branch: string;
      }
    ).default_branch;
  const answer = await octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
    owner,
    repo,
    ref,
    request: { redirect: 'manual' },
  });
  const location = answer.headers.location;
  if (typeof location !== 'string' || location === '')
    throw new Error(
      `GitHub answered ${answer.status} with no archive link for ${view.repository} (${ref})`,
    );
  return location;
}

/** A repository's own `.github/baton.yml`, parsed; the defaults where it has none or a broken one. */
async function ownConfig(octokit: SessionOctokit, repository: string): Promise<Config> {
  const text = await fileText(octokit, repository, '.github/baton.yml');
  const parsed = text === null ? null : parseConfig(safeYaml(text));
  return parsed?.ok ? parsed.config : defaultConfig();
}

async function readFacts(octokit: SessionOctokit, names: string[]): Promise<ViewFacts[]> {
  const listed = await installationRepositories(octokit);
  return Promise.all(
    names.map(async (name): Promise<ViewFacts> => {
      const found = listed.find((one) => one.full_name.toLowerCase() === name);
      if (!found) return { name, installed: false, visibility: null, shareWith: null, lists: null };
      const text = await fileText(octokit, name, '.github/baton.yml');
      const parsed = text === null ? null : parseConfig(safeYaml(text));
      const config = parsed?.ok ? parsed.config : null;
      return {
        name,
        installed: true,
        visibility: found.visibility ?? (found.private ? 'private' : 'public'),
        shareWith: config?.changeSets.shareWith ?? null,
        lists: config?.changeSets.repositories ?? null,
      };
    }),
  );
}

/** The most pages of the installation's repositories read: 5,000 repositories. */
const LISTED_PAGES_MAX = 50;

/** Every repository the token sees, page after page: GitHub gives at most 100 a page. */
async function installationRepositories(octokit: SessionOctokit): Promise<ListedRepository[]> {
  const listed: ListedRepository[] = [];
  for (let page = 1; page <= LISTED_PAGES_MAX; page++) {
    const { data } = await octokit.request('GET /installation/repositories', {
      per_page: 100,
      page,
    });
    const batch = (data as { repositories?: ListedRepository[] }).repositories ?? [];
    listed.push(...batch);
    if (batch.length < 100) break;
  }
  return listed;
}

interface ListedRepository {
  full_name: string;
  private: boolean;
  visibility?: 'public' | 'private' | 'internal';
}

async function fileText(
  octokit: SessionOctokit,
  repository: string,
  path: string,
): Promise<string | null> {
  try {
    const { data } = await octokit.request(`GET /repos/${repository}/contents/${path}`);
    const content = (data as { content?: string }).content;
    return content === undefined ? null : Buffer.from(content, 'base64').toString('utf8');
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) return null;
    throw error;
  }
}

function safeYaml(text: string): unknown {
  try {
    return yaml.load(text);
  } catch {
    return null;
  }
}
