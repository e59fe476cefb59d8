import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type PublishOptions, runPublish } from '../../../src/session/publish/run-publish.js';
import { type FakeGitHub, startFakeGitHub } from './fake-github.js';
import { BUILD, createFixture, type Fixture, type FixtureOptions, makeEnv } from './fixture.js';

export const PULLS = '/repos/acme/app/pulls';
export const PULL_URL = 'https://github.example/acme/app/pull/7';

export interface Harness {
  fixture: Fixture;
  github: FakeGitHub;
  logs: string[];
  /** Runs publish with the fixture's environment plus overrides. */
  publish(
    overrides?: Record<string, string | undefined>,
    options?: PublishOptions,
  ): Promise<number>;
  summary(): string;
  /** The message of the usage record publish pushed for the first attempt of run `runId`. */
  usageMessage(runId: string): string;
  /** REST calls that write (anything but GET). */
  writes(): string[];
}

function usageRef(runId: string): string {
  return `refs/baton/${BUILD}/usage/${runId}-1`;
}

/**
 * A fresh remote, fake GitHub and output folder for every test; PR #7 is the
 * worker's PR and answers reads and updates.
 */
export function usePublishHarness(options: FixtureOptions = {}): Harness {
  const harness = {} as Harness;
  beforeEach(async () => {
    const fixture = createFixture(options);
    const github = await startFakeGitHub(fixture.gitRoot);
    github.routes.set(`GET ${PULLS}`, () => ({ status: 200, body: [] }));
    github.routes.set(`POST ${PULLS}`, () => ({
      status: 201,
      body: { number: 7, html_url: PULL_URL },
    }));
    github.routes.set(`PATCH ${PULLS}/7`, () => ({
      status: 200,
      body: { number: 7, html_url: PULL_URL },
    }));
    github.routes.set(`GET ${PULLS}/7`, () => ({
      status: 200,
      body: { number: 7, html_url: PULL_URL, node_id: 'PR_7', draft: false },
    }));
    const logs: string[] = [];
    const summaryPath = join(fixture.root, 'summary.md');
    Object.assign(harness, {
      fixture,
      github,
      logs,
      publish: (overrides = {}, options = {}) =>
        runPublish(makeEnv({ fixture, serverUrl: github.url, overrides }), {
          stepSummaryPath: summaryPath,
          log: (line: string) => logs.push(line),
          github: { retryBaseMs: 1, writeSpacingMs: 0 },
          ...options,
        }),
      summary: () => readFileSync(summaryPath, 'utf8'),
      usageMessage: (runId: string) =>
        fixture
          .git(['--git-dir', fixture.remoteDir, 'log', '-1', '--format=%B', usageRef(runId)])
          .trim(),
      writes: () =>
        github.api
          .filter((call) => call.method !== 'GET')
          .map((call) => `${call.method} ${call.path}`),
    } satisfies Harness);
  });
  afterEach(async () => {
    await harness.github.close();
    harness.fixture.cleanup();
  });
  return harness;
}
