/**
 * The two GraphQL reads of the project door (docs/intake.md): what an item of
 * an organisation's project is (its type, and the issue it holds), and the
 * value one single-select field of it holds now. `projects_v2_item.edited`
 * names the item and the field changed, never the issue nor the new value
 * (https://docs.github.com/webhooks/webhook-events-and-payloads#projects_v2_item),
 * so both are read, by the item's node id, with the installation's token,
 * which needs Organization → Projects: read. Each costs one point
 * (`node /work/shared/tools/graphql-limits.mjs` on this file).
 */
import type { RepoContext } from '../../../client/types.js';

/** An item's content where it is an issue, and the type GitHub gives the item. */
export const PROJECT_ITEM_QUERY = `query BatonProjectItem($item: ID!) {
  node(id: $item) {
    ... on ProjectV2Item {
      type
      isArchived
      project { url }
      content {
        ... on Issue {
          number
          title
          url
          repository {
            name
            owner { login }
            defaultBranchRef { name }
          }
        }
      }
    }
  }
}`;

/** The value of one field, by its name, where it is a single-select field's. */
export const PROJECT_VALUE_QUERY = `query BatonProjectValue($item: ID!, $field: String!) {
  node(id: $item) {
    ... on ProjectV2Item {
      fieldValueByName(name: $field) {
        ... on ProjectV2ItemFieldSingleSelectValue {
          name
          field {
            ... on ProjectV2SingleSelectField { id }
          }
        }
      }
    }
  }
}`;

/** What an item is, as the door reads it: an issue of a repository, or something it takes no ask from. */
export type ProjectItem =
  | {
      kind: 'issue';
      number: number;
      title: string;
      url: string;
      /** The project's address: what asked. */
      project: string;
      owner: string;
      repo: string;
      defaultBranch: string;
    }
  | { kind: 'other'; why: string };

interface ItemResult {
  node: {
    type?: string;
    isArchived?: boolean;
    project?: { url?: string } | null;
    content?: {
      number?: number;
      title?: string;
      url?: string;
      repository?: {
        name: string;
        owner: { login: string };
        defaultBranchRef: { name: string } | null;
      };
    } | null;
  } | null;
}

interface ValueResult {
  node: {
    fieldValueByName?: { name?: string | null; field?: { id?: string } } | null;
  } | null;
}

/**
 * The item `itemId` as GitHub shows it to the installation now: an issue (its
 * number, title, address, repository and that repository's default branch),
 * or why not (a draft, a pull request, an archived item, one whose content the
 * token cannot see, which GitHub answers as `REDACTED`, or a refusal).
 */
export async function readProjectItem(ctx: RepoContext, itemId: string): Promise<ProjectItem> {
  const read = await answerOf<ItemResult>(() =>
    ctx.octokit.graphql(PROJECT_ITEM_QUERY, { item: itemId }),
  );
  const node = read?.node;
  if (!node) return { kind: 'other', why: 'an item the installation cannot read' };
  if (node.type !== 'ISSUE') return { kind: 'other', why: `an item of type ${node.type}` };
  if (node.isArchived) return { kind: 'other', why: 'an archived item' };
  const issue = node.content;
  const repository = issue?.repository;
  if (!issue?.number || !repository?.defaultBranchRef)
    return { kind: 'other', why: 'an issue the installation cannot read' };
  return {
    kind: 'issue',
    number: issue.number,
    title: issue.title ?? '',
    url: issue.url ?? '',
    project: node.project?.url ?? '',
    owner: repository.owner.login,
    repo: repository.name,
    defaultBranch: repository.defaultBranchRef.name,
  };
}

/**
 * The option the item's single-select field `field` holds now, with the
 * field's node id; null where the field is no single-select one, holds
 * nothing, or the item cannot be read.
 */
export async function readFieldValue(
  ctx: RepoContext,
  { itemId, field }: { itemId: string; field: string },
): Promise<{ value: string; fieldId: string } | null> {
  const read = await answerOf<ValueResult>(() =>
    ctx.octokit.graphql(PROJECT_VALUE_QUERY, { item: itemId, field }),
  );
  const value = read?.node?.fieldValueByName;
  if (!value?.name || !value.field?.id) return null;
  return { value: value.name, fieldId: value.field.id };
}

/**
 * A query's data; where GitHub answers with errors beside it (a node the token
 * may not read: FORBIDDEN or NOT_FOUND), the data it still gave, null for none.
 * A failure of GitHub itself (an HTTP status) is thrown, as any read's is.
 */
async function answerOf<T>(query: () => Promise<unknown>): Promise<T | null> {
  try {
    return (await query()) as T;
  } catch (error) {
    const failed = error as { name?: string; data?: T | null } | null;
    if (failed?.name === 'GraphqlResponseError') return failed.data ?? null;
    throw error;
  }
}
