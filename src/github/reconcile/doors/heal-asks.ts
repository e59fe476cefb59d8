import { labelRefusal } from '../../../core/commands/render-replies.js';
import {
  askedByLabel,
  type LabelSettings,
  labelSettingsOf,
} from '../../../core/config/build-labels.js';
import { BaseBranch } from '../../../core/snapshot/ask-record.js';
import { findStatusBuild } from '../../../core/status/render-status.js';
import { parseBatonBranch } from '../../../core/vocabulary/ids.js';
import { findNote } from '../../../core/vocabulary/notice.js';
import { remembered } from '../../../process-memory.js';
import { loadConfig } from '../../../read-config.js';
import { BoundedMap } from '../../client/bounded-map.js';
import { conditionalReads } from '../../client/conditional-reads.js';
import type { RepoContext } from '../../client/types.js';
import type { BuildLog, ScheduleDeps } from '../queue/handler-deps.js';
import { type BuildRef, findBuildForIssue } from '../queue/locate-build.js';
import { scheduleFromResync } from '../queue/schedule-reconcile.js';
import { type AskAnswer, askForBuild, type StartBuild } from './ask-for-build.js';

/**
 * A build a writer asked for by a label, whose ask was lost before the build
 * branch was made (the process that heard the delivery stopped, or its
 * reconcile was lost), is asked for again by the resync: GitHub delivers a
 * webhook once, but the label stays on the issue and its timeline says who
 * added it. What the resync does for it, per repository (`healLostAsks`):
 *
 * - Cost. One listing of the open issues, most recently updated first, one
 *   page of `LISTED_ISSUES`, asked conditionally (`conditionalReads`): GitHub
 *   answers 304 while no issue changed, and "making a conditional request does
 *   not count against your primary rate limit if a 304 response is returned"
 *   (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
 *   One listing, not one per label: GitHub's `labels` filter lists the issues
 *   that carry every label named (https://docs.github.com/en/rest/issues/issues#list-repository-issues),
 *   and a build is asked for by any one of several. Nothing more is read unless
 *   an open issue that the resync knows no build of, updated within
 *   `HEAL_WITHIN_MS`, carries a label that asks for a build: the settings at
 *   the default branch say which do (the labels they named are kept an hour
 *   to choose the issues to look at, and read again before an ask is made, so
 *   another label, or a refused one, costs no read of them); and for at most
 *   `HEAL_MAX_ISSUES` such issues, most recently updated first, the issue's
 *   timeline (asked conditionally too), then for a label still to heal its
 *   build branch and the asker's permission.
 * - A refused label is not checked forever: only a label added within
 *   `HEAL_WITHIN_MS` (a day) is healed, since a lost ask shows at the next
 *   resync (ten minutes) and a day is room for a process down for hours; and a
 *   label whose refusal note (Baton's, keyed to the labeller) follows it on the
 *   timeline was heard and answered, so it is passed over without asking
 *   anything more. The refusal is the delivery's keyed note: said once.
 * - A build a person ended or cancelled does not come back: only an open issue
 *   (the listing's `state=open`; closing an issue cancels its build) with no
 *   build branch and no status comment of Baton's on its timeline is healed. A
 *   cancelled build keeps its branch and its status comment (decide-ended.ts);
 *   a build whose branch someone deleted still has its status comment.
 * - Who asked is the actor of the latest `labeled` event of the label on the
 *   issue's timeline, read from GitHub (never a payload, never the store), and
 *   the ask goes through the one seam, `askForBuild`: a reader's label starts
 *   nothing, a writer's label that a reader removed and added again neither.
 * - A pull request's label is healed as the pull-label door takes it
 *   (on-pull-label.ts), only while `events.pullLabel` is on: a build label,
 *   on an open pull request whose branch is in this repository, is no
 *   branch of Baton's and has a name a build's base takes; one more read,
 *   the pull request, for each such label still to heal.
 * - Replicas: the resync runs on the leader; the start is a reconcile queued
 *   like any other, held across replicas (`holdBuild`), of the build id the
 *   issue names (`buildIdFor`): a delivery and a heal asking at once make one build.
 */
export const HEAL_WITHIN_MS = 24 * 60 * 60_000;

/** At most this many issues of a repository are looked at closely by one resync. */
export const HEAL_MAX_ISSUES = 10;

/** The open issues listed by one resync: one page, the most recently updated. */
export const LISTED_ISSUES = 100;

/** What of the settings the heal reads: the labels that ask, and whether a pull request's label may. */
type HealSettings = LabelSettings & { pullLabel: boolean };

/** An open issue as the listing shows it. */
interface ListedIssue {
  number: number;
  title: string;
  labels: string[];
  updatedAt: string;
  pull: boolean;
}

/** What the heal reads of an issue's timeline event. */
interface TimelineEntry {
  event: string;
  actor: string;
  at: string;
  label: string | null;
  /** Baton's status comment of some build. */
  status: boolean;
  /** The key of Baton's note, if the event is one. */
  note: string | null;
}

/** An issue the heal asked for a build of, and how the ask went. */
export interface HealedAsk {
  issue: number;
  asker: string;
  answer: AskAnswer;
}

/**
 * Asks again for the build of each open issue of the repository whose build
 * label outlived its ask (see `HEAL_WITHIN_MS`'s comment). `builds` are the
 * builds the resync knows of the repository; `start` queues the start.
 */
export async function healLostAsks(
  ctx: RepoContext,
  { builds, now, start }: { builds: BuildRef[]; now: number; start: StartBuild },
): Promise<HealedAsk[]> {
  const built = new Set(builds.map((ref) => ref.issue));
  const listed = await listOpenIssues(ctx);
  const unbuilt = listed.filter(
    (issue) =>
      !built.has(issue.number) &&
      issue.labels.length > 0 &&
      now - Date.parse(issue.updatedAt) <= HEAL_WITHIN_MS,
  );
  if (unbuilt.length === 0) return [];
  // The labels the settings named when last read (within the hour) choose the issues to look
  // at; an ask is made only by the settings read now (`fresh`).
  const kept = keptSettings.get(repoKey(ctx));
  let fresh = !kept || now - kept.at >= SETTINGS_KEPT_MS;
  let settings = kept && !fresh ? kept.settings : await readLabelSettings(ctx, now);
  const asking = unbuilt
    .filter((issue) => issue.labels.some((label) => askedBy(settings, label, issue.pull) !== null))
    .slice(0, HEAL_MAX_ISSUES);
  const healed: HealedAsk[] = [];
  for (const issue of asking) {
    const timeline = await readTimeline(ctx, issue.number);
    // Baton's status comment: a build was made, and may have ended or been cancelled.
    if (timeline.some((entry) => entry.status)) continue;
    const labelled = timeline
      .filter(
        (entry) =>
          entry.event === 'labeled' &&
          entry.label !== null &&
          issue.labels.includes(entry.label) &&
          askedBy(settings, entry.label, issue.pull) !== null,
      )
      .at(-1);
    if (!labelled?.label || now - Date.parse(labelled.at) > HEAL_WITHIN_MS) continue;
    const refusal = labelRefusal(labelled.actor, labelled.label);
    if (timeline.some((entry) => entry.note === refusal.key && entry.at >= labelled.at)) continue;
    if (!fresh) {
      settings = await readLabelSettings(ctx, now);
      fresh = true;
    }
    const what = askedBy(settings, labelled.label, issue.pull);
    if (!what || (await findBuildForIssue(ctx, issue.number))) continue;
    const pull = issue.pull ? await readLabelledPull(ctx, issue.number) : null;
    if (issue.pull && !pull) continue;
    const answer = await askForBuild(
      ctx,
      {
        asker: labelled.actor,
        issue: { number: issue.number, title: issue.title },
        what,
        how: pull
          ? { way: 'pull-label', pull: issue.number, label: labelled.label, branch: pull.branch }
          : { way: 'label', label: labelled.label },
        at: labelled.at,
        ...(pull ? { link: pull.link } : {}),
        found: null,
        refusal,
      },
      start,
    );
    healed.push({ issue: issue.number, asker: labelled.actor, answer });
  }
  return healed;
}

/** What `label` asks for on an issue, or on a pull request (`pull`): only a build, and only where the door is on. */
function askedBy(settings: HealSettings, label: string, pull: boolean) {
  const what = askedByLabel(settings, label);
  if (!pull) return what;
  return settings.pullLabel && what?.kind === 'build' ? what : null;
}

/**
 * The pull request whose lost label the heal would ask for again, as the door
 * would take it (on-pull-label.ts): open, its branch in this repository, no
 * branch of Baton's, a name a build's base takes; else null (the door refuses
 * it, or nothing is to be built on it).
 */
async function readLabelledPull(
  ctx: RepoContext,
  number: number,
): Promise<{ branch: string; link: string } | null> {
  const { data } = await ctx.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: ctx.owner,
    repo: ctx.repo,
    pull_number: number,
  });
  const branch = data.head.ref;
  const here = data.head.repo?.id === data.base.repo.id;
  if (data.state !== 'open' || !here || parseBatonBranch(branch)) return null;
  if (!BaseBranch.safeParse(branch).success) return null;
  return { branch, link: data.html_url };
}

/** How long the labels the settings named pass over issues that carry none of them. */
const SETTINGS_KEPT_MS = 60 * 60_000;

/** The labels each repository's settings named when the heal last read them: a cache, losing it costs a read. */
const keptSettings = remembered(new BoundedMap<{ at: number; settings: HealSettings }>(1_000));

function repoKey(ctx: Pick<RepoContext, 'owner' | 'repo'>): string {
  return `${ctx.owner}/${ctx.repo}`.toLowerCase();
}

/** The settings at the default branch, as a label's delivery reads them; kept for the next resync's pass. */
async function readLabelSettings(ctx: RepoContext, now: number): Promise<HealSettings> {
  const config = await loadConfig(ctx.octokit, { owner: ctx.owner, repo: ctx.repo });
  const settings = {
    ...labelSettingsOf(config),
    pullLabel: config.ok && config.config.events.pullLabel,
  };
  keptSettings.set(repoKey(ctx), { at: now, settings });
  return settings;
}

/** The repository's open issues (and pull requests), most recently updated first: one page, asked conditionally. */
function listOpenIssues(ctx: RepoContext): Promise<ListedIssue[]> {
  return conditionalReads.paginate(ctx.octokit, {
    route: 'GET /repos/{owner}/{repo}/issues',
    params: {
      owner: ctx.owner,
      repo: ctx.repo,
      state: 'open',
      sort: 'updated',
      direction: 'desc',
      per_page: LISTED_ISSUES,
    },
    pages: 1,
    pick: (data) =>
      (
        data as {
          number: number;
          title: string;
          labels: (string | { name?: string })[];
          updated_at: string;
          pull_request?: unknown;
        }[]
      ).map((issue) => ({
        number: issue.number,
        title: issue.title,
        labels: issue.labels
          .map((label) => (typeof label === 'string' ? label : (label.name ?? '')))
          .filter((label) => label !== ''),
        updatedAt: issue.updated_at,
        pull: issue.pull_request !== undefined && issue.pull_request !== null,
      })),
  });
}

/**
 * An issue's timeline, oldest first: its labels added and Baton's comments, asked conditionally.
 * https://docs.github.com/en/rest/issues/timeline#list-timeline-events-for-an-issue
 */
function readTimeline(ctx: RepoContext, issue: number): Promise<TimelineEntry[]> {
  return conditionalReads.paginate(ctx.octokit, {
    route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/timeline',
    params: { owner: ctx.owner, repo: ctx.repo, issue_number: issue, per_page: 100 },
    scope: `heal ${ctx.botLogin}`,
    pick: (data) =>
      (
        data as {
          event?: string;
          actor?: { login?: string } | null;
          user?: { login?: string } | null;
          created_at?: string;
          label?: { name?: string };
          body?: string | null;
        }[]
      ).map((event) => {
        const actor = event.actor?.login ?? event.user?.login ?? '';
        const ours = event.event === 'commented' && actor === ctx.botLogin;
        const body = ours ? (event.body ?? '') : '';
        return {
          event: event.event ?? '',
          actor,
          at: event.created_at ?? '',
          label: event.event === 'labeled' ? (event.label?.name ?? null) : null,
          status: ours && findStatusBuild(body) !== null,
          note: ours ? findNote(body) : null,
        };
      }),
  });
}

/**
 * How the resync starts a build it heals: a reconcile queued with `start`, as
 * a delivery's is, with no delivery to name.
 */
export function startFromResync(
  ctx: RepoContext,
  { defaultBranch, deps, log }: { defaultBranch: string; deps: ScheduleDeps; log: BuildLog },
): StartBuild {
  return (ref, { ask, record, answer }) => {
    log
      .child({ deliveryId: null, build: `${ctx.owner}/${ctx.repo}#${ref.issue}` })
      .info(
        { asker: ask.asker, what: ask.what, buildId: ref.build },
        'baton: a writer asked for a build and none followed; the resync asks again',
      );
    scheduleFromResync(
      ctx,
      { ref, defaultBranch, deps, log },
      { start: true, ask: record, ...(answer ? { answer } : {}) },
    );
  };
}
