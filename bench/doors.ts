import type { FakeGitHub } from '../sim/github/fake-github.js';
import { addProjectItem, setProjectField } from '../sim/github/projects/project-items.js';
import { clearPermissionCache } from '../src/github/observe/permissions.js';
import { fireSchedules, startFromSchedule } from '../src/github/reconcile/doors/fire-schedules.js';
import { resyncAll } from '../src/github/reconcile/doors/resync.js';
import { TRACKER_ROUTES } from '../src/server/trackers/tracker-endpoint.js';
import { type AppHarness, finishPlanRun, startApp } from '../test/support/app-harness.js';
import { installedRepo, landPlan, tickingClock } from '../test/support/builds.js';
import { captureLog } from '../test/support/captured-log.js';
import { branchPull, PULL_LABEL_ON, pullLabelEvent } from '../test/support/labelled-pull.js';
import { resyncDeps } from '../test/support/resync-deps.js';
import {
  ALICE,
  ALICE_JIRA,
  postDelivery,
  serveTrackers,
  type Trackers,
  trackerMapping,
  trackerSettings,
  trackerSims,
} from '../test/support/trackers.js';
import type { Row } from './parts.js';
import { isWrite } from './scale-breakdown.js';

/**
 * What an ask costs through each door (docs/intake.md): the GitHub requests
 * the app makes from the event that asks to the first session's dispatch, and
 * for the tracker doors the tracker's requests too and the real time from the
 * webhook to the plan in the status comment. The real app on the simulated
 * GitHub mounted on nock (the app tests' harness), one door at a time, each on
 * a fresh repository with only that door's settings. The plan session is
 * scripted to end at once, so the time is the app's own: the session's minutes
 * are the model's, whichever door asked. Tokens minted for the installation
 * (`POST …/access_tokens`) are the app's key at work, not the installation's
 * requests, and are left out.
 */
export interface DoorCost {
  door: string;
  /** GitHub requests from the ask to the first session's dispatch. */
  requests: number;
  /** Of them, writes (every method but GET and HEAD). */
  writes: number;
  /** The tracker's requests (its comment, its reads), for a tracker door. */
  trackerRequests: number | null;
  /** Real milliseconds from the webhook to the plan shown in the status comment, for a tracker door. */
  toPlanMs: number | null;
}

/** One door's ask, played on a fresh repository and app. */
interface Door {
  door: string;
  /** `.github/baton.yml` on the default branch before the app starts, the maintainer's commit. */
  config?: string;
  /** More files of that commit. */
  files?: Record<string, string>;
  /** Asks, as a person (or a schedule) would through it. */
  ask(world: DoorWorld): Promise<void>;
}

interface DoorWorld {
  gh: FakeGitHub;
  app: AppHarness;
  now: () => string;
  trackers: Trackers;
}

/** Alice of each tracker maps to the maintainer; the home is the repository itself. */
const TRACKERS = trackerMapping({ linearPeople: '', jiraLabel: 'baton' });

const DOORS: Door[] = [
  {
    door: 'label',
    async ask({ gh, app }) {
      const issue = gh.openIssue({ title: 'Add OAuth login', labels: ['orchestrate'] });
      gh.events.labeled(issue, 'orchestrate', 'maintainer');
      await app.deliverAll(gh.outbox.splice(0));
    },
  },
  {
    door: 'improve',
    async ask({ gh, app }) {
      const issue = gh.openIssue({ title: 'Add OAuth login' });
      gh.addComment({ issue, body: '/improve 2', user: 'maintainer' });
      await app.deliverAll(gh.outbox.splice(0));
    },
  },
  {
    door: 'schedule',
    config: `schedules:\n  - name: upkeep\n    cron: '0 6 * * *'\n    timeZone: UTC\n    brief: docs/upkeep.md\n`,
    files: { 'docs/upkeep.md': 'Tidy the changelog.\n' },
    async ask({ gh, app, now }) {
      const deps = resyncDeps({ app, gh, now });
      await resyncAll(app.probot, () => false, deps.botLogin, {
        fire: (ctx, defaultBranch) =>
          fireSchedules(ctx, {
            defaultBranch,
            now: nextDay(now(), '06:05'),
            start: startFromSchedule(ctx, { defaultBranch, deps, log: captureLog().log }),
          }),
      });
      await deps.queue.idle();
    },
  },
  {
    door: 'check-failed',
    config: 'events:\n  checkFailed:\n    workflows: [CI]\n',
    async ask({ gh, app }) {
      const head = gh.git.commitOn(gh.defaultBranch, { 'src/a.ts': 'x\n' }, 'Push');
      const at = gh.now();
      const run = {
        id: gh.nextId(),
        workflow: 'ci.yml',
        displayTitle: 'CI',
        event: 'push',
        headBranch: gh.defaultBranch,
        headSha: head,
        status: 'completed' as const,
        conclusion: 'failure' as const,
        createdAt: at,
        updatedAt: at,
        runAttempt: 1,
        inputs: {},
        actor: 'maintainer',
        triggeringActor: 'maintainer',
      };
      gh.runs.push(run);
      gh.events.run('completed', run);
      await app.deliverAll(gh.outbox.splice(0));
    },
  },
  {
    door: 'pull-label',
    config: PULL_LABEL_ON,
    async ask({ gh, app }) {
      const event = pullLabelEvent(gh, branchPull(gh));
      await app.deliver(event.name, event.payload);
    },
  },
  {
    door: 'project',
    config: 'events:\n  project: { field: Status, value: Baton }\n',
    async ask({ gh, app }) {
      const issue = gh.openIssue({ title: 'Add OAuth login', user: 'maintainer' });
      const item = addProjectItem(gh, {
        content: { type: 'Issue', repository: gh, number: issue },
      });
      gh.outbox.splice(0);
      setProjectField(gh, item, { field: 'Status', value: 'Baton', by: 'maintainer' });
      await app.deliverAll(gh.outbox.splice(0));
    },
  },
  {
    door: 'linear',
    config: TRACKERS,
    async ask({ app, trackers: { linear } }) {
      const issue = linear.issue('ENG', {
        title: 'Add a health check',
        description: 'GET /healthz answers 200.',
      });
      await postDelivery(app, TRACKER_ROUTES.linear, linear.label(issue, 'Baton', ALICE));
    },
  },
  {
    door: 'jira',
    config: TRACKERS,
    async ask({ app, trackers: { jira } }) {
      const issue = jira.issue('PROJ', {
        summary: 'Add a health check',
        description: 'GET /healthz answers 200.',
      });
      await postDelivery(app, TRACKER_ROUTES.jira, jira.label(issue, 'baton', ALICE_JIRA));
    },
  },
];

/** The ISO time of `hhmm` UTC on the day after `iso`. */
function nextDay(iso: string, hhmm: string): string {
  const day = new Date(Date.parse(iso) + 86_400_000).toISOString().slice(0, 10);
  return `${day}T${hhmm}:00.000Z`;
}

/** Each door's ask, measured alone. */
export async function measureDoors(): Promise<DoorCost[]> {
  const costs: DoorCost[] = [];
  for (const door of DOORS) costs.push(await measureDoor(door));
  return costs;
}

async function measureDoor(door: Door): Promise<DoorCost> {
  const now = tickingClock();
  const gh = installedRepo(now);
  if (door.config) {
    const files = { '.github/baton.yml': door.config, ...door.files };
    // The maintainer's commit: a schedule's asker is who last changed it.
    gh.commitAuthors.set(gh.git.commitOn(gh.defaultBranch, files, 'Configure'), 'maintainer');
  }
  clearPermissionCache();
  const trackers = trackerSims(() => Date.parse(now()));
  const tracker = door.door === 'linear' || door.door === 'jira';
  const app = await startApp({
    gh,
    now,
    ...(tracker ? { trackers: trackerSettings(trackers, { owner: gh.owner, repo: gh.repo }) } : {}),
  });
  if (tracker) serveTrackers(trackers);
  try {
    const from = gh.log.length;
    const heard = performance.now();
    await door.ask({ gh, app, now, trackers });
    await app.idle();
    const asked = gh.log.slice(from).filter((entry) => !entry.route.includes('/access_tokens'));
    const run = gh.runs.find((one) => one.inputs.role === 'plan' || one.inputs.role === 'research');
    if (!run) throw new Error(`the ${door.door} door dispatched no session: nothing was measured`);
    if (app.errors.length > 0) throw new Error(`the ${door.door} door: ${app.errors.join('; ')}`);
    const toPlanMs = tracker
      ? await planShown({ gh, app, build: run.inputs.build ?? '', heard })
      : null;
    const trackerLog = door.door === 'linear' ? trackers.linear.log : trackers.jira.log;
    return {
      door: door.door,
      requests: asked.length,
      writes: asked.filter(isWrite).length,
      trackerRequests: tracker ? trackerLog.length : null,
      toPlanMs,
    };
  } finally {
    app.stop();
  }
}

/** The plan session ends at once; answers the real ms from `heard` until the status comment shows its plan. */
async function planShown({
  gh,
  app,
  build,
  heard,
}: {
  gh: FakeGitHub;
  app: AppHarness;
  build: string;
  heard: number;
}): Promise<number> {
  const issue = Number(gh.runs.at(-1)?.inputs.issue);
  landPlan(gh, { build, issue, workers: [{ id: 'W1.1', title: 'Health check route' }] });
  const run = await finishPlanRun(app, gh, { build });
  await app.idle();
  const shown = performance.now();
  const status = gh.comments.find(
    (comment) => comment.user.login === gh.botLogin && comment.body.includes('Health check route'),
  );
  if (!status) throw new Error(`the plan of run ${run.id} never reached the status comment`);
  return shown - heard;
}

/** The rows of results.md: each door's requests per ask, and the trackers' time to the plan. */
export function doorRows(costs: DoorCost[]): Row[] {
  const perAsk = costs
    .map(({ door, requests, writes }) => `${door} ${requests} / ${writes}`)
    .join(', ');
  const tracked = costs.filter((cost) => cost.toPlanMs !== null);
  return [
    {
      figure:
        'GitHub requests / writes of one ask through each door, from its event to the first session dispatched (docs/intake.md)',
      measured: perAsk,
      target: 'reported',
      met: null,
    },
    {
      figure:
        "A tracker's webhook to the plan in the status comment, real ms of the app (the plan session scripted to end at once), and the tracker's own requests",
      measured: tracked
        .map(
          (cost) =>
            `${cost.door} ${Math.round(cost.toPlanMs ?? 0)} ms, ${cost.trackerRequests} requests`,
        )
        .join('; '),
      target: 'reported',
      met: null,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const costs = await measureDoors();
  console.log(JSON.stringify(costs, null, 2));
  process.exit(0);
}
