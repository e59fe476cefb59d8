import { describe, expect, it } from 'vitest';
import { checkSetCommands } from '../../../src/core/change-set/check-set-commands.js';
import { decideSet, type SetDecision } from '../../../src/core/change-set/decide-set.js';
import { takesComment } from '../../../src/core/change-set/set-refusal.js';
import type { SetSnapshot } from '../../../src/core/change-set/set-snapshot.js';
import { MAX_WORKERS } from '../../../src/core/plan/plan.js';
import type { FailedCheck } from '../../../src/core/plan/validation.js';
import { renderDispatchInputs } from '../../../src/core/sessions/session.js';
import type { BuildSnapshot } from '../../../src/core/snapshot/snapshot.js';
import { renderStatus } from '../../../src/core/status/render-status.js';
import { briefPath, integrationBranch, planPath } from '../../../src/core/vocabulary/ids.js';
import { ago, make, NOW, planRun, sha } from '../factories.js';
import {
  actionsIn,
  approval,
  CLIENT,
  gatedPull,
  HOME,
  LIB,
  MAINTAINER,
  MEMBER,
  makeMember,
  makeRepository,
  makeSet,
  memberPull,
  memberRun,
  recordedMember,
  SET_BUILD,
  setConfig,
  setDispatches,
} from './set-factories.js';

const decideOn = (set: SetSnapshot, config = setConfig()) => decideSet({ set, config, now: NOW });

/** A set approved by the maintainer, with its members as given. */
function approved(members: SetSnapshot['members'], home: Parameters<typeof makeSet>[0] = {}) {
  return makeSet({ ...home, home: { commands: [approval()], ...home.home }, members });
}

describe('a change set while it plans', () => {
  it('reads every listed repository when whoever labelled the issue can write them all', () => {
    const decision = decideOn(makeSet({ home: { plan: { kind: 'missing' }, runs: [] } }));
    expect(setDispatches(decision)).toEqual([`${HOME} plan - views`]);
    expect(renderStatus(decision.view)).toContain(
      'the plan session reads `acme/lib`, `acme/client` too (read-only)',
    );
  });

  it('plans for the issue’s repository alone, saying why, when the labeller cannot write one of them', () => {
    const set = makeSet({
      home: {
        plan: { kind: 'missing' },
        runs: [],
        labelledBy: [{ label: 'orchestrate', login: 'carol' }],
      },
    });
    const decision = decideOn(set);
    expect(setDispatches(decision)).toEqual([`${HOME} plan -`]);
    expect(renderStatus(decision.view)).toContain(`Planned for ${HOME} alone`);
  });

  it.each([
    ['the recorded asker can, whoever labelled the issue since', 'maintainer', 'carol'],
    ['a writer who can labels the issue again after an asker who cannot', 'carol', 'maintainer'],
  ])('reads every listed repository when %s', (_name, asker, labeller) => {
    const set = makeSet({
      home: {
        plan: { kind: 'missing' },
        runs: [],
        ask: {
          by: asker,
          how: { way: 'label', label: 'orchestrate' },
          at: ago(300),
          what: { kind: 'build', type: 'code' },
        },
        labelledBy: [{ label: 'orchestrate', login: labeller, at: ago(100) }],
      },
    });
    expect(setDispatches(decideOn(set))).toEqual([`${HOME} plan - views`]);
  });

  it('plans nothing while a listed repository is outside the installation, and says so in one line', () => {
    const set = makeSet({
      home: { plan: { kind: 'missing' }, runs: [] },
      outsideInstallation: [CLIENT],
    });
    const decision = decideOn(set);
    expect(setDispatches(decision)).toEqual([]);
    expect(decision.view).toMatchObject({ phase: 'config-invalid' });
    const lines = renderStatus(decision.view)
      .split('\n')
      .filter((line) => line.startsWith('- '));
    expect(lines).toEqual([
      "- `changeSets.repositories`: acme/client is not in this app's installation (or does not exist): install the app on it, in the same installation as acme/service, or take it out of the list.",
    ]);
  });

  it.each([
    [
      'a repository not listed',
      { changeSets: { repositories: [CLIENT] } },
      {},
      'W1.1 names acme/lib, which `changeSets.repositories` in .github/baton.yml does not list',
    ],
    [
      'a repository the app is not installed on',
      {},
      {
        repositories: [
          makeRepository(LIB, { installed: false }),
          makeRepository(HOME),
          makeRepository(CLIENT),
        ],
      },
      'acme/lib is not in this app’s installation'.replace('’', "'"),
    ],
    [
      'a repository not set up for Baton',
      {},
      {
        repositories: [
          makeRepository(LIB, { workflow: false }),
          makeRepository(HOME),
          makeRepository(CLIENT),
        ],
      },
      'acme/lib is not set up for Baton',
    ],
    [
      'a private repository that does not share with the others',
      {},
      {
        repositories: [
          makeRepository(LIB, {
            visibility: 'private',
            config: make.config({ changeSets: { shareWith: [HOME] } }),
          }),
          makeRepository(HOME),
          makeRepository(CLIENT),
        ],
      },
      'acme/lib is private, and its .github/baton.yml does not share its text with acme/client',
    ],
  ])('refuses a plan with %s, saying what to do', (_name, config, set, problem) => {
    const listed = 'changeSets' in config ? config.changeSets : {};
    const decision = decideOn(makeSet(set), setConfig(listed));
    expect(decision.view).toMatchObject({
      phase: 'plan-invalid',
      problems: [expect.stringContaining(problem)],
    });
    expect(setDispatches(decision)).toEqual([]);
  });

  it.each([
    ['shares with the issue’s repository alone', [HOME], false],
    ['shares with every repository the plan gives workers', [HOME, CLIENT], true],
    ['shares with no one, so the plan never read it', [], true],
  ])(
    'judges a private repository the plan read and gave no worker: one that %s',
    (_name, shareWith, runs) => {
      const plan = make.plan({
        build: SET_BUILD,
        workers: [
          make.worker({ id: 'W2.1', title: 'Call get' }),
          make.worker({ id: 'W3.1', depends_on: ['W2.1'], repository: CLIENT }),
        ],
      });
      const set = makeSet({
        home: { plan: { kind: 'valid', plan, sha: sha('p2') } },
        repositories: [
          makeRepository(HOME),
          makeRepository(CLIENT),
          makeRepository(LIB, {
            visibility: 'private',
            workflow: false,
            config: make.config({ changeSets: { shareWith } }),
          }),
        ],
      });
      const { view } = decideOn(set);
      if (runs) expect(view.phase).toBe('plan-ready');
      else
        expect(view).toMatchObject({
          phase: 'plan-invalid',
          problems: [
            expect.stringContaining(
              'The plan session read acme/lib, which is private: its .github/baton.yml shares its text with acme/service, not with acme/client',
            ),
          ],
        });
    },
  );

  it('shows the plan with its repositories, in the order they land, and an estimate for each', () => {
    const body = renderStatus(decideOn(makeSet()).view);
    expect(body).toContain('| Wave | Worker | Title | Repository | Depends on |');
    expect(body).toContain('landing in this order: `acme/lib` → `acme/service` → `acme/client`');
    expect(body).toMatch(/\| \[acme\/lib\]\(https:\/\/github.com\/acme\/lib\) \| 1 \(about \$\d/);
    expect(body).toContain('subgraph repo0["acme/lib"]');
  });

  it('starts only on the /approve of someone who can write every repository the plan touches', () => {
    const carol = decideOn(makeSet({ home: { commands: [approval('carol')] }, members: [] }));
    expect(carol.view.phase).toBe('plan-ready');
    const members = [makeMember(LIB), makeMember(HOME), makeMember(CLIENT)];
    expect(setDispatches(decideOn(approved(members)))).toEqual([
      `${LIB} plan - views`,
      `${HOME} plan - views`,
      `${CLIENT} plan - views`,
    ]);
  });
});

describe('a change set once approved', () => {
  const lib = (overrides = {}) => recordedMember(LIB, overrides);
  const service = (overrides = {}) => recordedMember(HOME, overrides);
  const client = (overrides = {}) => recordedMember(CLIENT, overrides);
  /** acme/service once its plan session (run 7300) spent `cost` dollars. */
  const serviceThatSpent = (cost: number) =>
    service({
      snapshot: {
        usage: [make.usageRecord({ run_id: 7300, cost })],
        runs: [planRun({ id: 7300 })],
      },
    });

  it('starts each repository’s ready workers there, and holds those that wait on another repository', () => {
    const decision = decideOn(approved([lib(), service(), client()]));
    expect(setDispatches(decision)).toEqual([`${LIB} work W1.1`]);
    const body = renderStatus(decision.view);
    expect(body).toContain('waits for W1.1 (acme/lib)');
    expect(body).toContain('| Repository |');
  });

  it('puts a merged worker’s report on the build branch of each repository that waits on it', () => {
    const completion = make.completion({ worker_id: 'W1.1' });
    const merged = lib({
      snapshot: {
        runs: [planRun({ id: 7008 }), memberRun('W1.1')],
        pulls: [memberPull('W1.1', 41)],
        completions: { 'W1.1': { kind: 'valid', completion } },
      },
    });
    const decision = decideOn(approved([merged, service(), client()]));
    expect(decision.links).toEqual([
      { kind: 'deliver-report', repository: HOME, from: LIB, worker: 'W1.1', completion },
    ]);
    expect(setDispatches(decision)).toEqual([]);
    const delivered = service({
      snapshot: { completions: { 'W1.1': { kind: 'valid', completion } } },
    });
    const next = decideOn(approved([merged, delivered, client()]));
    expect(next.links).toEqual([]);
    expect(setDispatches(next)).toEqual([`${HOME} work W2.1`, `${HOME} work W2.2`]);
  });

  it('releases each final pull request once the repositories it lands after have merged theirs', () => {
    // The set's check on the home repository's final pull request.
    const homeCheck = (state: 'pending' | 'success') =>
      expect.objectContaining({ kind: 'set-change-set-check', repository: HOME, pull: 50, state });
    const finals = (libState: 'open' | 'merged') =>
      approved([
        lib({ final: gatedPull(45, { state: libState, check: 'success' }) }),
        service({ final: gatedPull(50) }),
        client(),
      ]);
    const waiting = decideOn(finals('open'));
    expect(waiting.links).toContainEqual(homeCheck('pending'));
    expect(renderStatus(waiting.view)).toContain('waits for acme/lib');
    const released = decideOn(finals('merged'));
    expect(released.links).toContainEqual(homeCheck('success'));
    expect(actionsIn(released, HOME).map((action) => action.kind)).toContain('notice');
  });

  it('opens the reverts on /rollback in reverse order, each held until those built on it are reverted', () => {
    const rollback = make.command(
      { name: 'rollback' },
      { author: MAINTAINER, createdAt: ago(1), commentId: 990 },
    );
    const merged = (n: number) => gatedPull(n, { state: 'merged', mergeCommit: `m${n}` });
    const set = approved(
      [lib({ final: merged(45) }), service({ final: merged(50) }), client({ final: merged(60) })],
      { home: { commands: [approval(), rollback] } },
    );
    const decision = decideOn(set);
    expect(
      decision.links.flatMap((link) => (link.kind === 'open-revert' ? [link.repository] : [])),
    ).toEqual([CLIENT, HOME, LIB]);
    const reverting = decideOn(
      approved(
        [
          lib({ final: merged(45), revert: gatedPull(46) }),
          service({ final: merged(50), revert: gatedPull(51) }),
          client({ final: merged(60), revert: gatedPull(61, { state: 'merged' }) }),
        ],
        { home: { commands: [approval(), rollback] } },
      ),
    );
    expect(
      reverting.links.flatMap((link) =>
        link.kind === 'set-change-set-check'
          ? [`${link.repository} #${link.pull} ${link.state}`]
          : [],
      ),
    ).toEqual([`${LIB} #46 pending`, `${HOME} #51 success`]);
  });

  it.each<[string, ('open' | 'merged')[]]>([
    ['before the last final pull request merges', ['merged', 'merged', 'open']],
    ['after every final pull request merged', ['merged', 'merged', 'merged']],
  ])(
    'takes no /rollback of someone who cannot write every repository of the set, given %s',
    (_when, states) => {
      // dana writes the library and the service, and only reads the client.
      const writers = {
        [LIB]: { [MAINTAINER]: true, dana: true },
        [HOME]: { [MAINTAINER]: true, dana: true },
        [CLIENT]: { [MAINTAINER]: true, dana: false },
      };
      const final = (n: number, state: 'open' | 'merged' = 'open') =>
        gatedPull(n, { state, check: 'success', mergeCommit: state === 'merged' ? `m${n}` : null });
      const [libState, homeState, clientState] = states;
      const members = [
        lib({ final: final(45, libState) }),
        service({ final: final(50, homeState) }),
        client({ final: final(60, clientState) }),
      ];
      const rollback = (author: string) =>
        make.command({ name: 'rollback' }, { author, createdAt: ago(1), commentId: 990 });
      const byDana = approved(members, {
        home: { commands: [approval(), rollback('dana')] },
        writers,
      });
      const decision = decideOn(byDana);
      // Read with its 👀 (given by an older release, or by hand), it still changes nothing.
      expect(decision.links.filter((link) => link.kind === 'open-revert')).toEqual([]);
      expect(decision.links.filter((link) => link.kind === 'set-change-set-check')).toEqual([]);
      expect(decision.view.changeSet?.rollback).toBeNull();
      expect(renderStatus(decision.view)).not.toContain('Rolled back');
      const config = setConfig();
      if (!config.ok) throw new Error('the set’s configuration');
      const judging = { config: config.config, across: true };
      expect(takesComment(byDana, [rollback('dana')], judging)).toBe(false);
      expect(
        checkSetCommands({
          set: byDana,
          commands: [{ name: 'rollback' }],
          author: 'dana',
          config: config.config,
          now: NOW,
        }).map((problem) => problem.message),
      ).toEqual([expect.stringContaining('dana cannot write `acme/client`')]);
      // The maintainer, who writes every repository, is taken and reverts what merged.
      const byMaintainer = approved(members, {
        home: { commands: [approval(), rollback(MAINTAINER)] },
        writers,
      });
      expect(takesComment(byMaintainer, [rollback(MAINTAINER)], judging)).toBe(true);
      expect(
        decideOn(byMaintainer).links.flatMap((link) =>
          link.kind === 'open-revert' ? [link.repository] : [],
        ),
      ).toEqual(states[2] === 'merged' ? [CLIENT, HOME, LIB] : [HOME, LIB]);
    },
  );

  it('takes no /rollback while nothing has merged, and says so', () => {
    const rollback = make.command(
      { name: 'rollback' },
      { author: MAINTAINER, createdAt: ago(1), commentId: 990 },
    );
    const set = approved([lib({ final: gatedPull(45) }), service(), client()], {
      home: { commands: [approval(), rollback] },
    });
    const decision = decideOn(set);
    expect(decision.view.changeSet?.rollback).toBeNull();
    expect(decision.links.filter((link) => link.kind === 'set-change-set-check')).toEqual([
      expect.objectContaining({ repository: LIB, pull: 45, state: 'success' }),
    ]);
    const config = setConfig();
    if (!config.ok) throw new Error('the set’s configuration');
    expect(takesComment(set, [rollback], { config: config.config, across: true })).toBe(false);
  });

  it('takes a command on the issue in a repository only from someone who can write it', () => {
    const failed = memberRun('W1.1', { conclusion: 'failure' });
    const retry = (author: string) =>
      make.command(
        { name: 'retry', worker: 'W1.1', instructions: '' },
        { author, createdAt: ago(5), commentId: 950 },
      );
    const failedLib = () => lib({ snapshot: { runs: [planRun({ id: 7008 }), failed] } });
    const byCarol = decideOn(
      approved([failedLib(), service(), client()], {
        home: { commands: [approval(), retry('carol')] },
      }),
    );
    expect(setDispatches(byCarol)).toEqual([]);
    const byMaintainer = decideOn(
      approved([failedLib(), service(), client()], {
        home: { commands: [approval(), retry(MAINTAINER)] },
      }),
    );
    expect(setDispatches(byMaintainer)).toEqual([`${LIB} work W1.1`]);
  });

  it('goes on from a worker’s partial work in its repository on /continue on the issue', () => {
    const stopped = memberRun('W1.1', { createdAt: ago(30) });
    const partial = memberPull('W1.1', 40, { state: 'open', draft: true });
    const partialLib = () =>
      lib({ snapshot: { runs: [planRun({ id: 7008 }), stopped], pulls: [partial] } });
    const proceed = (author: string) =>
      make.command(
        { name: 'continue', worker: 'W1.1' },
        { author, createdAt: ago(5), commentId: 955 },
      );
    const asked = (author: string) =>
      decideOn(
        approved([partialLib(), service(), client()], {
          home: { commands: [approval(), proceed(author)] },
        }),
      );
    expect(setDispatches(asked(MAINTAINER))).toEqual([`${LIB} fix W1.1`]);
    expect(setDispatches(asked('carol'))).toEqual([]);
  });

  it('answers a /continue on the issue of a worker with no partial work in its repository', () => {
    const config = setConfig();
    if (!config.ok) throw new Error('the set’s configuration');
    const answer = (worker: string, members: SetSnapshot['members']) =>
      checkSetCommands({
        set: approved(members),
        commands: [{ name: 'continue', worker }],
        author: MAINTAINER,
        config: config.config,
        now: NOW,
      }).map((problem) => problem.message);
    const running = memberRun('W1.1', { status: 'in_progress', conclusion: null });
    const partial = memberPull('W1.1', 40, { state: 'open', draft: true });
    const libWith = (snapshot: Partial<BuildSnapshot>) =>
      lib({ snapshot: { runs: [planRun({ id: 7008 }), memberRun('W1.1')], ...snapshot } });
    expect(answer('W1.1', [libWith({ pulls: [partial] }), service()])).toEqual([]);
    expect(
      answer('W1.1', [libWith({ runs: [planRun({ id: 7008 }), running] }), service()]),
    ).toEqual([expect.stringContaining('W1.1 is still running')]);
    expect(answer('W3.1', [libWith({ pulls: [partial] }), service()])).toEqual([
      expect.stringContaining('W3.1 has no partial work to continue'),
    ]);
  });

  it('sends /steer and /queue on the issue to the sessions of its own repository, and says where a worker elsewhere takes them', () => {
    const running = (worker: string) =>
      memberRun(worker, { status: 'in_progress', conclusion: null, createdAt: ago(20) });
    const message = (name: 'steer' | 'queue', worker: string, commentId: number) =>
      make.command(
        { name, worker, text: 'Keep the old name as an alias' },
        { author: MAINTAINER, createdAt: ago(5), commentId },
      );
    const commands = [message('steer', 'W2.1', 960), message('queue', 'W3.1', 961)];
    const set = approved(
      [
        lib(),
        service({ snapshot: { runs: [planRun({ id: 7012 }), running('W2.1')] } }),
        client({ snapshot: { runs: [planRun({ id: 7011 }), running('W3.1')] } }),
      ],
      { home: { commands: [approval(), ...commands] } },
    );
    const decision = decideOn(set);
    const recorded = (repository: string) =>
      decision.builds
        .filter((build) => build.repository === repository)
        .flatMap((build) => build.actions)
        .flatMap((action) =>
          action.kind === 'record-message' ? [`${action.worker} ${action.comment}`] : [],
        );
    expect(recorded(HOME)).toEqual(['W2.1 960']);
    expect(recorded(CLIENT)).toEqual([]);
    const config = setConfig();
    if (!config.ok) throw new Error('the set’s configuration');
    const answer = ({ command }: (typeof commands)[number]) =>
      checkSetCommands({
        set,
        commands: [command],
        author: MAINTAINER,
        config: config.config,
        now: NOW,
      });
    const [steer, queue] = commands as [(typeof commands)[number], (typeof commands)[number]];
    expect(answer(steer)).toEqual([]);
    expect(answer(queue)).toEqual([
      {
        line: '/queue W3.1 Keep the old name as an alias',
        message: expect.stringContaining(
          "W3.1 runs in `acme/client`, whose sessions cannot read this issue's comments: send its messages on its pull request there",
        ),
      },
    ]);
  });

  it('posts a repository’s notices on the set’s issue under that repository’s keys', () => {
    const failed = memberRun('W1.1', { conclusion: 'failure' });
    const decision = decideOn(
      approved([lib({ snapshot: { runs: [planRun({ id: 7008 }), failed] } }), service(), client()]),
    );
    const notices = actionsIn(decision, HOME).flatMap((action) =>
      action.kind === 'notice' ? [action.key] : [],
    );
    expect(notices).toEqual(['acme.lib/failed/W1.1/1']);
  });

  it('counts every repository’s spend against the set’s one budget', () => {
    const usage = make.usageRecord({ run_id: 7101, role: 'work', worker: 'W1.1', cost: 30 });
    const spent = lib({
      snapshot: {
        runs: [
          planRun({ id: 7008 }),
          memberRun('W1.1', { status: 'in_progress', conclusion: null }),
        ],
        usage: [usage],
      },
    });
    const decision = decideOn(
      approved([spent, serviceThatSpent(25), client()]),
      setConfig({}, { budget: { maxUsd: 50 } }),
    );
    expect(decision.view).toMatchObject({
      phase: 'running',
      progress: { budget: { maxUsd: 50, reached: true } },
    });
    expect(actionsIn(decision, HOME).flatMap((a) => (a.kind === 'notice' ? [a.key] : []))).toEqual([
      'budget/50',
    ]);
  });

  it('tells each session of a member what the set’s one budget has left, which its own repository cannot raise', () => {
    // acme/service's sessions spent $6.10 of the set's $10: W1.1 starts in acme/lib with $3.90.
    const decision = decideOn(
      approved([lib(), serviceThatSpent(6.1), client()]),
      setConfig({}, { budget: { maxUsd: 10 } }),
    );
    const dispatched = actionsIn(decision, LIB).flatMap((action) =>
      action.kind === 'dispatch' ? [action.request] : [],
    );
    expect(dispatched).toMatchObject([{ role: 'work', worker: 'W1.1', setBudgetUsd: 3.9 }]);
    expect(renderDispatchInputs(dispatched[0]!)).toMatchObject({ budget: '3.90' });
    // With no budget for the set, its sessions carry none.
    const unbounded = decideOn(
      approved([lib(), service(), client()]),
      setConfig({}, { budget: { maxUsd: null } }),
    );
    expect(
      actionsIn(unbounded, LIB).flatMap((action) =>
        action.kind === 'dispatch' ? [renderDispatchInputs(action.request)] : [],
      ),
    ).toEqual([expect.not.objectContaining({ budget: expect.anything() })]);
  });
});

describe("a change set's contracts and validations", () => {
  /** lib ← service, each with its contract: W0.1 and W1.1 in acme/lib, W0.2 and W2.1 here. */
  const contracted = make.plan({
    build: SET_BUILD,
    title: 'Rename fetch to get',
    criteria: ['acme/service answers with get'],
    workers: [
      make.worker({ id: 'W0.1', contract: true, repository: LIB }),
      make.worker({ id: 'W0.2', contract: true }),
      make.worker({ id: 'W1.1', depends_on: ['W0.1'], repository: LIB, criteria: ['get works'] }),
      make.worker({ id: 'W2.1', depends_on: ['W0.2', 'W1.1'] }),
    ],
  });
  const home = { home: { plan: { kind: 'valid' as const, plan: contracted, sha: sha('p2') } } };
  const contract = {
    kind: 'valid' as const,
    contract: {
      version: 1 as const,
      command: 'npm test',
      files: ['test/get.test.ts'],
      checks: [{ criterion: 'W1.1:1', file: 'test/get.test.ts', name: 'get works' }],
      unchecked: [],
    },
  };
  /** acme/lib with W0.1 and W1.1 merged and its milestone 1 validated at its head. */
  const libDone = recordedMember(LIB, {
    snapshot: {
      runs: [planRun({ id: 7008 }), memberRun('W0.1', { role: 'contract' }), memberRun('W1.1')],
      pulls: [memberPull('W0.1', 40), memberPull('W1.1', 41)],
      contract,
      validations: [
        {
          version: 1,
          milestone: 1,
          run_id: 7400,
          head: sha(`i${LIB.length}`),
          passed: true,
          exit_code: 0,
          failed: [],
        },
      ],
    },
  });

  it("dispatches each repository's contract session there, and none of its workers before it", () => {
    const members = [recordedMember(LIB), recordedMember(HOME)];
    expect(setDispatches(decideOn(approved(members, home)))).toEqual([
      `${LIB} contract W0.1`,
      `${HOME} contract W0.2`,
    ]);
  });

  it("holds acme/lib's final pull request while acme/service owes its last validation, and says so", () => {
    const decision = decideOn(approved([libDone, recordedMember(HOME)], home));
    expect(actionsIn(decision, LIB).map((action) => action.kind)).not.toContain('open-final-pull');
    expect(renderStatus(decision.view)).toContain(
      'its final pull request waits for the last validation of acme/service',
    );
  });

  /** acme/lib with its milestone 1 failed at its head on these checks, which its publish could give no worker. */
  const libFailed = (...checks: FailedCheck[]) => ({
    ...libDone,
    snapshot: {
      ...libDone.snapshot,
      validations: (libDone.snapshot.validations ?? []).map((record) => ({
        ...record,
        passed: false,
        exit_code: 1,
        failed: checks.map((check) => ({ check, worker: null })),
      })),
    },
  });
  const homeAt = {
    ...home,
    home: { ...home.home, integration: { sha: sha('h1'), containsDefault: true } },
  };
  const fixesOf = (decision: SetDecision) =>
    decision.links.filter((link) => link.kind === 'add-member-fixes');

  it("adds a member's fix worker to the set's plan: its copy first, then the set's, each on the head read", () => {
    const decision = decideOn(approved([libFailed('W1.1:1'), recordedMember(HOME)], homeAt));
    const [fix, ...more] = fixesOf(decision);
    expect(more).toEqual([]);
    if (fix?.kind !== 'add-member-fixes') throw new Error('no fix workers');
    expect(fix.workers).toEqual(['W2.2']);
    expect(fix.writes.map((write) => [write.repository, write.branch, write.base])).toEqual([
      [LIB, integrationBranch(MEMBER), sha(`i${LIB.length}`)],
      [HOME, integrationBranch(SET_BUILD), sha('h1')],
    ]);
    const [copy, set] = fix.writes.map((write) => write.files);
    const plan = JSON.parse(set?.[planPath(SET_BUILD)] ?? '{}');
    expect(plan.workers.at(-1)).toEqual({
      id: 'W2.2',
      title: 'Fix: W1.1:1 fails',
      depends_on: ['W1.1'],
      complexity: 'normal',
      repository: LIB,
    });
    expect(JSON.parse(copy?.[planPath(MEMBER)] ?? '{}')).toEqual({ ...plan, build: MEMBER });
    const brief = set?.[briefPath(SET_BUILD, 'W2.2')] ?? '';
    expect(copy?.[briefPath(MEMBER, 'W2.2')]).toBe(brief);
    expect(brief).toContain('the check of criterion W1.1:1 failed');
    expect(brief).toContain('> get works');
    // In the same pass the member reads its failure as answered: it asks no person to push a fix.
    expect(renderStatus(decision.view)).not.toContain('no fix worker');
    expect(actionsIn(decision, HOME).filter((action) => action.kind === 'notice')).toEqual([]);
    expect(setDispatches(decision)).not.toContain(`${LIB} work W2.2`);
  });

  it('adds nothing for a check whose fix worker the plan holds, and the status names it', () => {
    const withFix = make.plan({
      ...contracted,
      workers: [
        ...contracted.workers,
        make.worker({
          id: 'W2.2',
          title: 'Fix: W1.1:1 fails',
          depends_on: ['W1.1'],
          repository: LIB,
        }),
      ],
    });
    const decision = decideOn(
      approved([libFailed('W1.1:1'), recordedMember(HOME)], {
        home: { ...homeAt.home, plan: { kind: 'valid', plan: withFix, sha: sha('p3') } },
      }),
    );
    expect(fixesOf(decision)).toEqual([]);
    const status = renderStatus(decision.view);
    expect(status).not.toContain('no fix worker');
    expect(actionsIn(decision, LIB)).toContainEqual(
      expect.objectContaining({
        kind: 'dispatch',
        request: expect.objectContaining({ worker: 'W2.2' }),
      }),
    );
  });

  it("gives a member's record no fix worker for another repository's criterion", () => {
    // acme/lib's writers can write its hidden refs: a record naming acme/service's criterion adds nothing there.
    const decision = decideOn(approved([libFailed('build:1'), recordedMember(HOME)], homeAt));
    expect(fixesOf(decision)).toEqual([]);
  });

  it('says a repository whose milestone failed with no fix worker the plan has room for needs a person', () => {
    const full = make.plan({
      ...contracted,
      workers: [
        ...contracted.workers,
        ...Array.from({ length: 98 }, (_, i) =>
          make.worker({ id: `W2.${i + 2}`, depends_on: ['W0.2'] }),
        ),
      ].slice(0, MAX_WORKERS),
    });
    const decision = decideOn(
      approved([libFailed('W1.1:1'), recordedMember(HOME)], {
        home: { ...homeAt.home, plan: { kind: 'valid', plan: full, sha: sha('p3') } },
      }),
    );
    expect(fixesOf(decision)).toEqual([]);
    expect(renderStatus(decision.view)).toContain(
      'milestone 1 failed validation with no fix worker: push a fix to its build branch, or /replan',
    );
  });
});
