/**
 * One message to a worker's sessions, read the way a session trusts it: the
 * ref that names it is a hint anyone who can push to the repository could
 * write (a worker's own CI run with a write token), so the session reads the
 * comment itself and takes it only where Baton took it: Baton's 👀 on it (a
 * reaction by the run's actor, the app's bot, which only the app can give), on
 * the build's issue or on a pull request of one of the build's workers, with a
 * `/steer` or `/queue` for this session's worker in its text as it stands.
 */
import { parseCommands } from '../../../core/commands/parse-commands.js';
import { parseBatonBranch } from '../../../core/vocabulary/ids.js';
import type { GitHubReads } from '../../reads/github-reads.js';

/** A message a session takes in, read from its comment. */
export interface InboxMessage {
  comment: number;
  /** `steer`: into the session running now; `queue`: for the worker's next session. */
  kind: 'steer' | 'queue';
  author: string;
  /** What the comment asks of this worker: its `/steer` and `/queue` texts, in order. */
  text: string;
}

/** Who the session is: its build, issue and worker, and the run's actor (the app's bot). */
export interface InboxOwner {
  build: string;
  issue: number | null;
  /**
   * The repository of the build's issue, `owner/name`: the session's own, or
   * for a change set's member build the set's (its id says which).
   */
  issueRepository: string;
  worker: string;
  /** `GITHUB_ACTOR`: Baton's bot, which dispatched the run and gives the 👀 of a command it took. */
  actor: string;
}

/** Why a message named by a ref is not taken, for the job's log; or the message. */
export type ReadMessage = { ok: true; message: InboxMessage } | { ok: false; why: string };

/** Reads and checks the comment a message ref names. */
export async function readMessage(
  reads: GitHubReads,
  { comment: id, owner }: { comment: number; owner: InboxOwner },
): Promise<ReadMessage> {
  const comment = await reads.getIssueComment(String(id));
  if (!comment) return { ok: false, why: `comment ${id} is gone` };
  const issueUrl = comment.issue_url ?? '';
  const on = Number(/\/issues\/(\d+)$/.exec(issueUrl)?.[1]);
  const place = await placeOf(reads, { on, issueUrl, owner });
  if (!place.ok) return { ok: false, why: `comment ${id} ${place.why}` };
  const commands = parseCommands(comment.body ?? '', place.worker ? { worker: place.worker } : {});
  const mine = commands.commands.flatMap((command) =>
    (command.name === 'steer' || command.name === 'queue') && command.worker === owner.worker
      ? [command]
      : [],
  );
  if (mine.length === 0)
    return { ok: false, why: `comment ${id} holds no message for ${owner.worker}` };
  const eyes = await reads.listCommentReactions(id, 'eyes');
  if (!eyes.includes(owner.actor)) return { ok: false, why: `Baton did not take comment ${id}` };
  return {
    ok: true,
    message: {
      comment: id,
      kind: mine.some((command) => command.name === 'steer') ? 'steer' : 'queue',
      author: comment.user?.login ?? 'someone',
      text: mine.map((command) => command.text).join('\n\n'),
    },
  };
}

/** Where a comment is: the build's issue, or a pull request of one of its workers (whose id it implies). */
async function placeOf(
  reads: GitHubReads,
  { on, issueUrl, owner }: { on: number; issueUrl: string; owner: InboxOwner },
): Promise<{ ok: true; worker?: string } | { ok: false; why: string }> {
  if (!(on > 0)) return { ok: false, why: 'is on no issue' };
  // The build's issue is in one repository: the same number elsewhere (a member of a change set
  // reads its own repository, whose issue of that number is not the set's) is no place of its.
  if (on === owner.issue && sameRepository(issueUrl, owner.issueRepository)) return { ok: true };
  const pull = await reads.getPull(on).catch(() => null);
  const branch = pull ? parseBatonBranch(pull.head.ref) : null;
  if (branch?.kind === 'worker' && branch.build === owner.build) {
    return { ok: true, worker: branch.worker };
  }
  return {
    ok: false,
    why: `is on #${on}, neither the build's issue nor one of its workers' pull requests`,
  };
}

/** Whether an issue's API URL (`…/repos/<owner>/<name>/issues/<n>`) is of `repository`. */
function sameRepository(issueUrl: string, repository: string): boolean {
  const named = /\/repos\/([^/]+\/[^/]+)\/issues\/\d+$/.exec(issueUrl)?.[1];
  return named !== undefined && named.toLowerCase() === repository.toLowerCase();
}
