import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_PATH,
  bundleConductor,
  bundleSession,
  CONDUCTOR_BUNDLE_PATH,
} from '../scripts/bundle.js';

const run = promisify(execFile);
const ACTION = new URL('../action/action.yml', import.meta.url);

interface ActionYml {
  inputs: Record<string, { required?: boolean }>;
  runs: { using: string; main: string };
}

describe("Baton's session action", () => {
  it('runs its committed bundle on node24', async () => {
    const action = yaml.load(await readFile(ACTION, 'utf8')) as ActionYml;
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/baton-session.cjs' });
    expect(new URL(action.runs.main, ACTION).pathname).toBe(BUNDLE_PATH);
    expect(action.inputs.command?.required).toBe(true);
  });

  it('commits the bundle that npm run bundle builds from the sources today', async () => {
    const committed = await readFile(BUNDLE_PATH, 'utf8');
    // Stale: run `npm run bundle` and commit action/dist/baton-session.cjs.
    expect(committed === (await bundleSession()), 'action/dist is stale').toBe(true);
  });

  it('commits the conductor bundle that npm run bundle builds from the sources today', async () => {
    const committed = await readFile(CONDUCTOR_BUNDLE_PATH, 'utf8');
    // Stale: run `npm run bundle` and commit action/dist/baton-conductor.cjs.
    expect(committed === (await bundleConductor()), 'action/dist is stale').toBe(true);
  });

  it('builds the same bytes twice', async () => {
    expect(await bundleSession()).toBe(await bundleSession());
  });

  it.each([
    { command: '', why: 'no command' },
    { command: 'deploy', why: 'an unknown command' },
  ])('refuses $why before reading the session', async ({ command }) => {
    const outcome = await run(process.execPath, [BUNDLE_PATH], {
      env: { PATH: process.env.PATH, INPUT_COMMAND: command },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      `the action's command input must be agent, publish, engine, views, route, conduct, not "${command}"`,
    );
  });

  it('hands agent and publish to the CLI’s own checks of the environment', async () => {
    const outcome = await run(process.execPath, [BUNDLE_PATH], {
      env: { PATH: process.env.PATH, INPUT_COMMAND: 'publish' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("the session's environment is incomplete");
  });
});
