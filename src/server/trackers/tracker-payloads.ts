/**
 * What Baton reads of a tracker's verified webhook: an issue's key, title,
 * text, team, labels and the person who changed it, each by an allowlist
 * (anything else in the body is never read). A body of another shape asks
 * for nothing.
 */
import { z } from 'zod';
import type { TrackerIssue } from '../../github/reconcile/doors/on-tracker-issue.js';

/** An issue's key on either tracker: a team's or project's key, a dash, a number. */
export const TrackerKey = z.string().regex(/^[A-Za-z][A-Za-z\d_]{0,30}-\d{1,9}$/);
/** A tracker's id for a thing or a person. */
const Id = z.string().regex(/^[\w.:-]{1,128}$/);
/** A person's name as the tracker shows it: no control character, no angle bracket. */
const Name = z
  .string()
  .max(100)
  .transform((name) => name.replace(/[\p{Cc}<>]/gu, '').trim() || 'unnamed');

/** A tracker's issue and the id Baton answers it under (Linear's issue id, Jira's key). */
export interface TrackerDelivery {
  issue: TrackerIssue;
  /** The tracker's id of the issue, for a comment there. */
  replyTo: string;
}

const LinearIssue = z.object({
  type: z.literal('Issue'),
  action: z.enum(['create', 'update']),
  actor: z.object({ id: Id, name: Name }),
  data: z.object({
    id: Id,
    identifier: TrackerKey,
    title: z.string().max(1_000),
    description: z.string().max(200_000).nullish(),
    url: z.string().max(400),
    team: z.object({ key: z.string().regex(/^[A-Za-z\d_]{1,30}$/) }),
    labels: z
      .array(z.object({ id: Id, name: z.string().max(100) }))
      .max(200)
      .default([]),
  }),
  updatedFrom: z.object({ labelIds: z.array(Id).max(200).optional() }).optional(),
});

/** A Linear `Issue` webhook's issue, or null where it is no issue created or changed. */
export function readLinearDelivery(body: unknown): TrackerDelivery | null {
  const parsed = LinearIssue.safeParse(body);
  if (!parsed.success) return null;
  const { action, actor, data, updatedFrom } = parsed.data;
  // Only Linear's own address of this issue is linked.
  const url = new RegExp(
    `^https://linear\\.app/[\\w-]{1,100}/issue/${data.identifier}(?:/[\\w-]{0,200})?$`,
  );
  if (!url.test(data.url)) return null;
  const names = data.labels.map((label) => label.name);
  const before = updatedFrom?.labelIds;
  return {
    replyTo: data.id,
    issue: {
      tracker: 'linear',
      key: data.identifier,
      title: data.title,
      description: data.description ?? '',
      link: data.url,
      team: data.team.key,
      person: { id: actor.id, name: actor.name },
      labels: names,
      // Unchanged labels are not in `updatedFrom`: as before, so the label was not just given.
      labelsBefore:
        action === 'create'
          ? null
          : before
            ? data.labels.filter((label) => before.includes(label.id)).map((label) => label.name)
            : names,
    },
  };
}

const JiraIssue = z.object({
  webhookEvent: z.enum(['jira:issue_created', 'jira:issue_updated']),
  user: z.object({ accountId: Id, displayName: Name }),
  issue: z.object({
    key: TrackerKey,
    fields: z.object({
      summary: z.string().max(1_000),
      description: z.unknown().optional(),
      labels: z.array(z.string().max(255)).max(200).default([]),
      project: z.object({ key: z.string().regex(/^[A-Za-z][A-Za-z\d_]{0,30}$/) }),
    }),
  }),
  changelog: z
    .object({
      items: z
        .array(z.object({ field: z.string(), fromString: z.string().nullish() }))
        .max(500)
        .default([]),
    })
    .optional(),
});

/** A Jira `jira:issue_*` webhook's issue on `site`, or null where it is none. */
export function readJiraDelivery(body: unknown, site: string): TrackerDelivery | null {
  const parsed = JiraIssue.safeParse(body);
  if (!parsed.success) return null;
  const { webhookEvent, user, issue, changelog } = parsed.data;
  const labelsChange = changelog?.items.find((item) => item.field === 'labels');
  return {
    replyTo: issue.key,
    issue: {
      tracker: 'jira',
      key: issue.key,
      title: issue.fields.summary,
      description: jiraText(issue.fields.description).slice(0, 200_000),
      link: `${site}/browse/${issue.key}`,
      team: issue.fields.project.key,
      person: { id: user.accountId, name: user.displayName },
      labels: issue.fields.labels,
      labelsBefore:
        webhookEvent === 'jira:issue_created'
          ? null
          : labelsChange
            ? (labelsChange.fromString ?? '').split(/\s+/).filter(Boolean)
            : issue.fields.labels,
    },
  };
}

/** A Jira description's text: a string (wiki markup) as written, a document (ADF) by its text nodes. */
export function jiraText(description: unknown, depth = 0): string {
  if (typeof description === 'string') return description;
  if (!description || typeof description !== 'object' || depth > 30) return '';
  const node = description as { type?: unknown; text?: unknown; content?: unknown };
  if (node.type === 'text' && typeof node.text === 'string') return node.text;
  if (!Array.isArray(node.content)) return '';
  const inner = node.content.map((child) => jiraText(child, depth + 1));
  return inner.join(node.type === 'doc' ? '\n\n' : node.type === 'paragraph' ? '' : '\n');
}
