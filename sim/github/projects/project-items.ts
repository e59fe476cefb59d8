/**
 * The organisation's projects (v2) as GitHub keeps them for the simulated
 * repository's owner: items that are an issue or a pull request of a
 * repository (this one or a peer), or a draft, each with its single-select
 * values by field name. A person's edit of one is the `projects_v2_item`
 * webhook GitHub sends, shaped as GitHub shapes it (no repository, and the
 * field's node id but not its new value), and only to an installation that
 * accepted the event and Organization → Projects: read
 * (https://docs.github.com/webhooks/webhook-events-and-payloads#projects_v2_item).
 * GraphQL's `node(id:)` reads an item (`BatonProjectItem`) and a field's value
 * (`BatonProjectValue`): refused, as GitHub refuses it, to a token without
 * that permission; an item whose issue the installation cannot see is
 * `REDACTED`, with no content.
 */
import type { GitHubState } from '../github-state.js';
import type { Grants } from '../permissions.js';

/** What an item holds: an issue or pull request of a repository, or a draft that is in none. */
export type SimProjectContent =
  | { type: 'Issue' | 'PullRequest'; repository: GitHubState; number: number }
  | { type: 'DraftIssue'; title: string };

/** One item of the organisation's project. */
export interface SimProjectItem {
  id: number;
  nodeId: string;
  projectNumber: number;
  content: SimProjectContent;
  /** Single-select values by field name (the option's name). */
  values: Map<string, string>;
  archived: boolean;
}

const items = new WeakMap<GitHubState, SimProjectItem[]>();

/** The items of the projects of `gh`'s owner (the organisation GraphQL answers for as `gh`). */
export function projectItemsOf(gh: GitHubState): SimProjectItem[] {
  let list = items.get(gh);
  if (!list) {
    list = [];
    items.set(gh, list);
  }
  return list;
}

/** Adds an item to project `projectNumber` (1 unless given) of `gh`'s owner. */
export function addProjectItem(
  gh: GitHubState,
  { content, projectNumber = 1 }: { content: SimProjectContent; projectNumber?: number },
): SimProjectItem {
  const list = projectItemsOf(gh);
  const id = 5_000_000 + list.length + 1;
  const item: SimProjectItem = {
    id,
    nodeId: `PVTI_sim${id}`,
    projectNumber,
    content,
    values: new Map(),
    archived: false,
  };
  list.push(item);
  return item;
}

/** A single-select field's node id, stable by its name. */
export function projectFieldId(field: string): string {
  return `PVTSSF_sim${[...field].map((char) => char.charCodeAt(0).toString(16)).join('')}`;
}

/**
 * `by` sets the item's single-select `field` to `value` (null clears it): the
 * value changes, and the `projects_v2_item.edited` webhook lands in `gh.outbox`
 * where the installation accepted the event and the permission it needs.
 */
export function setProjectField(
  gh: GitHubState,
  item: SimProjectItem,
  { field, value, by }: { field: string; value: string | null; by: string },
): void {
  if (value === null) item.values.delete(field);
  else item.values.set(field, value);
  const { events, permissions } = gh.installationGrants;
  if (!events.includes('projects_v2_item') || !permissions.organization_projects) return;
  const at = gh.now();
  gh.outbox.push({
    name: 'projects_v2_item',
    payload: {
      action: 'edited',
      projects_v2_item: {
        id: item.id,
        node_id: item.nodeId,
        project_node_id: `PVT_sim${item.projectNumber}`,
        content_node_id: contentNodeId(item.content),
        content_type: item.content.type,
        creator: gh.user(by),
        created_at: at,
        updated_at: at,
        archived_at: item.archived ? at : null,
      },
      changes: {
        field_value: { field_node_id: projectFieldId(field), field_type: 'single_select' },
      },
      organization: { login: gh.owner, id: 1 },
      installation: { id: gh.installationId },
      sender: gh.user(by),
    },
  });
}

function contentNodeId(content: SimProjectContent): string {
  if (content.type === 'DraftIssue') return 'DI_sim';
  const prefix = content.type === 'Issue' ? 'I' : 'PR';
  return `${prefix}_sim${content.repository.repositoryId}_${content.number}`;
}

/**
 * The answer to the project door's queries, or null for any other operation.
 * `sees` says whether the request's token sees a repository's issues.
 */
export function answerProjectQuery(
  gh: GitHubState,
  {
    name,
    variables,
    grants,
    sees,
  }: {
    name: string;
    variables: Record<string, unknown>;
    grants: Grants | null;
    sees: (repo: GitHubState) => boolean;
  },
): { data: Record<string, unknown>; errors?: unknown[] } | null {
  if (name !== 'BatonProjectItem' && name !== 'BatonProjectValue') return null;
  if (grants && !grants.organization_projects)
    return {
      data: { node: null },
      errors: [
        { type: 'FORBIDDEN', path: ['node'], message: 'Resource not accessible by integration' },
      ],
    };
  const item = projectItemsOf(gh).find((one) => one.nodeId === variables.item);
  if (!item)
    return {
      data: { node: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['node'],
          message: `Could not resolve to a node with the global id of '${String(variables.item)}'`,
        },
      ],
    };
  return { data: { node: itemNode(gh, item, { variables, sees }) } };
}

function itemNode(
  gh: GitHubState,
  item: SimProjectItem,
  { variables, sees }: { variables: Record<string, unknown>; sees: (repo: GitHubState) => boolean },
) {
  const { content } = item;
  const hidden =
    content.type !== 'DraftIssue' &&
    (!sees(content.repository) ||
      (content.repository.visibility !== 'public' && !content.repository.installed));
  const field = String(variables.field ?? '');
  const value = item.values.get(field);
  return {
    __typename: 'ProjectV2Item',
    type: hidden ? 'REDACTED' : TYPES[content.type],
    isArchived: item.archived,
    project: { url: `https://github.com/orgs/${gh.owner}/projects/${item.projectNumber}` },
    content: hidden ? null : contentNode(content),
    fieldValueByName:
      value === undefined
        ? null
        : {
            __typename: 'ProjectV2ItemFieldSingleSelectValue',
            name: value,
            field: { __typename: 'ProjectV2SingleSelectField', id: projectFieldId(field) },
          },
  };
}

const TYPES: Record<SimProjectContent['type'], string> = {
  Issue: 'ISSUE',
  PullRequest: 'PULL_REQUEST',
  DraftIssue: 'DRAFT_ISSUE',
};

function contentNode(content: SimProjectContent) {
  if (content.type === 'DraftIssue') return { __typename: 'DraftIssue', title: content.title };
  const repo = content.repository;
  const issue = repo.issues.get(content.number);
  return {
    __typename: content.type,
    number: content.number,
    title: issue?.title ?? '',
    url: `${repo.htmlUrl}/${content.type === 'Issue' ? 'issues' : 'pull'}/${content.number}`,
    repository: {
      name: repo.repo,
      owner: { login: repo.owner },
      defaultBranchRef: { name: repo.defaultBranch },
    },
  };
}
