import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation } from '../../sim/e2e.js';
import { scripted } from '../../sim/fake-anthropic.js';
import { runDoctorOnSimulation } from '../../sim/run-doctor.js';
import type { DoctorCheck } from '../../src/core/doctor/doctor.js';

/**
 * `baton doctor` as a maintainer runs it, from its command line to the doctor
 * session and back: the app's credentials, the checks against the simulated
 * GitHub over HTTP, the dispatch, the runner's agent and publish jobs, the
 * token exchange at the app process, the probes, and the result read back.
 * The app is reached at a public https URL (a proxy in front of it, as a
 * deployment has), which the runner's jobs follow to the app process. Baton's
 * source repository is github.com's, outside the simulation: it answers the
 * pinned commit. With nothing hosted (docs/serverless.md), the same command
 * checks the conductor and BATON_APP_ID, and the session's publish job mints
 * its token from the app's key in the repository's secrets.
 */
const APP_URL = 'https://baton.example.com';

describe.each([
  { mode: 'hosted', where: ['app-url'] },
  { mode: 'serverless', where: ['conductor', 'app-id'] },
] as const)('baton doctor, the command and its session ($mode)', ({ mode, where }) => {
  let sim: Simulation;
  let cwd: string;

  beforeAll(async () => {
    sim = await startSimulation({
      respond: scripted([]),
      mode,
      ...(mode === 'hosted' ? { publicAppUrl: APP_URL } : {}),
      // The push probe waits this long for a push run (30 s on GitHub).
      jobEnv: { BATON_DOCTOR_PUSH_WAIT_SECONDS: '1' },
    });
    cwd = mkdtempSync(join(tmpdir(), 'baton-doctor-e2e-'));
  });
  afterAll(async () => {
    await sim?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('passes every check, the session and its probes included, and exits 0; --json for scripts', async () => {
    let out = '';
    let err = '';
    const code = await runDoctorOnSimulation({
      sim,
      privateKey: sim.appPrivateKey,
      appUrl: APP_URL,
      // Most of the case's own limit (vitest's 180 s): a busy machine makes the session slow, not late.
      args: ['--json', '--timeout', '150'],
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
      cwd,
    });
    const report = JSON.parse(out || '{}') as { ok?: boolean; checks?: DoctorCheck[] };
    const failed = (report.checks ?? []).filter((check) => !check.ok);
    expect(failed, `${err}\n${out}\n${sim.diagnostics()}`).toEqual([]);
    expect([code, report.ok]).toEqual([0, true]);
    const ids = (report.checks ?? []).map((check) => check.id);
    // The checks that need no dispatch, then what only the session can tell.
    expect(ids).toEqual(
      expect.arrayContaining([
        'auth',
        'installed',
        'permissions',
        'workflow',
        'pin',
        'config',
        ...where,
        'session',
        'model-key',
        'events',
        'model',
        'probe graphql-hidden-refs',
        'probe push-starts-workflows',
        'probe hidden-ref-without-workflows',
        'probe viewer-has-reacted',
        'probe collaborator-permission',
      ]),
    );
    // Every ref the session made is gone: probes and the result alike.
    expect(
      [...sim.gh.git.refs.keys()].filter(
        (ref) => ref.includes('/probe/') || ref.endsWith('/result'),
      ),
    ).toEqual([]);
  });
});
