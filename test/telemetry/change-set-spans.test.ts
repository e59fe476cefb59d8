/**
 * A change set's builds in the traces: each member's writes in its own build's
 * trace, and its root once its final pull request opens, from the set's reconciles.
 */
import { describe, expect, it } from 'vitest';
import type { ActedBuild } from '../../src/github/act/act.js';
import { buildSpans, traceIdOf } from '../../src/telemetry/build-spans.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { startSetApp } from '../support/app-tests.js';
import {
  driveSet,
  driveSetIssue,
  finalPullOf,
  SET_MEMBER,
  setScripts,
} from '../support/change-sets.js';

describe('a change set in the traces', () => {
  it("makes each member's root once, when the set's reconcile opens its final pull request", async () => {
    const heard: ActedBuild[] = [];
    const telemetry: Telemetry = {
      acted: (acted) => heard.push(acted),
      shutdown: () => Promise.resolve(),
    };
    const { repos, app } = await startSetApp({ telemetry });
    const scripts = setScripts(repos);
    const issue = await driveSetIssue({ repos, app, scripts, approve: false });
    repos.service.addComment({ issue, body: '/approve', user: 'maintainer' });
    await driveSet({ repos, apps: [app], scripts });
    expect(repos.all.map((gh) => finalPullOf(gh)?.state)).toEqual(['open', 'open', 'open']);

    const spans = heard.flatMap((acted) =>
      buildSpans(acted).map((span) => ({
        span,
        build: acted.read.snapshot.build,
        repository: acted.read.repository,
      })),
    );
    const roots = spans.filter(({ span }) => span.name.startsWith('invoke_workflow '));
    expect(roots.map(({ repository }) => repository).sort()).toEqual(
      repos.all.map((gh) => gh.fullName).sort(),
    );
    for (const { span, build, repository } of roots) {
      expect(span.traceId).toBe(traceIdOf(repository, build));
      expect(span.name).toBe(`invoke_workflow ${SET_MEMBER}`);
    }
    const dispatches = spans.filter(({ span }) => span.name === 'baton.dispatch');
    expect(new Set(dispatches.map(({ repository }) => repository))).toEqual(
      new Set(repos.all.map((gh) => gh.fullName)),
    );
  });
});
