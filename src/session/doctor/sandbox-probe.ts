import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DoctorAgentReport } from '../../core/doctor/doctor-session.js';
import { openSandbox } from '../agent/sandbox/sandbox.js';
import { programPath } from '../programs.js';

/** What one run inside must print: the tools user, no capability left, no new privileges. */
const INSIDE = /^uid (\d+)\nCapEff:\s+0+\nCapBnd:\s+0+\nNoNewPrivs:\s+1\n$/;

/**
 * The doctor's `sandbox` probe (docs/doctor.md): whether work and fix
 * sessions can run the model's commands on this runner as the workflow and
 * the config ask. With BATON_TOOL_USER, a sandbox with an (empty) allowlist is
 * opened as a session opens it, and one run must find itself the tools user
 * with an empty bounding set and no new privileges; no documentation says a
 * runner's kernel, AppArmor and sudo allow that. Without one, only a config
 * with `session.network: open` lets the commands run (unconfined).
 */
export async function probeSandbox({
  user,
  networkOpen,
}: {
  user: string | undefined;
  networkOpen: boolean;
}): Promise<DoctorAgentReport['sandbox']> {
  if (!user) {
    return networkOpen
      ? {
          answer: 'yes',
          detail:
            'no BATON_TOOL_USER and session.network is open: the model’s commands run unconfined',
        }
      : {
          answer: 'no',
          detail:
            'the workflow sets no BATON_TOOL_USER on the session step (the Baton workflow sets baton-tools)',
        };
  }
  const root = await mkdtemp(path.join(tmpdir(), 'baton-doctor-'));
  try {
    await writeFile(path.join(root, 'README.md'), 'doctor\n');
    const sandbox = await openSandbox({ root, user, egress: { allow: [], log: () => {} } });
    try {
      const seen = await runInside(sandbox);
      const uid = INSIDE.exec(seen)?.[1];
      if (uid && Number(uid) > 0) {
        return {
          answer: 'yes',
          detail: `a run is ${user} (uid ${uid}) with no capability and no new privileges`,
        };
      }
      return {
        answer: 'no',
        detail: `a run of the sandbox is not confined as it should be: ${seen.slice(0, 500)}`,
      };
    } finally {
      await sandbox.close();
    }
  } catch (error) {
    return {
      answer: 'no',
      detail: (error instanceof Error ? error.message : String(error)).slice(0, 1500),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function runInside(sandbox: Awaited<ReturnType<typeof openSandbox>>): Promise<string> {
  const script = 'echo "uid $(id -u)"; grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/self/status';
  const run = sandbox.spawn({
    argv: [programPath('sh'), '-c', script],
    env: { PATH: '/usr/bin:/bin' },
    timeoutMs: 30_000,
  });
  let output = '';
  run.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  run.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  await new Promise((resolve) => run.child.once('close', resolve));
  return output;
}
