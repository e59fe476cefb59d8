/**
 * A change set's read (docs/change-sets.md): beside the set build's own read
 * (`observeBuild`), the repositories its plan touches as the installation
 * lists them, their member builds in one GraphQL call per five, each one's
 * configuration, and who may write where among the people the set's labels,
 * commands and closes name. Nothing here writes.
 */

import { writersAsked } from '../../core/change-set/set-commands.js';
import type { SetMember, SetRepository, SetSnapshot } from '../../core/change-set/set-snapshot.js';
import type { ParsedConfig, RepositoryVisibility } from '../../core/config/config.js';
import { isChangeSetPlan, planRepositories } from '../../core/plan/set-plan.js';
import type { BuildSnapshot } from '../../core/snapshot/snapshot.js';
import { memberBuildId } from '../../core/vocabulary/ids.js';
import { loadConfigAt } from '../../read-config.js';
import { conditionalReads } from '../client/conditional-reads.js';
import { buildKey, contextOf, type RepoContext } from '../client/types.js';
import { hasWriteAccess } from '../observe/permissions.js';
import { listedFacts } from './listed-facts.js';
import { membersSeen } from './members-seen.js';
import { type MemberRepository, readMembers } from './read-members.js';
import type { GraphMember } from './set-query.js';

/** A repository as the installation lists it. */
interface Listed {
  name: string;
  nodeId: string;
  defaultBranch: string;
  visibility: RepositoryVisibility;
  url: string;
}

/** The set, read around the set build's own snapshot and configuration. */
export async function observeSet(
  ctx: RepoContext,
  {
    home,
    config,
    since,
    freshFrom,
    read,
  }: {
    home: BuildSnapshot;
    config: ParsedConfig;
    /** When the set's issue was opened: every member's runs are listed from that day. */
    since: string;
    freshFrom?: number;
    /** Members read already, in the set build's own call (`BatonSet`), by node id. */
    read?: ReadonlyMap<string, GraphMember | null>;
  },
): Promise<SetSnapshot> {
  const homeRepository = `${ctx.owner}/${ctx.repo}`.toLowerCase();
  const plan = home.plan.kind === 'valid' ? home.plan.plan : null;
  const names =
    plan && isChangeSetPlan(plan, homeRepository) ? planRepositories(plan, homeRepository) : [];
  const concerned = [
    ...new Set([...names, ...(config.ok ? config.config.changeSets.repositories : [])]),
  ].filter((name) => name !== homeRepository);
  // Who asked for what in each repository (the set's commands), whose permissions are read below.
  const asked = config.ok
    ? writersAsked({ home, config: config.config, homeRepository })
    : new Map<string, Set<string>>();
  const listed =
    concerned.length > 0 ? await installationRepositories(ctx) : new Map<string, Listed>();
  const outsideInstallation = concerned.filter((name) => !listed.has(name));
  // A member is a repository the plan names that the set's configuration lists (or the set's
  // own): one the plan names unlisted is a problem the set says, and is not read.
  const setRepositories = new Set([
    homeRepository,
    ...(config.ok ? config.config.changeSets.repositories : []),
  ]);
  const reachable = names.flatMap((name) => {
    const found = listed.get(name);
    return found && setRepositories.has(name) ? [found] : [];
  });
  const repositories = reachable.map(
    (repo): MemberRepository => ({
      name: repo.name,
      nodeId: repo.nodeId,
      defaultBranch: repo.defaultBranch,
    }),
  );
  // The next read of the set build takes them in its own call.
  membersSeen.note(buildKey(ctx, home.build), repositories);
  const members = await readMembers(ctx, {
    member: memberBuildId(home.build, homeRepository),
    issue: home.issue.number,
    since,
    repositories,
    ...(freshFrom === undefined ? {} : { freshFrom }),
    ...(read ? { read } : {}),
  });
  const facts = await Promise.all(
    names.map((name) =>
      factsOf(ctx, {
        name,
        listed: listed.get(name),
        member: members.find((one) => one.repository === name),
        home: name === homeRepository ? config : null,
      }),
    ),
  );
  // The plan session may have read a listed repository it gives no worker: its consent is judged too.
  const unplanned =
    names.length > 0 && config.ok
      ? config.config.changeSets.repositories.filter((name) => !names.includes(name))
      : [];
  const readable = await Promise.all(
    unplanned.map((name) => listedFacts(ctx, { name, listed: listed.get(name) })),
  );
  return {
    home,
    homeRepository,
    repositories: [...facts, ...readable],
    members,
    outsideInstallation,
    writers: await readWriters(ctx, asked, outsideInstallation),
  };
}

/**
 * The installation's repositories, by lower-case name, asked conditionally
 * (a 304 is not counted): what it lists is what the app is installed on. A
 * token minted for some repositories lists those alone (GitHub's "List
 * repositories accessible to the app installation" lists the token's, and a
 * token minted with `repositories` can access those only:
 * https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app),
 * so it is asked with the installation's reader where this context's token is
 * one repository's (the conductor's).
 */
async function installationRepositories(ctx: RepoContext): Promise<Map<string, Listed>> {
  const octokit = ctx.installationReader ? await ctx.installationReader() : ctx.octokit;
  const listed = await conditionalReads.paginate(octokit, {
    route: 'GET /installation/repositories',
    params: { per_page: 100 },
    // A kept page holds what its reader picked: a scope of its own, apart from the resync's listing.
    scope: `installation ${ctx.installationId ?? ctx.owner} change-set`,
    pick: (data) =>
      ((data as { repositories?: ListedRepository[] } | null)?.repositories ?? []).map(
        (repo): Listed => ({
          name: repo.full_name.toLowerCase(),
          nodeId: repo.node_id,
          defaultBranch: repo.default_branch,
          visibility: repo.visibility ?? (repo.private ? 'private' : 'public'),
          url: repo.html_url,
        }),
      ),
  });
  return new Map(listed.map((repo) => [repo.name, repo]));
}

interface ListedRepository {
  full_name: string;
  node_id: string;
  default_branch: string;
  private: boolean;
  visibility?: RepositoryVisibility;
  html_url: string;
}

/** What the set needs to know of one repository: installed, set up, visible to whom, configured how. */
async function factsOf(
  ctx: RepoContext,
  {
    name,
    listed,
    member,
    home,
  }: {
    name: string;
    listed: Listed | undefined;
    member: SetMember | undefined;
    /** The issue's repository's configuration, already read. */
    home: ParsedConfig | null;
  },
): Promise<SetRepository> {
  const url = listed?.url ?? `https://github.com/${name}`;
  if (!listed || !member)
    return { name, url, installed: false, workflow: false, visibility: null, config: null };
  const there = await contextOf(ctx, name);
  const sha = member.snapshot.repo.defaultSha;
  return {
    name,
    url,
    installed: true,
    workflow: member.snapshot.workflowInstalled,
    visibility: listed.visibility,
    config: home ?? (sha ? await loadConfigAt(there, sha) : null),
  };
}

/**
 * How long the set keeps a person's write access to another repository: a
 * change of it counts within this time. Each command of the set's issue is
 * judged again at every reconcile (a member counts it only for its writers),
 * so a minute, as for the handler's acceptance, would ask again every minute.
 */
export const SET_PERMISSION_TTL_MS = 30 * 60_000;

/**
 * Who may write where, of the people and repositories the set asks about
 * (`writersAsked`). No one, as far as the app can tell, where the installation
 * does not reach: GitHub answers the app there as for no repository (the
 * hosted app's permission read, 404), and refuses the conductor a token for it
 * (422), which would fail every reconcile of the set.
 */
async function readWriters(
  ctx: RepoContext,
  asked: Map<string, Set<string>>,
  outside: string[],
): Promise<SetSnapshot['writers']> {
  const writers: SetSnapshot['writers'] = {};
  for (const [login, repositories] of asked) {
    for (const repository of repositories) {
      const allowed =
        !outside.includes(repository) &&
        (await hasWriteAccess(await contextOf(ctx, repository), login, {
          ttlMs: SET_PERMISSION_TTL_MS,
        }));
      writers[repository] = { ...writers[repository], [login]: allowed };
    }
  }
  return writers;
}
