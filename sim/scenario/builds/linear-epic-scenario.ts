import { MAINTAINER } from '../../e2e.js';
import type { FakeGitHub } from '../../github/fake-github.js';
import type { FakeLinear, LinearIssue } from '../../trackers/fake-linear.js';
import type { Scenario } from '../scenario.js';
import {
  CHANGE_SET_ISSUE,
  changeSetScenario,
  configure,
  SET_REPOSITORIES,
  setUpService,
} from './change-set-scenario.js';

/**
 * A Linear epic of three children across two repositories
 * (docs/intake.md): team SVC asks in the service, team LIB in the library.
 * The epic and two children are the service's, one child the library's, and
 * the library's child blocks both of the service's: one change set, planned
 * as the change set of sim/scenario/builds/change-set-scenario.ts without its
 * client.
 */
export const LINEAR_TEAMS = { SVC: 'service', LIB: 'lib' } as const;

/** Alice, as Linear names her: the service's mapping makes her the maintainer. */
export const LINEAR_ALICE = { id: 'user-alice', name: 'Alice' };

/** The service's `.github/baton.yml`: the change set's, and the Linear door's mapping. */
export function setUpLinearHome(gh: FakeGitHub): void {
  setUpService(gh);
  configure(
    gh,
    [
      'trackers:',
      '  linear:',
      `    teams: { SVC: ${LINEAR_TEAMS.SVC}, LIB: ${LINEAR_TEAMS.LIB} }`,
      `    people: { ${LINEAR_ALICE.id}: ${MAINTAINER} }`,
      '',
    ].join('\n'),
  );
}

/** The epic and its three children in `linear`: the library's blocks both of the service's. */
export function linearEpic(linear: FakeLinear): { epic: LinearIssue; children: LinearIssue[] } {
  const epic = linear.issue('SVC', {
    title: CHANGE_SET_ISSUE.title,
    description: 'The library names it `getUser` now; the service follows.',
  });
  const rename = linear.child(epic, 'LIB', {
    title: 'Rename fetchUser to getUser',
    description: 'Rename it in the library, and keep a test.',
  });
  const calls = linear.child(epic, 'SVC', {
    title: 'Call getUser',
    description: 'The service calls `getUser`.',
  });
  const retry = linear.child(epic, 'SVC', {
    title: 'Retry getUser',
    description: 'A retry helper around the calls.',
  });
  linear.relate(rename, calls);
  linear.relate(rename, retry);
  return { epic, children: [rename, calls, retry] };
}

/** The set's three workers: W1.1 in the library, W2.1 and W2.2 in the service. */
export function linearEpicScenario(): Scenario {
  const set = changeSetScenario();
  return {
    ...set,
    plan: { ...set.plan, summary: 'The library first, then the service that uses it.' },
    workers: set.workers.filter((worker) => worker.repository !== SET_REPOSITORIES.client),
  };
}
