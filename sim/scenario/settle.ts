import { type Simulation, STEP_LIMIT_MS } from '../e2e.js';
import { type MachineLimit, withinMachineTime } from '../machine-time.js';

/**
 * Waits until every run of the simulation (its peers' too) has finished and every webhook
 * has been delivered, within `limit` of the machine's time: a run that never ends fails the
 * wait, naming it, with the diagnostics, instead of holding the test until its wall
 * ceiling. Its own limit, not what a build's shared one has left: the runs a build's end
 * leaves (a review of the final pull request, two sessions at once) get two steps' time.
 */
export async function settle(
  sim: Simulation,
  limit: number | MachineLimit = 2 * STEP_LIMIT_MS,
): Promise<void> {
  const settling = (async () => {
    await sim.runner.idle();
    await Promise.all(sim.peerRunners.map((runner) => runner.idle()));
    await sim.server.idle();
  })();
  try {
    await withinMachineTime('every run to end and every webhook to be delivered', limit, settling);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${sim.diagnostics()}`);
  }
}
