import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

/** What `npm run demo -- --help` prints. */
export const DEMO_USAGE = `usage: npm run demo [-- KIND] [-- --write-transcript]

Plays Baton on the local simulator, with no credentials and no network, and
prints it as it goes. KIND is one of:
  code       a whole build (the default): plan, workers, reviews, the final PR
  research   a research build: findings, a refused code change, the synthesis
  improve    improvement loops (/improve 3)
  change-set a change set across three repositories: the order of their final
             pull requests, an early merge refused, /rollback
  linear     a Linear epic of three children across two repositories: one change
             set, delivered, the epic moved to done in Linear
  steer      talking to a running session: /queue, /steer, a wind-down to a
             partial draft, /continue
  doctor     \`baton doctor\` against the simulator, every check and probe passing
  page       the page with several builds and a change set, and three people to
             sign in as: prints its address, and serves it until Ctrl-C

Options:
  --write-transcript  rewrite the committed docs/demo*-transcript.md instead of
                      writing the transcript under $TMPDIR/baton-demo/
  -h, --help          print this help`;

/** What `npm run demo -- …` asked for. */
export interface DemoArgs {
  /** `code` (the default), `research`, `improve`, `change-set`, `linear`, `steer`, `doctor` or `page`. */
  kind: string;
  /** `--write-transcript`: write the committed transcript under docs/. */
  writeTranscript: boolean;
  /** `-h`, `--help`: print `DEMO_USAGE` and play nothing. */
  help: boolean;
  /** Options the demo does not know. */
  unknown: string[];
}

export function readDemoArgs(argv: string[]): DemoArgs {
  const known = ['--write-transcript', '-h', '--help'];
  const unknown = argv.filter((arg) => arg.startsWith('-') && !known.includes(arg));
  const [kind = 'code'] = argv.filter((arg) => !arg.startsWith('-'));
  const help = argv.includes('-h') || argv.includes('--help');
  return { kind, writeTranscript: argv.includes('--write-transcript'), help, unknown };
}

/**
 * A folder of this run's own under `<temp>/baton-demo/`, named after the
 * kind of demo (`code-3kT9aZ`), for its transcript and diagnostics: two demos
 * run at once never write over each other, and a demo leaves the checkout as
 * it was.
 */
export async function makeRunFolder({
  temp,
  kind,
}: {
  temp: string;
  kind: string;
}): Promise<string> {
  const parent = join(temp, 'baton-demo');
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, `${kind.replace(/[^a-z0-9-]/gi, '_')}-`));
}

/** Where a run's transcript goes: its run folder; docs/ (the committed transcripts) only when asked. */
export function transcriptPath({
  name,
  write,
  docs,
  runFolder,
}: {
  name: string;
  write: boolean;
  docs: string;
  runFolder: string;
}): string {
  return write ? join(docs, name) : join(runFolder, name);
}

/**
 * The line a demo says when the checkout has a `.env` (step 3 of the quick
 * start writes the registered app's there): the simulated app never reads it
 * (it runs in a folder of its own, sim/start-app.ts); null when there is none.
 */
export function dotEnvNotice(checkout: string): string | null {
  return existsSync(join(checkout, '.env'))
    ? "Found .env in the checkout (your registered app's): the demo ignores it; the simulated app runs with a key and secret of its own."
    : null;
}

/** What a demo prints when it fails: one plain line, and where the rest is. */
export function failureLines({
  error,
  diagnostics,
}: {
  error: unknown;
  diagnostics: string;
}): string {
  const message = error instanceof Error ? error.message : String(error);
  const [headline = message] = message.split('\n');
  return `\nThe demo failed: ${headline}\nWhat the app, the jobs and the model saw: ${diagnostics}`;
}
