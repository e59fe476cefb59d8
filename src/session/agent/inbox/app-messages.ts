/**
 * The app's own list of a worker's messages: the ledger of accepted commands
 * that ends Baton's status comment on the build's issue
 * (src/core/status/command-ledger.ts), which only the app writes. The message
 * refs a session lists are hints anyone who can push could write; a session
 * reads first the comments this list names, so refs no one took cannot crowd
 * out the messages Baton took. A message the ledger does not hold yet (its
 * status edit is still to come), or one on a pull request of a change set's
 * member, is read after them, as the refs give it.
 */

import { parseCommandLedger } from '../../../core/status/command-ledger.js';
import { findStatusBuild } from '../../../core/status/render-status.js';
import { parseMemberBuildId } from '../../../core/vocabulary/ids.js';
import type { Comment, GitHubReads } from '../../reads/github-reads.js';
import type { InboxOwner } from './read-message.js';

/** Pages of the issue's comments looked through for the status comment (created early, so first). */
const STATUS_PAGES_MAX = 10;

export interface AppMessages {
  /** The comments of this worker's `/steer`s and `/queue`s the ledger holds, oldest first. */
  listed(): Promise<number[]>;
}

/**
 * The list for a session of `owner.worker`, read from its repository: none
 * where the build's issue is in another repository (a change set's member
 * elsewhere), whose comments its token cannot read.
 */
export function createAppMessages({
  reads,
  owner,
  repository,
  log,
}: {
  reads: Pick<GitHubReads, 'getIssueComment' | 'listIssueComments'>;
  owner: InboxOwner;
  /** The session's own repository, `owner/name`. */
  repository: string;
  log: (line: string) => void;
}): AppMessages {
  const issue = owner.issue;
  const here = owner.issueRepository.toLowerCase() === repository.toLowerCase();
  // A member build's status is its set's: the set build's marker, on the set's issue.
  const build = parseMemberBuildId(owner.build)?.build ?? owner.build;
  const isStatus = (comment: Comment) =>
    comment.user?.login === owner.actor && findStatusBuild(comment.body ?? '') === build;
  let statusId: number | null = null;
  const status = async (): Promise<string | null> => {
    if (issue === null) return null;
    if (statusId !== null) {
      const comment = await reads.getIssueComment(String(statusId));
      if (comment && isStatus(comment)) return comment.body ?? '';
    }
    for (let page = 1; page <= STATUS_PAGES_MAX; page++) {
      const comments = await reads.listIssueComments(issue, page);
      const found = comments.find(isStatus);
      if (found) {
        statusId = found.id;
        return found.body ?? '';
      }
      if (comments.length < 100) return null;
    }
    return null;
  };
  return {
    async listed() {
      if (!here) return [];
      const body = await status().catch((error: unknown) => {
        log(`inbox: could not read Baton's status comment: ${String(error)}`);
        return null;
      });
      if (body === null) return [];
      return parseCommandLedger(body).flatMap(({ command, commentId }) =>
        (command.name === 'steer' || command.name === 'queue') && command.worker === owner.worker
          ? [commentId]
          : [],
      );
    },
  };
}
