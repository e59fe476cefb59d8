import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../sim/e2e.js';
import type { MachineLimit } from '../../sim/machine-time.js';
import { settle } from '../../sim/scenario/settle.js';

/** A limit already spent, as a hung build's shared limit is by the time it settles. */
const SPENT: MachineLimit = {
  limitMs: 1,
  ranOut: () => true,
  spent: () => '1 s of the machine’s time',
  told: (what) => `${what}: ran out of 1 s of the machine’s time`,
};

/** A simulation whose runner's idle answers `runnerIdle`, its server idle at once. */
function simWith(runnerIdle: Promise<void>): Simulation {
  const idle = () => Promise.resolve();
  return {
    runner: { idle: () => runnerIdle },
    peerRunners: [{ idle }],
    server: { idle },
    diagnostics: () => 'run 7 session W2.1 in_progress',
  } as unknown as Simulation;
}

describe('settling a simulation', () => {
  it('ends once every run ended and every webhook was delivered', async () => {
    await expect(settle(simWith(Promise.resolve()), SPENT)).resolves.toBeUndefined();
  });

  it('fails within its limit, naming the wait and what still runs, when a run never ends', async () => {
    const never = new Promise<void>(() => undefined);
    await expect(settle(simWith(never), SPENT)).rejects.toThrow(
      /every run to end and every webhook to be delivered: ran out[\s\S]*run 7 session W2\.1 in_progress/,
    );
  });
});
