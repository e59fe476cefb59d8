import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import nock from 'nock';
import { FakeJira } from '../../sim/trackers/fake-jira.js';
import { FakeLinear } from '../../sim/trackers/fake-linear.js';
import type {
  SignedDelivery,
  TrackerRequest,
  TrackerResponse,
} from '../../sim/trackers/tracker-request.js';
import type { Handler } from '../../src/server/session-token.js';
import type { TrackerSettings } from '../../src/server/trackers/tracker-settings.js';
import type { AppHarness } from './app-harness.js';

export interface Trackers {
  linear: FakeLinear;
  jira: FakeJira;
}

/** A simulated Linear and Jira on the clock `now` (ms), not yet served. */
export function trackerSims(now: () => number): Trackers {
  return { linear: new FakeLinear(now), jira: new FakeJira(now) };
}

/** Serves the simulated trackers' APIs on nock, as GitHub is (after the app started: its stop clears nock). */
export function serveTrackers({ linear, jira }: Trackers): void {
  serve('https://api.linear.app', (request) => linear.handle(request));
  serve(jira.site, (request) => jira.handle(request));
}

/** The app's settings for both simulated trackers, their home repository `home` (owner/name). */
export function trackerSettings(
  { linear, jira }: Trackers,
  home: { owner: string; repo: string },
): TrackerSettings {
  return {
    home,
    linear: { secret: linear.secret, apiKey: linear.apiKey },
    jira: { secret: jira.secret, site: jira.site, email: jira.email, apiToken: jira.apiToken },
  };
}

function serve(base: string, handle: (request: TrackerRequest) => TrackerResponse): void {
  const scope = nock(base).persist();
  for (const method of ['GET', 'POST', 'PUT', 'DELETE'])
    scope.intercept(/.*/, method).reply(function reply(uri, body) {
      const headers = Object.fromEntries(
        Object.entries(this.req.headers).map(([key, value]) => [key.toLowerCase(), String(value)]),
      );
      const parsed = typeof body === 'string' && body ? JSON.parse(body) : body;
      const url = new URL(uri, base);
      const answer = handle({
        method,
        path: url.pathname,
        query: url.search,
        headers,
        body: parsed,
      });
      return [
        answer.status,
        answer.body === undefined ? '' : JSON.stringify(answer.body),
        { 'content-type': 'application/json', ...answer.headers },
      ];
    });
}

/** The app's answer to a POST of `delivery` to `path`, through the handlers it serves; then its reconciles done. */
export async function postDelivery(
  app: AppHarness,
  path: string,
  delivery: SignedDelivery,
): Promise<{ status: number; body: { status?: string; message?: string } }> {
  const answer = await request(app.handlers, path, delivery);
  await app.idle();
  return answer;
}

function request(
  handlers: Handler[],
  path: string,
  { headers, body }: SignedDelivery,
): Promise<{ status: number; body: { status?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = Object.assign(Readable.from([Buffer.from(body)]), {
      url: path,
      method: 'POST',
      headers,
    }) as unknown as IncomingMessage;
    let status = 0;
    const res = {
      headersSent: false,
      writeHead(code: number) {
        status = code;
        Object.assign(res, { headersSent: true });
        return res;
      },
      end(text: string) {
        resolve({ status, body: JSON.parse(text) });
      },
    } as unknown as ServerResponse;
    const served = handlers.some((handler) => handler(req, res) !== false);
    if (!served) reject(new Error(`no handler serves ${path}`));
  });
}

/** Alice as Linear and Jira name her: the home's mapping maps her to the maintainer. */
export const ALICE = { id: 'user-alice', name: 'Alice' };
export const ALICE_JIRA = { accountId: '5b10:alice', displayName: 'Alice' };

/**
 * The home repository's mapping: its own repository for team ENG and project
 * PROJ, Alice its maintainer on both; `linearPeople` maps more Linear users, and
 * `jiraLabel` is the Jira label that asks where it is not the default.
 */
export function trackerMapping({
  linearPeople = '',
  jiraLabel,
}: {
  linearPeople?: string;
  jiraLabel?: string;
} = {}): string {
  return [
    'trackers:',
    '  linear:',
    '    teams: { ENG: widgets }',
    `    people: { user-alice: maintainer${linearPeople ? `, ${linearPeople}` : ''} }`,
    '  jira:',
    ...(jiraLabel ? [`    label: ${jiraLabel}`] : []),
    '    projects: { PROJ: widgets }',
    "    people: { '5b10:alice': maintainer }",
    '',
  ].join('\n');
}
