import { z } from 'zod';
import type { ViewArchive } from '../../core/change-set/views.js';
import type { SessionEnv } from '../env.js';
import { askApp, requestIdToken } from '../publish/write/token/get-session-token.js';

/**
 * What a views job is given: each view's archive link, and with nothing hosted
 * the read-only token the links were asked with, revoked once they are
 * downloaded (the app hands none); or why not.
 */
export type GivenViews =
  | { ok: true; token: string | null; views: ViewArchive[] }
  | { ok: false; message: string };

const Answer = z.object({
  views: z.array(
    z.object({ repository: z.string(), ref: z.string().nullable(), archive: z.url() }),
  ),
});

/** What asking for or minting the views needs: the job's environment, fetch, and the log's mask. */
export interface ViewsRequest {
  env: SessionEnv;
  fetch: typeof globalThis.fetch;
  mask: (secret: string) => void;
  /** The wait before asking the app again after its "try again later" (tests make it short). */
  waitMs?: number;
}

/**
 * The views of a hosted app: this job's OIDC token traded at the app's
 * endpoint, which answers the repositories the session may read, each with
 * the link GitHub made for an archive of its branch (`issueViews` in
 * src/server). A private repository's link carries a token of its own: each
 * is masked in the log.
 */
export async function askViews({ env, fetch, mask, waitMs }: ViewsRequest): Promise<GivenViews> {
  const jwt = await requestIdToken({ env, fetch, mask });
  if (!jwt.ok) return jwt;
  const asked = await askApp({ appUrl: jwt.appUrl, jwt: jwt.value, fetch, waitMs });
  if (!asked.ok) return asked;
  const answer = Answer.safeParse(asked.body);
  if (asked.status !== 200 || !answer.success) {
    const reason = (asked.body as { message?: unknown } | null)?.message;
    return {
      ok: false,
      message: `The app refused this run its views (${asked.status}): ${typeof reason === 'string' ? reason : 'no reason given'}`,
    };
  }
  for (const view of answer.data.views) maskArchive(view.archive, mask);
  return { ok: true, token: null, views: answer.data.views };
}

/** Masks an archive link, and its token apart (a log may show it alone). */
export function maskArchive(link: string, mask: (secret: string) => void): void {
  mask(link);
  const token = new URL(link).searchParams.get('token');
  if (token) mask(token);
}
