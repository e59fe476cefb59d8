import { isBuildLabel } from '../config/build-labels.js';
import type { Action } from '../context/action.js';
import { budgetSetting } from '../context/ask-budget.js';
import type { DecideContext } from '../context/decide-context.js';
import { impossibleNoticeAbout, renderImpossibleNotice } from '../context/impossible-notice.js';
import { renderWaitNotice, waitNoticeAbout } from '../context/wait-notice.js';
import { criteriaOf } from '../plan/contract.js';
import type { BuildSnapshot, PullInfo } from '../snapshot/snapshot.js';
import { formatUsd } from '../status/progress-format.js';
import { followUpsText, them } from '../status/render-progress.js';
import type { StatusView, ValidationView } from '../status/status-view.js';
import { integrationBranch } from '../vocabulary/ids.js';
import { escapeText } from '../vocabulary/markdown.js';
import { mentions, noticeKey, noticeMarker } from '../vocabulary/notice.js';
import { isMergeHold } from '../workers/merge-hold.js';
import { isDone, type WorkerState } from '../workers/worker-state.js';
import { findRunaways, runawayNotice } from './runaway.js';

/** What a notice is about, part by part: its key (`noticeKey`) makes it once per need. */
interface Need {
  about: (string | number)[];
  text: string;
}

/**
 * The notices a build needs now: a new comment on the issue (GitHub notifies
 * the people it mentions, which an edit of the status comment does not) when
 * the plan waits for `/approve`, a worker needs a person or looks like a
 * runaway (`runaway.ts`), a milestone's validation waits for a person, the
 * budget is reached, or the final PR is open and no review request told
 * anyone (`finalReviewers`). Each is keyed by its need and left out once its marker is seen; `act` guards the
 * post with a ref so two replicas never post the same one (docs/design-notes.md).
 */
export function decideNotices(
  ctx: DecideContext,
  { view, workers }: { view: StatusView; workers: WorkerState[] },
): Action[] {
  const posted = new Set(ctx.snapshot.notices ?? []);
  const people = notified(ctx);
  return needsOf(ctx, { view, workers })
    .map((need) => ({ ...need, key: noticeKey(...need.about) }))
    .filter((need) => !posted.has(need.key))
    .map(
      (need): Action => ({
        kind: 'notice',
        key: need.key,
        body: noticeBody(ctx.snapshot, { key: need.key, text: need.text, people }),
      }),
    );
}

/** A notice's body: its hidden marker, the people it mentions, its text and a link to the build's status. */
function noticeBody(
  snapshot: BuildSnapshot,
  { key, text, people }: { key: string; text: string; people: string[] },
): string {
  return [
    noticeMarker(snapshot.build, key),
    `${mentions(people)}${text}`,
    ...(snapshot.statusComment
      ? ['', `The build's status: ${snapshot.issue.url}#issuecomment-${snapshot.statusComment.id}`]
      : []),
  ].join('\n');
}

/**
 * Whom opening the final pull request asks for a review: the people a notice
 * would tell (`notified`), for a build of its own. GitHub's review request is
 * what notifies them, so no notice on the issue follows; the issue's
 * subscribers hear when the pull request closes it. A change set's member
 * says its final pull request on the set's issue once its turn comes
 * (`setNotices`), and a build with nobody to ask tells the issue.
 */
export function finalReviewers(ctx: DecideContext): string[] {
  return ctx.snapshot.changeSet ? [] : notified(ctx);
}

/**
 * The notice of an open final pull request: posted where nobody was asked for
 * a review (`finalReviewers`), or GitHub refused to ask `people` (not
 * collaborators), whom it then mentions.
 */
export function finalPullNotice(
  snapshot: BuildSnapshot,
  { pull, people }: { pull: { number: number; url: string }; people: string[] },
): { key: string; body: string } {
  const key = noticeKey('final-pull', pull.number);
  return { key, body: noticeBody(snapshot, { key, text: finalPullText(pull.url), people }) };
}

function finalPullText(url: string): string {
  return `📦 Every worker is done: the final pull request ${url} is open. Review it and merge it to deliver the build.`;
}

/**
 * The `notify` list of `.github/baton.yml`, else the writer who asked for the
 * build, as its record says (`BuildSnapshot['ask']`), whichever way they asked.
 */
export function notified(ctx: DecideContext): string[] {
  if (ctx.config.notify.length > 0) return ctx.config.notify;
  const asked = ctx.snapshot.ask?.by ?? askedBeforeTheRecord(ctx);
  return asked && !asked.endsWith('[bot]') ? [asked] : [];
}

/** A build started before its ask was recorded: the person who labelled the issue, as it was read then. */
function askedBeforeTheRecord(ctx: DecideContext): string | undefined {
  const lastBy = (starts: (label: string) => boolean) =>
    (ctx.snapshot.labelledBy ?? []).filter((event) => starts(event.label)).at(-1)?.login;
  const labeller = lastBy((label) => isBuildLabel(ctx.config, label));
  // An improvement series has no build label: whoever asked for it is told.
  const improve = ctx.config.improve.label;
  const improver = improve ? lastBy((label) => label === improve) : undefined;
  return labeller ?? ctx.commands.improves[0]?.author ?? improver;
}

function needsOf(
  ctx: DecideContext,
  { view, workers }: { view: StatusView; workers: WorkerState[] },
): Need[] {
  const needs: Need[] = [];
  if (view.phase === 'plan-ready' && ctx.config.approval === 'plan') {
    const sha = ctx.snapshot.plan.kind === 'valid' ? ctx.snapshot.plan.sha.slice(0, 12) : 'plan';
    needs.push({
      about: ['plan-ready', sha],
      text: `📋 The plan is ready: ${view.plan.workers.length} ${view.plan.workers.length === 1 ? 'worker' : 'workers'}, estimated at about ${formatUsd(view.estimate.usd)}. Read it in the status comment, then reply \`/approve\` to start, or \`/replan <what to change>\`.`,
    });
  }
  needs.push(...seriesNeeds(view));
  if (view.phase === 'planning' && view.money) {
    // Once per stopped run: a raise that is not enough stops the next one, which says so again.
    needs.push({
      about: ['plan-budget', view.run?.url ?? 'plan'],
      text: `💸 The planning session waits for budget: ${view.money}.`,
    });
  }
  // A daily cap (the repository's, the installation's) holds every phase, the first plan included.
  for (const daily of ctx.dailyHolds) {
    const spent = `${formatUsd(daily.spentUsd)} today (${daily.day}, UTC)`;
    needs.push(
      daily.scope === 'asker'
        ? {
            about: ['asker-daily-budget', daily.day],
            text: `💸 The build is paused: the builds ${escapeText(daily.asker ?? 'its asker')} asked for, across this installation's repositories, have cost ${spent}, reaching the organisation policy's daily cap per asker of ${formatUsd(daily.capUsd)} (\`limits.perAskerDailyUsd\` of \`baton-policy.yml\`). No new session starts until it resets at 00:00 UTC; merges go on. Only the organisation's policy can raise it; reply \`/cancel\` to stop the build.`,
          }
        : daily.scope === 'repository'
          ? {
              about: ['daily-budget', daily.day],
              text: `💸 The build is paused: this repository's sessions, all builds together, have cost ${spent}, reaching \`budget.dailyUsd\` (${formatUsd(daily.capUsd)}). No new session starts until tomorrow (UTC); merges go on. Raise \`budget.dailyUsd\` in \`.github/baton.yml\` (or set it to \`null\`) to go on now, or reply \`/cancel\`.`,
            }
          : {
              about: ['installation-daily-budget', daily.day],
              text: `💸 The build is paused: the sessions of all this installation's repositories, together, have cost ${spent}, reaching the installation's daily cap of ${formatUsd(daily.capUsd)} (\`BATON_INSTALLATION_DAILY_USD\`, set on the app). No new session starts until it resets at 00:00 UTC; merges go on. Only the app's operator can raise \`BATON_INSTALLATION_DAILY_USD\` (a repository cannot); reply \`/cancel\` to stop the build.`,
            },
    );
  }
  if (view.phase !== 'running') return needs;
  for (const adaptation of view.progress.adaptations ?? []) {
    if (adaptation.state !== 'awaiting-approval') continue;
    const names = adaptation.workers.join(', ');
    needs.push({
      about: ['adapted', adaptation.source],
      text: `✏️ After ${adaptation.source}'s learnings, an adapt session revised the brief of ${names}: ${adaptation.diff ?? 'see the build branch'}. Reply \`/approve\` to start ${names} with the change.`,
    });
  }
  for (const state of workers) needs.push(...workerNeeds(ctx, state));
  needs.push(...waitNeeds(view, workers));
  // Workers that look like a loop spending without delivering (src/core/rules/runaway.ts).
  const done = new Set(workers.filter(isDone).map((state) => state.worker.id));
  for (const runaway of findRunaways({
    runs: ctx.snapshot.runs,
    ledger: ctx.ledger,
    settings: ctx.config.runaway,
    done,
    now: ctx.now,
  })) {
    needs.push(runawayNotice(runaway));
  }
  const followUps = view.progress.followUps;
  if (followUps?.state === 'proposed' && view.progress.synthesis?.state === 'succeeded') {
    needs.push({
      about: ['follow-ups', followUps.round],
      text: `🔎 ${followUpsText(followUps.workers)}. Reply \`/approve\` to investigate ${them(followUps.workers)}, or \`/skip follow-ups\` to open the final pull request without ${them(followUps.workers)}.`,
    });
  }
  const synthesis = view.progress.synthesis;
  if (synthesis?.state === 'awaiting-budget') {
    needs.push({
      about: ['synthesis-budget', synthesis.url],
      text: `💸 The synthesis session waits for budget (${synthesis.url}): ${synthesis.money ?? 'the budget stopped it'}.`,
    });
  }
  if (synthesis?.state === 'failed') {
    needs.push({
      about: ['synthesis-failed', synthesis.attempts],
      text: `❌ The synthesis session failed (${synthesis.url}): the report and the final pull request wait. Its job summary says why; reply \`/retry synthesis\` to run it again.`,
    });
  }
  needs.push(...validationNeeds(ctx, view.progress.validations ?? []));
  const { maxUsd } = ctx.config.budget;
  if (ctx.budgetReached && maxUsd !== null) {
    needs.push({
      about: ['budget', maxUsd],
      text: `💸 The build is paused: its sessions have cost ${formatUsd(ctx.spentUsd)}, reaching ${budgetSetting(ctx.budgetSource)} (${formatUsd(maxUsd)}). No new session starts; merges go on. Raise ${budgetSetting(ctx.budgetSource)} in \`.github/baton.yml\`${ctx.budgetSource.kind === 'repository' ? ' (or set it to `null`)' : ''} to go on, or reply \`/cancel\`.`,
    });
  }
  const final = ctx.snapshot.finalPull;
  if (final?.state === 'open' && finalReviewers(ctx).length === 0)
    needs.push({ about: ['final-pull', final.number], text: finalPullText(final.url) });
  return needs;
}

/**
 * A milestone's validation that Baton cannot carry on by itself (docs/verification.md):
 * a failure no fix worker could be added for, or a session that ended without a result.
 * Either is validated again once the build branch moves.
 */
function validationNeeds(ctx: DecideContext, validations: ValidationView[]): Need[] {
  const branch = `\`${integrationBranch(ctx.snapshot.build)}\``;
  return validations.flatMap((validation): Need[] => {
    const about = ['validation', validation.milestone, validation.head.slice(0, 12)];
    const run = validation.url ? ` (${validation.url})` : '';
    if (validation.state === 'awaiting-budget') {
      return [
        {
          about: ['validation-budget', validation.milestone, validation.head.slice(0, 12)],
          text: `💸 The validation of milestone ${validation.milestone} waits for budget${run}: ${validation.note ?? 'the budget stopped its session'}.`,
        },
      ];
    }
    if (validation.state === 'breach') {
      return [
        {
          about: [...about, 'breach'],
          text: `🚨 Milestone ${validation.milestone}'s validation does not count${run}: ${validation.note ?? "the contract it ran is not the one Baton's publish sealed"}. Only the merge of a contract worker's pull request that Baton's publish pushed may change \`contract.json\` or \`seal.json\` (docs/verification.md, "The bound seal"). Take that commit back whole on ${branch} (\`git revert\` of it, or the branch reset to before it); the final pull request waits until a validation passes.`,
        },
      ];
    }
    if (validation.state === 'session-failed') {
      return [
        {
          about,
          text: `🧪 The validation session of milestone ${validation.milestone} ended without a result${run}: its job summary says why. The final pull request waits; a new commit on ${branch} validates the milestone again.`,
        },
      ];
    }
    if (validation.state !== 'failed') return [];
    const stuck = validation.failed.filter((failure) => !failure.worker);
    const failing = stuck.filter((failure) => !failure.unproven).map((failure) => failure.check);
    const unproven = stuck.filter((failure) => failure.unproven).map((failure) => failure.check);
    return [
      ...(failing.length > 0
        ? [
            {
              about,
              text: `🧪 Milestone ${validation.milestone} failed validation (${failing.join(', ')}), and no fix worker could be added to the plan${run}. Push a fix to ${branch}: it is validated again, and the final pull request waits until it passes.`,
            },
          ]
        : []),
      ...(unproven.length > 0
        ? [{ about: [...about, 'unproven'], text: unprovenText(validation, unproven, branch, run) }]
        : []),
    ];
  });
}

/**
 * A criterion whose check still passes before the work after its one contract
 * fix (or none could be added): Baton starts no second, so no loop; a person decides.
 */
function unprovenText(
  validation: ValidationView,
  criteria: string[],
  branch: string,
  run: string,
): string {
  const one = criteria.length === 1;
  return `🧪 Milestone ${validation.milestone}: ${one ? 'the check' : 'the checks'} of ${criteria.join(', ')} passed on the contract's commit, before the work${run}, so ${one ? 'it proves' : 'they prove'} nothing, and ${one ? 'its criterion has had its' : 'their criteria have had their'} one contract fix (or the plan has no room for one): Baton adds no other. A person decides: push to ${branch} a check that fails before the work, committed with \`contract.json\`, and the milestone is validated again; the final pull request waits until it passes.`;
}

/** An improvement series that stopped without a final PR, or on a failed session. */
function seriesNeeds(view: StatusView): Need[] {
  const last = view.series?.loops.at(-1);
  if (!last) return [];
  if (view.phase === 'improving' && view.series?.ended === 'nothing-worth-doing') {
    return [
      {
        about: ['series-ended', last.loop],
        text: `🏁 The improvement loops have ended: loop ${last.loop}'s research found nothing worth doing, so there is nothing to deliver. Its findings are linked in the status comment.`,
      },
    ];
  }
  if (last.stage === 'research-awaiting-budget' || last.stage === 'summary-awaiting-budget') {
    const session = last.stage === 'research-awaiting-budget' ? 'research' : 'summary';
    return [
      {
        about: [last.stage, last.loop, last.run?.url ?? ''],
        text: `💸 Loop ${last.loop}'s ${session} session waits for budget${last.run ? ` (${last.run.url})` : ''}: ${view.series?.money ?? 'the budget stopped it'}.`,
      },
    ];
  }
  if (last.stage === 'research-failed' || last.stage === 'summary-failed') {
    const session = last.stage === 'research-failed' ? 'research' : 'summary';
    const next =
      session === 'research'
        ? 'No further loop starts; reply `/cancel` to close the series.'
        : 'No further loop starts; what is merged goes out in the final pull request.';
    return [
      {
        about: [last.stage, last.loop],
        text: `❌ Loop ${last.loop}'s ${session} session failed${last.run ? ` (${last.run.url})` : ''}. ${next}`,
      },
    ];
  }
  return [];
}

/**
 * Workers waiting for a person by risk, asked for together once the build
 * cannot go on without them (`waitsForPerson`): one notice per set of waiting
 * heads, never one each.
 */
function waitNeeds(view: StatusView, workers: WorkerState[]): Need[] {
  if (view.phase !== 'running' || !view.progress.waitsForPerson) return [];
  const standing = new Set(view.progress.waitsForPerson);
  const waits = workers.flatMap(({ worker, wait, pull }) =>
    wait && pull && standing.has(worker.id) ? [{ wait, pull }] : [],
  );
  if (waits.length === 0) return [];
  return [{ about: waitNoticeAbout(waits), text: renderWaitNotice(waits) }];
}

function workerNeeds(ctx: DecideContext, state: WorkerState): Need[] {
  const id = state.worker.id;
  const need = state.assessment?.need;
  // A session's word that a criterion cannot be met: one notice, in place of a failure's.
  if (state.impossible && (state.state === 'impossible' || state.state === 'needs-human')) {
    const noticed = {
      worker: id,
      word: state.impossible,
      criteria: ctx.snapshot.plan.kind === 'valid' ? criteriaOf(ctx.snapshot.plan.plan) : [],
      pull: state.state === 'needs-human' ? state.pull : null,
    };
    return [{ about: impossibleNoticeAbout(noticed), text: renderImpossibleNotice(noticed) }];
  }
  if (state.state === 'needs-human' && need?.kind === 'needs-human' && state.pull) {
    return [
      {
        about: ['needs-human', id, need.reason, state.pull.headSha.slice(0, 12)],
        text: isMergeHold(need.reason)
          ? `🙋 ${id} needs a person: ${state.note ?? need.reason}. See ${state.pull.url}: Baton merges it once GitHub takes it, or reply there \`/skip ${id}\`.`
          : `🙋 ${id} needs a person: ${state.note ?? need.reason}. See ${state.pull.url}: push a fix, or reply there \`/retry ${id} <instructions>\`, \`/merge ${id}\` or \`/skip ${id}\`.`,
      },
    ];
  }
  if (state.state === 'partial' && state.pull) return partialNeeds(ctx, state, state.pull);
  if (state.state === 'awaiting-budget' && state.latestRun) {
    // Once per stopped run: a raise that is not enough stops the next one, which says so again.
    return [
      {
        about: ['awaiting-budget', id, state.latestRun.id],
        text: `💸 ${id} waits for budget: ${state.note ?? 'the budget stopped its session'}.`,
      },
    ];
  }
  if (state.state === 'failed') {
    const why = state.note ?? 'its session failed';
    return [
      {
        about: ['failed', id, state.attempts],
        text: `❌ ${id} failed: ${why}. Reply \`/retry ${id} <instructions>\` to try again, or \`/skip ${id}\` to go on without it.`,
      },
    ];
  }
  return [];
}

/** A partial worker waits for a person: once per partial head, with what it cost so far and what to do. */
function partialNeeds(ctx: DecideContext, state: WorkerState, pull: PullInfo): Need[] {
  const id = state.worker.id;
  const spent = ctx.ledger.byWorker[id]?.costUsd ?? 0;
  const raise = ctx.config.budget.continuePartial
    ? ' Raise the budget and it goes on by itself (`budget.continuePartial`).'
    : '';
  return [
    {
      about: ['partial', id, pull.headSha.slice(0, 12)],
      text: `⏸️ ${id} stopped short of its brief: ${state.note ?? 'its session stopped'} (${formatUsd(spent)} spent on it so far). See ${pull.url}: reply \`/continue ${id}\` to start a session from that work and its note, \`/retry ${id} <instructions>\` to steer that session, \`/skip ${id}\`, or mark the pull request ready for review to take it as it is.${raise}`,
    },
  ];
}
