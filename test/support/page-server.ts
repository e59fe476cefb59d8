import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import { installationToken } from '../../sim/github/tokens.js';
import type { BuildRead } from '../../src/core/overview/build-read.js';
import { BatonOctokit } from '../../src/github/client/octokit.js';
import type { Octokit } from '../../src/github/client/types.js';
import { BuildBoard } from '../../src/page/build-board.js';
import { createPageHandler } from '../../src/page/page-handler.js';
import { type PageSettingsRead, readPageSettings } from '../../src/page/page-settings.js';
import { pageReads } from './page-builds.js';
import { CLIENT_ID, CLIENT_SECRET, type PageWorld, startPageWorld } from './page-world.js';

/** The page served on 127.0.0.1 against a page world, with the builds of `reads` on its board. */
export interface PageServer {
  url: string;
  board: BuildBoard;
  settings: PageSettingsRead;
  /** Warnings the page logged. */
  warnings: string[];
  close(): Promise<void>;
}

/**
 * The page's handler alone on a server of its own (as the app mounts it on
 * Probot's), signing people in at `world`'s simulated GitHub, whose callback
 * URLs it is registered in. `secret` stands for another deployment's client
 * secret (its cookies' key).
 */
export async function startPageServer({
  world,
  reads = [],
  now,
  secret = CLIENT_SECRET,
}: {
  world: PageWorld;
  reads?: readonly BuildRead[];
  now?: () => number;
  secret?: string;
}): Promise<PageServer> {
  const board = new BuildBoard();
  for (const read of reads) board.note(read);
  const warnings: string[] = [];
  let handler: ReturnType<typeof createPageHandler> | null = null;
  const server = createServer((req, res) => {
    Promise.resolve(handler?.(req, res) ?? false)
      .then((handled) => {
        if (!handled) res.writeHead(404).end('not the page');
      })
      .catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = readPageSettings(
    { GITHUB_CLIENT_ID: CLIENT_ID, GITHUB_CLIENT_SECRET: secret, BATON_APP_URL: url },
    { apiUrl: world.server.apiUrl },
  );
  if (settings.ok) world.auth.callbackUrls.push(settings.settings.callbackUrl);
  handler = createPageHandler({
    settings,
    board,
    installation: async (installationId) => installationClient(world, installationId),
    ...(now ? { now } : {}),
    log: { warn: (message) => warnings.push(message) },
  });
  return {
    url,
    board,
    settings,
    warnings,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The app's client for one installation of `world`: its installation token, retries and throttling off. */
export function installationClient(world: PageWorld, installationId: number): Octokit {
  return new BatonOctokit({
    baseUrl: world.server.apiUrl,
    auth: { token: installationToken(installationId) },
    retry: { enabled: false },
    throttle: { enabled: false },
  } as never) as unknown as Octokit;
}

/** An answer of the page, read whole. */
export interface PageAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** The `Set-Cookie` values it sent, as `name=value` (attributes dropped). */
  cookies: string[];
}

export async function request(
  page: Pick<PageServer, 'url'>,
  path: string,
  {
    cookie,
    method = 'GET',
    headers = {},
  }: { cookie?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<PageAnswer> {
  const response = await fetch(`${page.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), ...headers },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: await response.text(),
    cookies: response.headers.getSetCookie().map((value) => value.split(';')[0] ?? ''),
  };
}

/**
 * A sign-in as far as `login`'s consent: the page's redirect to the simulated authorize
 * page, the person's consent there. Answers the sign-in cookie the page set, and the
 * callback the consent sends the browser to, not yet followed.
 */
export async function consented(
  page: Pick<PageServer, 'url'>,
  world: { server: Pick<PageWorld['server'], 'url'> },
  login: string,
): Promise<{ signInCookie: string; callback: URL }> {
  const start = await request(page, '/sign-in');
  const signInCookie = start.cookies.find((cookie) => cookie.includes('baton_sign_in=')) ?? '';
  const authorize = new URL(start.headers.get('location') ?? '');
  const consent = await fetch(`${world.server.url}/login/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...authorize.searchParams, ['login', login]]),
  });
  return { signInCookie, callback: new URL(consent.headers.get('location') ?? '') };
}

/**
 * Signs `login` in as a browser would: the page's redirect to the simulated
 * authorize page, the person's consent there, the callback with the code.
 * Answers the session cookie (`name=value`), to send as a `Cookie` header.
 */
export async function signIn(
  page: Pick<PageServer, 'url'>,
  world: { server: Pick<PageWorld['server'], 'url'> },
  login: string,
): Promise<string> {
  const { signInCookie, callback } = await consented(page, world, login);
  const answer = await request(page, `${callback.pathname}${callback.search}`, {
    cookie: signInCookie,
  });
  const session = answer.cookies.find(
    (cookie) => cookie.includes('baton_session=') && !cookie.endsWith('='),
  );
  if (answer.status !== 303 || !session)
    throw new Error(`sign-in of ${login} failed: ${answer.status} ${answer.body}`);
  return session;
}

/**
 * Before each test: the page's world and its server on the clock `now`, which
 * `use` receives; both stopped after the test.
 */
export function pageEachTest(
  now: () => number,
  use: (world: PageWorld, page: PageServer) => void,
): void {
  let started: { world: PageWorld; page: PageServer } | undefined;
  beforeEach(async () => {
    const world = await startPageWorld();
    const page = await startPageServer({ world, reads: pageReads(), now });
    started = { world, page };
    use(world, page);
  });
  afterEach(async () => {
    await started?.page.close();
    await started?.world.stop();
  });
}
