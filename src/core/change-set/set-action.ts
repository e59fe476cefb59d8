import type { Completion } from '../records/completion.js';

/**
 * What links a change set's builds, beside what each build does in its own
 * repository (`SetDecision.builds`): carried out by `src/github/change-set`,
 * each idempotent and guarded there.
 */
export type SetAction =
  /**
   * Put a worker's completion report, merged in `from`, on `repository`'s member
   * build branch at the same path: its dependents there read it as any report.
   */
  | {
      kind: 'deliver-report';
      repository: string;
      from: string;
      worker: string;
      completion: Completion;
    }
  /**
   * Publish the check run `baton/change-set` on a gated pull request's head: in
   * progress while what it lands after has not merged, a success once it has.
   */
  | {
      kind: 'set-change-set-check';
      repository: string;
      pull: number;
      sha: string;
      state: 'pending' | 'success';
      summary: string;
    }
  /**
   * Open a member's revert pull request (`/rollback`): a branch with a commit
   * that undoes its final pull request's merge, the default branch merged in.
   */
  | {
      kind: 'open-revert';
      repository: string;
      /** The final pull request it reverts, and the commit its merge made. */
      pull: number;
      mergeCommit: string;
      title: string;
      body: string;
    }
  /**
   * A member's fix workers, appended to the set's plan (`decideMemberFixes`):
   * the same plan and briefs written on the member's build branch (its copy,
   * where its sessions read them), then on the set build's, each one commit on
   * the head read, the branch moved only as a fast-forward; files already
   * there leave a branch as it is.
   */
  | {
      kind: 'add-member-fixes';
      repository: string;
      workers: string[];
      message: string;
      writes: { repository: string; branch: string; base: string; files: Record<string, string> }[];
    }
  /** Close the set's issue: every repository's final pull request merged. */
  | { kind: 'close-set-issue' };
