/**
 * What a learn session reads (docs/memory.md, "How a build teaches"): the
 * corrections people made during one build, gathered by the session's code
 * with the job's read-only token, never by the model. Only text written by an
 * account with write access to the repository is kept: an outsider's review
 * comment on a public repository, or a bot's, never reaches the model. Beside
 * them, what Baton itself recorded (baton-records.ts): failed milestone
 * validations and publish refusals, believed only as Baton's own.
 */
import { integrationBranch } from '../../../core/vocabulary/ids.js';
import type { GitHubReads } from '../../reads/github-reads.js';
import type { Comment } from '../../reads/github-shapes.js';
import { WRITERS } from '../../reads/issue-text.js';
import { failedValidations, publishRefusals } from './baton-records.js';

/** The kinds of correction a learn session reads. */
export type CorrectionKind =
  | 'review comment'
  | 'review'
  | 'steer'
  | 'retry'
  | 'remember'
  | 'failed validation'
  | 'publish refusal';

/** One correction a person made, as the model is shown it (quoted) and cites it (`url`). */
export interface Correction {
  kind: CorrectionKind;
  /** Where a person reads it on GitHub: a lesson's evidence must be one of these. */
  url: string;
  /** Who wrote it; null for what Baton recorded itself. */
  author: string | null;
  /** `#5`, or `#5 src/log.ts:3` for an inline comment. */
  where: string;
  text: string;
}

/** Longest text of one correction the model is shown; the link holds the rest. */
const TEXT_MAX = 2000;
/** Most corrections one learn session reads, newest builds' review rounds being few. */
export const CORRECTIONS_MAX = 200;
/** Issue comment pages read per issue or pull request (a hundred a page). */
const COMMENT_PAGES_MAX = 10;

type Reads = Pick<
  GitHubReads,
  | 'listPulls'
  | 'listPullComments'
  | 'listWrittenReviews'
  | 'listIssueComments'
  | 'getIssueComment'
  | 'getPermission'
  | 'listRecords'
  | 'getWorkflowRun'
>;

/** An account Baton or another app acts as: its text is no person's correction. */
function isBot(user: { login: string; type?: string | undefined }): boolean {
  return user.type === 'Bot' || user.login.endsWith('[bot]');
}

/**
 * Keeps only what people with write access wrote: each author's permission
 * asked of GitHub once (`GET /repos/{o}/{r}/collaborators/{u}/permission`, as
 * the plan's check of an issue's text asks it).
 */
export function writersOnly(github: Pick<GitHubReads, 'getPermission'>) {
  const asked = new Map<string, Promise<boolean>>();
  return async (login: string): Promise<boolean> => {
    let answer = asked.get(login);
    if (!answer) {
      answer = github.getPermission(login).then((permission) => WRITERS.has(permission));
      asked.set(login, answer);
    }
    return answer;
  };
}

/** The pull requests of a build: its workers' (into the build branch) and its final one (from it). */
async function buildPulls(github: Reads, { build, owner }: { build: string; owner: string }) {
  const branch = integrationBranch(build);
  const listed = [
    ...(await github.listPulls(`base=${encodeURIComponent(branch)}`)),
    ...(await github.listPulls(`head=${encodeURIComponent(`${owner}:${branch}`)}`)),
  ];
  const prefix = `baton/${build}/`;
  const own = listed.filter(
    (pull) => pull.base.ref === branch || (pull.head.ref === branch && pull.base.ref !== branch),
  );
  const seen = new Set<number>();
  return own
    .filter((pull) => pull.head.ref.startsWith(prefix) && !seen.has(pull.number))
    .filter((pull) => seen.add(pull.number))
    .map((pull) => ({ ...pull, final: pull.head.ref === branch }))
    .sort((a, b) => a.number - b.number);
}

/** The comments on one issue or pull request, oldest first. */
async function issueComments(github: Reads, number: number): Promise<Comment[]> {
  const found: Comment[] = [];
  for (let page = 1; page <= COMMENT_PAGES_MAX; page++) {
    const batch = await github.listIssueComments(number, page);
    found.push(...batch);
    if (batch.length < 100) break;
  }
  return found;
}

/** The `/steer` and `/retry` comments of one issue or pull request's `comments`. */
function commandComments(
  comments: readonly Comment[],
  number: number,
): (Correction & { author: string; bot: boolean })[] {
  return comments.flatMap((comment) => {
    const body = comment.body?.trim() ?? '';
    const kind = /^\/(steer|retry)\b/.exec(body)?.[1] as 'steer' | 'retry' | undefined;
    if (!kind || !comment.user || !comment.html_url) return [];
    return [
      {
        kind,
        url: comment.html_url,
        author: comment.user.login,
        bot: comment.user.login.endsWith('[bot]'),
        where: `#${number}`,
        text: body,
      },
    ];
  });
}

/** A person's review comments and reviews asking for changes on one pull request (on the final one, any review with text). */
async function reviewCorrections(
  github: Reads,
  pull: { number: number; final: boolean },
): Promise<(Correction & { author: string; bot: boolean })[]> {
  const comments = (await github.listPullComments(pull.number)).flatMap((comment) => {
    if (!comment.user) return [];
    const line = comment.line ?? comment.original_line;
    return [
      {
        kind: 'review comment' as const,
        url: comment.html_url,
        author: comment.user.login,
        bot: isBot(comment.user),
        where: `#${pull.number} ${comment.path}${line ? `:${line}` : ''}`,
        text: comment.body,
      },
    ];
  });
  const reviews = (await github.listWrittenReviews(pull.number)).flatMap((review) => {
    const body = review.body?.trim() ?? '';
    const counts = pull.final || review.state === 'CHANGES_REQUESTED';
    if (!review.user || !body || !counts) return [];
    return [
      {
        kind: 'review' as const,
        url: review.html_url,
        author: review.user.login,
        bot: isBot(review.user),
        where: `#${pull.number}`,
        text: body,
      },
    ];
  });
  return [...comments, ...reviews];
}

/** The build a learn session reads, and who Baton is there. */
export interface LearnedBuild {
  build: string;
  issue: number;
  repository: string;
  /** Baton's bot (`GITHUB_ACTOR` of the run the app dispatched); null: nothing of Baton's is believed. */
  botLogin: string | null;
  log: (line: string) => void;
}

/**
 * Every correction people with write access made during `build`: review
 * comments and change-request reviews on its pull requests, the final pull
 * request's reviews, and `/steer` and `/retry` on its issue and pull requests.
 * Bots' text and outsiders' text are left out before anything is returned.
 * Then, where Baton's bot is known (`botLogin`, the run's actor), what Baton
 * recorded: the build's failed milestone validations and its publish refusals.
 */
export async function gatherCorrections(github: Reads, of: LearnedBuild): Promise<Correction[]> {
  const { build, issue, repository, botLogin, log } = of;
  const owner = repository.split('/')[0] ?? '';
  const isWriter = writersOnly(github);
  const pulls = await buildPulls(github, { build, owner });
  const onIssue = await issueComments(github, issue);
  const gathered = commandComments(onIssue, issue);
  for (const pull of pulls) {
    gathered.push(...(await reviewCorrections(github, pull)));
    gathered.push(...commandComments(await issueComments(github, pull.number), pull.number));
  }
  const kept: Correction[] = [];
  for (const { bot, ...correction } of gathered) {
    if (bot || !(await isWriter(correction.author))) continue;
    kept.push({ ...correction, text: correction.text.slice(0, TEXT_MAX) });
    if (kept.length >= CORRECTIONS_MAX) break;
  }
  if (!botLogin) {
    log("the run names no actor: Baton's own validations and refusals are not read");
    return kept;
  }
  const recorded = [
    ...(await failedValidations(github, { build, botLogin, pulls, log })),
    ...publishRefusals(onIssue, { build, botLogin, issue }),
  ];
  for (const record of recorded) {
    if (kept.length >= CORRECTIONS_MAX) break;
    kept.push({ ...record, author: null, text: record.text.slice(0, TEXT_MAX) });
  }
  return kept;
}

/**
 * The one `/remember` comment a learn session answers (`comment-<id>`), read
 * by id: kept only when it is a `/remember` by a person with write access
 * (the app accepted it so; the session asks again), else nothing.
 */
export async function gatherRemembered(
  github: Pick<GitHubReads, 'getIssueComment' | 'getPermission'>,
  id: string,
): Promise<Correction[]> {
  const comment = await github.getIssueComment(id);
  const body = comment?.body?.trim() ?? '';
  if (!comment?.user || !comment.html_url || !/^\/remember\b/.test(body)) return [];
  if (comment.user.login.endsWith('[bot]')) return [];
  if (!(await writersOnly(github)(comment.user.login))) return [];
  const number = /\/(?:issues|pull)\/(\d+)/.exec(comment.html_url)?.[1];
  return [
    {
      kind: 'remember',
      url: comment.html_url,
      author: comment.user.login,
      where: number ? `#${number}` : 'the build',
      text: body.slice(0, TEXT_MAX),
    },
  ];
}
