/**
 * The page (docs/mission-control.md): every build and change set of the
 * installations a signed-in person can see, what waits for them, the
 * spend and what memory did, at the app's URL, and the same as JSON. It reads no build from
 * GitHub: it shows the builds as the reconciles last read them (`BuildBoard`),
 * and asks GitHub only what the person may read (`ViewerAccess`) and, for a
 * repository they may read, its settings in effect (`RepoSettingsReader`). It
 * writes nothing anywhere: commands stay comments on GitHub.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BuildRead } from '../core/overview/build-read.js';
import {
  filteredOverview,
  filtering,
  filterOf,
  filterStates,
  unknownDoorOf,
  unknownStateOf,
} from '../core/overview/filter.js';
import { buildDetailFor, overviewOf } from '../core/overview/overview.js';
import { DOORS } from '../core/snapshot/ask-record.js';
import { REPOSITORY_NAME } from '../core/vocabulary/ids.js';
import type { Octokit } from '../github/client/types.js';
import type { Handler } from '../server/session-token.js';
import { sendAuditTrail } from './audit-download.js';
import { answeredUnchanged, etagOf } from './live.js';
import { createOrgOwners, type OrgOwners } from './org-owners.js';
import type { PageSettingsRead } from './page-settings.js';
import {
  buildDocument,
  errorDocument,
  notFoundDocument,
  overviewDocument,
  settingsDocument,
  signInDocument,
} from './render/documents.js';
import { HOSTED_LINKS } from './render/layout.js';
import { createRepoSettings, type RepoSettings, type RepoSettingsReader } from './repo-settings.js';
import { sendHtml, sendJson } from './respond.js';
import { createSignInFlow, type SignedIn, type SignInFlow } from './sign-in-flow.js';
import { installationToRead, type ViewerAccess } from './viewer-access.js';

/** What the page reads: the builds as last read, and what GitHub lists for a person. */
export interface PageDeps {
  settings: PageSettingsRead;
  board: { reads(): BuildRead[] };
  /** The app's client for one of its installations: a repository's settings are read through it. */
  installation: (installationId: number) => Promise<Octokit>;
  /** What GitHub lists for a signed-in person; made from `settings` when absent. */
  access?: ViewerAccess;
  /** Whether a signed-in person owns an organisation (the audit trail's download); made from `settings` when absent. */
  owners?: OrgOwners;
  now?: () => number;
  log: { warn(message: string): void };
}

type Route =
  | { kind: 'overview' | 'waiting' | 'spend' | 'memory' | 'json-overview' }
  | { kind: 'build' | 'json-build'; key: string }
  | { kind: 'settings' | 'json-settings'; repository: string }
  | { kind: 'json-audit' }
  | { kind: 'sign-in' | 'callback' | 'sign-out' };

/** The page's routes; null for any other request (Probot's and Baton's other handlers). */
export function routeOf(method: string, path: string): Route | null {
  const get = method === 'GET' || method === 'HEAD';
  if (get && path === '/') return { kind: 'overview' };
  if (get && path === '/waiting') return { kind: 'waiting' };
  if (get && path === '/spend') return { kind: 'spend' };
  if (get && path === '/memory') return { kind: 'memory' };
  if (get && path === '/api/baton/overview') return { kind: 'json-overview' };
  if (get && path === '/audit.jsonl') return { kind: 'json-audit' };
  if (get && path === '/sign-in') return { kind: 'sign-in' };
  if (get && path === '/sign-in/callback') return { kind: 'callback' };
  if (method === 'POST' && path === '/sign-out') return { kind: 'sign-out' };
  const build = /^\/(api\/baton\/)?builds\/([^/]+\/[^/]+\/[^/]+)$/.exec(path);
  if (get && build?.[2]) {
    const key = build[2].split('/').map(decodeSafely).join('/');
    return { kind: build[1] ? 'json-build' : 'build', key };
  }
  const settings = /^\/(api\/baton\/)?settings\/([^/]+\/[^/]+)$/.exec(path);
  if (get && settings?.[2]) {
    const repository = settings[2].split('/').map(decodeSafely).join('/');
    if (REPOSITORY_NAME.test(repository))
      return { kind: settings[1] ? 'json-settings' : 'settings', repository };
  }
  return null;
}

export function createPageHandler(deps: PageDeps): Handler {
  const now = deps.now ?? Date.now;
  const flow: SignInFlow | null = deps.settings.ok
    ? createSignInFlow({
        settings: deps.settings.settings,
        now,
        log: deps.log,
        ...(deps.access ? { access: deps.access } : {}),
      })
    : null;
  const owners =
    deps.owners ?? (deps.settings.ok ? createOrgOwners(deps.settings.settings, now) : null);
  const repoSettings = createRepoSettings({ installation: deps.installation, now });
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://page.invalid');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) return false;
    if (!flow) {
      const problem = deps.settings.ok ? undefined : deps.settings.problem;
      // A page that says what to set up, answered 200: load balancers probe `/` unless told
      // otherwise, and a 5xx there would take a working app (and its webhooks) out of rotation.
      return route.kind.startsWith('json')
        ? sendJson(res, 503, { message: `sign-in is not set up: ${problem}` })
        : sendHtml(res, 200, signInDocument({ href: null, ...(problem ? { problem } : {}) }));
    }
    switch (route.kind) {
      case 'sign-in':
        return flow.start(req, res, url);
      case 'callback':
        return flow.callback(req, res, url);
      case 'sign-out':
        return flow.signOut(req, res);
      default: {
        const signedIn = await flow.signedIn(req, res);
        if (!signedIn) return refuse(res, route, url);
        if (route.kind === 'json-audit' && owners) {
          const reads = deps.board.reads();
          return sendAuditTrail({ res, url, signedIn, reads, owners, log: deps.log });
        }
        if (route.kind === 'settings' || route.kind === 'json-settings')
          return showSettings({ res, route, signedIn, repoSettings, log: deps.log });
        return show({
          req,
          res,
          route,
          url,
          signedIn,
          reads: deps.board.reads(),
          now: new Date(now()).toISOString(),
        });
      }
    }
  };
}

/** Nothing without signing in: the sign-in page, or 401 for the JSON. */
function refuse(res: ServerResponse, route: Route, url: URL): true {
  if (route.kind.startsWith('json'))
    return sendJson(res, 401, { message: 'sign in first: open /sign-in in a browser' });
  const back = url.pathname === '/' ? '' : `?return_to=${encodeURIComponent(url.pathname)}`;
  return sendHtml(res, 401, signInDocument({ href: `/sign-in${back}` }));
}

/**
 * A view from the builds the board holds, never a read of GitHub: the list
 * narrowed by the query (`?state=&q=`), and answered 304 where the poll
 * script already holds what it would show (live.ts).
 */
function show({
  req,
  res,
  route,
  url,
  signedIn,
  reads,
  now,
}: {
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  url: URL;
  signedIn: SignedIn;
  reads: BuildRead[];
  now: string;
}): true {
  const { access } = signedIn;
  const viewer = access.kind === 'viewer' ? access.login : null;
  const address = `${url.pathname}${url.search}`;
  switch (route.kind) {
    case 'build':
    case 'json-build': {
      const detail = buildDetailFor({ reads, access, key: route.key, now });
      if (!detail)
        return route.kind === 'json-build'
          ? sendJson(res, 404, { message: 'no build you can read is at this address' })
          : sendHtml(res, 404, notFoundDocument(viewer));
      const etag = etagOf({ viewer, address, data: detail, now });
      if (answeredUnchanged(req, res, etag)) return true;
      return route.kind === 'json-build'
        ? sendJson(res, 200, detail, etag)
        : sendHtml(res, 200, buildDocument({ detail, viewer, now, etag }), etag);
    }
    case 'overview':
    case 'waiting':
    case 'spend':
    case 'memory':
    case 'json-overview': {
      // A state that is none is said, never silently dropped: 400 for a script, a note on the page.
      const unknown = unknownStateOf(url.searchParams.get('state'));
      const unknownDoor = unknownDoorOf(url.searchParams.get('door'));
      const notice = unknown
        ? `There is no state "${unknown}": every state is shown. The states are ${filterStates().join(', ')}.`
        : unknownDoor
          ? `There is no door "${unknownDoor}": every door is shown. The doors are ${DOORS.join(', ')}.`
          : undefined;
      if (notice && route.kind === 'json-overview') return sendJson(res, 400, { message: notice });
      const whole = overviewOf({ reads, access, now });
      const filter = filterOf({
        state: url.searchParams.get('state'),
        q: url.searchParams.get('q'),
        door: url.searchParams.get('door'),
      });
      const overview =
        (route.kind === 'overview' || route.kind === 'json-overview') && filtering(filter)
          ? filteredOverview(whole, filter)
          : whole;
      const etag = etagOf({ viewer, address, data: overview, now });
      if (answeredUnchanged(req, res, etag)) return true;
      if (route.kind === 'json-overview') return sendJson(res, 200, overview, etag);
      const section = route.kind === 'overview' ? 'builds' : route.kind;
      const page = overviewDocument({ section, overview, links: HOSTED_LINKS, etag, notice });
      return sendHtml(res, 200, page, etag);
    }
    default:
      return sendJson(res, 404, { message: 'not found' });
  }
}

/**
 * A repository's settings in effect, only to a person GitHub lists it for:
 * anyone else gets what an address of nothing gets, and nothing is read.
 */
async function showSettings({
  res,
  route,
  signedIn,
  repoSettings,
  log,
}: {
  res: ServerResponse;
  route: { kind: 'settings' | 'json-settings'; repository: string };
  signedIn: SignedIn;
  repoSettings: RepoSettingsReader;
  log: PageDeps['log'];
}): Promise<true> {
  const { access } = signedIn;
  const viewer = access.kind === 'viewer' ? access.login : null;
  const json = route.kind === 'json-settings';
  const installationId = installationToRead(access, route.repository);
  if (installationId === null)
    return json
      ? sendJson(res, 404, { message: 'no repository you can read is at this address' })
      : sendHtml(res, 404, notFoundDocument(viewer, 'repository'));
  let settings: RepoSettings;
  try {
    settings = await repoSettings.settingsOf({ repository: route.repository, installationId });
  } catch (error) {
    log.warn(
      `baton: the settings of ${route.repository} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
    const message = 'GitHub did not answer for these settings: try again in a minute';
    return json
      ? sendJson(res, 502, { message })
      : sendHtml(res, 502, errorDocument(viewer, message));
  }
  return json
    ? sendJson(res, 200, settings)
    : sendHtml(res, 200, settingsDocument({ settings, viewer }));
}

function decodeSafely(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
