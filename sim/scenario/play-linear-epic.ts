/**
 * A Linear epic of three children across two repositories, played from the
 * label to the epic moved to done (docs/intake.md): Alice gives the epic
 * Baton's label in Linear, Linear's signed webhook reaches the hosted app,
 * which reads the children and asks one change set in the service; the
 * maintainer approves its plan on GitHub and merges the two final pull
 * requests as the set releases them, the library's first; Baton's one
 * comment on the epic follows the build, and the epic is moved to its done
 * state once the set is delivered. Shared by the end-to-end test and
 * `npm run demo -- linear`.
 */
import { memberBuildId } from '../../src/core/vocabulary/ids.js';
import { TRACKER_ROUTES } from '../../src/server/trackers/tracker-endpoint.js';
import { type Simulation, WHOLE_BUILD_LIMIT_MS } from '../e2e.js';
import type { FakeGitHub } from '../github/fake-github.js';
import type { SimPull } from '../github/records.js';
import { machineLimit } from '../machine-time.js';
import { FakeLinear, type LinearIssue } from '../trackers/fake-linear.js';
import { serveTracker } from '../trackers/serve-tracker.js';
import type { SignedDelivery } from '../trackers/tracker-request.js';
import { SET_REPOSITORIES } from './builds/change-set-scenario.js';
import {
  LINEAR_ALICE,
  linearEpic,
  linearEpicScenario,
  setUpLinearHome,
} from './builds/linear-epic-scenario.js';
import { findFinalPull, waitWatching, watchStatus } from './play-build.js';
import {
  type ChangeSetWatchers,
  changeSetCheck,
  merge,
  startChangeSet,
} from './play-change-set.js';
import type { ScriptedModel } from './scripted-model.js';
import { settle } from './settle.js';

/** What a played epic left. */
export interface PlayedLinearEpic {
  sim: Simulation;
  model: ScriptedModel;
  linear: FakeLinear;
  epic: LinearIssue;
  /** The app's answer to the label's delivery, then to the same delivery again. */
  answers: { status: number; body: { status?: string } }[];
  /** The service's issue the app opened for the epic. */
  issue: number;
  build: string;
  finals: { service: SimPull; lib: SimPull };
  /** The answers to the maintainer's merges, in order: `repo status`. */
  merges: string[];
  statuses: string[];
}

export interface LinearEpicWatchers extends ChangeSetWatchers {
  /** What Baton wrote on the epic in Linear: its comment's new text, or the state it moved the epic to. */
  onLinear?: (what: string, at: Date) => void;
}

/** The app's answer to a Linear delivery, posted to its tracker endpoint as Linear posts it. */
async function deliver(
  sim: Simulation,
  delivery: SignedDelivery,
): Promise<{ status: number; body: { status?: string } }> {
  const response = await fetch(`${sim.app.url}${TRACKER_ROUTES.linear}`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: response.status, body: (await response.json()) as { status?: string } };
}

export async function playLinearEpic({
  started,
  timeoutMs = 2 * WHOLE_BUILD_LIMIT_MS,
  appEnv = {},
  watchers = {},
}: {
  /** Where the simulation goes, for the caller to stop. */
  started: Simulation[];
  timeoutMs?: number;
  appEnv?: Record<string, string>;
  watchers?: LinearEpicWatchers;
}): Promise<PlayedLinearEpic> {
  const linear = new FakeLinear(Date.now);
  const served = await serveTracker((request) => linear.handle(request));
  try {
    const { sim, model } = await startChangeSet({
      started,
      mode: 'hosted',
      setup: setUpLinearHome,
      scenario: linearEpicScenario,
      appEnv: {
        BATON_TRACKER_HOME: SET_REPOSITORIES.service,
        BATON_LINEAR_WEBHOOK_SECRET: linear.secret,
        BATON_LINEAR_API_KEY: linear.apiKey,
        BATON_LINEAR_API_URL: `${served.origin}/graphql`,
        ...appEnv,
      },
    });
    const [lib] = sim.peers as [FakeGitHub];
    const repos = { service: sim.gh, lib };
    const { epic } = linearEpic(linear);
    const watch = watchStatus(sim.gh, watchers.onStatus, watchers.onNotice);
    let written = 0;
    const pollLinear = () => {
      for (; written < linear.writes.length; written++) {
        const write = linear.writes[written];
        if (!write || write.issueId !== epic.id) continue;
        const what =
          write.kind === 'issueUpdate'
            ? `moves ${epic.identifier} to ${linear.states(epic.team).find((one) => one.id === write.stateId)?.name}`
            : write.body;
        watchers.onLinear?.(what, new Date());
      }
    };
    const limit = machineLimit(timeoutMs);
    const wait = waitWatching({
      sim,
      watch: {
        poll() {
          watch.poll();
          pollLinear();
        },
      },
      limit,
    });

    const delivery = linear.label(epic, 'baton', LINEAR_ALICE);
    watchers.onMaintainer?.(
      `(Alice, in Linear) gives ${epic.identifier} "${epic.title}" the label \`baton\``,
      new Date(),
    );
    const answers = [await deliver(sim, delivery)];
    // Linear sends a delivery again where it saw no answer: the same one starts nothing more.
    answers.push(await deliver(sim, delivery));
    const issue = await wait(
      "the epic's issue",
      () =>
        [...sim.gh.issues.values()].find(
          (one) => !one.pull && one.body.startsWith('<!-- baton:tracker '),
        )?.number,
    );
    await wait('the set’s plan', () => sim.statusComment(issue)?.includes('Reply `/approve`'));
    const build = await wait(
      'the build id',
      () => /<!-- baton:status build=([\w.-]+) -->/.exec(sim.statusComment(issue) ?? '')?.[1],
    );
    sim.comment({ issue, body: '/approve' });
    watchers.onMaintainer?.('comments `/approve`', new Date());
    const member = memberBuildId(build, SET_REPOSITORIES.service);
    const finals = {
      lib: await wait('lib’s final pull request', () => findFinalPull(lib, member)),
      service: await wait('the service’s final pull request', () => findFinalPull(sim.gh, member)),
    };
    const merges: string[] = [];
    for (const name of ['lib', 'service'] as const) {
      await wait(`${name}’s final pull request released`, () =>
        changeSetCheck(repos[name], finals[name]) === 'success' ? true : null,
      );
      const status = await merge(sim, repos[name], finals[name].number);
      merges.push(`${name} ${status}`);
      watchers.onMaintainer?.(
        `presses merge on ${repos[name].fullName}#${finals[name].number}: ${status === 200 ? 'merged' : `refused (${status})`}`,
        new Date(),
      );
    }
    await wait('the set’s issue closed', () => sim.gh.issues.get(issue)?.state === 'closed');
    await wait(`${epic.identifier} moved to done`, () => epic.state === 'state-done');
    await wait('Baton’s comment on the epic says it is done', () =>
      linear.comments.some(
        (one) => one.issueId === epic.id && one.body.includes('Done in Linear.'),
      ),
    );
    await settle(sim);
    watch.poll();
    pollLinear();
    return {
      sim,
      model,
      linear,
      epic,
      answers,
      issue,
      build,
      finals,
      merges,
      statuses: watch.statuses,
    };
  } finally {
    await served.stop();
  }
}
