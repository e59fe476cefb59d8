/**
 * The page (docs/mission-control.md) with a hundred builds, through the app's
 * own process against the simulated GitHub serving the mission world of the
 * browser test (test/support/mission-world.ts) and 96 builds more:
 *
 * - GitHub requests per page view and per JSON call: what the person's user
 *   token asks GitHub (the installations they reach and, in each, the
 *   repositories they may read; asked conditionally, kept a minute per
 *   session) on a session's first view and on the views after it, counted in
 *   the simulator's log of the user token's requests; the page reads no build
 *   from GitHub (it shows what the reconciles read);
 * - the page's server time: each answer, request sent to body read, over
 *   127.0.0.1 from this process (an upper bound of the app's own time), for
 *   the overview, the spend page, a build's page and the JSON, `VIEWS` of each;
 * - the app's memory: its heap after a garbage collection (bench/heap-probe.mjs)
 *   and its RSS, after start, with the hundred builds read onto its board,
 *   and after every view.
 *
 * `npx tsx bench/page.ts` prints the report; `--json` one line of it.
 */
import type { SimUserAuth } from '../sim/github/oauth/user-auth.js';
import type { GitHubServer } from '../sim/server/github-server.js';
import { type AppProcess, freePort, startAppProcess } from '../sim/start-app.js';
import {
  buildMissionWorld,
  overviewOnceRead,
  serveMissionWorld,
} from '../test/support/mission-world.js';
import { signIn } from '../test/support/page-server.js';
import { CLIENT_ID, CLIENT_SECRET } from '../test/support/page-world.js';
import { heapOf, rssMiB } from './app-memory.js';
import { childMain } from './in-child.js';

/** Builds besides the mission world's: a hundred in all, and its change set. */
const MORE = 96;
const VIEWS = 100;

export interface PageReport {
  builds: number;
  sets: number;
  /** The user token's requests, and how many of them GitHub answered 304. */
  signIn: Requests;
  html: { first: Requests; after: Requests; views: number };
  json: { first: Requests; after: Requests; views: number };
  /** Milliseconds per answer: median, p90, max, and its size in bytes. */
  timeMs: Record<'overview' | 'spend' | 'build' | 'json', Timing>;
  memoryMiB: Record<'started' | 'read' | 'viewed', { heap: number; rss: number }>;
  /** Views answered, every kind, both people. */
  viewed: number;
  /** The page's polls of the overview with its ETag (`If-None-Match`): GitHub requests, 304s, server time. */
  polls: { count: number; github: Requests; unchanged: number; timeMs: Timing };
}

interface Requests {
  requests: number;
  unchanged: number;
}

interface Timing {
  median: number;
  p90: number;
  max: number;
  bytes: number;
}

export async function measurePage(): Promise<PageReport> {
  const world = await buildMissionWorld({
    start: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    more: MORE,
  });
  let served: { server: GitHubServer; auth: SimUserAuth } | null = null;
  let app: AppProcess | null = null;
  try {
    served = await serveMissionWorld(world);
    const { auth } = served;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    auth.callbackUrls.push(`${url}/sign-in/callback`);
    app = await startAppProcess({
      gheHost: served.server.host,
      webhookSecret: 'page-bench-secret',
      oidcIssuer: served.server.url,
      port,
      // The first resync, five seconds after start, reads twenty builds a repository; the next, the rest.
      resyncMinutes: 1,
      env: {
        NODE_OPTIONS: `--import ${new URL('./heap-probe.mjs', import.meta.url).href}`,
        GITHUB_CLIENT_ID: CLIENT_ID,
        GITHUB_CLIENT_SECRET: CLIENT_SECRET,
        BATON_APP_URL: url,
        BATON_SOURCE_REPOSITORY: 'baton-dev/baton',
        BATON_SOURCE_REF: 'ba7c0'.repeat(8),
      },
    });
    const started = await memoryOf(app);
    const page = { url };
    const watcher = await signIn(page, served, 'alice');
    const overview = await overviewOnceRead(url, watcher, 4 + MORE + 1);
    const read = await memoryOf(app);

    // A person signs in anew: what the sign-in asks, then their first view and the views after it.
    const counted = async (run: () => Promise<unknown>): Promise<Requests> => {
      const before = auth.log.length;
      await run();
      const made = auth.log.slice(before);
      return { requests: made.length, unchanged: made.filter((one) => one.status === 304).length };
    };
    let alice = '';
    const signInRequests = await counted(async () => {
      alice = await signIn(page, served as { server: GitHubServer }, 'alice');
    });
    const times: Record<keyof PageReport['timeMs'], { ms: number[]; bytes: number }> = {
      overview: { ms: [], bytes: 0 },
      spend: { ms: [], bytes: 0 },
      build: { ms: [], bytes: 0 },
      json: { ms: [], bytes: 0 },
    };
    const view = async (kind: keyof typeof times, path: string, cookie: string) => {
      const began = performance.now();
      const response = await fetch(`${url}${path}`, { headers: { cookie } });
      const body = await response.text();
      times[kind].ms.push(performance.now() - began);
      times[kind].bytes = Buffer.byteLength(body);
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    };
    const htmlFirst = await counted(() => view('overview', '/', alice));
    const htmlAfter = await counted(async () => {
      for (let n = 1; n < VIEWS; n++) await view('overview', '/', alice);
    });
    const script = await signIn(page, served, 'alice');
    const jsonFirst = await counted(() => view('json', '/api/baton/overview', script));
    const jsonAfter = await counted(async () => {
      for (let n = 1; n < VIEWS; n++) await view('json', '/api/baton/overview', script);
    });
    const busiest = overview.builds[0]?.key ?? '';
    for (let n = 0; n < VIEWS; n++) {
      await view('spend', '/spend', alice);
      await view('build', `/builds/${busiest}`, alice);
    }
    const viewed = await memoryOf(app);
    const timingOf = (ms: readonly number[], bytes: number): Timing => {
      const sorted = [...ms].sort((a, b) => a - b);
      const at = (q: number) =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { median: at(0.5), p90: at(0.9), max: sorted.at(-1) ?? 0, bytes };
    };
    const timing = (kind: keyof typeof times): Timing =>
      timingOf(times[kind].ms, times[kind].bytes);
    // The poll script's asks: the overview again with the tag it holds, nothing changed meanwhile.
    const tag = (await fetch(`${url}/`, { headers: { cookie: alice } })).headers.get('etag') ?? '';
    const pollMs: number[] = [];
    let unchanged = 0;
    const pollRequests = await counted(async () => {
      for (let n = 0; n < VIEWS; n++) {
        const began = performance.now();
        const answer = await fetch(`${url}/`, { headers: { cookie: alice, 'if-none-match': tag } });
        await answer.arrayBuffer();
        pollMs.push(performance.now() - began);
        if (answer.status === 304) unchanged += 1;
      }
    });
    return {
      builds: overview.builds.length,
      sets: overview.sets.length,
      signIn: signInRequests,
      html: { first: htmlFirst, after: htmlAfter, views: VIEWS },
      json: { first: jsonFirst, after: jsonAfter, views: VIEWS },
      timeMs: {
        overview: timing('overview'),
        spend: timing('spend'),
        build: timing('build'),
        json: timing('json'),
      },
      memoryMiB: { started, read, viewed },
      viewed: Object.values(times).reduce((sum, kind) => sum + kind.ms.length, 0),
      polls: { count: VIEWS, github: pollRequests, unchanged, timeMs: timingOf(pollMs, 0) },
    };
  } finally {
    await app?.stop();
    await served?.server.close();
  }
}

/** The app's heap after a garbage collection (bench/heap-probe.mjs, on SIGUSR2) and its RSS, MiB. */
async function memoryOf(app: AppProcess): Promise<{ heap: number; rss: number }> {
  const { heap } = await heapOf(app);
  return { heap, rss: rssMiB(app.pid) };
}

/** A row of bench/results.md (bench/run.ts). */
export interface PageRow {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

export function pageRows(report: PageReport): PageRow[] {
  const world = `${report.builds} builds and a change set, through the app process`;
  const requests = (first: Requests, after: Requests, views: number) =>
    `${first.requests} (${first.unchanged} answered 304) / ${after.requests} in ${views - 1} views`;
  const ms = (kind: keyof PageReport['timeMs']) => {
    const { median, p90, max } = report.timeMs[kind];
    return `${median.toFixed(0)} / ${p90.toFixed(0)} / ${max.toFixed(0)}`;
  };
  const mib = ({ heap, rss }: { heap: number; rss: number }) =>
    `${heap.toFixed(1)} (${rss.toFixed(0)})`;
  const { started, read, viewed } = report.memoryMiB;
  return [
    {
      figure: `The page (${world}): GitHub requests per page view of the overview, a session's first in a minute / the views after it (the person's token lists their installations and each one's repositories, conditionally; the page reads no build from GitHub)`,
      measured: requests(report.html.first, report.html.after, report.html.views),
      target: '≤ 3 (a few)',
      met: report.html.first.requests <= 3 && report.html.after.requests === 0,
    },
    {
      figure: `The page (${world}): GitHub requests per JSON call (\`/api/baton/overview\`), a session's first in a minute / the calls after it`,
      measured: requests(report.json.first, report.json.after, report.json.views),
      target: '≤ 3 (a few)',
      met: report.json.first.requests <= 3 && report.json.after.requests === 0,
    },
    {
      figure: `The page (${world}): server time, request to body read over 127.0.0.1, median / p90 / max ms of ${report.html.views}: the overview (${Math.round(report.timeMs.overview.bytes / 1024)} KB) · the spend · a build · the JSON (${Math.round(report.timeMs.json.bytes / 1024)} KB)`,
      measured: `${ms('overview')} · ${ms('spend')} · ${ms('build')} · ${ms('json')}`,
      target: 'about 1 s (the overview p90 ≤ 1,000)',
      met: report.timeMs.overview.p90 <= 1_000,
    },
    {
      figure: `The page (${world}): the poll that keeps a view current, ${report.polls.count} asks of the overview with its ETag: answered 304 / GitHub requests / server time median, p90 ms`,
      measured: `${report.polls.unchanged} / ${report.polls.github.requests} / ${report.polls.timeMs.median.toFixed(0)}, ${report.polls.timeMs.p90.toFixed(0)}`,
      target: 'every one 304, no GitHub request',
      met: report.polls.unchanged === report.polls.count && report.polls.github.requests === 0,
    },
    {
      figure: `The page (${world}): the app's heap after a garbage collection (RSS), MiB: after start / the builds read onto the page's board / after ${report.viewed} views by three sessions`,
      measured: `${mib(started)} / ${mib(read)} / ${mib(viewed)}`,
      target: 'flat under views (< 5 MiB growth)',
      met: viewed.heap - read.heap < 5,
    },
  ];
}

if (process.argv[1]?.endsWith('page.ts')) {
  await childMain({
    run: measurePage,
    measure: measurePage,
    print: (report) => console.log(JSON.stringify(report, null, 2)),
  });
}
