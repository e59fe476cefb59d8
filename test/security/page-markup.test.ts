import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailFor, overviewOf } from '../../src/core/overview/overview.js';
import { statusViewOf } from '../../src/core/overview/status-view-of.js';
import { staticReport } from '../../src/page/render/documents.js';
import { POLL_SCRIPT } from '../../src/page/render/page-style.js';
import { ago, make } from '../core/factories.js';
import { READ_AT, shopBuild } from '../support/page-builds.js';
import { type PageServer, request, signIn, startPageServer } from '../support/page-server.js';
import { type PageWorld, startPageWorld } from '../support/page-world.js';

/**
 * Attacks by text: a build's title (the issue's, the plan's), a worker's
 * title, a failed session's reason (model text), a model's name in the
 * configuration and a command's instructions, each carrying markup or script
 * into the page. Every one must arrive as text: no element, no attribute,
 * no handler of its own.
 */
const TEXTS = {
  issueTitle: `<script>alert('issue')</script>`,
  planTitle: `<img src=x onerror=alert('plan')>`,
  workerTitle: `W" onmouseover="alert('worker')" data-x="><b onclick=alert('worker')>`,
  reason: `"><svg onload=alert('model')> & more`,
};
const MODEL = `m<iframe src="//evil.example">`;
const INSTRUCTIONS = `<a href="javascript:alert('command')">click</a>`;

/** acme/shop#12 with every text above in it, and a learn pull request whose address is a script. */
function attacked() {
  const read = shopBuild(TEXTS);
  read.snapshot.memoryPull = {
    number: 57,
    state: 'open',
    url: `javascript:alert('learn')`,
    lessons: 1,
  };
  read.snapshot.commands = [
    make.command(
      { name: 'retry', worker: 'W1.2', instructions: INSTRUCTIONS },
      { author: 'alice', createdAt: ago(5) },
    ),
  ];
  const config = make.config({
    approval: 'none',
    models: { normal: MODEL, prices: { [MODEL]: { input: 1, output: 1 } } },
  });
  if (!config.ok) throw new Error('config');
  read.config = config.config;
  // The status a reconcile renders for it, with the command in its history.
  read.view = statusViewOf({ snapshot: read.snapshot, config, now: READ_AT });
  return read;
}

/**
 * Every element of a document, as the browser would build it: its name and
 * its attributes (values are double-quoted, as the page writes them).
 */
function elementsOf(html: string): { name: string; attributes: [string, string][] }[] {
  return [...html.matchAll(/<([a-zA-Z][\w:-]*)((?:\s[^>]*)?)>/g)].map((match) => ({
    name: (match[1] ?? '').toLowerCase(),
    attributes: [...(match[2] ?? '').matchAll(/([^\s="/]+)(?:="([^"]*)")?/g)].map(
      (attribute): [string, string] => [(attribute[1] ?? '').toLowerCase(), attribute[2] ?? ''],
    ),
  }));
}

function expectOnlyText(html: string): void {
  // The page's one script, the poll (its text fixed, allowed by its hash), is the only one.
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
  expect(scripts.map((script) => script[0])).toEqual(
    scripts.length === 0 ? [] : [`<script>${POLL_SCRIPT}</script>`],
  );
  const elements = elementsOf(html.replace(`<script>${POLL_SCRIPT}</script>`, ''));
  const names = elements.map((element) => element.name);
  expect(
    names.filter((name) => ['script', 'img', 'iframe', 'object', 'embed'].includes(name)),
  ).toEqual([]);
  const attributes = elements.flatMap(({ name, attributes }) =>
    attributes.map(([key, value]) => ({ name, key, value })),
  );
  expect(
    attributes.filter(({ key }) => key.startsWith('on') || key === 'data-x' || key === 'src'),
  ).toEqual([]);
  expect(
    attributes.filter(({ key, value }) => key === 'href' && /^\s*javascript:/i.test(value)),
  ).toEqual([]);
}

let world: PageWorld;
let page: PageServer;
let alice: string;

beforeAll(async () => {
  world = await startPageWorld();
  page = await startPageServer({ world, reads: [attacked()], now: () => Date.parse(READ_AT) });
  alice = await signIn(page, world, 'alice');
});
afterAll(async () => {
  await page.close();
  await world.stop();
});

describe('text from GitHub or a model reaches the page as text', () => {
  it.each(['/', '/waiting', '/spend', '/memory', '/builds/acme/shop/12-add-login'])(
    '%s',
    async (path) => {
      const answer = await request(page, path, { cookie: alice });
      expect(answer.status).toBe(200);
      expectOnlyText(answer.body);
    },
  );

  it('shows the texts escaped where they are shown', async () => {
    const home = await request(page, '/', { cookie: alice });
    expect(home.body).toContain('&lt;img src=x onerror=alert(&#39;plan&#39;)&gt;');
    const build = await request(page, '/builds/acme/shop/12-add-login', { cookie: alice });
    expect(build.body).toContain(
      'W&quot; onmouseover=&quot;alert(&#39;worker&#39;)&quot; data-x=&quot;',
    );
    expect(build.body).toContain('m&lt;iframe src=&quot;//evil.example&quot;&gt;');
    expect(build.body).toContain('&lt;a href=&quot;javascript:alert(&#39;command&#39;)&quot;&gt;');
  });

  it('serves the JSON as JSON, never as a page a browser would render', async () => {
    const answer = await request(page, '/api/baton/builds/acme/shop/12-add-login', {
      cookie: alice,
    });
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(JSON.parse(answer.body).row.title).toBe(TEXTS.planTitle);
  });

  it('writes the static file of baton status the same way', () => {
    const reads = [attacked()];
    const overview = overviewOf({ reads, access: { kind: 'all' }, now: READ_AT });
    const detail = buildDetailFor({
      reads,
      access: { kind: 'all' },
      key: 'acme/shop/12-add-login',
      now: READ_AT,
    });
    expectOnlyText(staticReport(overview, detail ? [detail] : []));
  });
});
