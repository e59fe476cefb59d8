import { describe, expect, it } from 'vitest';
import {
  CHECK_FAILED_GROUP,
  RESYNC_GROUP,
  type RouteReads,
  routeEvent,
} from '../../src/conductor/route.js';
import { defaultConfig } from '../../src/core/config/config.js';

const REPOSITORY = { id: 1, full_name: 'octo-org/widgets', default_branch: 'main' };
const OWN = { id: 1 };

const reads = (overrides: Partial<RouteReads> = {}): RouteReads => ({
  pull: async () => ({
    head: 'baton/12-add-login/W1.1',
    base: 'baton/12-add-login/integration',
    fork: false,
  }),
  config: async () => defaultConfig(),
  hasBuild: async (issue) => issue === 12,
  ...overrides,
});

const route = (name: string, payload: Record<string, unknown>, with_ = reads()) =>
  routeEvent({ name, payload: { repository: REPOSITORY, ...payload } }, with_).then((r) => r.group);

describe('the conductor route', () => {
  it.each<[string, string, Record<string, unknown>, string | null]>([
    [
      'the build label',
      'issues',
      { action: 'labeled', issue: { number: 30 }, label: { name: 'orchestrate' } },
      'baton-conductor-30',
    ],
    [
      'another label',
      'issues',
      { action: 'labeled', issue: { number: 30 }, label: { name: 'bug' } },
      null,
    ],
    [
      'a closed issue with a build',
      'issues',
      { action: 'closed', issue: { number: 12 } },
      'baton-conductor-12',
    ],
    ['a closed issue without one', 'issues', { action: 'closed', issue: { number: 30 } }, null],
    [
      'a command on a build’s issue',
      'issue_comment',
      { issue: { number: 12 }, comment: { body: '/approve' }, sender: { type: 'User' } },
      'baton-conductor-12',
    ],
    [
      '/improve on an issue without a build',
      'issue_comment',
      { issue: { number: 30 }, comment: { body: '/improve 2' }, sender: { type: 'User' } },
      'baton-conductor-30',
    ],
    [
      'a command on an issue without a build',
      'issue_comment',
      { issue: { number: 30 }, comment: { body: '/approve' }, sender: { type: 'User' } },
      null,
    ],
    [
      'prose',
      'issue_comment',
      { issue: { number: 12 }, comment: { body: 'Looks good' }, sender: { type: 'User' } },
      null,
    ],
    [
      'a command on a worker’s pull request',
      'issue_comment',
      {
        issue: { number: 40, pull_request: {} },
        comment: { body: '/retry' },
        sender: { type: 'User' },
      },
      'baton-conductor-12',
    ],
    [
      'a review of a worker’s pull request',
      'pull_request_review',
      {
        pull_request: {
          head: { ref: 'baton/12-add-login/W1.1', repo: OWN },
          base: { ref: 'baton/12-add-login/integration' },
        },
      },
      'baton-conductor-12',
    ],
    [
      'the build label on a pull request of this repository',
      'pull_request_target',
      {
        action: 'labeled',
        label: { name: 'orchestrate' },
        pull_request: {
          number: 30,
          head: { ref: 'release/2.0', repo: OWN },
          base: { ref: 'main' },
        },
      },
      'baton-conductor-30',
    ],
    [
      'another label on a pull request',
      'pull_request_target',
      {
        action: 'labeled',
        label: { name: 'bug' },
        pull_request: {
          number: 30,
          head: { ref: 'release/2.0', repo: OWN },
          base: { ref: 'main' },
        },
      },
      null,
    ],
    [
      'the build label on a fork’s pull request (answered why not)',
      'pull_request_target',
      {
        action: 'labeled',
        label: { name: 'orchestrate' },
        pull_request: {
          number: 30,
          head: { ref: 'release/2.0', repo: { id: 9 } },
          base: { ref: 'main' },
        },
      },
      'baton-conductor-30',
    ],
    [
      'another label on a fork’s pull request',
      'pull_request_target',
      {
        action: 'labeled',
        label: { name: 'bug' },
        pull_request: {
          number: 30,
          head: { ref: 'release/2.0', repo: { id: 9 } },
          base: { ref: 'main' },
        },
      },
      null,
    ],
    [
      'a push to the pull request a build lives on',
      'pull_request_target',
      {
        action: 'synchronize',
        pull_request: {
          number: 12,
          head: { ref: 'release/2.0', repo: OWN },
          base: { ref: 'main' },
        },
      },
      'baton-conductor-12',
    ],
    [
      'a pull request opened on no Baton branch',
      'pull_request_target',
      {
        action: 'opened',
        pull_request: {
          number: 12,
          head: { ref: 'release/2.0', repo: OWN },
          base: { ref: 'main' },
        },
      },
      null,
    ],
    [
      'a session’s run',
      'workflow_run',
      {
        workflow_run: {
          display_title: 'baton work 12-add-login W1.1 -',
          head_branch: 'baton/12-add-login/W1.1',
          head_repository: OWN,
        },
      },
      'baton-conductor-12',
    ],
    [
      'a doctor session’s run',
      'workflow_run',
      {
        workflow_run: {
          display_title: 'baton doctor doctor-abc123 - -',
          head_branch: 'main',
          head_repository: OWN,
        },
      },
      null,
    ],
    [
      'CI on a worker branch',
      'check_suite',
      { check_suite: { head_branch: 'baton/12-add-login/W1.1' } },
      'baton-conductor-12',
    ],
    [
      'a status',
      'status',
      { branches: [{ name: 'baton/12-add-login/W1.2' }] },
      'baton-conductor-12',
    ],
    ['the default branch moving', 'push', { ref: 'refs/heads/main' }, RESYNC_GROUP],
    ['a worker branch moving', 'push', { ref: 'refs/heads/baton/12-add-login/W1.1' }, null],
    ['the hourly run', 'schedule', {}, RESYNC_GROUP],
    [
      'a dispatch for one issue',
      'workflow_dispatch',
      { inputs: { issue: '12' } },
      'baton-conductor-12',
    ],
    ['a dispatch for all', 'workflow_dispatch', { inputs: { issue: '' } }, RESYNC_GROUP],
    ['an event it does not handle', 'release', {}, null],
    [
      'a change set member’s run, by its set',
      'workflow_run',
      {
        workflow_run: {
          display_title: 'baton work 12-add-login.octo-org.hub W1.1 -',
          head_branch: 'baton/12-add-login.octo-org.hub/W1.1',
          head_repository: OWN,
        },
      },
      'baton-conductor-12.octo-org.hub',
    ],
    [
      'CI on a change set member’s worker branch',
      'check_suite',
      { check_suite: { head_branch: 'baton/12-add-login.octo-org.hub/W1.1' } },
      'baton-conductor-12.octo-org.hub',
    ],
    [
      'a change set member’s build branch moving',
      'push',
      { ref: 'refs/heads/baton/12-add-login.octo-org.hub/integration' },
      'baton-conductor-12.octo-org.hub',
    ],
  ])('routes %s', async (_, name, payload, group) => {
    expect(await route(name, payload)).toBe(group);
  });

  it('routes a red default branch to one group, where events.checkFailed names the workflow', async () => {
    const named = {
      ...defaultConfig(),
      events: { checkFailed: { workflows: ['CI'] }, pullLabel: false },
    };
    const red = (overrides: Record<string, unknown> = {}) => ({
      action: 'completed',
      workflow_run: {
        name: 'CI',
        display_title: 'Add search',
        event: 'push',
        conclusion: 'failure',
        head_branch: 'main',
        head_repository: OWN,
        ...overrides,
      },
    });
    const naming = reads({ config: async () => named });
    expect(await route('workflow_run', red(), naming)).toBe(CHECK_FAILED_GROUP);
    for (const other of [
      { conclusion: 'success' },
      { event: 'pull_request' },
      { head_branch: 'feature' },
      { name: 'Release' },
      { head_repository: { id: 99 } },
    ]) {
      expect(await route('workflow_run', red(other), naming)).toBeNull();
    }
    // Off by default: no workflow named.
    expect(await route('workflow_run', red())).toBeNull();
  });

  it('reads the build label from the repository’s config', async () => {
    const config = { ...defaultConfig(), label: 'baton-go' };
    const custom = reads({ config: async () => config });
    const labelled = (name: string) => ({
      action: 'labeled',
      issue: { number: 30 },
      label: { name },
    });
    expect(await route('issues', labelled('baton-go'), custom)).toBe('baton-conductor-30');
    expect(await route('issues', labelled('orchestrate'), custom)).toBeNull();
  });
});
