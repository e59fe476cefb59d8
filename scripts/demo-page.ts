// `npm run demo -- page`: the page (docs/mission-control.md) on the
// simulator, to open in a browser: the browser test's world (several builds,
// a change set across three repositories, three people who may see different
// things) played through the app, then the app's own process with its page and
// sign-in, and the address to open. It holds until Ctrl-C when run in a
// terminal; otherwise (a test, a pipe) it checks what each person sees and
// stops. It writes nothing in the checkout.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Overview } from '../src/core/overview/overview.js';
import {
  buildMissionWorld,
  type MissionPage,
  overviewOnceRead,
  startMissionPage,
} from '../test/support/mission-world.js';
import { signIn } from '../test/support/page-server.js';
import { failureLines } from './demo-args.js';

/** Who may sign in, and what GitHub lets each read: the consent page of the simulated GitHub lists them. */
const PEOPLE = [
  ['alice', 'writes acme/lib, acme/service and acme/client: sees every build and the change set'],
  [
    'bob',
    'reads acme/service, writes acme/client, cannot read acme/lib (private): sees nothing of it',
  ],
  ['eve', "writes acme/client alone: sees the change set's part there, nothing of its home"],
] as const;

/** Runs the page demo; answers its exit code. `hold`: keep serving until the process is stopped. */
export async function runPageDemo(runFolder: string, { hold }: { hold: boolean }): Promise<number> {
  let mission: MissionPage | null = null;
  try {
    console.log(
      'Playing the builds the page shows on the simulator: a change set across acme/lib, acme/service and acme/client, and four builds more…',
    );
    const world = await buildMissionWorld({
      start: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    });
    console.log('Starting the app with its page and sign-in…');
    mission = await startMissionPage(world);
    const { app, served } = mission;
    const page = { url: app.url };
    console.log("Waiting for the app's first resync to read every build onto the page…");
    const alice = await overviewOnceRead(app.url, await signIn(page, served, 'alice'), 5);
    const eve = await overviewOnceRead(app.url, await signIn(page, served, 'eve'), 3);
    const problems = checked({ alice, eve });
    const lines = [
      '',
      `The page: ${app.url}`,
      '',
      'Open it, press "Sign in with GitHub", and on the simulated GitHub choose who you are:',
      ...PEOPLE.map(([login, what]) => `  ${login.padEnd(7)}${what}`),
      '',
      `As alice: ${alice.builds.length} builds, ${alice.sets.length} change set, ${alice.waiting.length} things waiting (only acme/lib's final pull request of the set is offered to merge: the others land after it), $${alice.spend.total.costUsd.toFixed(2)} spent.`,
      `As eve: ${eve.builds.length} builds; the change set is "${eve.builds.find((row) => row.changeSet === 'hidden')?.label ?? '?'}".`,
      'Try /?q=dark+mode or /?state=delivered, a phone-wide window, and /builds/… of the change set.',
    ];
    console.log(lines.join('\n'));
    await writeFile(join(runFolder, 'page.txt'), `${lines.join('\n')}\n`);
    if (problems.length > 0) throw new Error(problems.join('; '));
    if (!hold) {
      console.log('\nNot run in a terminal: every view checked, stopping.');
      return 0;
    }
    console.log('\nPress Ctrl-C to stop.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    return 0;
  } catch (error) {
    const diagnostics = join(runFolder, 'diagnostics.txt');
    await writeFile(diagnostics, `${error instanceof Error ? error.stack : String(error)}\n`).catch(
      () => undefined,
    );
    console.error(failureLines({ error, diagnostics }));
    return 1;
  } finally {
    await mission?.stop();
  }
}

/** What the demo promises each person sees; each broken promise in words. */
function checked({ alice, eve }: { alice: Overview; eve: Overview }): string[] {
  const problems: string[] = [];
  const offered = alice.waiting.filter(
    (item) =>
      item.kind === 'final-pull' &&
      item.label.includes('change set') &&
      item.text.includes('review and merge'),
  );
  if (offered.map((item) => item.repository).join() !== 'acme/lib')
    problems.push(
      `alice is offered the merge of ${offered.map((item) => item.repository).join(', ')}`,
    );
  if (/acme\/service|acme\/lib|rename fetch/i.test(JSON.stringify(eve)))
    problems.push('eve sees the change set outside acme/client');
  return problems;
}
