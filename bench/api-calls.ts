import { startApp } from '../test/support/app-harness.js';
import { installedRepo, tickingClock } from '../test/support/builds.js';
import { driveBuild, type SessionScript } from '../test/support/scripted-sessions.js';

/** GitHub API requests the app makes for one build, by route, from `/approve` to the final PR. */
export interface ApiCallReport {
  workers: number;
  total: number;
  perWorker: number;
  byRoute: { route: string; calls: number }[];
}

/** Runs a build of `width` independent workers plus a chain of `depth` through the real app. */
export async function measureApiCalls({
  width = 3,
  depth = 1,
}: {
  width?: number;
  depth?: number;
} = {}): Promise<ApiCallReport> {
  const now = tickingClock();
  const gh = installedRepo(now);
  const app = await startApp({ gh, now });
  try {
    const workers = [
      ...Array.from({ length: width }, (_, i) => ({ id: `W1.${i + 1}` })),
      ...Array.from({ length: depth }, (_, i) => ({
        id: `W${i + 2}.1`,
        depends_on: [i === 0 ? 'W1.1' : `W${i + 1}.1`],
      })),
    ];
    const script: SessionScript = { build: '1-measure', issue: 1, workers };
    const issue = gh.openIssue({ title: 'Measure', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script, burst: true });
    const from = gh.log.length;
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script, burst: true });
    const calls = gh.log.slice(from).filter((entry) => !entry.route.includes('/access_tokens'));
    const counts = new Map<string, number>();
    for (const entry of calls) counts.set(entry.route, (counts.get(entry.route) ?? 0) + 1);
    const byRoute = [...counts]
      .map(([route, n]) => ({ route, calls: n }))
      .sort((a, b) => b.calls - a.calls);
    return {
      workers: workers.length,
      total: calls.length,
      perWorker: calls.length / workers.length,
      byRoute,
    };
  } finally {
    app.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureApiCalls();
  console.log(
    `${report.total} requests for ${report.workers} workers: ${report.perWorker.toFixed(1)} per worker`,
  );
  for (const { route, calls } of report.byRoute)
    console.log(`${String(calls).padStart(5)}  ${route}`);
}
