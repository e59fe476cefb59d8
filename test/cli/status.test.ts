import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/status.js';
import type { Overview } from '../../src/core/overview/overview.js';
import { testOctokit } from '../support/app-harness.js';
import { TEST_PRIVATE_KEY } from '../support/app-key.js';
import {
  buildMissionWorld,
  type MissionWorld,
  serveMissionWorld,
} from '../support/mission-world.js';

/**
 * `baton status` with nothing hosted: the app's credentials alone, against the
 * simulated GitHub serving the mission world over HTTP.
 */
let world: MissionWorld;
let served: Awaited<ReturnType<typeof serveMissionWorld>>;
let cwd: string;

beforeAll(async () => {
  world = await buildMissionWorld({ start: '2026-11-26T06:00:00Z' });
  served = await serveMissionWorld(world);
  cwd = mkdtempSync(join(tmpdir(), 'baton-status-'));
});
afterAll(async () => {
  await served.server.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function status(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(
    args,
    {
      APP_ID: '1',
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      GHE_HOST: served.server.host,
      GHE_PROTOCOL: 'http',
    },
    {
      Octokit: testOctokit(),
      cwd,
      now: () => world.now(),
      out: (text) => {
        out += `${text}\n`;
      },
      err: (text) => {
        err += `${text}\n`;
      },
    },
  );
  return { code, out, err };
}

describe('baton status', () => {
  it('prints one repository’s builds, what waits, the runaway and the spend', async () => {
    const { code, out } = await status(['--repo', 'acme/client']);
    expect(code).toBe(0);
    expect(out).toContain(
      `acme/client#${world.builds.runaway.issue}  Import the old orders  [running]`,
    );
    expect(out).toContain('Runaway workers:');
    expect(out).toContain(
      `acme/client#${world.builds.runaway.issue} W1.1: its last 4 sessions ended without delivering`,
    );
    expect(out).toContain(
      `acme/client#${world.builds.waiting.issue}  The plan of 3 workers waits for /approve`,
    );
    expect(out).toContain('copy: /approve');
    expect(out).toMatch(/Spend: \$\d+\.\d\d in \d+ sessions/);
  });

  it('prints an installation’s builds and change set as JSON, the page’s own', async () => {
    const { code, out } = await status(['--installation', '1', '--json']);
    expect(code).toBe(0);
    const overview = JSON.parse(out) as Overview;
    expect(overview.viewer).toBeNull();
    expect(overview.sets.map((set) => set.repositories.map((line) => line.name))).toEqual([
      ['acme/lib', 'acme/service', 'acme/client'],
    ]);
    expect(overview.builds.map((row) => row.key).sort()).toEqual(
      [
        `acme/client/${world.builds.runaway.build}`,
        `acme/client/${world.builds.waiting.build}`,
        `acme/lib/${world.builds.lib.build}`,
        `acme/service/${world.builds.diamond.build}`,
      ].sort(),
    );
  });

  it('writes the page as one static HTML file, every build’s view in it', async () => {
    const file = join(cwd, 'status.html');
    const { code, err } = await status(['--repo', 'acme/service', '--html', file]);
    expect(code).toBe(0);
    expect(err).toContain(`wrote ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy"');
    expect(html).toContain(`id="build-acme-service-${world.builds.diamond.build}"`);
    expect(html).toContain('Sessions over time');
    expect(html).not.toContain('<script');
  });

  it('refuses to run without the app’s credentials, or with neither --repo nor --installation', async () => {
    let err = '';
    const code = await main(
      ['--repo', 'acme/client'],
      {},
      {
        cwd,
        err: (text) => {
          err += text;
        },
        out: () => {},
      },
    );
    expect(code).toBe(2);
    expect(err).toContain('APP_ID and PRIVATE_KEY');
    expect((await status([])).code).toBe(2);
  });
});
