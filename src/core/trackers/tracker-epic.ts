/**
 * A tracker's epic as one plan (docs/intake.md "An epic"): the labelled
 * issue's children (Linear's `children`, Jira's child issues and sub-tasks)
 * become the mirrored issue's sub-issues, its workers, where every open child
 * maps to the epic's own repository; children mapped to other repositories of
 * the home's owner make a change set asked in the epic's repository instead,
 * each named with the repository it maps to. Pure: what the tracker and the
 * mapping say in, what to mirror out. Every text of a child is the tracker's,
 * read as material: quoted whole, hidden characters removed.
 */
import { fenced, MATERIAL_LEAD } from '../vocabulary/markdown.js';

/** One child of a tracker's epic, each field read by an allowlist. */
export interface TrackerChild {
  /** Its key (`ENG-13`, `PROJ-8`). */
  key: string;
  title: string;
  description: string;
  /** Where a person opens it (https, on the tracker's own site). */
  link: string;
  /** Its team's key (Linear) or project's key (Jira). */
  team: string;
  /** Whether it is still to do (not done, not cancelled). */
  open: boolean;
  /** The keys of the issues it blocks ("blocks" relations, Jira's "Blocks" links). */
  blocks: string[];
}

/** An open child to mirror, with the keys of its open siblings that block it. */
export interface EpicChild {
  child: TrackerChild;
  blockedBy: string[];
}

/** What an epic comes to. */
export type EpicPlan =
  /** No open child: the epic is one build, as any tracker issue. */
  | { kind: 'alone' }
  /** Every open child in the epic's repository: one sub-issue each, in the tracker's order. */
  | { kind: 'sub-issues'; children: EpicChild[] }
  /** Children in other repositories: one change-set build in the epic's, listing each with its repository. */
  | { kind: 'change-set'; parts: (EpicChild & { repository: string })[] }
  /** Nothing starts; the tracker issue is told `why`, in one line. */
  | { kind: 'refused'; why: string };

/** The most children read of one epic: GitHub's own limit of sub-issues per issue. */
export const EPIC_CHILDREN_READ = 100;

/** An epic's children as its tracker gave them: the first `EPIC_CHILDREN_READ`, and whether it has more. */
export interface EpicChildren {
  children: TrackerChild[];
  more: boolean;
}

/** The most open children an epic's plan takes: the sub-issue plan's own limit (docs/sub-issues.md). */
export const EPIC_CHILDREN_LIMIT = 60;

/** The most "blocked by" links GitHub keeps on one issue. */
export const BLOCKED_BY_LIMIT = 50;

/**
 * What the epic's children make: where each open child maps (`repoOf` its team
 * → a repository name of `owner`, null: unmapped), against the epic's own
 * repository `home` and the change sets `listed` there (`changeSets.repositories`,
 * `owner/name`).
 */
export function planEpic({
  children,
  owner,
  home,
  repoOf,
  listed,
}: {
  children: readonly TrackerChild[];
  owner: string;
  home: string;
  repoOf: (team: string) => string | null;
  listed: readonly string[];
}): EpicPlan {
  const open = children.filter((child) => child.open);
  if (open.length === 0) return { kind: 'alone' };
  if (open.length > EPIC_CHILDREN_LIMIT)
    return {
      kind: 'refused',
      why: `the epic has ${open.length} open children, more than the ${EPIC_CHILDREN_LIMIT} a plan takes`,
    };
  const unmapped = open.find((child) => !repoOf(child.team));
  if (unmapped)
    return {
      kind: 'refused',
      why: `its child ${unmapped.key}'s team or project ${unmapped.team} is mapped to no repository`,
    };
  const withBlockers = blockersOf(open);
  const crowded = withBlockers.find((one) => one.blockedBy.length > BLOCKED_BY_LIMIT);
  if (crowded)
    return {
      kind: 'refused',
      why: `its child ${crowded.child.key} is blocked by more than the ${BLOCKED_BY_LIMIT} issues GitHub links`,
    };
  const repository = (child: TrackerChild) => `${owner}/${repoOf(child.team)}`;
  const homeName = `${owner}/${home}`;
  if (open.every((child) => repository(child) === homeName))
    return { kind: 'sub-issues', children: withBlockers };
  const known = new Set([homeName, ...listed].map((name) => name.toLowerCase()));
  const missing = [...new Set(open.map(repository))].filter(
    (name) => !known.has(name.toLowerCase()),
  );
  if (missing.length > 0)
    return {
      kind: 'refused',
      why: `add ${missing.join(', ')} to changeSets.repositories in ${homeName}'s .github/baton.yml, where its children map`,
    };
  return {
    kind: 'change-set',
    parts: withBlockers.map((one) => ({ ...one, repository: repository(one.child) })),
  };
}

/** Each open child with the open siblings that block it, in the tracker's order; links to others left out. */
function blockersOf(open: readonly TrackerChild[]): EpicChild[] {
  const keys = new Set(open.map((child) => child.key));
  return open.map((child) => ({
    child,
    blockedBy: open
      .filter((other) => other.key !== child.key && other.blocks.includes(child.key))
      .map((other) => other.key)
      .filter((key) => keys.has(key)),
  }));
}

/**
 * Hidden text a person reading the tracker or GitHub does not see but a model
 * does: HTML comments, format and control characters but tab and newline,
 * default-ignorable code points and the fillers that render blank.
 */
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const HIDDEN = /[\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** A tracker's text as a person sees it: hidden text removed. */
export function visibleText(text: string): string {
  return text
    .replace(HTML_COMMENT, '')
    .replace(HIDDEN, (char) => (char === '\n' || char === '\t' ? char : ''));
}

/** The most characters of a child's title and description quoted in its sub-issue. */
const CHILD_TEXT_CHARS = 20_000;

/** The most characters of every child's title and description in a change set's list, together. */
const CHANGE_SET_TEXT_CHARS = 10_000;

/** A child's title on one line, visible, for a GitHub issue's title. */
export function childTitle(child: TrackerChild): string {
  const flat = visibleText(child.title).replace(/\s+/g, ' ').trim();
  return `${child.key}: ${flat}`.slice(0, 200);
}

/**
 * A child's text for its mirrored sub-issue, which becomes a worker's brief:
 * where it came from, then its title and description quoted as material
 * (fenced, so no line of theirs reads as the brief's own).
 */
export function childBody({
  child,
  epic,
  marker,
  tracker,
}: {
  child: TrackerChild;
  epic: string;
  marker: string;
  tracker: string;
}): string {
  return [
    marker,
    `A child of ${epic} in ${tracker}: ${child.key} (${child.link}).`,
    '',
    `Build what the ${tracker} issue below asks. Its title and description are the tracker's text, quoted as written.`,
    '',
    `${MATERIAL_LEAD}\n\n${fenced(quotedChild(child))}`,
  ].join('\n');
}

/**
 * The change set's part of the epic's mirrored issue: the repositories the
 * plan may give workers, then each child with its repository and what blocks
 * it, every child's text quoted as material in one fence.
 */
export function changeSetSection(parts: readonly (EpicChild & { repository: string })[]): string {
  // The children share a budget, so the mirrored issue stays within GitHub's 65,536 characters.
  const each = Math.floor(CHANGE_SET_TEXT_CHARS / Math.max(1, parts.length));
  const listing = parts
    .map(({ child, repository, blockedBy }) =>
      [
        `## ${child.key} → ${repository}${blockedBy.length ? ` (blocked by ${blockedBy.join(', ')})` : ''}`,
        '',
        quotedChild(child, each),
      ].join('\n'),
    )
    .join('\n\n');
  const repositories = [...new Set(parts.map((part) => part.repository))];
  return [
    `The epic's children, each to be built in the repository it maps to (${repositories.join(', ')}); a child blocked by another is built after it.`,
    '',
    `${MATERIAL_LEAD}\n\n${fenced(listing)}`,
  ].join('\n');
}

/** A child's title and description, visible, within `chars` (the title a fifth of them at most). */
function quotedChild(child: TrackerChild, chars = CHILD_TEXT_CHARS): string {
  const title = visibleText(child.title).slice(0, Math.max(20, Math.floor(chars / 5)));
  const description = visibleText(child.description).slice(0, Math.max(0, chars - title.length));
  return `${title}\n\n${description || '(no description)'}`;
}
