import { startApp } from '../test/support/app-harness.js';
import { installedRepo, tickingClock } from '../test/support/builds.js';
import { driveBuild, type SessionScript } from '../test/support/scripted-sessions.js';

/**
 * The app's heap after many webhooks: a build held mid-flight (one worker PR
 * open and waiting for a person) while bursts of its events arrive, each burst
 * reconciled as in production. Run with `--expose-gc` so each reading follows
 * a full collection. The simulated GitHub's request log is cleared as it goes,
 * so what grows is the app's.
 */
export interface MemoryReport {
  /** Heap used after warming up, and after each checkpoint, in MiB. */
  readings: { events: number; heapMiB: number }[];
}

export async function measureMemory({
  checkpoints = [1_000, 10_000],
  burst = 20,
} = {}): Promise<MemoryReport> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc to measure memory');
  const now = tickingClock();
  const gh = installedRepo(now);
  const app = await startApp({ gh, now });
  try {
    // A PR whose review asks for changes forever, with no fix rounds: it waits for a person.
    gh.git.commitOn(gh.defaultBranch, { '.github/baton.yml': 'review:\n  maxFixRounds: 0\n' });
    const script: SessionScript = {
      build: '1-memory',
      issue: 1,
      workers: [{ id: 'W1.1' }],
      review: () => 'changes-requested',
    };
    const issue = gh.openIssue({ title: 'Memory', labels: ['orchestrate'] });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await driveBuild({ gh, apps: [app], script, burst: true });
    gh.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveBuild({ gh, apps: [app], script, burst: true });
    const pull = [...gh.pulls.values()].find((p) => p.state === 'open');
    if (!pull) throw new Error('the build has no open PR to hold');
    const event = { name: 'pull_request', payload: synchronizePayload(gh, pull.number, pull.head) };

    const readings: MemoryReport['readings'] = [{ events: 0, heapMiB: heapAfterGc(gc) }];
    let delivered = 0;
    for (const checkpoint of checkpoints) {
      while (delivered < checkpoint) {
        await app.deliverAll(Array.from({ length: burst }, () => event));
        delivered += burst;
        gh.log.splice(0);
        gh.outbox.splice(0);
      }
      readings.push({ events: delivered, heapMiB: heapAfterGc(gc) });
    }
    return { readings };
  } finally {
    app.stop();
  }
}

function synchronizePayload(
  gh: ReturnType<typeof installedRepo>,
  number: number,
  head: string,
): Record<string, unknown> {
  return {
    action: 'synchronize',
    number,
    pull_request: { number, head: { ref: head }, base: { ref: `baton/1-memory/integration` } },
    repository: {
      name: gh.repo,
      full_name: gh.fullName,
      default_branch: gh.defaultBranch,
      owner: { login: gh.owner },
    },
    installation: { id: 1 },
    sender: { login: gh.botLogin, type: 'Bot' },
  };
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureMemory(), null, 2));
}
