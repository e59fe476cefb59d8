/**
 * A tracker's epic as one plan (docs/intake.md "An epic"), the tracker door's
 * one seam for it: what the labelled issue's children make (`planEpic`), read
 * before anything is written, and, once the mirrored issue exists, its
 * children mirrored as its sub-issues with GitHub's "blocked by" links between
 * them, so the sub-issue plan (docs/sub-issues.md) plans them as workers in
 * order. Each child is mirrored once, whichever delivery, replica or door got
 * there first: the ref `refs/baton-trackers/<tracker>/<key>`, the same one a
 * child labelled on its own takes, is created before its issue.
 */
import type { Tracker, Trackers } from '../../../core/config/trackers.js';
import {
  childBody,
  childTitle,
  EPIC_CHILDREN_READ,
  type EpicChild,
  type EpicChildren,
  type EpicPlan,
  planEpic,
} from '../../../core/trackers/tracker-epic.js';
import { loadConfigAt } from '../../../read-config.js';
import { deleteRef } from '../../act/locks/refs.js';
import { writeOnceByRef } from '../../act/locks/write-once.js';
import { withReason } from '../../client/request-reason.js';
import { type RepoContext, statusOf } from '../../client/types.js';

const NAMES: Record<Tracker, string> = { linear: 'Linear', jira: 'Jira' };

/** The ref that makes a tracker's issue, an epic or a child, mirrored once. */
export function trackerRef(tracker: Tracker, key: string): string {
  return `refs/baton-trackers/${tracker}/${key}`;
}

/**
 * What the epic `issue`'s children make in its mapped repository `ctx` (at
 * its default branch's head `sha`): read from the tracker (`children`), each
 * child mapped by the home's `trackers`, the repository's `changeSets` read
 * only where a child maps elsewhere. Children the tracker would not give
 * (null) start nothing.
 */
export async function readEpicPlan(
  ctx: RepoContext,
  {
    issue,
    trackers,
    sha,
    children,
  }: {
    issue: { tracker: Tracker };
    trackers: Trackers;
    sha: string;
    children: () => Promise<EpicChildren | null>;
  },
): Promise<EpicPlan> {
  const read = await children();
  // Planned alone, an epic would be planned without its children: nothing starts instead.
  if (!read)
    return {
      kind: 'refused',
      why: `its children could not be read from ${NAMES[issue.tracker]}; take the label off and give it again`,
    };
  // Children past those read would be left out of the plan unseen: nothing starts instead.
  if (read.more)
    return {
      kind: 'refused',
      why: `it has more than the ${EPIC_CHILDREN_READ} children Baton reads of an epic; split it into epics of at most ${EPIC_CHILDREN_READ}`,
    };
  const { children: listed } = read;
  if (!listed.some((child) => child.open)) return { kind: 'alone' };
  const door = trackers[issue.tracker];
  const teams: Record<string, string> = door ? ('teams' in door ? door.teams : door.projects) : {};
  const repoOf = (team: string) => (Object.hasOwn(teams, team) ? (teams[team] ?? null) : null);
  const elsewhere = listed.some((child) => {
    const repo = repoOf(child.team);
    return child.open && repo !== null && repo !== ctx.repo;
  });
  const config = elsewhere ? await withReason('event-read', () => loadConfigAt(ctx, sha)) : null;
  return planEpic({
    children: listed,
    owner: ctx.owner,
    home: ctx.repo,
    repoOf,
    listed: config?.ok ? config.config.changeSets.repositories : [],
  });
}

/**
 * The epic's open `children` mirrored as sub-issues of issue `parent`, in the
 * tracker's order, then each linked "blocked by" the mirrors of its blockers.
 * A child another door or delivery mirrored already (its ref taken) is left
 * out, and so are the links to it. What was mirrored, by key. Where a
 * request fails, the refs of the children this call mirrored are freed with
 * the epic's, so the label given again mirrors the whole epic anew.
 * Requests: per child the ref, the issue, the sub-issue link; one per link.
 */
export async function mirrorChildren(
  ctx: RepoContext,
  mirroring: Mirroring,
): Promise<Map<string, { id: number; number: number }>> {
  const { tracker } = mirroring;
  const made = new Map<string, { id: number; number: number }>();
  try {
    await mirrorEach(ctx, mirroring, made);
  } catch (error) {
    // The epic's own ref is freed with this error, so its label given again mirrors it anew:
    // its children's refs go too, or that mirror would find them taken and plan without them.
    for (const key of made.keys())
      await deleteRef(ctx, trackerRef(tracker, key)).catch(() => undefined);
    throw error;
  }
  return made;
}

/** What `mirrorChildren` mirrors: the epic's open `children` under issue `parent`, guarded at `sha`. */
interface Mirroring {
  parent: number;
  tracker: Tracker;
  epic: string;
  children: readonly EpicChild[];
  sha: string;
}

/** Mirrors each child into `made` as it goes, so a failure part way knows what to free. */
async function mirrorEach(
  ctx: RepoContext,
  { parent, tracker, epic, children, sha }: Mirroring,
  made: Map<string, { id: number; number: number }>,
): Promise<void> {
  const { owner, repo } = ctx;
  for (const { child } of children) {
    const opened = await withReason('notice', () =>
      writeOnceByRef(ctx, { ref: trackerRef(tracker, child.key), sha }, async () => {
        const { data } = await ctx.octokit.rest.issues.create({
          owner,
          repo,
          title: childTitle(child),
          body: childBody({
            child,
            epic,
            tracker: NAMES[tracker],
            marker: `<!-- baton:tracker-child ${tracker} ${child.key} -->`,
          }),
        });
        await ctx.octokit.rest.issues.addSubIssue({
          owner,
          repo,
          issue_number: parent,
          sub_issue_id: data.id,
        });
        return { id: data.id, number: data.number };
      }),
    );
    if (!opened.taken) made.set(child.key, opened.value);
  }
  for (const { child, blockedBy } of children) {
    const mirror = made.get(child.key);
    for (const key of blockedBy) {
      const blocker = made.get(key);
      if (!mirror || !blocker) continue;
      await withReason('notice', () =>
        ctx.octokit.rest.issues
          .addBlockedByDependency({
            owner,
            repo,
            issue_number: mirror.number,
            issue_id: blocker.id,
          })
          .catch((error: unknown) => {
            // A link that exists already (422) is as good as a new one.
            if (statusOf(error) !== 422) throw error;
          }),
      );
    }
  }
}
