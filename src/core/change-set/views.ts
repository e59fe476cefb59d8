/**
 * What a change set's plan sessions may read of other repositories
 * (docs/change-sets.md): the `views` job fetches it, an archive of one branch
 * of each, before the agent job runs. The token endpoint and, with nothing
 * hosted, the views job itself decide it by these rules, from what GitHub
 * says of each repository.
 */
import type { Config } from '../config/config.js';
import { integrationBranch, parseBuildId, parseMemberBuildId } from '../vocabulary/ids.js';

/** A branch of a repository to fetch: `ref` null for its default branch. */
export interface ViewTarget {
  repository: string;
  ref: string | null;
}

/**
 * A view as the views job is handed it: the link GitHub makes for an archive
 * of the branch's files at its head (`GET …/tarball/{ref}`'s redirect), with
 * no history and no other branch. A private repository's link carries a token
 * of its own that opens this one archive and expires after five minutes; the
 * views job holds no token that reads a repository.
 */
export interface ViewArchive extends ViewTarget {
  archive: string;
}

/**
 * What a plan session asks to read: a set's plan, every repository its
 * repository lists; a member's slice session, its set's build branch on the
 * set's repository. Null for any other session (no view).
 */
export type ViewsAsked =
  | { kind: 'set'; repositories: string[] }
  | { kind: 'slice'; home: string; branch: string };

export function viewsAsked({
  build,
  config,
}: {
  build: string;
  /** The asking repository's `.github/baton.yml`. */
  config: Config;
}): ViewsAsked | null {
  const member = parseMemberBuildId(build);
  if (member) return { kind: 'slice', home: member.home, branch: integrationBranch(member.build) };
  if (!parseBuildId(build) || config.changeSets.repositories.length === 0) return null;
  return { kind: 'set', repositories: config.changeSets.repositories };
}

/** What decides a repository's view: whether the app reaches it, who may see it, what it shares. */
export interface ViewFacts {
  name: string;
  /** In the same installation as the asking repository. */
  installed: boolean;
  visibility: 'public' | 'private' | 'internal' | null;
  /** Its `changeSets.shareWith`, or null where its configuration could not be read. */
  shareWith: string[] | null;
  /** Its `changeSets.repositories`, or null likewise. */
  lists: string[] | null;
}

/**
 * Of what a session asks, what it may read. A set's plan: each listed
 * repository the app is installed on that is public or shares with the asking
 * repository (a private one's text would sit in the asking repository's logs
 * and artifacts). A member's slice: the set's build branch, where the set's
 * repository lists the asking one (its own consent to send it its briefs).
 */
export function viewsAllowed({
  asked,
  repository,
  facts,
}: {
  asked: ViewsAsked;
  /** The asking repository, `owner/name` in lower case. */
  repository: string;
  facts: ViewFacts[];
}): ViewTarget[] {
  const of = (name: string) => facts.find((one) => one.name === name);
  if (asked.kind === 'slice') {
    // The set's repository's own member reads its own branch; any other, where the set lists it.
    const home = of(asked.home);
    const listed = asked.home === repository || home?.lists?.includes(repository);
    return home?.installed && listed ? [{ repository: asked.home, ref: asked.branch }] : [];
  }
  return asked.repositories.flatMap((name): ViewTarget[] => {
    const one = of(name);
    if (!one?.installed || name === repository) return [];
    const shares = one.visibility === 'public' || (one.shareWith ?? []).includes(repository);
    return shares ? [{ repository: name, ref: null }] : [];
  });
}

/** The repositories whose facts `viewsAllowed` needs for what was asked. */
export function viewsFactsNeeded(asked: ViewsAsked): string[] {
  return asked.kind === 'slice' ? [asked.home] : asked.repositories;
}
