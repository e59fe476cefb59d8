import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

/** What `npm run demo -- …` asked for. */
export interface DemoArgs {
  /** `code` (the default), `research`, `improve` or `doctor`. */
  kind: string;
  /** `--write-transcript`: write the committed transcript under docs/. */
  writeTranscript: boolean;
  /** Options the demo does not know. */
  unknown: string[];
}

export function readDemoArgs(argv: string[]): DemoArgs {
  const unknown = argv.filter((arg) => arg.startsWith('-') && arg !== '--write-transcript');
  const [kind = 'code'] = argv.filter((arg) => !arg.startsWith('-'));
  return { kind, writeTranscript: argv.includes('--write-transcript'), unknown };
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
