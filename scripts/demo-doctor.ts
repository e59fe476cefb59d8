// `npm run demo -- doctor`: `baton doctor` against the simulator, printed as
// it goes: the checks that need no dispatch, then the doctor session (its
// agent and publish jobs on the simulated runner) and its probes. Its output
// goes to a folder of the run's own.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Simulation, startSimulation } from '../sim/e2e.js';
import { scripted } from '../sim/fake-anthropic.js';
import { runDoctorOnSimulation } from '../sim/run-doctor.js';
import { failureLines } from './demo-args.js';

/** The app's public URL, as a deployment behind a proxy has one (the runner's jobs reach the app). */
const APP_URL = 'https://baton.example.com';

/** Runs the doctor demo; answers the exit code `baton doctor` gave. */
export async function runDoctorDemo(runFolder: string): Promise<number> {
  console.log('Starting the simulator: GitHub, the OIDC issuer, the scripted model, the app…');
  const lines: string[] = [];
  let sim: Simulation | null = null;
  try {
    sim = await startSimulation({
      respond: scripted([]),
      publicAppUrl: APP_URL,
      // The push probe waits this long for a push run (30 s on GitHub).
      jobEnv: { BATON_DOCTOR_PUSH_WAIT_SECONDS: '1' },
    });
    console.log(`$ npx baton doctor --repo ${sim.gh.fullName}\n`);
    const print = (text: string) => {
      lines.push(text);
      console.log(text);
    };
    const code = await runDoctorOnSimulation({
      sim,
      privateKey: sim.appPrivateKey,
      appUrl: APP_URL,
      out: print,
      err: print,
      cwd: runFolder,
    });
    const output = join(runFolder, 'doctor.txt');
    await writeFile(output, `${lines.join('\n')}\n`);
    console.log(
      `\nbaton doctor exited ${code}${code === 0 ? ': every check passed' : ''}. Output: ${output}`,
    );
    if (code !== 0) await writeFile(join(runFolder, 'diagnostics.txt'), sim.diagnostics());
    return code;
  } catch (error) {
    const diagnostics = join(runFolder, 'diagnostics.txt');
    const message = error instanceof Error ? error.message : String(error);
    await writeFile(diagnostics, `${message}\n\n${sim?.diagnostics() ?? ''}`).catch(
      () => undefined,
    );
    console.error(failureLines({ error, diagnostics }));
    return 1;
  } finally {
    await sim?.stop();
  }
}
