/**
 * The trailers of the writes the app makes (docs/governance.md): a worker's
 * merge into the build branch, and the final pull request's list per worker.
 * Read straight off the build's truth: the ask record, the accepted commands,
 * people's reviews, Baton's review check, the checks' roll-up and the risk
 * classes of the pull request's evidence. Nothing here reads a diff or a
 * model's words; the values are logins, ids, shas and links.
 */
import type { Config } from '../config/config.js';
import type { ValidationRecord } from '../plan/validation.js';
import { validationRef } from '../plan/validation.js';
import type { BuildSnapshot, PullInfo } from '../snapshot/snapshot.js';
import type { PolicySource, WriteTrailers } from '../vocabulary/trailers.js';
import { contractVettingOf, judgeRisk } from './risk.js';

/**
 * The policy in force for a build: the organisation's policy where one
 * applies (its `.github` repository and the commit of its `baton-policy.yml`),
 * else its repository and the default branch's commit its `.github/baton.yml`
 * was read at.
 */
export function repositoryPolicy(snapshot: BuildSnapshot): PolicySource {
  if (snapshot.policy) return snapshot.policy;
  return {
    source: `${snapshot.repo.owner}/${snapshot.repo.name}`,
    commit: snapshot.repo.defaultSha,
  };
}

/** The build's status: its comment's link, else its issue's. */
export function statusLinkOf(snapshot: BuildSnapshot): string {
  const comment = snapshot.statusComment;
  return comment ? `${snapshot.issue.url}#issuecomment-${comment.id}` : snapshot.issue.url;
}

/** What every write of a build carries: the build and its status, the asker, the policy. */
export function buildTrailers(
  snapshot: BuildSnapshot,
  policy: PolicySource = repositoryPolicy(snapshot),
): WriteTrailers {
  return {
    build: snapshot.build,
    status: statusLinkOf(snapshot),
    ...(snapshot.ask ? { askedBy: snapshot.ask.by } : {}),
    policy,
  };
}

/**
 * Who approved a worker's merge, where a person did: the plan's `/approve`,
 * the worker's `/merge`, a person's approving review of the head merged.
 */
export function approversOf(snapshot: BuildSnapshot, pull: PullInfo): string[] {
  const approvals = snapshot.commands.flatMap(({ author, command }) =>
    command.name === 'approve' || (command.name === 'merge' && command.worker === pull.worker)
      ? [author]
      : [],
  );
  const reviews = pull.reviews.flatMap((review) =>
    !review.byBaton && review.verdict === 'approve' && review.commitSha === pull.headSha
      ? [review.author]
      : [],
  );
  return [...new Set([...approvals, ...reviews])];
}

/**
 * The evidence that let a worker's pull request merge: Baton's review of the
 * head, the checks' state on it, and the risk classes of its evidence.
 */
export function mergeEvidence(
  snapshot: BuildSnapshot,
  pull: PullInfo,
  settings?: Config['verification'],
): string[] {
  const at = pull.headSha;
  const review = pull.reviewCheck?.sha === pull.headSha ? pull.reviewCheck.verdict : null;
  const risk = settings
    ? judgeRisk(pull, settings, { contract: contractVettingOf(snapshot, pull.worker) })
    : null;
  const classes = risk && risk.classes.length > 0 ? risk.classes.join(',') : 'none';
  return [
    ...(review ? [`baton/review ${review} at ${at}`] : []),
    `checks ${pull.checks.state} at ${at}`,
    ...(risk ? [`risk ${classes} (evidence ${risk.evidence})`] : []),
  ];
}

/** A worker's merge: what the build carries, the worker, its approvers and its evidence. */
export function mergeTrailers({
  snapshot,
  pull,
  config,
  policy,
}: {
  snapshot: BuildSnapshot;
  pull: PullInfo;
  /** The settings in force; without them no risk classes are named. */
  config?: Pick<Config, 'verification'>;
  policy?: PolicySource;
}): WriteTrailers {
  const approvedBy = approversOf(snapshot, pull);
  return {
    ...buildTrailers(snapshot, policy),
    worker: pull.worker,
    ...(approvedBy.length > 0 ? { approvedBy } : {}),
    evidence: [`pull ${pull.url}`, ...mergeEvidence(snapshot, pull, config?.verification)],
  };
}

/** The validation record a final pull request waited for, as evidence: its hidden ref and run. */
export function validationEvidence(build: string, record: ValidationRecord): string {
  return `validation ${validationRef(build, record.milestone, record.head)} run ${record.run_id}`;
}
