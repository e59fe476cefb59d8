import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { type AppHarness, examplePayload } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';
import { BUILD } from '../support/builds.js';

const PERSON = 'maintainer';

/**
 * Each reconcile reads the build afresh (two requests), so an event whose news
 * another event is sure to carry starts none (src/github/reconcile/doors/echoes.ts); anything
 * else, from a person or another app, starts one.
 */
describe('webhooks whose news another event carries start no reconcile', () => {
  let gh: FakeGitHub;
  let app: AppHarness;

  startAppEachTest((started) => ({ gh, app } = started));

  const user = (login: string) => ({ login, type: login.endsWith('[bot]') ? 'Bot' : 'User' });

  /** A pull request event of GitHub's examples, from `sender`, its pull request's fields set by `fields`. */
  function pullRequestEvent(
    event: 'pull_request' | 'pull_request_review',
    action: string,
    sender: string,
    fields: (pull: Record<string, unknown>) => Record<string, unknown>,
  ) {
    const base = examplePayload(gh, { event, action, overrides: {} });
    const pull = base.pull_request as Record<string, unknown>;
    return {
      ...base,
      sender: { ...(base.sender as object), ...user(sender) },
      pull_request: { ...pull, ...fields(pull) },
    };
  }

  function pullEvent(
    action: string,
    {
      sender,
      head,
      merged = false,
      base = integrationBranch(BUILD),
    }: { sender: string; head: string; merged?: boolean; base?: string },
  ) {
    return pullRequestEvent('pull_request', action, sender, (pull) => ({
      merged,
      head: { ...(pull.head as object), ref: head },
      base: { ...(pull.base as object), ref: base },
    }));
  }

  const reviewEvent = (sender: string) =>
    pullRequestEvent('pull_request_review', 'submitted', sender, (pull) => ({
      head: { ...(pull.head as object), ref: workerBranch(BUILD, 'W1.1') },
    }));

  function suiteEvent(slug: string) {
    const base = examplePayload(gh, { event: 'check_suite', action: 'completed', overrides: {} });
    const suite = base.check_suite as { app: object };
    return {
      ...base,
      check_suite: {
        ...suite,
        head_branch: workerBranch(BUILD, 'W1.1'),
        app: { ...suite.app, slug },
      },
    };
  }

  const worker = workerBranch(BUILD, 'W1.1');
  const bot = () => gh.botLogin;
  const cases: { what: string; event: () => [string, object]; reconciles: number }[] = [
    {
      what: "a worker's pull request opened by Baton's bot (a session; its run's completion follows)",
      event: () => ['pull_request', pullEvent('opened', { sender: bot(), head: worker })],
      reconciles: 0,
    },
    {
      what: "a worker's pull request opened by a person",
      event: () => ['pull_request', pullEvent('opened', { sender: PERSON, head: worker })],
      reconciles: 1,
    },
    {
      what: "a worker's pull request opened by a person whose login is the app's slug (only apps are [bot])",
      event: () => [
        'pull_request',
        pullEvent('opened', { sender: bot().replace(/\[bot\]$/, ''), head: worker }),
      ],
      reconciles: 1,
    },
    {
      what: 'the final pull request opened by Baton (the labeller is told on the next reconcile)',
      event: () => [
        'pull_request',
        pullEvent('opened', { sender: bot(), head: integrationBranch(BUILD) }),
      ],
      reconciles: 1,
    },
    {
      what: "a worker's pull request merged by Baton's bot (the build branch's push follows)",
      event: () => [
        'pull_request',
        pullEvent('closed', { sender: bot(), head: worker, merged: true }),
      ],
      reconciles: 0,
    },
    {
      what: "the final pull request merged by Baton's bot (auto-merge merges as whoever enabled it; the build branch may be gone)",
      event: () => [
        'pull_request',
        pullEvent('closed', {
          sender: bot(),
          head: integrationBranch(BUILD),
          base: gh.defaultBranch,
          merged: true,
        }),
      ],
      reconciles: 1,
    },
    {
      what: "a pull request closed unmerged by Baton's bot",
      event: () => ['pull_request', pullEvent('closed', { sender: bot(), head: worker })],
      reconciles: 1,
    },
    {
      what: 'a pull request merged by a person',
      event: () => [
        'pull_request',
        pullEvent('closed', { sender: PERSON, head: worker, merged: true }),
      ],
      reconciles: 1,
    },
    {
      what: "a review submitted by Baton's bot (a review session; its run's completion follows)",
      event: () => ['pull_request_review', reviewEvent(bot())],
      reconciles: 0,
    },
    {
      what: 'a review submitted by a person',
      event: () => ['pull_request_review', reviewEvent(PERSON)],
      reconciles: 1,
    },
    {
      what: "Baton's own check suite completed",
      event: () => ['check_suite', suiteEvent(bot().replace(/\[bot\]$/, ''))],
      reconciles: 0,
    },
    {
      what: "a GitHub Actions check suite completed (its run's workflow_run.completed comes beside it)",
      event: () => ['check_suite', suiteEvent('github-actions')],
      reconciles: 0,
    },
    {
      what: "another CI app's check suite completed",
      event: () => ['check_suite', suiteEvent('circleci-checks')],
      reconciles: 1,
    },
  ];

  it.each(cases)('$what', async ({ event, reconciles }) => {
    const queries = () => gh.log.filter((entry) => entry.route === 'POST /graphql').length;
    const [name, payload] = event();
    await app.deliver(name, payload);
    await app.idle();
    expect(queries()).toBe(reconciles);
  });
});
