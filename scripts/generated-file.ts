import { readFileSync, writeFileSync } from 'node:fs';

/**
 * What a script that generates a committed file does with its text: with
 * `--check`, exits 1 saying `stale` when the committed file differs (a missing
 * one does); otherwise writes the file.
 */
export function writeOrCheck({
  path,
  text,
  stale,
}: {
  path: string;
  text: string;
  stale: string;
}): void {
  if (!process.argv.includes('--check')) {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // Missing counts as different.
  }
  if (committed !== text) {
    console.error(stale);
    process.exitCode = 1;
  }
}
