import type { BuildRead } from '../../src/core/overview/build-read.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { ago, make, makeRunningView, makeWorkerRow, NOW, planRun } from '../core/factories.js';
import { readOf } from '../core/overview/overview-factories.js';

/** The clock the page's fixtures were read at. */
export const READ_AT = NOW;

/** What a build's text may carry: a title, a worker's title, a failed session's reason (model text). */
export interface BuildTexts {
  issueTitle?: string;
  planTitle?: string;
  workerTitle?: string;
  reason?: string;
}

/**
 * acme/shop#12 "Add login": W1.1 merged (its report applied the lesson
 * `log-it`), W1.2's session failed with `reason`, W2.1 waiting; its learn pull
 * request #57 (3 lessons) merged. Its texts may be given (an attack puts markup in them).
 */
export function shopBuild(texts: BuildTexts = {}): BuildRead {
  const plan = make.plan({
    title: texts.planTitle ?? 'Add login',
    workers: [
      make.worker({ id: 'W1.1', title: 'Session store' }),
      make.worker({ id: 'W1.2', title: texts.workerTitle ?? 'Login form' }),
      make.worker({ id: 'W2.1', title: 'Login API', depends_on: ['W1.1', 'W1.2'] }),
    ],
  });
  return readOf({
    repository: 'acme/shop',
    config: make.config({ approval: 'none' }),
    snapshot: make.snapshot({
      issue: { ...make.snapshot().issue, title: texts.issueTitle ?? 'Add login' },
      plan: { kind: 'valid', plan, sha: 'p1' },
      runs: [
        planRun({ createdAt: ago(180), updatedAt: ago(170) }),
        make.run({ id: 7011, worker: 'W1.1', createdAt: ago(150), updatedAt: ago(130) }),
        make.run({
          id: 7012,
          worker: 'W1.2',
          conclusion: 'failure',
          createdAt: ago(120),
          updatedAt: ago(100),
        }),
      ],
      pulls: [
        make.pull({
          number: 101,
          worker: 'W1.1',
          state: 'merged',
          createdAt: ago(125),
          mergedAt: ago(90),
        }),
      ],
      completions: {
        'W1.1': { kind: 'valid', completion: make.completion({ lessons: ['log-it'] }) },
      },
      memoryPull: {
        number: 57,
        state: 'merged',
        url: 'https://github.com/acme/shop/pull/57',
        lessons: 3,
      },
      usage: [
        make.usageRecord({ run_id: 7000, cost: 1 }),
        make.usageRecord({ run_id: 7011, role: 'work', worker: 'W1.1', cost: 2, engine: 'baton' }),
        make.usageRecord({
          run_id: 7012,
          role: 'work',
          worker: 'W1.2',
          cost: 0.5,
          engine: 'codex',
          outcome: 'failed',
          reason: texts.reason ?? 'the tests failed',
        }),
      ],
    }),
  });
}

/**
 * Build `build` of issue `issue` "`title`" in `repository`, its plan (`plan`'s workers)
 * waiting for /approve since its plan run ended `minutes` ago.
 */
function awaitingApproval({
  repository,
  build,
  issue,
  title,
  minutes,
  plan = {},
}: {
  repository: string;
  build: string;
  issue: number;
  title: string;
  minutes: number;
  plan?: Parameters<typeof make.plan>[0];
}): BuildRead {
  return readOf({
    repository,
    snapshot: make.snapshot({
      build,
      issue: { ...make.snapshot().issue, number: issue, title },
      plan: { kind: 'valid', plan: make.plan({ build, issue, title, ...plan }), sha: `p${issue}` },
      runs: [planRun({ createdAt: ago(minutes + 10), updatedAt: ago(minutes) })],
    }),
  });
}

/** `count` builds of acme/shop, #101 "Chore 1" on, each plan waiting for /approve: a long list. */
export function choreBuilds(count: number): BuildRead[] {
  return Array.from({ length: count }, (_, index) =>
    awaitingApproval({
      repository: 'acme/shop',
      build: `${101 + index}-chore-${index + 1}`,
      issue: 101 + index,
      title: `Chore ${index + 1}`,
      minutes: 30 + index,
    }),
  );
}

/**
 * acme/vault#3 "Rotate the vault keys", a private repository's build: its plan
 * waits for /approve, beside its open learn pull request #31 (2 lessons).
 */
export function vaultBuild(): BuildRead {
  const title = 'Rotate the vault keys';
  const read = awaitingApproval({
    repository: 'acme/vault',
    build: '3-rotate-keys',
    issue: 3,
    title,
    minutes: 290,
  });
  const memoryPull = {
    number: 31,
    state: 'open',
    url: 'https://github.com/acme/vault/pull/31',
    lessons: 2,
  } as const;
  return { ...read, snapshot: { ...read.snapshot, memoryPull } };
}

/** acme/docs#5 "A new guide", its plan waiting for /approve. */
export function docsBuild(): BuildRead {
  return awaitingApproval({
    repository: 'acme/docs',
    build: '5-new-guide',
    issue: 5,
    title: 'A new guide',
    minutes: 20,
    plan: { workers: [make.worker({ id: 'W1.1' })] },
  });
}

/** A change set on acme/shop#20 across acme/shop and acme/vault (private): "Seal the vault" is vault's worker. */
export function setBuilds(): BuildRead[] {
  const home = readOf({
    repository: 'acme/shop',
    snapshot: make.snapshot({
      build: '20-rename-fetch',
      issue: { ...make.snapshot().issue, number: 20, title: 'Rename fetch' },
      plan: {
        kind: 'valid',
        plan: make.plan({
          build: '20-rename-fetch',
          issue: 20,
          title: 'Rename fetch',
          workers: [
            make.worker({ id: 'W1.1', title: 'Seal the vault', repository: 'acme/vault' }),
            make.worker({ id: 'W2.1', title: 'Call get', depends_on: ['W1.1'] }),
          ],
        }),
        sha: 'p20',
      },
      runs: [planRun({ createdAt: ago(200), updatedAt: ago(190) })],
    }),
  });
  home.view = {
    ...makeRunningView({
      build: '20-rename-fetch',
      issue: 20,
      title: 'Rename fetch',
      workers: [
        makeWorkerRow({
          id: 'W1.1',
          title: 'Seal the vault',
          repository: 'acme/vault',
          state: 'merged',
        }),
        makeWorkerRow({
          id: 'W2.1',
          title: 'Call get',
          repository: 'acme/shop',
          state: 'working',
          note: 'started once acme/vault merged its part',
          dependsOn: ['W1.1'],
        }),
      ],
    }),
    changeSet: {
      home: 'acme/shop',
      repositories: ['acme/vault', 'acme/shop'].map((name) => ({
        name,
        url: `https://github.com/${name}`,
        workers: 1,
        done: name === 'acme/vault' ? 1 : 0,
        after: [],
        branch: null,
        state: name === 'acme/vault' ? ('merged' as const) : ('running' as const),
        note: name === 'acme/vault' ? null : 'waits for acme/vault',
        final: null,
        released: false,
        revert: null,
      })),
    },
  };
  const member = (repository: string, worker: string): BuildRead =>
    readOf({
      repository,
      snapshot: {
        ...make.snapshot({
          build: '20-rename-fetch.acme.shop',
          plan: { kind: 'missing' },
          runs: [
            make.run({
              id: repository === 'acme/vault' ? 8101 : 8102,
              worker,
              createdAt: ago(150),
              updatedAt: ago(140),
            }),
          ],
        }),
        changeSet: {
          issue: {
            repository: 'acme/shop',
            number: 20,
            url: 'https://github.com/acme/shop/issues/20',
          },
          repositories: ['acme/vault', 'acme/shop'],
          after: [],
          outside: { done: [], repositories: {}, chains: {} },
          spentElsewhereUsd: 0,
        },
      } satisfies BuildSnapshot,
    });
  return [home, member('acme/vault', 'W1.1'), member('acme/shop', 'W2.1')];
}

/** Every build of the page's tests. */
export function pageReads(texts: BuildTexts = {}): BuildRead[] {
  return [shopBuild(texts), vaultBuild(), docsBuild(), ...setBuilds()];
}
