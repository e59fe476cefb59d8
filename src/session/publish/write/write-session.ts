import type { Impossible } from '../../../core/records/impossible.js';
import type { DependencyChange } from '../../../core/sessions/dependencies.js';
import type { Evidence } from '../../../core/sessions/evidence.js';
import { isWorkRole } from '../../../core/sessions/session.js';
import { parseBuildId, workerBranch } from '../../../core/vocabulary/ids.js';
import { fenced } from '../../../core/vocabulary/markdown.js';
import type { SessionResult } from '../../result.js';
import { describeGone, type GoneHead, goneHead, PullState } from '../../review-head.js';
import { hasCommits, opensWorkerBranch } from '../checks/check-result.js';
import type { JudgedClaims } from '../checks/claims/claim-rules.js';
import { readReviewEnabled } from '../checks/inputs/read-guide-paths.js';
import { readWorkerTitle } from '../checks/inputs/read-worker-title.js';
import type { PublishOutcome } from '../publish-outcome.js';
import type { ReadSession } from '../read-session.js';
import { type GitHubApi, repoPath } from './github-api.js';
import { publishLessons } from './memory-pull.js';
import { headReadsOf, postReview } from './post-review.js';
import { postSynthesisSummary } from './post-synthesis.js';
import { renderPullBody } from './pull-body.js';
import { pushBranch } from './push-branch.js';
import { publishValidation } from './validation-publish.js';
import { ensureWorkerPull, renderPullTitle, setPullDraft, updatePullBody } from './worker-pull.js';

/** A session's output once it has passed every check, ready to be written. */
export interface CheckedSession extends ReadSession {
  api: GitHubApi;
  /** The remote branch is at the new head already; there is nothing to push. */
  pushed: boolean;
  /** A worker's manifests and the dependencies it adds, for its pull request's body. */
  dependencies?: DependencyChange[];
  /** A worker's report judged against its diff, and the evidence its pull request's body ends with. */
  verification?: WorkerVerification;
}

/** What publish found in a worker's diff, for the body it writes. */
export interface WorkerVerification {
  claims: JudgedClaims;
  evidence: Evidence;
  /** The review guide the body opens with (docs/verification.md). */
  guide: string;
}

/** The body of a worker's pull request, with what publish judged when it judged anything. */
function workerBody(
  { target, result, dependencies = [], verification }: CheckedSession,
  completion: NonNullable<SessionResult['completion']>,
): string {
  return renderPullBody({
    build: target.build,
    completion,
    blocked: result.blocked,
    dependencies,
    ...(verification
      ? { claims: verification.claims, evidence: verification.evidence, guide: verification.guide }
      : {}),
  });
}

/**
 * Writes a checked session's output as the app. A blocked or failed session
 * keeps its commits on its own branch and gets no pull request.
 */
export async function writeSession(checked: CheckedSession): Promise<PublishOutcome> {
  const { target, result } = checked;
  const worker = isWorkRole(target.role) || target.role === 'fix';
  if (result.status === 'partial' && worker && result.completion && hasCommits(result)) {
    return pushAnd(checked, partialPull);
  }
  if (result.status !== 'complete') {
    // The worker's own branch keeps what was done; the shared build branch
    // gets no half plan, which the app would read as the plan.
    const keep = isWorkRole(target.role) || target.role === 'fix';
    const lines = keep ? await push(checked) : [];
    const impossible = result.status === 'impossible' ? result.completion?.impossible : undefined;
    if (impossible) lines.push(...impossibleLines(impossible));
    const reason = result.reason ?? 'the session gave no reason';
    return { kind: 'session-failed', status: result.status, reason, usage: result.usage, lines };
  }
  switch (target.role) {
    case 'plan':
    case 'research':
    case 'summary':
      return { kind: 'published', lines: await push(checked) };
    case 'work':
    // The contract's pull request goes into the build branch as a worker's does.
    case 'contract':
      return result.twin_went_first && !hasCommits(result)
        ? twinWork(checked, result.twin_went_first)
        : pushAndReview(checked, openPull);
    case 'fix':
      return result.moved_head && !hasCommits(result)
        ? fixOfMovedHead(checked, result.moved_head)
        : pushAndReview(checked, updatePull);
    case 'review':
      return review(checked);
    case 'synthesis':
      return pushAnd(checked, summarise);
    case 'validate':
      return publishValidation(checked);
    case 'learn':
      return publishLessons(checked);
    default: {
      const _exhaustive: never = target.role;
      return _exhaustive;
    }
  }
}

/** What the job summary says of a word that a criterion cannot be met: its criteria, and its evidence fenced. */
function impossibleLines(impossible: Impossible): string[] {
  return [
    `It says ${impossible.criteria.length === 0 ? 'its brief' : impossible.criteria.join(', ')} cannot be met; a person decides (\`/retry\`, \`/skip\` or \`/replan\` on the issue).`,
    `Its evidence, as the session wrote it:\n\n${fenced(impossible.evidence.join('\n'), 'text')}`,
  ];
}

/**
 * A fix of a head's red checks that found its pull request moved past that
 * head (a twin run's fix went first): nothing to push. The session's word is
 * checked: the fix must have been asked for that head (`checks-<sha>`), and
 * the worker's branch must be elsewhere now.
 */
async function fixOfMovedHead(
  { env, target, io, repo, token }: CheckedSession,
  moved: { asked: string; head: string },
): Promise<PublishOutcome> {
  const asked = env.BATON_TRIGGER === `checks-${moved.asked}`;
  const listed =
    asked && target.branch
      ? await repo.must({ args: ['ls-remote', io.remote, `refs/heads/${target.branch}`], token })
      : '';
  const at = listed.trim().split(/\s+/)[0] ?? '';
  if (!asked || at === '' || at === moved.asked) {
    return {
      kind: 'refused',
      problems: [
        `the session found #${target.pr ?? '-'} moved past ${moved.asked.slice(0, 7)}, but ${target.branch ?? 'its branch'} is ${at ? `at ${at.slice(0, 7)}` : 'not there'} (asked: ${env.BATON_TRIGGER ?? '-'}): dispatch the fix again`,
      ],
    };
  }
  return {
    kind: 'published',
    lines: [
      `#${target.pr ?? '-'} is at ${at.slice(0, 7)}, past ${moved.asked.slice(0, 7)} whose checks this fix was for (a twin run's fix, or a push); nothing to push.`,
    ],
  };
}

/**
 * A worker's first attempt that found its branch pushed by a twin run (the
 * first dispatch takes no lock): nothing to push. The session's word is
 * checked: this run must be a first attempt, and the branch must be there.
 */
async function twinWork(
  { env, target, io, repo, token }: CheckedSession,
  twin: { branch: string },
): Promise<PublishOutcome> {
  const first = opensWorkerBranch(env, target) && twin.branch === target.branch;
  const listed = first
    ? await repo.must({ args: ['ls-remote', io.remote, `refs/heads/${twin.branch}`], token })
    : '';
  const at = listed.trim().split(/\s+/)[0] ?? '';
  if (!first || at === '') {
    return {
      kind: 'refused',
      problems: [
        `the session found ${twin.branch} there already, but ${first ? 'it is not there' : `this run is not ${target.worker ?? 'its worker'}'s first attempt`}: dispatch it again`,
      ],
    };
  }
  return {
    kind: 'published',
    lines: [
      `${twin.branch} is at ${at.slice(0, 7)}: a twin run of this first attempt went first; nothing to push.`,
    ],
  };
}

/** Pushes the session's commits, then writes what goes with them (a pull request, a summary). */
async function pushAnd(
  checked: CheckedSession,
  write: (checked: CheckedSession) => Promise<string[]>,
): Promise<PublishOutcome> {
  return { kind: 'published', lines: [...(await push(checked)), ...(await write(checked))] };
}

/**
 * Pushes a worker's commits and opens or updates its pull request; the head pushed is then
 * the run's to review (`PublishOutcome.review`), where it is new and `review.enabled` is on.
 */
async function pushAndReview(
  checked: CheckedSession,
  write: (checked: CheckedSession) => Promise<WrittenPull>,
): Promise<PublishOutcome> {
  const { result, io, repo, token } = checked;
  const lines = await push(checked);
  const written = await write(checked);
  const published: PublishOutcome = { kind: 'published', lines: [...lines, ...written.lines] };
  const head = hasCommits(result) ? result.head : null;
  if (written.pr === null || !head) return published;
  if (!(await readReviewEnabled({ repo, remote: io.remote, token }))) return published;
  return { ...published, review: { pr: written.pr, head } };
}

/** The lines a worker's pull request's write leaves, and its number (null: none written). */
interface WrittenPull {
  lines: string[];
  pr: number | null;
}

async function push({
  env,
  io,
  target,
  result,
  repo,
  token,
  pushed,
}: CheckedSession): Promise<string[]> {
  if (!hasCommits(result) || !target.branch || !result.base || !result.head) return [];
  if (pushed) return [`${target.branch} is at ${result.head} already.`];
  const outcome = await pushBranch({
    repo,
    remote: io.remote,
    token,
    branch: target.branch,
    // A first attempt opens its worker's branch: the push must find none there.
    base: opensWorkerBranch(env, target) ? null : result.base,
    head: result.head,
    ...(io.log ? { log: io.log } : {}),
  });
  return outcome === 'pushed'
    ? [`Pushed ${result.head} to ${target.branch}.`]
    : [`${target.branch} is at ${result.head}: the push landed though git reported a failure.`];
}

async function openPull(
  checked: CheckedSession,
  { draft = false }: { draft?: boolean } = {},
): Promise<WrittenPull> {
  const { env, target, result, repo, api } = checked;
  const worker = target.worker ?? '';
  if (!result.completion || !result.base) return { lines: [], pr: null };
  const planned = await readWorkerTitle({ repo, base: result.base, build: target.build, worker });
  const pull = await ensureWorkerPull({
    api,
    repository: env.GITHUB_REPOSITORY,
    build: target.build,
    worker,
    title: renderPullTitle({ build: target.build, worker, title: planned }),
    body: workerBody(checked, result.completion),
    draft,
  });
  // An open pull request a later attempt updates with partial work becomes a draft too.
  if (draft && !pull.created) {
    await setPullDraft({ api, repository: env.GITHUB_REPOSITORY, pr: pull.number, draft: true });
  }
  return {
    lines: [`${pull.created ? 'Opened' : 'Updated'} pull request #${pull.number}: ${pull.url}`],
    // A draft is partial work: no review takes half a change for a whole one.
    pr: draft ? null : pull.number,
  };
}

async function updatePull(checked: CheckedSession): Promise<WrittenPull> {
  const { env, target, result, api } = checked;
  if (!result.completion || target.pr === null) return { lines: [], pr: null };
  const body = workerBody(checked, result.completion);
  const pull = await updatePullBody({
    api,
    repository: env.GITHUB_REPOSITORY,
    pr: target.pr,
    body,
  });
  // A continuation that finished the partial work hands it to review.
  const ready = await setPullDraft({
    api,
    repository: env.GITHUB_REPOSITORY,
    pr: target.pr,
    draft: false,
  });
  return {
    lines: [
      `Updated pull request #${pull.number}: ${pull.url}`,
      ...(ready === 'changed' ? [`Marked #${pull.number} ready for review.`] : []),
    ],
    pr: pull.number,
  };
}

/**
 * Partial work (docs/sessions.md, "Wind-down"): a work session's opens its
 * pull request as a draft; a fix session's updates its pull request and makes
 * it a draft, so no review takes half a change for a whole one.
 */
async function partialPull(checked: CheckedSession): Promise<string[]> {
  const { env, target, result, api } = checked;
  const repository = env.GITHUB_REPOSITORY;
  if (isWorkRole(target.role)) {
    const opened = await openPull(checked, { draft: true });
    return opened.lines.map((line) => `${line} (a draft: partial work)`);
  }
  if (!result.completion || target.pr === null) return [];
  const body = workerBody(checked, result.completion);
  const pull = await updatePullBody({ api, repository, pr: target.pr, body });
  await setPullDraft({ api, repository, pr: target.pr, draft: true });
  return [`Updated pull request #${pull.number} with partial work, as a draft: ${pull.url}`];
}

async function review(checked: CheckedSession): Promise<PublishOutcome> {
  const { env, target, result, api, io } = checked;
  if (!result.review && result.gone_head && target.pr !== null) {
    return reviewOfGoneHead(checked, target.pr, result.gone_head);
  }
  const existing = result.existing_review;
  if (!result.review && existing && target.pr !== null) {
    return {
      kind: 'published',
      lines: [
        `Baton's review ${existing.id} of ${existing.commit_sha.slice(0, 7)} on #${target.pr} was posted already (a twin run's); nothing to post.`,
      ],
    };
  }
  if (!result.review || target.pr === null || !target.worker) {
    return { kind: 'refused', problems: ['a complete review result needs its review'] };
  }
  const posted = await postReview({
    api,
    repository: env.GITHUB_REPOSITORY,
    pr: target.pr,
    branch: workerBranch(target.build, target.worker),
    review: result.review,
    usage: result.usage,
    runId: env.GITHUB_RUN_ID,
    given: result.lessons?.read ?? [],
    log: io.log,
  });
  if (!posted.ok) return { kind: 'refused', problems: posted.problems };
  if ('gone' in posted) {
    return {
      kind: 'published',
      lines: [`${describeGone(target.pr, posted.gone)}; no review posted.`],
    };
  }
  if (posted.existing) {
    return {
      kind: 'published',
      lines: [
        `Baton's review ${posted.reviewId} of ${result.review.commit_sha.slice(0, 7)} on #${target.pr} is posted already; no second review for one head.`,
      ],
    };
  }
  if (posted.again) {
    return {
      kind: 'published',
      lines: [`Review ${posted.reviewId} on #${target.pr} was posted already by this run.`],
    };
  }
  const moved = posted.moved > 0 ? ` (${posted.moved} outside the diff, kept in the body)` : '';
  return {
    kind: 'published',
    lines: [
      `Posted review ${posted.reviewId} on #${target.pr}: ${result.review.verdict}, ${posted.inline} inline comments${moved}.`,
    ],
  };
}

/**
 * A review session that found its head gone (its pull request merged or
 * closed, or moved on only by the branch's update) and called no model:
 * nothing to post. The session's word is checked against the pull request
 * as the app's token reads it; a pull request that is still open at a head
 * to review is refused, so the app sees the review missing.
 */
async function reviewOfGoneHead(
  { env, api, io }: CheckedSession,
  pr: number,
  said: GoneHead,
): Promise<PublishOutcome> {
  const repository = env.GITHUB_REPOSITORY;
  const pull = PullState.parse(await api.request('GET', `${repoPath(repository)}/pulls/${pr}`));
  const gone = await goneHead({
    pull,
    asked: said.asked,
    reads: headReadsOf(api, repository),
    log: io.log ?? (() => undefined),
  });
  if (gone === null) {
    return {
      kind: 'refused',
      problems: [
        `the session found #${pr} ${said.why}, but it is open at ${pull.head.sha.slice(0, 7)}, which is to be reviewed (asked: ${env.BATON_TRIGGER ?? '-'}): dispatch the review again`,
      ],
    };
  }
  return { kind: 'published', lines: [`${describeGone(pr, gone)}; nothing to post.`] };
}

/** The synthesis's summary on the issue, after its report is on the build branch. */
async function summarise({ env, target, result, api }: CheckedSession): Promise<string[]> {
  const issue = Number(env.BATON_ISSUE ?? parseBuildId(target.build)?.issue);
  if (!result.synthesis || !(issue > 0)) return [];
  const posted = await postSynthesisSummary({
    api,
    repository: env.GITHUB_REPOSITORY,
    issue,
    build: target.build,
    synthesis: result.synthesis,
    runId: env.GITHUB_RUN_ID ?? 'local',
  });
  return [
    posted.again
      ? `The summary on #${issue} was posted already by this run (comment ${posted.id}).`
      : `Posted the report's summary on #${issue} (comment ${posted.id}).`,
  ];
}
