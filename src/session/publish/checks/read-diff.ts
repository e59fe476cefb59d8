import type { ChangedLines, ChangeStatus } from '../../../core/sessions/evidence.js';
import type { ScratchRepo } from '../scratch-repo.js';
import { markDiff } from './claims/diff-marks.js';
import { fetchedBuildCommit, HEAD_REF } from './read-pushed-commits.js';

/**
 * The pull request's diff as git counts it (`--name-status -M` and
 * `--numstat -M`): every path with its status, a rename's old path, and its
 * lines added plus removed (0 for a binary file). The range is the one the
 * pull request shows, from where the head left the build branch, or from the
 * dispatched base when the build branch was not fetched. Each file carries
 * its marks (`markDiff`): a link's target, code that reads a test runner.
 */
export async function readDiff({
  repo,
  base,
}: {
  repo: ScratchRepo;
  base: string;
}): Promise<ChangedLines[]> {
  const build = await fetchedBuildCommit(repo);
  const range = build ? [`${build}...${HEAD_REF}`] : [base, HEAD_REF];
  const flags = ['-M', '-z', '--no-color', '--no-ext-diff', '--no-textconv'];
  const [names, counts] = await Promise.all([
    repo.must({ args: ['diff', '--name-status', ...flags, ...range] }),
    repo.must({ args: ['diff', '--numstat', ...flags, ...range] }),
  ]);
  const lines = parseNumstat(counts);
  const files = parseNameStatus(names).map((entry) => ({
    ...entry,
    lines: lines.get(entry.path) ?? 0,
  }));
  return markDiff(repo, range, files);
}

const STATUS: Record<string, ChangeStatus> = {
  A: 'added',
  C: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  T: 'type-changed',
};

/** `git diff --name-status -z`: `<status>\0<path>\0`, a rename or copy `<R100>\0<from>\0<to>\0`. */
export function parseNameStatus(raw: string): Omit<ChangedLines, 'lines'>[] {
  const fields = raw.split('\0');
  const entries: Omit<ChangedLines, 'lines'>[] = [];
  let i = 0;
  while (i < fields.length) {
    const code = fields[i] ?? '';
    if (!code) break;
    const status = STATUS[code[0] ?? ''] ?? 'modified';
    if (code.startsWith('R') || code.startsWith('C')) {
      const from = fields[i + 1] ?? '';
      const path = fields[i + 2] ?? '';
      entries.push(status === 'renamed' ? { path, status, from } : { path, status });
      i += 3;
    } else {
      entries.push({ path: fields[i + 1] ?? '', status });
      i += 2;
    }
  }
  return entries.filter((entry) => entry.path);
}

/**
 * `git diff --numstat -z`: `<added>\t<removed>\t<path>\0`, a rename
 * `<added>\t<removed>\t\0<from>\0<to>\0`; a binary file's counts are `-`.
 */
export function parseNumstat(raw: string): Map<string, number> {
  const fields = raw.split('\0');
  const lines = new Map<string, number>();
  let i = 0;
  while (i < fields.length) {
    const field = fields[i] ?? '';
    if (!field) break;
    const [added = '-', removed = '-', path = ''] = field.split('\t');
    const count = (Number(added) || 0) + (Number(removed) || 0);
    if (path) {
      lines.set(path, count);
      i += 1;
    } else {
      lines.set(fields[i + 2] ?? '', count);
      i += 3;
    }
  }
  return lines;
}
