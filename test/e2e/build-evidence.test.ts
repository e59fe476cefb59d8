// End-to-end (several minutes): "evidence before a person reads" whole, through
// the real app (or, with nothing hosted, the conductor workflow), the bundled
// session action and the simulator, both played at once: hosted on Claude Code,
// with nothing hosted on Codex (the real binaries, against the scripted model
// in their dialects), for the sessions that write and validate (work, fix, the
// contract's and validation), the plan and the reviews on Baton's own loop. Nine workers
// (sim/scenario/builds/evidence-scenario.ts): the plan session's code adds the
// contract's worker W0.1, whose pull request merges before any worker's first
// run is created; W1.2's first session deletes a contract check and publish
// refuses it, and the maintainer's /retry delivers; W1.5's body flags the test
// it claims and never wrote; W2.2's first head fails CI on its contract check,
// whose re-run fails again, does not merge, and its fix session is told the
// check's name; milestone 2's validation finds the command line and the wave
// do not meet and files the fix worker W3.1; W1.3 (a workflow, or with nothing
// hosted an action a workflow runs) and W1.4 (a dependency) wait for a person,
// asked for both in one notice once nothing else can go on, who lets them go on
// with /merge and an approval of the head, and they head
// the final pull request's guide, which maps every criterion to its check,
// shown failing on the contract's commit and passing in the last milestone's validation. CI is scripted: the simulator
// runs none, so the test puts a check on each worker pull request's head when
// its review starts, and ends the re-run of a failed one.
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sessionRuns } from '../../sim/actions/runner.js';
import { appNode, MAINTAINER, type Simulation, type SimulationMode } from '../../sim/e2e.js';
import type { CapturedRequest } from '../../sim/fake-anthropic.js';
import type { SimPull } from '../../sim/github/records.js';
import {
  checkFile,
  EVIDENCE_COMMAND,
  evidenceScenario,
  lintOf,
  RED_CHECK,
  setUpEvidence,
} from '../../sim/scenario/builds/evidence-scenario.js';
import type { PlayedBuild } from '../../sim/scenario/play-build.js';
import { readSessionRequest } from '../../sim/scenario/read-request.js';
import { createScriptedModel, type ScriptedModel } from '../../sim/scenario/scripted-model.js';
import { Contract, contractPath } from '../../src/core/plan/contract.js';
import { Plan } from '../../src/core/plan/plan.js';
import { parseValidationMessage, validationRefPrefix } from '../../src/core/plan/validation.js';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import {
  briefPath,
  integrationBranch,
  parseBatonBranch,
  planPath,
  workerBranch,
} from '../../src/core/vocabulary/ids.js';
import {
  AT_ONCE_TEST_LIMIT_MS,
  playBuildsAtOnce,
  playGreetingAtOnce,
  startSpeakingEngines,
} from '../support/builds-at-once.js';

/** The Node the hosted app runs on: `.ci/run`'s Node 22, the oldest the app supports (`appNode`). */
const APP_NODE = appNode();

/**
 * The engine of the sessions that write and validate, by mode (the plan and the reviews run
 * on Baton's own loop): the real binaries, against the scripted model in their own dialects.
 */
const ENGINES = { hosted: 'claude-code', serverless: 'codex' } as const;

/**
 * The workers that wait for a person under the default autonomy, why, and how a writer
 * lets each go on: `/merge W1.3` on the issue, an approval of W1.4's head.
 */
const WAITING = {
  'W1.3': { why: 'changes a workflow', release: 'merge' },
  'W1.4': { why: 'changes dependencies', release: 'approve' },
} as const;

interface Played {
  sim: Simulation;
  model: ScriptedModel;
  played: PlayedBuild;
  /** Each session's first message as the model read it, by the run's worker and role. */
  firsts: { role: string; worker: string | null; text: string }[];
  /** The heads whose CI the test made red. */
  red: string[];
  /** The program the app process runs (hosted), as the kernel names it. */
  appProgram: string | null;
}

/**
 * CI as a repository would run it, scripted: when a worker pull request opens or
 * its head moves (GitHub's `pull_request` workflows), its head gets one check,
 * green but for W2.2's first head, where the contract's check of W2.2:1 fails;
 * the re-run of its failed jobs, which Baton asks for once, fails again (the
 * check is not flaky).
 */
function scriptCi(sim: Simulation, red: string[]): void {
  const seen = new Set<string>();
  sim.gh.runListeners.add((run) => {
    if (run.workflow === 'ci.yml' && run.status === 'queued') {
      setImmediate(() => sim.gh.completeCheck(run, { name: RED_CHECK, conclusion: 'failure' }));
    }
  });
  sim.gh.pullListeners.add((pull, head) => {
    const branch = parseBatonBranch(`refs/heads/${pull.head}`);
    if (branch?.kind !== 'worker' || seen.has(head)) return;
    seen.add(head);
    const first = branch.worker === 'W2.2' && red.length === 0;
    if (first) red.push(head);
    // Before the session's run moves on: its checks are pending from the push, as GitHub's are.
    sim.gh.addCheck({
      sha: head,
      name: branch.worker === 'W2.2' ? RED_CHECK : 'ci',
      conclusion: first ? 'failure' : 'success',
    });
  });
}

/** A writer's approval of a worker pull request's head, as a person gives it on GitHub. */
function approveHead(sim: Simulation, build: string, worker: string): void {
  const pull = [...sim.gh.pulls.values()].find(
    (one) => one.state === 'open' && one.head === workerBranch(build, worker),
  );
  if (!pull) throw new Error(`no open pull request for ${worker}`);
  sim.gh.addReview({
    pull: pull.number,
    user: MAINTAINER,
    body: 'Read it: fine to merge.',
    state: 'APPROVED',
    commitId: sim.gh.git.resolve(pull.head) ?? '',
    comments: [],
  });
}

/** Plays the build in `mode`: `/approve`, a `/retry` for the refused attempt, a release of each worker waiting for a person. */
async function play(started: Simulation[], mode: SimulationMode): Promise<Played> {
  // Sessions change no workflow with nothing hosted (docs/serverless.md): W1.3's lint is an action there.
  const workflows = mode === 'hosted';
  const engine = ENGINES[mode];
  const scripted = createScriptedModel(evidenceScenario({ workflows }));
  const firsts: Played['firsts'] = [];
  // The scripted model reads each session's first message in Baton's words, whichever engine asked.
  const model: ScriptedModel = Object.assign(
    (request: CapturedRequest, index: number) => {
      const read = readSessionRequest(request.body);
      if (typeof read !== 'string' && read.turn === 0) {
        const { role, worker } = read;
        firsts.push({ role, worker, text: JSON.stringify(request.body.messages[0]?.content) });
      }
      return scripted(request, index);
    },
    { sessions: scripted.sessions, problems: scripted.problems, errors: scripted.errors },
  );
  const sim = await startSpeakingEngines(model, {
    setup: setUpEvidence({ workflows, engine }),
    parallel: 2,
    mode,
    ...(mode === 'hosted' && APP_NODE.path ? { appNode: APP_NODE.path } : {}),
  });
  started.push(sim);
  const appProgram = mode === 'hosted' ? realpathSync(`/proc/${sim.app.pid}/exe`) : null;
  const red: string[] = [];
  scriptCi(sim, red);
  const released = new Set<string>();
  const played = await playGreetingAtOnce(sim, ({ issue, build, say }) => {
    // A turn the scenario does not play fails that session: the build cannot come out as
    // scripted, so the play ends now, not at its limit, with what the validations found.
    if (scripted.problems.length > 0) {
      throw new Error(
        `the scripted model met what the scenario does not play: ${scripted.problems.join('; ')}\nThe validations: ${validationRecords(sim, build).join('\n')}`,
      );
    }
    const status = sim.statusComment(issue) ?? '';
    // The refused attempt: the maintainer starts the next session, once.
    if (!released.has('retry') && status.includes('`/retry W1.2`')) {
      released.add('retry');
      say('/retry W1.2');
    }
    // A person acts on Baton's ask: the one notice on the issue, posted once nothing else
    // can go on, that lists the workers waiting by risk.
    const asks = sim.gh.comments.filter(
      (c) => c.issue === issue && c.body.includes('**The build waits for a person:**'),
    );
    // A worker the scenario does not hold for a person would wait for one to the play's limit: end now.
    for (const ask of asks)
      for (const [, worker = ''] of ask.body.matchAll(/^- \*\*(W[\d.]+)\*\* /gm))
        if (!(worker in WAITING))
          throw new Error(
            `a person is asked for ${worker}, which the scenario does not hold:\n${ask.body}`,
          );
    for (const [worker, { why, release }] of Object.entries(WAITING)) {
      const waits = asks.some(
        (c) => c.body.includes(`- **${worker}** ([#`) && c.body.includes(why),
      );
      if (released.has(worker) || !waits) continue;
      released.add(worker);
      if (release === 'merge') say(`/merge ${worker}`);
      else approveHead(sim, build, worker);
    }
  });
  return { sim, model, played, firsts, red, appProgram };
}

/** The build's validation records, as their commits' messages say them, by milestone. */
function validationRecords(sim: Simulation, build: string): string[] {
  return [...sim.gh.git.refs.keys()]
    .filter((ref) => ref.startsWith(validationRefPrefix(build)))
    .map((ref) => {
      const commit = sim.gh.git.objects.get(sim.gh.git.refs.get(ref) ?? '');
      return commit?.type === 'commit' ? commit.message : '';
    })
    .sort();
}

const builds = playBuildsAtOnce((started) => ({
  hosted: play(started, 'hosted'),
  serverless: play(started, 'serverless'),
}));

/** The pull request of a worker's branch. */
function pullOf({ sim, played }: Played, worker: string): SimPull {
  const pull = [...sim.gh.pulls.values()].find(
    (one) => one.head === workerBranch(played.build, worker),
  );
  if (!pull) throw new Error(`no pull request for ${worker}`);
  return pull;
}

/** The workers' pull requests in the order they merged. */
function mergeOrder(built: Played): string[] {
  return [...built.sim.gh.pulls.values()]
    .filter((pull) => pull.mergedAt && pull.base === integrationBranch(built.played.build))
    .sort((a, b) => Date.parse(a.mergedAt ?? '') - Date.parse(b.mergedAt ?? ''))
    .map((pull) => pull.head.split('/').at(-1) ?? '');
}

describe.each([
  { mode: 'hosted', on: `the app on Node ${APP_NODE.version}` },
  { mode: 'serverless', on: "the conductor on the runner's Node" },
] as const)('evidence before a person reads, end to end ($mode, $on)', ({ mode }) => {
  /** A test of the build played this way, given the time the build may take. */
  function itOnBuild(name: string, check: (built: Played) => void | Promise<void>): void {
    it(name, async () => check(await builds()[mode]), AT_ONCE_TEST_LIMIT_MS);
  }

  itOnBuild('plays nine workers with no turn the scenario did not expect', (built) => {
    expect(built.model.problems).toEqual([]);
    // The hosted app ran on the Node the test was given (Node 22 in CI).
    if (mode === 'hosted')
      expect(built.appProgram).toBe(realpathSync(APP_NODE.path ?? process.execPath));
    const { sim, played } = built;
    const head = sim.gh.git.resolve(integrationBranch(played.build)) ?? '';
    const plan = JSON.parse(sim.gh.git.filesOf(head).get(planPath(played.build)) ?? '{}');
    expect(plan.workers.map((worker: { id: string }) => worker.id)).toEqual([
      'W0.1',
      'W1.1',
      'W1.2',
      'W1.3',
      'W1.4',
      'W1.5',
      'W2.1',
      'W2.2',
      'W3.1',
    ]);
  });

  itOnBuild(
    'plans W0.1 first, writing the contract, with every worker of wave 1 waiting for it',
    ({ played, sim }) => {
      const asked = played.statuses.find((status) => status.includes('Reply `/approve`'));
      expect(asked).toContain('W0.1');
      expect(asked).toContain('(writes the contract)');
      const head = sim.gh.git.resolve(integrationBranch(played.build)) ?? '';
      const plan = Plan.parse(
        JSON.parse(sim.gh.git.filesOf(head).get(planPath(played.build)) ?? ''),
      );
      const wave1 = plan.workers.filter((worker) => worker.id.startsWith('W1.'));
      expect(plan.workers[0]).toMatchObject({ id: 'W0.1', depends_on: [], contract: true });
      expect(wave1.map((worker) => worker.depends_on)).toEqual(wave1.map(() => ['W0.1']));
      expect(plan.workers.find((worker) => worker.id === 'W1.1')?.criteria).toEqual([
        '`greeting("Ada")` is `Hello, Ada!`',
      ]);
    },
  );

  itOnBuild("merges the contract before any worker's first run is created", (built) => {
    const contractPull = pullOf(built, 'W0.1');
    expect(contractPull.base).toBe(integrationBranch(built.played.build));
    const contractMerged = Date.parse(contractPull.mergedAt ?? '');
    expect(contractMerged).not.toBeNaN();
    const contractRuns = sessionRuns(built.sim.gh.runs).filter(
      (run) => run.inputs.role === 'contract',
    );
    expect(contractRuns.map((run) => [run.inputs.worker, run.conclusion])).toEqual([
      ['W0.1', 'success'],
    ]);
    expect(mergeOrder(built)[0]).toBe('W0.1');
    const others = sessionRuns(built.sim.gh.runs).filter(
      (run) => run.inputs.worker !== 'W0.1' && run.inputs.role !== 'plan',
    );
    expect(others.length).toBeGreaterThan(8);
    for (const run of others)
      expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(contractMerged);
  });

  itOnBuild(
    'refuses the session that deletes a contract check, pushing nothing, and the next one delivers',
    (built) => {
      const { sim, model, played } = built;
      const attempts = sessionRuns(sim.gh.runs).filter(
        (run) => run.inputs.role === 'work' && run.inputs.worker === 'W1.2',
      );
      expect(attempts.map((run) => run.conclusion)).toEqual(['failure', 'success']);
      // The model handed its work in complete: the refusal is publish's.
      const first = model.sessions.find((s) => s.role === 'work' && s.worker === 'W1.2');
      expect(first?.submitted).toMatchObject({ status: 'complete' });
      const retry = sim.gh.comments.find((c) => c.body === '/retry W1.2');
      expect(attempts[1]?.inputs.trigger).toBe(`comment-${retry?.id}`);
      // The check it deleted is delivered, as its own worker left it.
      const delivered = sim.gh.git.filesOf(sim.gh.git.resolve(played.finalPull.head) ?? '');
      expect(delivered.get(checkFile('W1.1'))).toContain('test("greets Ada", async');
      // No other worker was refused or retried.
      expect(sim.gh.comments.filter((c) => c.body.startsWith('/retry')).map((c) => c.body)).toEqual(
        ['/retry W1.2'],
      );
    },
  );

  itOnBuild('flags in its body the test a report claims and the diff does not add', (built) => {
    const pull = pullOf(built, 'W1.5');
    expect(pull.body).toContain('### Not borne out by the diff');
    const section = pull.body.split('### Not borne out by the diff')[1] ?? '';
    expect(section).toContain('test/shout.test.js');
    const evidence = parseEvidenceMarker(pull.body);
    expect(evidence?.claims.flagged.length).toBeGreaterThan(0);
    // The diff's files, the build record's completion aside.
    const code = evidence?.files.filter((file) => !file.path.startsWith('.baton/'));
    expect(code?.map((file) => file.path).sort()).toEqual(['src/shout.js', checkFile('W1.5')]);
    // A report that claims nothing it did not do is not flagged.
    expect(pullOf(built, 'W1.1').body).not.toContain('### Not borne out by the diff');
  });

  itOnBuild(
    'does not merge the head whose contract check fails in CI, and its fix session is told the check',
    (built) => {
      const { sim, red, firsts } = built;
      expect(red).toHaveLength(1);
      const [redHead] = red;
      const failed = sim.gh.checkRuns.find((check) => check.headSha === redHead);
      expect(failed).toMatchObject({ name: RED_CHECK, conclusion: 'failure' });
      const fixes = sessionRuns(sim.gh.runs).filter(
        (run) => run.inputs.role === 'fix' && run.inputs.worker === 'W2.2',
      );
      expect(fixes.map((run) => [run.inputs.trigger, run.conclusion])).toEqual([
        [`checks-${redHead}`, 'success'],
      ]);
      // Baton re-ran the failed CI once, in case it was flaky; it failed again, then the fix came.
      const ci = sim.gh.runs.filter((run) => run.workflow === 'ci.yml' && run.headSha === redHead);
      expect(ci).toMatchObject([{ runAttempt: 2, status: 'completed', conclusion: 'failure' }]);
      expect(Date.parse(fixes[0]?.createdAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(ci[0]?.updatedAt ?? ''),
      );
      const told = firsts.find(
        (first) =>
          first.role === 'fix' &&
          first.worker === 'W2.2' &&
          first.text.includes('These checks failed on'),
      );
      expect(told?.text).toContain(RED_CHECK);
      const pull = pullOf(built, 'W2.2');
      expect(pull.mergedAt).not.toBeNull();
      expect(sim.gh.git.resolve(pull.head)).not.toBe(redHead);
      expect(Date.parse(fixes[0]?.createdAt ?? '')).toBeLessThan(Date.parse(pull.mergedAt ?? ''));
    },
  );

  itOnBuild(
    'validates each milestone, files a fix worker for the failing cross-worker check and delivers it',
    (built) => {
      const { sim, model, played } = built;
      const validations = sim.gh.runs.filter((run) => run.inputs.role === 'validate');
      // The highest milestone reached is validated: milestone 1 only if the workers waiting
      // for a person merged before wave 2 did, which the build does not ask of them.
      const subjects = validations.map((run) => run.inputs.worker);
      expect(subjects.slice(-2)).toEqual(['M2', 'M3']);
      expect(subjects.filter((subject) => subject !== 'M1')).toEqual(['M2', 'M3']);
      expect(validations.every((run) => run.conclusion === 'success')).toBe(true);
      // Only milestone 2's session asked the model: the others' command exited 0.
      expect(model.sessions.filter((s) => s.role === 'validate')).toMatchObject([
        { worker: null, submitted: { failures: [{ check: 'W2.1:1' }] } },
      ]);
      const records = validationRecords(sim, played.build)
        .map(parseValidationMessage)
        .sort((a, b) => (a?.milestone ?? 0) - (b?.milestone ?? 0));
      expect(
        records
          .filter((r) => r?.milestone !== 1 || !r.passed)
          .map((r) => [r?.milestone, r?.passed, r?.failed]),
      ).toEqual([
        [2, false, [{ check: 'W2.1:1', worker: 'W3.1' }]],
        [3, true, []],
      ]);
      expect(records).toHaveLength(subjects.length);
      const fix = sessionRuns(sim.gh.runs).filter(
        (run) => run.inputs.role === 'work' && run.inputs.worker === 'W3.1',
      );
      expect(fix.map((run) => run.conclusion)).toEqual(['success']);
      // Its brief, which publish wrote from the validation's hand-in, names the check.
      const onBranch = sim.gh.git.filesOf(
        sim.gh.git.resolve(integrationBranch(played.build)) ?? '',
      );
      expect(onBranch.get(briefPath(played.build, 'W3.1'))).toContain('W2.1:1');
      expect(mergeOrder(built).at(-1)).toBe('W3.1');
      expect(
        played.statuses.some((status) => status.includes('1 check (W2.1:1) → fix worker W3.1')),
      ).toBe(true);
      // The final pull request was made after the last validation ended.
      expect(Date.parse(played.finalPull.createdAt)).toBeGreaterThanOrEqual(
        Date.parse(validations.at(-1)?.updatedAt ?? ''),
      );
    },
  );

  itOnBuild(
    'holds the workflow and the dependency for a person, and merges each once a writer says /merge or approves its head',
    (built) => {
      const { sim, played } = built;
      for (const [worker, { why, release }] of Object.entries(WAITING)) {
        const pull = pullOf(built, worker);
        const released =
          release === 'merge'
            ? sim.gh.comments.find((c) => c.body === `/merge ${worker}`)?.createdAt
            : sim.gh.reviews.find((r) => r.pull === pull.number && r.user.login === MAINTAINER)
                ?.submittedAt;
        expect(released, worker).toBeDefined();
        expect(Date.parse(pull.mergedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(released ?? ''));
        // Baton's notice on the issue names it and says why it waits; its pull request gets none.
        const asked = sim.gh.comments.filter(
          (c) =>
            c.issue === played.issue &&
            c.body.includes('**The build waits for a person:**') &&
            c.body.includes(`- **${worker}** ([#${pull.number}](`) &&
            c.body.includes(why),
        );
        expect(asked.length, worker).toBeGreaterThan(0);
        expect(
          sim.gh.comments.filter((c) => c.issue === pull.number && c.body.includes(why)),
          worker,
        ).toEqual([]);
      }
      // Every other worker merged on its reviews and checks alone.
      expect(
        sim.gh.comments.filter((c) => c.issue === played.issue && c.body.startsWith('/merge')),
      ).toHaveLength(1);
      expect(sim.gh.reviews.filter((r) => r.user.login === MAINTAINER).map((r) => r.pull)).toEqual([
        pullOf(built, 'W1.4').number,
      ]);
    },
  );

  itOnBuild(
    'opens the final pull request with the guide: the waited-for workers first, every criterion mapped to its check',
    (built) => {
      const { sim, played } = built;
      const body = played.finalPull.body;
      const guide = body.slice(body.indexOf('## Review guide'));
      expect(body.indexOf('## Review guide')).toBeGreaterThan(-1);
      const ranked = guide.split('### Read these first')[1]?.split('### Every worker')[0] ?? '';
      const order = [...ranked.matchAll(/^\d+\. \*\*(W\d+\.\d+)\*\*/gm)].map((m) => m[1]);
      expect(order.slice(0, 2)).toEqual(['W1.3', 'W1.4']);
      expect(ranked).toContain(lintOf(mode === 'hosted').path);
      expect(ranked).toContain('package.json');
      const delivered = sim.gh.git.filesOf(sim.gh.git.resolve(played.finalPull.head) ?? '');
      const contract = Contract.parse(JSON.parse(delivered.get(contractPath(played.build)) ?? ''));
      expect(contract.command).toBe(EVIDENCE_COMMAND);
      const table =
        guide.split('### Acceptance criteria')[1]?.split('### Read these first')[0] ?? '';
      expect(table).toContain(`The contract: 7 checks for 7 criteria (0 unchecked)`);
      for (const check of contract.checks) {
        const row = table.split('\n').find((line) => line.startsWith(`| ${check.criterion} |`));
        expect(row, check.criterion).toContain(`${check.file} › ${check.name}`);
        // The last milestone's validation, which the final pull request waited for.
        // Proven from the runner's reports: failed on the contract's commit, passed on the head.
        expect(row, check.criterion).toMatch(
          /✅ failed under its mark on the contract's commit `[0-9a-f]{7}`, passed on `[0-9a-f]{7}` \(M3's validation\)/,
        );
      }
    },
  );
});
