/**
 * What Baton reads of a tracker epic's children, each field by an allowlist
 * (anything else in the answer is never read): a child's key, title, text,
 * link, team or project, whether it is still open, and the keys it blocks.
 * A child of another shape is left out, as it cannot be named safely.
 * Linear: the issue's `children`, each with its state's type and its
 * `relations` of type `blocks`. Jira: the issues whose `parent` is the epic
 * (an epic's child issues and an issue's sub-tasks alike), each with its
 * status's category and its `issuelinks` of the type named `Blocks`.
 */
import { z } from 'zod';
import {
  EPIC_CHILDREN_READ,
  type EpicChildren,
  type TrackerChild,
} from '../../core/trackers/tracker-epic.js';
import { jiraText, TrackerKey } from './tracker-payloads.js';

/** The most children read of one epic (`EPIC_CHILDREN_READ`). */
export const CHILDREN_READ = EPIC_CHILDREN_READ;

/** An epic's children as a tracker gave them (`EpicChildren`). */
export type ChildrenRead = EpicChildren;

const TeamKey = z.string().regex(/^[A-Za-z\d_]{1,30}$/);

const LinearChild = z.object({
  identifier: TrackerKey,
  title: z.string().max(1_000),
  description: z.string().max(200_000).nullish(),
  url: z.string().max(400),
  team: z.object({ key: TeamKey }),
  state: z.object({ type: z.string().max(40) }).nullish(),
  relations: z
    .object({
      nodes: z
        .array(
          z.object({
            type: z.string().max(40),
            relatedIssue: z.object({ identifier: z.string().max(50) }).nullish(),
          }),
        )
        .max(250),
    })
    .nullish(),
});

/** The children of a Linear issue as `issue { children { nodes } }` answers them. */
export function readLinearChildren(nodes: unknown): TrackerChild[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.slice(0, CHILDREN_READ).flatMap((node): TrackerChild[] => {
    const parsed = LinearChild.safeParse(node);
    if (!parsed.success) return [];
    const { identifier, title, description, url, team, state, relations } = parsed.data;
    // Only Linear's own address of this issue is linked.
    const own = new RegExp(
      `^https://linear\\.app/[\\w-]{1,100}/issue/${identifier}(?:/[\\w-]{0,200})?$`,
    );
    if (!own.test(url)) return [];
    return [
      {
        key: identifier,
        title,
        description: description ?? '',
        link: url,
        team: team.key,
        open: state?.type !== 'completed' && state?.type !== 'canceled',
        blocks: keysOf(
          (relations?.nodes ?? [])
            .filter((one) => one.type === 'blocks')
            .map((one) => one.relatedIssue?.identifier),
        ),
      },
    ];
  });
}

const JiraLinked = z.object({ key: z.string().max(50) }).nullish();

const JiraChild = z.object({
  key: TrackerKey,
  fields: z.object({
    summary: z.string().max(1_000),
    description: z.unknown().optional(),
    project: z.object({ key: TeamKey }),
    status: z.object({ statusCategory: z.object({ key: z.string().max(40) }) }).nullish(),
    issuelinks: z
      .array(
        z.object({
          type: z.object({ name: z.string().max(100) }),
          inwardIssue: JiraLinked,
          outwardIssue: JiraLinked,
        }),
      )
      .max(500)
      .default([]),
  }),
});

/**
 * The children of a Jira issue as the search of `parent = KEY` answers them,
 * on `site`. A "Blocks" link's outward issue is one this child blocks; its
 * inward issue one that blocks this child, read from that sibling's side.
 */
export function readJiraChildren(issues: unknown, site: string): TrackerChild[] {
  if (!Array.isArray(issues)) return [];
  const children = issues.slice(0, CHILDREN_READ).flatMap((node) => {
    const parsed = JiraChild.safeParse(node);
    return parsed.success ? [parsed.data] : [];
  });
  return children.map(({ key, fields }) => {
    const blocks = fields.issuelinks
      .filter((link) => link.type.name === 'Blocks')
      .map((link) => link.outwardIssue?.key);
    // An inward "is blocked by" link on a sibling is this child blocking it.
    const inward = children
      .filter((other) =>
        other.fields.issuelinks.some(
          (link) => link.type.name === 'Blocks' && link.inwardIssue?.key === key,
        ),
      )
      .map((other) => other.key);
    return {
      key,
      title: fields.summary,
      description: jiraText(fields.description).slice(0, 200_000),
      link: `${site}/browse/${key}`,
      team: fields.project.key,
      open: fields.status?.statusCategory.key !== 'done',
      blocks: keysOf([...blocks, ...inward]),
    };
  });
}

/** The keys that are keys, each once. */
function keysOf(keys: readonly (string | undefined)[]): string[] {
  return [...new Set(keys.filter((key): key is string => TrackerKey.safeParse(key).success))];
}
