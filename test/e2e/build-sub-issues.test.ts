// End-to-end (about a minute): an issue whose sub-issues are the plan, through
// real processes. Three sub-issues, listed as the commands first; the commands
// sub-issue is blocked by the other two. Baton runs the two in parallel, the
// commands after both merged, and closes each sub-issue as its worker merges.
// Beside it, played at the same time, an issue whose sub-issues block each
// other in a cycle gets no plan, and the status comment says which link to remove.
import { describe, expect, it } from 'vitest';
import {
  buildCeiling,
  type Simulation,
  startSimulation,
  WHOLE_BUILD_LIMIT_MS,
} from '../../sim/e2e.js';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import {
  diamondScenario,
  GREETING_ISSUE,
  setUpWidgets,
} from '../../sim/scenario/builds/greeting-scenario.js';
import { type PlayedBuild, playBuild } from '../../sim/scenario/play-build.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { settle } from '../../sim/scenario/settle.js';
import {
  briefPath,
  integrationBranch,
  subIssueGraphPath,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import { awaitBeforeAll, playBuildsAtOnce } from '../support/builds-at-once.js';
import { knownRestRoutes } from '../support/rest-routes.js';

const MERGE_ROUTE = 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge';
const PATCH_ISSUE = 'PATCH /repos/{owner}/{repo}/issues/{issue_number}';

interface SubIssues {
  greeting: number;
  farewell: number;
  commands: number;
}

/** Gives `parent` three sub-issues, the commands listed first and blocked by the other two. */
function addSubIssues(gh: FakeGitHub, parent: number): SubIssues {
  const commands = gh.openIssue({
    title: 'Command line: greet and bye',
    body: 'Wire `widgets greet <name>` and `widgets bye <name>` to the two text modules.',
  });
  const greeting = gh.openIssue({
    title: 'Greeting text',
    body: 'A module that says hello to a name.',
  });
  const farewell = gh.openIssue({ title: 'Farewell text', body: 'A module that says goodbye.' });
  for (const sub of [commands, greeting, farewell]) gh.addSubIssue(parent, sub);
  gh.addBlockedBy(commands, greeting);
  gh.addBlockedBy(commands, farewell);
  return { greeting, farewell, commands };
}

interface Played {
  sim: Simulation;
  model: ScriptedModel;
  build: PlayedBuild;
  subs: SubIssues;
}

async function playSubIssues(started: Simulation[]): Promise<Played> {
  const model = createScriptedModel(diamondScenario());
  const sim = await startSimulation({ respond: model, setup: setUpWidgets, parallel: 2 });
  started.push(sim);
  let subs: SubIssues | undefined;
  const build = await playBuild({
    sim,
    issue: {
      ...GREETING_ISSUE,
      prepare: (parent) => {
        subs = addSubIssues(sim.gh, parent);
      },
    },
    timeoutMs: WHOLE_BUILD_LIMIT_MS,
  });
  if (!subs) throw new Error('the sub-issues were not made');
  return { sim, model, build, subs };
}

/** An issue whose two sub-issues block each other: the status comment names the cycle. */
async function playCycle(
  started: Simulation[],
): Promise<{ sim: Simulation; status: string; issue: number }> {
  const sim = await startSimulation({
    respond: createScriptedModel(diamondScenario()),
    setup: setUpWidgets,
  });
  started.push(sim);
  let pair: [number, number] = [0, 0];
  const issue = sim.labelIssue({
    ...GREETING_ISSUE,
    prepare: (parent) => {
      const a = sim.gh.openIssue({ title: 'First half', body: 'One.' });
      const b = sim.gh.openIssue({ title: 'Second half', body: 'Two.' });
      sim.gh.addSubIssue(parent, a);
      sim.gh.addSubIssue(parent, b);
      sim.gh.addBlockedBy(a, b);
      sim.gh.addBlockedBy(b, a);
      pair = [a, b];
    },
  });
  const status = await sim.waitForStatus(issue, 'form a cycle', 120_000);
  await settle(sim);
  expect(pair[0]).toBeGreaterThan(0);
  return { sim, status, issue };
}

const runs = playBuildsAtOnce((started) => ({
  subIssues: playSubIssues(started),
  cycle: playCycle(started),
}));

const pullOf = ({ sim, build }: Played, worker: string) =>
  [...sim.gh.pulls.values()].find((p) => p.head === workerBranch(build.build, worker));
const fileAt = ({ sim, build }: Played, path: string) =>
  sim.gh.git.filesOf(sim.gh.git.resolve(integrationBranch(build.build)) ?? '').get(path);
/** Where in the simulated GitHub's request log a request first matches. */
const logIndex = ({ sim }: Played, route: string, path: string) =>
  sim.gh.log.findIndex((entry) => entry.route === route && entry.path.endsWith(path));

describe('an issue whose sub-issues are the plan', () => {
  const played = awaitBeforeAll(() => runs().subIssues, WHOLE_BUILD_LIMIT_MS);

  it('plans one worker per sub-issue, with the blocked-by links as dependencies', () => {
    expect(played.model.problems).toEqual([]);
    const { greeting, farewell, commands } = played.subs;
    const plan = JSON.parse(fileAt(played, `.baton/builds/${played.build.build}/plan.json`) ?? '');
    expect(
      plan.workers.map((w: { id: string; sub_issue: number; depends_on: string[] }) => [
        w.id,
        w.sub_issue,
        w.depends_on,
      ]),
    ).toEqual([
      ['W1.1', greeting, []],
      ['W1.2', farewell, []],
      ['W2.1', commands, ['W1.1', 'W1.2']],
    ]);
    const graph = JSON.parse(fileAt(played, subIssueGraphPath(played.build.build)) ?? '');
    expect(graph.sub_issues.map((s: { number: number }) => s.number)).toEqual([
      commands,
      greeting,
      farewell,
    ]);
  });

  it('writes each brief from its sub-issue’s description, with the plan session’s additions below', () => {
    const brief = fileAt(played, briefPath(played.build.build, 'W2.1')) ?? '';
    expect(brief).toContain(
      `Sub-issue #${played.subs.commands}:\n\nWire \`widgets greet <name>\` and \`widgets bye <name>\` to the two text modules.\n\n## Filled in by the plan session\n\n`,
    );
    expect(brief).toMatch(/^title: 'Command line: greet and bye'$/m);
  });

  it('runs the blocked sub-issue only after both of its blockers merged', () => {
    const mergedAt = (worker: string) => Date.parse(pullOf(played, worker)?.mergedAt ?? '');
    const work = played.sim.gh.runs.find(
      (run) => run.inputs.role === 'work' && run.inputs.worker === 'W2.1',
    );
    const dispatched = Date.parse(work?.createdAt ?? '');
    expect(dispatched).toBeGreaterThanOrEqual(mergedAt('W1.1'));
    expect(dispatched).toBeGreaterThanOrEqual(mergedAt('W1.2'));
  });

  it('closes each sub-issue as completed once its worker merged, and leaves the parent open', () => {
    const { greeting, farewell, commands } = played.subs;
    for (const [worker, number] of [
      ['W1.1', greeting],
      ['W1.2', farewell],
      ['W2.1', commands],
    ] as const) {
      const issue = played.sim.gh.issues.get(number);
      expect(issue?.state).toBe('closed');
      expect(issue?.stateReason).toBe('completed');
      const merge = logIndex(played, MERGE_ROUTE, `/pulls/${pullOf(played, worker)?.number}/merge`);
      const close = logIndex(played, PATCH_ISSUE, `/issues/${number}`);
      expect(merge).toBeGreaterThanOrEqual(0);
      expect(close).toBeGreaterThan(merge);
    }
    // Closed once each: the guard reads the state before it writes.
    const closes = played.sim.gh.log.filter((entry) => entry.route === PATCH_ISSUE);
    expect(closes).toHaveLength(3);
    expect(played.sim.gh.issues.get(played.build.issue)?.state).toBe('open');
  });

  it('opens the final pull request, and calls only REST routes GitHub publishes', async () => {
    expect(played.build.finalPull.body).toMatch(new RegExp(`^Closes #${played.build.issue}\\n`));
    expect(played.sim.gh.callsOutside(await knownRestRoutes())).toEqual([]);
  });
});

describe('an issue whose sub-issues block each other', () => {
  it(
    'gets no plan, no model turn, and a status comment that says which link to remove',
    async () => {
      const { sim, status } = await runs().cycle;
      expect(status).toMatch(
        /The "blocked by" links of #\d+'s sub-issues form a cycle: #\d+ is blocked by #\d+ is blocked by #\d+; remove one of these links\./,
      );
      expect(sim.gh.runs.filter((run) => run.inputs.role === 'work')).toEqual([]);
      expect(sim.gh.callsOutside(await knownRestRoutes())).toEqual([]);
    },
    buildCeiling(WHOLE_BUILD_LIMIT_MS),
  );
});
