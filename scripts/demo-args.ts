import { join } from 'node:path';

/** What `npm run demo -- …` asked for. */
export interface DemoArgs {
  /** `code` (the default), `research` or `improve`. */
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
 * Where a run's transcript goes: the system's temporary folder, so that a
 * demo leaves the checkout as it was; docs/ (the committed transcripts) only
 * when asked.
 */
export function transcriptPath({
  name,
  write,
  docs,
  temp,
}: {
  name: string;
  write: boolean;
  docs: string;
  temp: string;
}): string {
  return write ? join(docs, name) : join(temp, 'baton-demo', name);
}
