/**
 * A change set as GitHub shows it at one moment (docs/change-sets.md): the set
 * build on the repository, the repositories it lists or its plan
 * names, each one's member build, and who may write where. Filled by
 * `src/github/change-set`; this folder decides on it, above `decide`.
 */
import type { ParsedConfig, RepositoryVisibility } from '../config/config.js';
import type { BuildSnapshot } from '../snapshot/snapshot.js';

/** One repository a change set lists or its plan names, as the set read it. */
export interface SetRepository {
  /** `owner/name`, in lower case. */
  name: string;
  /** `https://github.com/owner/name`. */
  url: string;
  /** In the app's installation that holds the repository. */
  installed: boolean;
  /** Baton's session workflow is on its default branch. */
  workflow: boolean;
  /** As GitHub says; null where it could not be read. */
  visibility: RepositoryVisibility | null;
  /** Its `.github/baton.yml` on the default branch; null where it could not be read. */
  config: ParsedConfig | null;
}

/** The check run `baton/change-set` on a head: absent, in progress, or released. */
export type SetCheckState = 'pending' | 'success' | null;

/** A pull request the set gates by its order (a final pull request, a revert). */
export interface GatedPull {
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
  /** Its head commit, which carries the check. */
  sha: string;
  /** `baton/change-set` on that head. */
  check: SetCheckState;
  /** The commit its merge made on the default branch, once merged (what `/rollback` reverts). */
  mergeCommit: string | null;
}

/** One repository's member build, as the set read it. */
export interface SetMember {
  /** `owner/name`, in lower case. */
  repository: string;
  /**
   * The member build's own truth (its build branch, pull requests, runs, record
   * and usage, its final pull request); the issue parts are filled from the set.
   */
  snapshot: BuildSnapshot;
  /** The set's plan, copied by the member's slice session, is on its build branch. */
  recorded: boolean;
  /** Its final pull request as the set gates it. */
  final: GatedPull | null;
  /** Its revert pull request (`/rollback`), once opened. */
  revert: GatedPull | null;
}

/** A change set as the set's reconcile read it. */
export interface SetSnapshot {
  /** The set build on the repository: the issue, the set's plan, its commands and status. */
  home: BuildSnapshot;
  /** The repository, `owner/name` in lower case. */
  homeRepository: string;
  /** Every repository `changeSets.repositories` lists or the plan names (the issue's own too). */
  repositories: SetRepository[];
  /** The member builds of the repositories the plan touches, once the set is approved. */
  members: SetMember[];
  /**
   * The repositories `changeSets.repositories` lists or the plan names that the
   * installation does not list: the app is not installed there, or there is no
   * such repository. Nothing of them is read (GitHub would refuse the app).
   */
  outsideInstallation: string[];
  /**
   * Who may write where, for everyone the set's labels, commands and closes
   * name: repository → login in lower case → write, maintain or admin.
   */
  writers: Record<string, Record<string, boolean>>;
}

/** Whether `login` may write `repository`, as the set read it (unknown: no). */
export function canWrite(set: SetSnapshot, repository: string, login: string): boolean {
  return set.writers[repository]?.[login.toLowerCase()] === true;
}

/** Whether `login` may write every repository of `repositories`. */
export function canWriteAll(set: SetSnapshot, repositories: string[], login: string): boolean {
  return repositories.every((repository) => canWrite(set, repository, login));
}
