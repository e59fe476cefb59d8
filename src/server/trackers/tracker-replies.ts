/**
 * How Baton answers on a tracker's issue: one comment, through the tracker's
 * documented API with plain fetch. Linear: the GraphQL mutation
 * `commentCreate` at https://api.linear.app/graphql, the API key as the
 * `Authorization` header. Jira Cloud: `POST /rest/api/3/issue/{key}/comment`
 * with a document (ADF) body, basic auth of an account's email and API token.
 */
import type { TrackerSettings } from './tracker-settings.js';

/** Linear's GraphQL endpoint. */
export const LINEAR_API = 'https://api.linear.app/graphql';

const COMMENT_CREATE =
  'mutation BatonComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }';

/** Comments `text` on Linear's issue `issueId`; throws where Linear refuses. */
export async function commentOnLinear(
  { apiKey }: { apiKey: string },
  issueId: string,
  text: string,
  fetcher: typeof fetch = fetch,
): Promise<void> {
  const response = await fetcher(LINEAR_API, {
    method: 'POST',
    headers: { authorization: apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ query: COMMENT_CREATE, variables: { input: { issueId, body: text } } }),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    data?: { commentCreate?: { success?: boolean } };
    errors?: { message?: string }[];
  };
  if (!response.ok || answer.errors?.length || !answer.data?.commentCreate?.success)
    throw new Error(
      `Linear refused the comment (${response.status}): ${answer.errors?.[0]?.message ?? 'no success'}`,
    );
}

/** Comments `text` on Jira's issue `key`; throws where Jira refuses. */
export async function commentOnJira(
  { site, email, apiToken }: { site: string; email: string; apiToken: string },
  key: string,
  text: string,
  fetcher: typeof fetch = fetch,
): Promise<void> {
  const response = await fetcher(`${site}/rest/api/3/issue/${encodeURIComponent(key)}/comment`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({
      body: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
      },
    }),
  });
  if (response.status !== 201) throw new Error(`Jira refused the comment (${response.status})`);
}

/** The answer on a tracker's issue, where its credentials are set; null where Baton cannot answer there. */
export function replierFor(
  settings: TrackerSettings,
  tracker: 'linear' | 'jira',
  fetcher: typeof fetch = fetch,
): ((replyTo: string, text: string) => Promise<void>) | null {
  const { linear, jira } = settings;
  if (tracker === 'linear' && linear?.apiKey) {
    const apiKey = linear.apiKey;
    return (id, text) => commentOnLinear({ apiKey }, id, text, fetcher);
  }
  if (tracker === 'jira' && jira?.email && jira.apiToken) {
    const credentials = { site: jira.site, email: jira.email, apiToken: jira.apiToken };
    return (key, text) => commentOnJira(credentials, key, text, fetcher);
  }
  return null;
}
