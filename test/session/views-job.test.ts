import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tarGz } from '../../sim/github/archive.js';
import { runViews, VIEWS_MANIFEST } from '../../src/session/views/run-views.js';
import { makeEnv, makeTempDir, removeTempDirs } from './agent-fixtures.js';

/**
 * A change set's views job (docs/sessions.md, "A change set's views job")
 * with an app that answers archive links: it downloads and unpacks each, hands
 * the agent the files and a manifest of repository and branch (never the
 * link, whose token opens the archive), and masks every link in its log.
 */
afterEach(removeTempDirs);

const APP = 'https://baton.example';
const ARCHIVE_TOKEN = 'AAAABBBBCCCCDDDDEEEEFFFF00001111';
const LINK = `https://codeload.github.com/acme/lib/legacy.tar.gz/refs/heads/main?token=${ARCHIVE_TOKEN}`;

/**
 * The runner's OIDC endpoint, the app's token endpoint and codeload, as one fetch; the app
 * answers each of `later` first (its "try again later"), then the views.
 */
function world(
  archive: Buffer,
  later: number[] = [],
): { fetch: typeof globalThis.fetch; asked: string[] } {
  const asked: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    asked.push(url.replace(/\?.*$/, ''));
    if (url.startsWith('https://runner.example/'))
      return Response.json({ value: 'oidc.jwt.value' });
    const status = later.shift();
    if (url === `${APP}/api/baton/session-token` && status !== undefined)
      return Response.json({ message: 'try again later' }, { status });
    if (url === `${APP}/api/baton/session-token`)
      return Response.json({ views: [{ repository: 'acme/lib', ref: null, archive: LINK }] });
    if (url === LINK) return new Response(archive);
    return new Response('Not Found', { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

const ARCHIVE = () =>
  tarGz(
    new Map([
      ['README.md', '# lib\n'],
      ['src/lib.js', 'export const get = 1;\n'],
    ]),
    'acme-lib-0123456',
  );

/** A views job's environment, its output in a folder of its own. */
async function viewsEnv() {
  const out = await makeTempDir('baton-views-');
  const env = makeEnv({
    BATON_ROLE: 'plan',
    BATON_OUT: out,
    BATON_APP_URL: APP,
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.example/token',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
  });
  return { out, env };
}

describe('a change set’s views job', () => {
  it("asks the app again after its 503 (the issuer's keys not fetched in time), as publish does", async () => {
    const { out, env } = await viewsEnv();
    const { fetch, asked } = world(ARCHIVE(), [503]);
    const lines: string[] = [];
    const code = await runViews(env, {
      fetch,
      mask: () => {},
      log: (line) => lines.push(line),
      waitMs: 1,
    });
    expect(lines.join('\n')).not.toContain('no views');
    expect(code).toBe(0);
    expect(asked.filter((url) => url === `${APP}/api/baton/session-token`)).toHaveLength(2);
    expect(await readFile(path.join(out, 'acme/lib/README.md'), 'utf8')).toBe('# lib\n');
  });

  it('gives up on the app after three answers of "try again later", and at once on a refusal', async () => {
    const tried = async (later: number[]) => {
      const { env } = await viewsEnv();
      const { fetch, asked } = world(ARCHIVE(), later);
      const lines: string[] = [];
      const code = await runViews(env, {
        fetch,
        mask: () => {},
        log: (line) => lines.push(line),
        waitMs: 1,
      });
      const app = asked.filter((url) => url === `${APP}/api/baton/session-token`).length;
      return { code, app, said: lines.join('\n') };
    };
    expect(await tried([502, 504, 503, 503])).toEqual({
      code: 1,
      app: 3,
      said: 'baton: no views: The app refused this run its views (503): try again later',
    });
    expect(await tried([403])).toEqual({
      code: 1,
      app: 1,
      said: 'baton: no views: The app refused this run its views (403): try again later',
    });
  });

  it('unpacks one branch’s files for the agent, and keeps the archive link out of the manifest and the log', async () => {
    const out = await makeTempDir('baton-views-');
    const archive = tarGz(
      new Map([
        ['README.md', '# lib\n'],
        ['src/lib.js', 'export const get = 1;\n'],
      ]),
      'acme-lib-0123456',
    );
    const { fetch, asked } = world(archive);
    const masked: string[] = [];
    const lines: string[] = [];
    const env = makeEnv({
      BATON_ROLE: 'plan',
      BATON_OUT: out,
      BATON_APP_URL: APP,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.example/token',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    });

    const code = await runViews(env, {
      fetch,
      mask: (secret) => masked.push(secret),
      log: (line) => lines.push(line),
    });

    expect(code).toBe(0);
    expect(asked).toEqual([
      'https://runner.example/token',
      `${APP}/api/baton/session-token`,
      LINK.replace(/\?.*$/, ''),
    ]);
    expect(await readFile(path.join(out, 'acme/lib/src/lib.js'), 'utf8')).toBe(
      'export const get = 1;\n',
    );
    const manifest = await readFile(path.join(out, VIEWS_MANIFEST), 'utf8');
    expect(JSON.parse(manifest)).toEqual([{ repository: 'acme/lib', ref: null, path: 'acme/lib' }]);
    expect(manifest).not.toContain(ARCHIVE_TOKEN);
    expect(masked).toEqual(expect.arrayContaining([LINK, ARCHIVE_TOKEN]));
    expect(lines.join('\n')).not.toContain(ARCHIVE_TOKEN);
  });
});
