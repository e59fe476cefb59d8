import { appendFile } from 'node:fs/promises';

/**
 * Appends markdown to the job's summary page (`$GITHUB_STEP_SUMMARY`), where a
 * person looking at the run sees why it ended as it did. No file, no summary.
 */
export async function appendStepSummary(path: string | undefined, markdown: string): Promise<void> {
  if (!path) return;
  await appendFile(path, `${markdown.trimEnd()}\n\n`);
}
