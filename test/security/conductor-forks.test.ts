// The conductor workflow runs on `pull_request_target`, whose runs get the
// repository's secrets even for a fork's pull request (GitHub runs the base
// branch's workflow there), and on `pull_request_review`. A fork's branch name
// is whatever its author typed, and no fork code may run beside the app's key:
// these attacks check that a fork's events never reach the job that holds it,
// but for a person's label, which reaches it only to be answered.
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../sim/actions/expressions.js';
import { type RouteReads, routeEvent } from '../../src/conductor/route.js';
import { templateText } from '../support/workflow-yaml.js';

const REPOSITORY = { id: 1, full_name: 'octo-org/widgets', default_branch: 'main' };
const FORK = { id: 666, full_name: 'mallory/widgets' };

const routeCondition = (() => {
  const text = templateText('.github/workflows/baton-conductor.yml', { serverless: true });
  const workflow = yaml.load(text) as { jobs: { route: { if: string } } };
  return workflow.jobs.route.if;
})();

const reads: RouteReads = {
  pull: async () => ({ head: 'baton/12-add-login/W1.1', base: 'main', fork: true }),
  config: async () => null,
  hasBuild: async () => true,
};

/** A fork's pull request whose branch is named like a build's worker branch. */
function forkPull(head: { id: number; full_name: string } | null) {
  return {
    action: 'opened',
    sender: { login: 'mallory', type: 'User' },
    repository: REPOSITORY,
    pull_request: {
      number: 9,
      head: { ref: 'baton/12-add-login/W1.1', repo: head },
      base: { ref: 'baton/12-add-login/integration', repo: REPOSITORY },
    },
  };
}

describe("a fork's events and the conductor", () => {
  it.each([
    ['pull_request_target', FORK],
    ['pull_request_review', FORK],
    ['pull_request_target', null],
  ])("start no job for a fork's %s (head %j): the route's condition is false", (event, head) => {
    const contexts = { github: { event_name: event, event: forkPull(head) }, vars: {} };
    expect(evaluateCondition(routeCondition, contexts)).toBe(false);
  });

  it("runs the route for a person's label on a fork's pull request, and for no bot's", () => {
    const labelled = { ...forkPull(FORK), action: 'labeled', label: { name: 'orchestrate' } };
    const contexts = (type: string) => ({
      github: {
        event_name: 'pull_request_target',
        event: { ...labelled, sender: { login: 'maintainer', type } },
      },
      vars: {},
    });
    expect(evaluateCondition(routeCondition, contexts('User'))).toBe(true);
    expect(evaluateCondition(routeCondition, contexts('Bot'))).toBe(false);
    const review = { github: { event_name: 'pull_request_review', event: labelled }, vars: {} };
    expect(evaluateCondition(routeCondition, review)).toBe(false);
  });

  it("routes the build label on a fork's pull request to that pull request, never to the build its branch is named for", async () => {
    const labelled = { ...forkPull(FORK), action: 'labeled', label: { name: 'orchestrate' } };
    const { group } = await routeEvent({ name: 'pull_request_target', payload: labelled }, reads);
    expect(group).toBe('baton-conductor-9');
    const other = { ...labelled, label: { name: 'bug' } };
    expect(
      (await routeEvent({ name: 'pull_request_target', payload: other }, reads)).group,
    ).toBeNull();
  });

  it("would run the route for the same pull request from the repository's own branch", () => {
    const contexts = {
      github: { event_name: 'pull_request_target', event: forkPull(REPOSITORY) },
      vars: {},
    };
    expect(evaluateCondition(routeCondition, contexts)).toBe(true);
  });

  it.each(['pull_request_target', 'pull_request_review'])(
    "route no fork's %s to a build, whatever its branch is named",
    async (name) => {
      expect(await routeEvent({ name, payload: forkPull(FORK) }, reads)).toEqual({
        group: null,
        reason: "a fork's pull request",
      });
    },
  );

  it("routes no fork's run, nor a command on a fork's pull request, to a build", async () => {
    const run = {
      repository: REPOSITORY,
      workflow_run: {
        display_title: 'baton work 12-add-login W1.1 -',
        head_branch: 'baton/12-add-login/W1.1',
        head_repository: FORK,
      },
    };
    expect((await routeEvent({ name: 'workflow_run', payload: run }, reads)).group).toBeNull();
    const comment = {
      repository: REPOSITORY,
      sender: { type: 'User' },
      issue: { number: 9, pull_request: { url: '' } },
      comment: { body: '/approve' },
    };
    expect((await routeEvent({ name: 'issue_comment', payload: comment }, reads)).group).toBeNull();
  });
});
