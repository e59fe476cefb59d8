/**
 * The conductor workflow's runs (nothing hosted, docs/serverless.md) played in
 * this process, for a simulation of many builds where a process per job would
 * cost more than the builds: each run's `route` job (its `if:` from the
 * workflow file, then `routeEvent` with the run's read-only token), then its
 * `conduct` job (`conduct`, the job's own code, minting its token from the
 * app's key) in the group the route names, one at a time per group. The jobs
 * talk to the simulator over HTTP as the real ones do; what they do not have
 * is a process each, so what the app keeps at module level (the caches made
 * through `remembered`, conditional reads' pages) is shared between them:
 * reads may be fewer than a job's, writes are what the reconciles decide.
 * `sim/actions/play-conductor-run.ts` plays a run as real processes.
 */
import { Writable } from 'node:stream';
import yaml from 'js-yaml';
import { conduct } from '../../src/conductor/conduct.js';
import { routeReadsWith } from '../../src/conductor/conductor-action.js';
import { routeEvent } from '../../src/conductor/route.js';
import { CONDUCTOR_WORKFLOW_FILE, CONDUCTOR_WORKFLOW_PATH } from '../../src/core/vocabulary/ids.js';
import { createLogOn } from '../../src/server/log.js';
import type { FakeGitHub } from '../github/fake-github.js';
import type { SimRun } from '../github/records.js';
import { readOnlyToken } from '../github/tokens.js';
import { evaluateCondition } from './expressions.js';
import { ConcurrencyGroups } from './play-conductor-run.js';

export interface InProcessConductor {
  /** Conduct jobs that ran, and how each ended (0: success). */
  jobs: { runId: number; group: string; code: number }[];
  /** Every log line of the jobs. */
  output(): string;
  /** Resolves once no run is being played. */
  idle(): Promise<void>;
  close(): void;
}

export function conductInProcess({
  gh,
  apiUrl,
  appPrivateKey,
}: {
  gh: FakeGitHub;
  /** The simulator's `/api/v3`. */
  apiUrl: string;
  appPrivateKey: string;
}): InProcessConductor {
  const groups = new ConcurrencyGroups();
  const jobs: InProcessConductor['jobs'] = [];
  const lines: string[] = [];
  const log = createLogOn(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const playing = new Set<Promise<void>>();
  let closed = false;
  const listener = (run: SimRun) => {
    if (closed || run.workflow !== CONDUCTOR_WORKFLOW_FILE) return;
    const played = play(run).finally(() => playing.delete(played));
    playing.add(played);
  };
  gh.runListeners.add(listener);

  async function play(run: SimRun): Promise<void> {
    // Queued as GitHub queues it; played once the run is listed.
    await Promise.resolve();
    run.status = 'in_progress';
    const event = { name: run.event, payload: run.payload ?? {} };
    const env = {
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: gh.fullName,
      GITHUB_REPOSITORY_ID: String(gh.repositoryId),
      GITHUB_RUN_ID: String(run.id),
    };
    if (!routeRuns(gh, run)) return gh.finishRun(run.id, 'skipped');
    const routed = await routeEvent(
      event,
      routeReadsWith({ ...env, GITHUB_TOKEN: readOnlyToken(run.id, gh.repositoryId) }),
    );
    if (!routed.group) return gh.finishRun(run.id, 'success');
    const release = await groups.acquire(routed.group);
    try {
      const code = await conduct({
        env: {
          ...env,
          BATON_APP_ID: gh.variables.get('BATON_APP_ID'),
          BATON_APP_PRIVATE_KEY: appPrivateKey,
        },
        event,
        log: log.child({ runId: run.id }),
        mask: () => {},
      }).catch(() => 1);
      jobs.push({ runId: run.id, group: routed.group, code });
      gh.finishRun(run.id, code === 0 ? 'success' : 'failure');
    } finally {
      release();
    }
  }

  return {
    jobs,
    output: () => lines.join(''),
    async idle() {
      while (playing.size > 0) await Promise.all(playing);
    },
    close() {
      closed = true;
      gh.runListeners.delete(listener);
    },
  };
}

/** Whether the run's `route` job runs: its `if:` in the workflow file the run was started with. */
function routeRuns(gh: FakeGitHub, run: SimRun): boolean {
  const text = gh.git.filesOf(run.headSha).get(CONDUCTOR_WORKFLOW_PATH) ?? '';
  const workflow = yaml.load(text) as { jobs?: { route?: { if?: string } } };
  return evaluateCondition(workflow.jobs?.route?.if ?? 'true', {
    github: { event_name: run.event, event: run.payload ?? {} },
    vars: Object.fromEntries(gh.variables),
  });
}
