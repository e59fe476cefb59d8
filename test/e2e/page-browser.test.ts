import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  machineLimit,
  pollWithin,
  wallCeiling,
  withinMachineTime,
} from '../../sim/machine-time.js';
import type { BuildDetail } from '../../src/core/overview/build-detail.js';
import type { Overview } from '../../src/core/overview/overview.js';
import {
  buildMissionWorld,
  type MissionPage,
  type MissionWorld,
  startMissionPage,
} from '../support/mission-world.js';

/**
 * The page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core, against the app's own process and the simulated GitHub
 * serving the mission world (test/support/mission-world.ts). Three people sign
 * in through the simulated authorization flow: alice writes every repository,
 * bob cannot read acme/lib, eve writes acme/client alone. `BATON_WRITE_SCREENSHOTS=1` writes the screenshots
 * of docs/mission-control/; otherwise they go to a temporary folder.
 */
const CHROMIUM = '/usr/bin/chromium';
const AS_ROOT = process.getuid?.() === 0;
/** As root (where `.ci/run` installs it) a missing Chromium fails the test; elsewhere it is skipped. */
const RUN = AS_ROOT || existsSync(CHROMIUM);

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The set-up's stages share one limit in the machine's time (sim/machine-time.ts): building
 * the world in this process, the app's start (which has its own), Chromium's launch, each named
 * when it is the one that ran out; the hook's own limit is the ceiling on the wall.
 */
const SET_UP_LIMIT_MS = 300_000;

let world: MissionWorld;
let mission: MissionPage;
let served: MissionPage['served'];
let app: MissionPage['app'];
let launching: Promise<BrowserContext> | undefined;
let browser: BrowserContext;
let profile: string;
let shots: string;
const problems: string[] = [];

beforeAll(async () => {
  const limit = machineLimit(SET_UP_LIMIT_MS);
  const start = new Date(Date.now() - 3 * 3_600_000).toISOString();
  world = await withinMachineTime('the mission world', limit, buildMissionWorld({ start }));
  mission = await withinMachineTime('the app serving the page', limit, startMissionPage(world));
  ({ served, app } = mission);
  profile = await mkdtemp(join(tmpdir(), 'baton-chromium-'));
  shots = process.env.BATON_WRITE_SCREENSHOTS
    ? join(import.meta.dirname, '../../docs/mission-control')
    : await mkdtemp(join(tmpdir(), 'baton-shots-'));
  await mkdir(shots, { recursive: true });
  launching = chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 820 },
    // The machine's limit decides, not playwright's three minutes on the wall.
    timeout: wallCeiling(SET_UP_LIMIT_MS),
  });
  browser = await withinMachineTime('Chromium to open', limit, launching);
  browser.on('console', (message) => {
    // A page answered 401 or 404 on purpose logs "Failed to load resource"; anything else is a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  browser.on('dialog', (dialog) => problems.push(`a dialog opened: ${dialog.message()}`));
}, wallCeiling(SET_UP_LIMIT_MS));

afterAll(async () => {
  // A launch the limit gave up on is closed once it opens.
  await launching?.then(
    (opened) => opened.close(),
    () => undefined,
  );
  await mission?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
  if (shots && !process.env.BATON_WRITE_SCREENSHOTS)
    await rm(shots, { recursive: true, force: true });
});

/** Signs `login` in as a person does: the page's button, GitHub's (simulated) consent, back to the page. */
async function signIn(page: Page, login: string): Promise<void> {
  await browser.clearCookies();
  await page.goto(app.url);
  await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to see your builds');
  await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  await page.waitForURL(`${served.server.url}/login/oauth/authorize?**`);
  await page.selectOption('select[name=login]', login);
  await page.click('#authorize');
  await page.waitForURL(`${app.url}/`);
}

/**
 * The overview's JSON as the signed-in person sees it, once the app has read
 * every build it holds (its first resync): polled, as the app reads on its own,
 * within two minutes of the machine's time.
 */
async function overviewOnceRead(page: Page, builds: number): Promise<Overview> {
  let last: Overview | null = null;
  const shown = () => (last ? last.builds.length + last.sets.length : 0);
  await pollWithin({
    what: `the overview to show ${builds} builds and sets`,
    limit: 120_000,
    lookMs: 500,
    check: async () => {
      const answer = await page.request.get(`${app.url}/api/baton/overview`);
      last = (await answer.json()) as Overview;
      return shown() === builds;
    },
    more: () => `it showed ${shown()}`,
  });
  if (!last) throw new Error('no overview');
  return last;
}

/** A new page with `login` signed in, once the overview shows the `builds` they may read. */
async function signedIn(
  login: string,
  builds: number,
): Promise<{ page: Page; overview: Overview }> {
  const page = await browser.newPage();
  await signIn(page, login);
  return { page, overview: await overviewOnceRead(page, builds) };
}

/** The end of every walk: nothing went wrong in the browser, and the page closes. */
async function closeClean(page: Page): Promise<void> {
  expect(problems).toEqual([]);
  await page.close();
}

describe.skipIf(!RUN)(
  'the page in headless Chromium, against the app and the simulated GitHub',
  () => {
    it('shows alice every build, follows one to its timeline, the waiting queue and the spend, and warns of the runaway', async () => {
      const { page, overview } = await signedIn('alice', 5);
      expect(overview.viewer).toBe('alice');
      await page.reload();
      await expect
        .poll(() => page.locator('main').textContent())
        .toContain('Rotate the signing keys');
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).toContain('Rename fetch to get');
      expect(await page.locator('.note tbody tr').count()).toBe(3);
      const runaway = page.locator('#runaways');
      await expect.poll(() => runaway.textContent()).toContain('W1.1');
      expect(await runaway.textContent()).toContain(`acme/client#${world.builds.runaway.issue}`);
      await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });

      await page.getByRole('link', { name: 'Import the old orders' }).first().click();
      await page.waitForURL(`${app.url}/builds/acme/client/${world.builds.runaway.build}`);
      expect(await page.locator('svg[aria-label="Sessions over time"] rect.o-failed').count()).toBe(
        4,
      );
      expect(await page.locator('tr.session.o-failed').count()).toBe(4);
      expect(await page.locator('#runaways').textContent()).toContain(
        '4 sessions ended without delivering',
      );

      await page.goto(`${app.url}/builds/acme/service/${world.builds.diamond.build}`);
      expect(await page.locator('h2').allTextContents()).toEqual([
        'Graph',
        'Timeline',
        'Workers',
        'Review rounds',
        'Notices',
        'Commands',
      ]);
      expect(await page.locator('main').textContent()).toContain(
        'changes-requested → fixed → approved',
      );
      await page.screenshot({ path: join(shots, 'build.png'), fullPage: true });

      await page.getByRole('link', { name: 'Waiting for you' }).click();
      const commands = await page.locator('code.command').allTextContents();
      expect(commands).toContain('/approve');
      expect(commands).toContain('/skip W1.1');
      expect(await page.locator('main').textContent()).toContain(
        `acme/lib#${world.builds.lib.issue}`,
      );
      await page.screenshot({ path: join(shots, 'waiting.png') });

      await page.getByRole('link', { name: 'Spend' }).click();
      expect(
        await page.locator('svg[aria-label="Spend per day"] rect.bar').count(),
      ).toBeGreaterThan(0);
      expect(await page.locator('main').textContent()).toContain('per merged worker pull request');
      await page.screenshot({ path: join(shots, 'spend.png'), fullPage: true });

      await page.getByRole('link', { name: 'Memory' }).click();
      const rows = await page
        .locator('#memory table.rows')
        .first()
        .locator('tbody tr')
        .allTextContents();
      expect(rows).toEqual(['acme/lib110no finding yet', 'acme/service200no finding yet']);
      const pulls = (await page.locator('#memory table.rows').nth(1).textContent()) ?? '';
      expect(pulls).toContain('Add OAuth login');
      expect(pulls).toContain('waits for a person');
      expect(pulls).toContain('merged: later sessions read them');
      await page.screenshot({ path: join(shots, 'memory.png'), fullPage: true });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in to see your builds');
      const after = await page.goto(`${app.url}/api/baton/overview`);
      expect(after?.status()).toBe(401);
      await closeClean(page);
    });

    it('shows bob, who cannot read acme/lib, nothing of it, and what waits for him in acme/client', async () => {
      const { page, overview } = await signedIn('bob', 4);
      const json = JSON.stringify(overview);
      expect(json).not.toContain('acme/lib');
      expect(json).not.toContain('Rotate the signing keys');
      await page.reload();
      expect(await page.locator('.note tbody tr').allTextContents()).toHaveLength(2);
      const hidden = await page.goto(`${app.url}/builds/acme/lib/${world.builds.lib.build}`);
      expect(hidden?.status()).toBe(404);
      expect(await page.locator('main').textContent()).not.toContain('Rotate the signing keys');
      await page.goto(`${app.url}/waiting`);
      const waiting = (await page.locator('main').textContent()) ?? '';
      expect(waiting).toContain(`acme/client#${world.builds.waiting.issue}`);
      expect(waiting).not.toContain('acme/lib');
      await page.goto(`${app.url}/memory`);
      const memory = (await page.locator('main').textContent()) ?? '';
      expect(memory).toContain('Add OAuth login');
      expect(memory).not.toContain('acme/lib');
      expect(memory).not.toContain('Rotate the signing keys');
      await closeClean(page);
    });

    it('lands the change set in order: only its first final pull request is offered to merge, and the set’s figures agree', async () => {
      const { page, overview } = await signedIn('alice', 5);
      const [set] = overview.sets;
      expect(set?.repositories.map((line) => line.name)).toEqual([
        'acme/lib',
        'acme/service',
        'acme/client',
      ]);
      const finals = overview.waiting.filter(
        (item) => item.kind === 'final-pull' && item.label.includes('change set'),
      );
      expect(finals.map((item) => [item.repository, /review and merge/.test(item.text)])).toEqual(
        expect.arrayContaining([
          ['acme/lib', true],
          ['acme/service', false],
          ['acme/client', false],
        ]),
      );
      expect(finals.find((item) => item.repository === 'acme/client')?.text).toContain(
        'waits for acme/service to merge first',
      );
      await page.goto(`${app.url}/waiting`);
      const rows = await page.locator('tr.waiting-final-pull').allTextContents();
      // acme/lib's, and acme/service#5's, which GitHub holds for its required checks: asked as a review.
      expect(rows.filter((row) => row.includes('review and merge'))).toHaveLength(1);
      expect(
        rows.filter((row) => /review (and merge )?the final pull request/.test(row)),
      ).toHaveLength(2);
      expect(rows.filter((row) => row.includes('GitHub holds its merge'))).toHaveLength(1);
      expect(rows.filter((row) => row.includes('waits for'))).toHaveLength(2);

      // The set's own view: the spend the overview gives it, one build in the spend, a readable axis.
      const key = `acme/service/${world.builds.set.build}`;
      const detail = (await (
        await page.request.get(`${app.url}/api/baton/builds/${key}`)
      ).json()) as BuildDetail;
      expect(set?.spentUsd).toBeGreaterThan(0);
      expect(detail.row.spentUsd).toBeCloseTo(set?.spentUsd ?? 0, 6);
      const perSet = overview.spend.perBuild.filter((build) => build.title === set?.title);
      expect(perSet).toEqual([
        { key, title: set?.title, usd: expect.closeTo(set?.spentUsd ?? 0, 6) },
      ]);
      expect(overview.spend.byEngine.map((group) => group.key)).not.toContain('unrecorded');
      await page.goto(`${app.url}/builds/${key}`);
      expect(await page.locator('main').textContent()).toContain(
        `$${set?.spentUsd.toFixed(2)} spent`,
      );
      const ticks = await page
        .locator('svg[aria-label="Sessions over time"] text.axis')
        .allTextContents();
      const times = ticks.filter((text) => /^\d\d:\d\d/.test(text));
      expect(times.length).toBeGreaterThan(1);
      expect(new Set(times).size).toBe(times.length);
      const engines = await page.locator('tr.session td:nth-child(5)').allTextContents();
      expect(engines.length).toBeGreaterThan(0);
      expect(engines.filter((engine) => engine === '–' || engine === 'unrecorded')).toEqual([]);
      const notices = (await page.locator('#notices').textContent()) ?? '';
      expect(notices).toContain('acme/lib: the final pull request #');
      expect(notices).not.toMatch(/final-pull\/|plan-ready\/|acme\.lib/);
      await page.goto(app.url);
      const diamond = page.locator('tr', { hasText: 'Add OAuth login' }).locator('.pill').first();
      expect(await diamond.textContent()).toBe('delivered: final pull request open');
      await closeClean(page);
    });

    it('shows eve, who writes acme/client alone, the change set’s part there and nothing of its home', async () => {
      const { page, overview } = await signedIn('eve', 3);
      const member = overview.builds.find((row) => row.changeSet === 'hidden');
      expect(member?.label).toBe('acme/client (a change set)');
      expect(overview.waiting.find((item) => item.key === member?.key)?.text).toContain(
        'waits for a repository you cannot read',
      );
      const seen = [
        JSON.stringify(overview),
        JSON.stringify(
          await (await page.request.get(`${app.url}/api/baton/builds/${member?.key}`)).json(),
        ),
      ];
      for (const path of ['/', '/waiting', '/spend', `/builds/${member?.key}`]) {
        const answer = await page.goto(`${app.url}${path}`);
        expect(answer?.status()).toBe(200);
        seen.push(await page.content());
      }
      for (const text of seen) {
        expect(text).not.toMatch(/acme\/service|acme\.service|acme\/lib|acme\.lib/);
        expect(text).not.toMatch(/rename fetch to get|rename-fetch-to-get/i);
      }
      const home = await page.goto(`${app.url}/builds/acme/service/${world.builds.set.build}`);
      expect(home?.status()).toBe(404);
      await closeClean(page);
    });

    it('narrows the list without a script, fits a phone, and keeps itself current with 304s', async () => {
      const { page } = await signedIn('alice', 5);
      await page.setViewportSize({ width: 390, height: 1200 });
      await page.clock.install();
      const polls: number[] = [];
      page.on('response', (answer) => {
        if (answer.request().resourceType() === 'fetch') polls.push(answer.status());
      });
      await page.goto(app.url);
      // On a phone the page never scrolls sideways: a build is a card, a wide table scrolls in itself.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      expect(await page.locator('table.rows thead').isVisible()).toBe(false);
      await page.screenshot({ path: join(shots, 'phone-overview.png'), fullPage: true });
      await page.fill('input[name=q]', 'dark mode');
      await page.click('form.filter button');
      await page.waitForURL(`${app.url}/?state=&door=&q=dark+mode`);
      expect(await page.locator('table.rows tbody tr').allTextContents()).toEqual([
        expect.stringContaining('Dark mode'),
      ]);
      expect(await page.locator('form.filter').textContent()).toContain('1 of 5 shown');
      await page.selectOption('select[name=state]', 'delivered');
      await page.fill('input[name=q]', '');
      await page.click('form.filter button');
      await page.waitForURL(`${app.url}/?state=delivered&door=&q=`);
      expect(await page.locator('table.rows tbody tr').allTextContents()).toEqual([
        expect.stringContaining('Add OAuth login'),
      ]);
      // The poll: asked again with the view's tag, answered 304 while nothing changed.
      const answered = page.waitForEvent(
        'response',
        (answer) => answer.request().resourceType() === 'fetch',
      );
      await page.clock.fastForward(31_000);
      const poll = await answered;
      expect(poll.status()).toBe(304);
      expect(poll.request().headers()['if-none-match']).toBe(
        await page.locator('meta[name=baton-etag]').getAttribute('content'),
      );
      // A changed view (its body taken from the app's own answer, one title changed, as a new read
      // would change it): the next poll puts it in place and asks with its tag from then on.
      const held = (await page.locator('meta[name=baton-etag]').getAttribute('content')) ?? '';
      const fresh = await page.request.get(page.url());
      const changed = (await fresh.text()).replace(
        'Add OAuth login',
        'Add OAuth login, read again',
      );
      await page.route(page.url(), (route) =>
        route.request().headers()['if-none-match'] === held
          ? route.fulfill({
              status: 200,
              headers: { 'content-type': 'text/html; charset=utf-8', etag: '"changed"' },
              body: changed,
            })
          : route.continue(),
      );
      const replaced = page.waitForEvent(
        'response',
        (answer) => answer.request().resourceType() === 'fetch',
      );
      await page.clock.fastForward(31_000);
      expect((await replaced).status()).toBe(200);
      await expect
        .poll(() => page.locator('main').textContent())
        .toContain('Add OAuth login, read again');
      await page.unroute(page.url());
      // The app's own view differs from the made-up one: the next poll asks with its tag and puts the app's back.
      const next = page.waitForEvent(
        'response',
        (answer) => answer.request().resourceType() === 'fetch',
      );
      await page.clock.fastForward(31_000);
      expect((await next).request().headers()['if-none-match']).toBe('"changed"');
      await expect
        .poll(() => page.locator('main').textContent())
        .not.toContain('Add OAuth login, read again');
      for (const [path, name] of [
        ['/waiting', 'phone-waiting.png'],
        ['/memory', 'phone-memory.png'],
        [`/builds/acme/service/${world.builds.set.build}`, 'phone-set.png'],
      ] as const) {
        await page.goto(`${app.url}${path}`);
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          390,
        );
        await page.screenshot({ path: join(shots, name), fullPage: true });
      }
      expect(polls).toEqual([304, 200, 200]);
      await closeClean(page);
    });
  },
);
