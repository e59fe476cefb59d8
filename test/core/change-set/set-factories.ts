import type { SetDecision } from '../../../src/core/change-set/decide-set.js';
import type {
  GatedPull,
  SetMember,
  SetRepository,
  SetSnapshot,
} from '../../../src/core/change-set/set-snapshot.js';
import type { ParsedConfig } from '../../../src/core/config/config.js';
import type { Action } from '../../../src/core/context/action.js';
import type { Plan } from '../../../src/core/plan/plan.js';
import type { BuildSnapshot, PullInfo, RunInfo } from '../../../src/core/snapshot/snapshot.js';
import { memberBuildId } from '../../../src/core/vocabulary/ids.js';
import { ago, make, planRun, sha } from '../factories.js';

/** The repository of the set's issue; the library it builds on; the client that calls it. */
export const HOME = 'acme/service';
export const LIB = 'acme/lib';
export const CLIENT = 'acme/client';
export const SET_BUILD = '12-rename-fetch';
export const MEMBER = memberBuildId(SET_BUILD, HOME);
/** Who may write every repository of the set; `carol` only the issue's. */
export const MAINTAINER = 'maintainer';

/** lib ← service ← client: W1.1 in acme/lib, W2.1 and W2.2 in acme/service (the issue's), W3.1 in acme/client. */
export function setPlan(): Plan {
  return make.plan({
    build: SET_BUILD,
    title: 'Rename fetch to get',
    workers: [
      make.worker({ id: 'W1.1', title: 'Rename the method', repository: LIB }),
      make.worker({ id: 'W2.1', title: 'Call get', depends_on: ['W1.1'] }),
      make.worker({ id: 'W2.2', title: 'Call get in tests', depends_on: ['W1.1'] }),
      make.worker({
        id: 'W3.1',
        title: 'Follow the service',
        depends_on: ['W2.1'],
        repository: CLIENT,
      }),
    ],
  });
}

/** The set's configuration: acme/lib and acme/client listed, unless told. */
export function setConfig(
  changeSets: { repositories?: string[] } = {},
  raw: object = {},
): ParsedConfig {
  return make.config({ changeSets: { repositories: [LIB, CLIENT], ...changeSets }, ...raw });
}

/** A repository of the set: installed, set up, public, with the default configuration, unless told. */
export function makeRepository(
  name: string,
  overrides: Partial<SetRepository> = {},
): SetRepository {
  return {
    name,
    url: `https://github.com/${name}`,
    installed: true,
    workflow: true,
    visibility: 'public',
    config: make.config(),
    ...overrides,
  };
}

/** A member build: not begun (no branch, no run), unless told. */
export function makeMember(
  repository: string,
  overrides: Partial<Omit<SetMember, 'snapshot'>> & { snapshot?: Partial<BuildSnapshot> } = {},
): SetMember {
  const [owner = '', name = ''] = repository.split('/');
  const { snapshot, ...rest } = overrides;
  return {
    repository,
    snapshot: make.snapshot({
      build: MEMBER,
      repo: { owner, name, defaultBranch: 'main', defaultSha: sha(`d${name.length}`) },
      integration: null,
      plan: { kind: 'missing' },
      runs: [],
      commands: [],
      ...snapshot,
    }),
    recorded: false,
    final: null,
    revert: null,
    ...rest,
  };
}

/** A member whose part landed (its slice session ran, its record is on its build branch). */
export function recordedMember(
  repository: string,
  overrides: Partial<Omit<SetMember, 'snapshot'>> & { snapshot?: Partial<BuildSnapshot> } = {},
): SetMember {
  const { snapshot, ...rest } = overrides;
  return makeMember(repository, {
    recorded: true,
    snapshot: {
      integration: { sha: sha(`i${repository.length}`), containsDefault: true },
      runs: [planRun({ id: 7000 + repository.length })],
      ...snapshot,
    },
    ...rest,
  });
}

/**
 * What a member build's snapshot holds of its change set: the set of acme/service's
 * issue 12 over acme/lib and acme/service, after acme/lib, nothing of it done yet.
 */
export function memberChangeSet(
  overrides: Partial<NonNullable<BuildSnapshot['changeSet']>> = {},
): NonNullable<BuildSnapshot['changeSet']> {
  return {
    issue: { repository: HOME, number: 12, url: `https://github.com/${HOME}/issues/12` },
    repositories: [LIB, HOME],
    after: [LIB],
    outside: { done: [], repositories: {}, chains: {} },
    spentElsewhereUsd: 0,
    ...overrides,
  };
}

/** A change set: its plan valid, labelled by the maintainer, nobody's command yet, unless told. */
export function makeSet(
  overrides: {
    home?: Partial<BuildSnapshot>;
    members?: SetMember[];
    repositories?: SetRepository[];
    writers?: SetSnapshot['writers'];
    outsideInstallation?: string[];
  } = {},
): SetSnapshot {
  return {
    home: make.snapshot({
      build: SET_BUILD,
      issue: {
        number: 12,
        title: 'Rename fetch to get',
        state: 'open',
        labels: ['orchestrate'],
        url: `https://github.com/${HOME}/issues/12`,
      },
      repo: { owner: 'acme', name: 'service', defaultBranch: 'main', defaultSha: sha('d0') },
      plan: { kind: 'valid', plan: setPlan(), sha: sha('p1') },
      labelledBy: [{ label: 'orchestrate', login: MAINTAINER, at: ago(200) }],
      statusComment: { id: 5, body: '<!-- baton:status build=12-rename-fetch -->' },
      ...overrides.home,
    }),
    homeRepository: HOME,
    repositories: overrides.repositories ?? [LIB, HOME, CLIENT].map((name) => makeRepository(name)),
    members: overrides.members ?? [],
    outsideInstallation: overrides.outsideInstallation ?? [],
    writers: overrides.writers ?? {
      [LIB]: { [MAINTAINER]: true },
      [HOME]: { [MAINTAINER]: true, carol: true },
      [CLIENT]: { [MAINTAINER]: true },
    },
  };
}

/** The maintainer's `/approve`, after the plan run. */
export function approval(author = MAINTAINER) {
  return make.command({ name: 'approve' }, { author, createdAt: ago(100), commentId: 800 });
}

/** A worker's pull request into its member build branch, merged unless told. */
export function memberPull(
  worker: string,
  number: number,
  overrides: Partial<PullInfo> = {},
): PullInfo {
  return make.pull({ number, worker, state: 'merged', ...overrides });
}

/** A member's run of a worker's work session. */
export function memberRun(worker: string, overrides: Partial<RunInfo> = {}): RunInfo {
  return make.run({ id: 7100 + Number(worker.replace(/\D/g, '')), worker, ...overrides });
}

/** A final (or revert) pull request the set gates: open, its check absent, unless told. */
export function gatedPull(number: number, overrides: Partial<GatedPull> = {}): GatedPull {
  return {
    number,
    url: `https://github.com/acme/x/pull/${number}`,
    state: 'open',
    sha: sha(`f${number}`),
    check: null,
    mergeCommit: null,
    ...overrides,
  };
}

/** The actions a set's decision takes in one repository. */
export function actionsIn(decision: SetDecision, repository: string): Action[] {
  return decision.builds.find((build) => build.repository === repository)?.actions ?? [];
}

/** The work and plan sessions a set's decision dispatches, as `repository role worker`. */
export function setDispatches(decision: SetDecision): string[] {
  return decision.builds.flatMap((build) =>
    build.actions.flatMap((action) =>
      action.kind === 'dispatch'
        ? [
            `${build.repository} ${action.request.role} ${action.request.worker ?? '-'}${action.request.views ? ' views' : ''}`,
          ]
        : [],
    ),
  );
}
