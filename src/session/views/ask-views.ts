import { z } from 'zod';
import type { ViewTarget } from '../../core/change-set/views.js';
import type { SessionEnv } from '../env.js';
import {
  jsonOf,
  requestIdToken,
  SESSION_TOKEN_PATH,
  unreachable,
} from '../publish/write/get-session-token.js';

/** A views job's read-only token and what it may read; or why not. No token when there is nothing to read. */
export type GivenViews =
  | { ok: true; token: string | null; views: ViewTarget[] }
  | { ok: false; message: string };

const Answer = z.object({
  token: z.string().min(1).optional(),
  views: z.array(z.object({ repository: z.string(), ref: z.string().nullable() })),
});

/** What asking for or minting the views needs: the job's environment, fetch, and the log's mask. */
export interface ViewsRequest {
  env: SessionEnv;
  fetch: typeof globalThis.fetch;
  mask: (secret: string) => void;
}

/**
 * The views of a hosted app: this job's OIDC token traded at the app's
 * endpoint, which answers the repositories the session may read and a token
 * of `contents: read` for them alone (`issueViews` in src/server).
 */
export async function askViews({ env, fetch, mask }: ViewsRequest): Promise<GivenViews> {
  const jwt = await requestIdToken({ env, fetch, mask });
  if (!jwt.ok) return jwt;
  const endpoint = `${jwt.appUrl.replace(/\/+$/, '')}${SESSION_TOKEN_PATH}`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { Authorization: `Bearer ${jwt.value}` },
    });
  } catch (error) {
    return { ok: false, message: unreachable(error, `the app at ${jwt.appUrl}`, 'the runner') };
  }
  const body = await jsonOf(response);
  const answer = Answer.safeParse(body);
  if (response.status !== 200 || !answer.success) {
    const reason = (body as { message?: unknown } | null)?.message;
    return {
      ok: false,
      message: `The app refused this run its views (${response.status}): ${typeof reason === 'string' ? reason : 'no reason given'}`,
    };
  }
  if (answer.data.token) mask(answer.data.token);
  return { ok: true, token: answer.data.token ?? null, views: answer.data.views };
}
