/**
 * `baton doctor` against a running simulation, as a maintainer runs it where
 * the app runs: the app's credentials, the simulated GitHub as GitHub
 * Enterprise Server's layout (GHE_HOST), and the app reached at its public
 * URL. Baton's source repository is github.com's, outside the simulation: the
 * one request for the pinned commit is answered here. Used by the end-to-end
 * test of the command and by `npm run demo -- doctor`.
 */
import { main } from '../src/doctor/cli.js';
import { BatonOctokit } from '../src/github/client/octokit.js';
import { SIM_BATON_SOURCE, type Simulation } from './e2e.js';

/** github.com, for the one request the simulation cannot answer: the pin in Baton's source. */
const sourceFetch: typeof fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  const pinned = `/repos/${SIM_BATON_SOURCE.repository}/git/commits/${SIM_BATON_SOURCE.ref}`;
  if (url.endsWith(pinned)) return Response.json({ sha: SIM_BATON_SOURCE.ref });
  return fetch(input, init);
};

const DoctorOctokit = BatonOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  request: { ...(options.request as object), fetch: sourceFetch },
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

/** Runs `baton doctor --repo <the simulated repository> …args`; answers its exit code. */
export function runDoctorOnSimulation({
  sim,
  privateKey,
  appUrl,
  args = [],
  out,
  err,
  cwd,
}: {
  sim: Simulation;
  /** The app's private key: the one its process runs with. */
  privateKey: string;
  /** BATON_APP_URL, as the app's `.env` has it. */
  appUrl: string;
  /** More options: `--json`, `--timeout 90`. */
  args?: string[];
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where a `.env` would be read from: a folder without one. */
  cwd: string;
}): Promise<number> {
  const api = new URL(sim.server.apiUrl);
  const env = {
    APP_ID: '1',
    PRIVATE_KEY: privateKey,
    GHE_HOST: api.host,
    GHE_PROTOCOL: 'http',
    BATON_APP_URL: appUrl,
    BATON_SOURCE_REPOSITORY: SIM_BATON_SOURCE.repository,
    BATON_SOURCE_REF: SIM_BATON_SOURCE.ref,
  };
  return main(['--repo', `${sim.gh.owner}/${sim.gh.repo}`, ...args], env, {
    Octokit: DoctorOctokit,
    // The pin names this checkout (SIM_BATON_SOURCE stands for it: the simulated
    // jobs run its bundle), so its HEAD is no drift from what sessions run.
    checkoutRoot: null,
    out,
    err,
    cwd,
    pollMs: 200,
  });
}
