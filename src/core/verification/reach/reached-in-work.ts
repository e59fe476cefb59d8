/**
 * The test-aware code a milestone's validation let into the contract's tree
 * (docs/verification.md, "Code that reads a test runner"): a check that ran
 * beside code that can tell whether a runner runs it proves nothing of the
 * code in use. Validation judges the work's files itself with the reaches
 * publish reads (runner-reach.ts), so its verdict holds without publish's
 * mark. A reach counts where the contract's commit did not hold it: the same
 * reach on a line of the same text was there before the work. Pure.
 */
import type { ReachedCode } from '../check-proof.js';
import { isTestPath } from '../risk.js';
import { isDocumentPath } from '../work-paths.js';
import { runnerReaches } from './runner-reach.js';
import { readsTestRunner } from './test-aware.js';

export type { ReachedCode };

/** A file of the work: its text at the head, and at the contract's commit (null: it was not there). */
export interface WorkFile {
  path: string;
  before: string | null;
  after: string;
}

/** Past this a file's text (generated, minified) is read line by line against the runners' names. */
export const REACH_MAX_CHARS = 512 * 1024;

/** The reaches the work's files gained since the contract's commit, tests and documents apart, by path then line. */
export function reachedInWork(files: readonly WorkFile[]): ReachedCode[] {
  const reached: ReachedCode[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    // Documents and images: no runner loads them as code.
    if (isTestPath(file.path) || isDocumentPath(file.path)) continue;
    const held = counted(file.path, file.before ?? '');
    const lines = file.after.split('\n');
    for (const reach of reachesOf(file.path, file.after)) {
      const key = keyOf(reach.what, lines[reach.line - 1]);
      const left = held.get(key) ?? 0;
      if (left > 0) held.set(key, left - 1);
      else reached.push({ path: file.path, line: reach.line, what: reach.what });
    }
  }
  return reached;
}

function reachesOf(path: string, text: string): { line: number; what: string }[] {
  if (text.length <= REACH_MAX_CHARS) return runnerReaches(path, text);
  return text.split('\n').flatMap((line, at) => {
    const runner = readsTestRunner(line);
    return runner ? [{ line: at + 1, what: `reads ${runner}'s environment` }] : [];
  });
}

/** The reaches of a text, counted by what they reach and the text of their line. */
function counted(path: string, text: string): Map<string, number> {
  const lines = text.split('\n');
  const held = new Map<string, number>();
  for (const reach of text === '' ? [] : reachesOf(path, text)) {
    const key = keyOf(reach.what, lines[reach.line - 1]);
    held.set(key, (held.get(key) ?? 0) + 1);
  }
  return held;
}

function keyOf(what: string, line: string | undefined): string {
  return `${what}\0${(line ?? '').trim()}`;
}
