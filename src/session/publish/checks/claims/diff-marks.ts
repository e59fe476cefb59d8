/**
 * What the evidence marks on a file beyond its path and lines
 * (docs/verification.md): where a symbolic link at the head points, and
 * whether a file that is not a test gains a line that reads a test runner's
 * environment. Publish reads both from the same range as the diff's names;
 * the app weighs them, never reading the diff itself.
 */
import { posix } from 'node:path';
import type { ChangedLines } from '../../../../core/sessions/evidence.js';
import { runnerReaches } from '../../../../core/verification/reach/runner-reach.js';
import { isTestPath } from '../../../../core/verification/risk.js';
import { batchIn, readBlobs } from '../../cat-file-batch.js';
import type { ScratchRepo } from '../../scratch-repo.js';

const SYMLINK = '120000';
/** A link's target is read only up to this; a longer one (which `checkLinks` refuses) is not a path to weigh. */
const TARGET_MAX_BYTES = 4095;

/** The diff's files with their marks: `link` on each symbolic link at the head, `testAware` on code that asks for a runner. */
export async function markDiff(
  repo: ScratchRepo,
  range: string[],
  files: ChangedLines[],
): Promise<ChangedLines[]> {
  const [links, aware] = await Promise.all([readLinks(repo, range), readTestAware(repo, range)]);
  return files.map((file) => ({
    ...file,
    ...(links.has(file.path) ? { link: links.get(file.path) } : {}),
    ...(aware.has(file.path) ? { testAware: true as const } : {}),
  }));
}

/** Each symbolic link the range leaves at the head, with its target from the repository's root. */
async function readLinks(repo: ScratchRepo, range: string[]): Promise<Map<string, string>> {
  const raw = await repo.must({
    args: ['diff', '--raw', '-z', '--no-renames', '--no-abbrev', ...range],
  });
  const fields = raw.split('\0');
  const found: { path: string; sha: string }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, newMode = '', , newSha = ''] = (fields[i] ?? '').slice(1).split(' ');
    const path = fields[i + 1] ?? '';
    if (newMode === SYMLINK && path) found.push({ path, sha: newSha });
  }
  // Every link's target by one git.
  const targets = await readBlobs(
    batchIn(repo),
    found.map((link) => link.sha),
  );
  const links = new Map<string, string>();
  found.forEach(({ path }, i) => {
    const target = targets[i]?.toString('utf8');
    if (target !== undefined && target.length <= TARGET_MAX_BYTES) {
      links.set(path, fromRoot(path, target));
    }
  });
  return links;
}

/** A link's target as a path from the repository's root, resolved from the link's own folder. */
export function fromRoot(link: string, target: string): string {
  const resolved = posix.normalize(posix.join(posix.dirname(link), target.replace(/\n$/, '')));
  return resolved.replace(/^\.\/+/, '').slice(0, 500) || '.';
}

/** A file's text is judged for reach only up to this; a larger one (generated, minified) is read line by line. */
const REACH_MAX_BYTES = 512 * 1024;

/**
 * The files, tests apart, whose added lines reach for the test runner
 * (`runnerReaches`): each such file's text at the head is tokenized whole, and
 * a reach on a line the range added marks it.
 */
async function readTestAware(repo: ScratchRepo, range: string[]): Promise<Set<string>> {
  const patch = await repo.must({
    args: ['diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', ...range],
  });
  const added = addedLines(patch);
  const head = (range.at(-1) ?? '').split('...').at(-1) ?? '';
  const judged = [...added].filter(([path]) => !isTestPath(path));
  const texts = await readTexts(
    repo,
    judged.map(([path]) => `${head}:${path}`),
  );
  const found = new Set<string>();
  judged.forEach(([path, lines], i) => {
    const text = texts[i] ?? null;
    const whole = text !== null && text.length <= REACH_MAX_BYTES ? text : null;
    const reaches = whole === null ? [] : runnerReaches(path, whole);
    if (reaches.some((reach) => lines.has(reach.line))) found.add(path);
  });
  return found;
}

/**
 * Each named file's text (null where there is none), all by one git; a name
 * with a line break, which `cat-file --batch` would read as two, by a git of its own.
 */
async function readTexts(repo: ScratchRepo, names: string[]): Promise<(string | null)[]> {
  const batched = names.filter((name) => !/[\n\r]/.test(name));
  const blobs = new Map(
    (await readBlobs(batchIn(repo), batched)).map((blob, i) => [batched[i], blob]),
  );
  const texts: (string | null)[] = [];
  for (const name of names) {
    if (blobs.has(name)) {
      texts.push(blobs.get(name)?.toString('utf8') ?? null);
      continue;
    }
    const text = await repo.run({ args: ['cat-file', 'blob', name] });
    texts.push(text.code === 0 ? text.stdout : null);
  }
  return texts;
}

/** Each file's lines (from 1) that a `-U0` patch adds, by its path at the head. */
function addedLines(patch: string): Map<string, Set<number>> {
  const added = new Map<string, Set<number>>();
  let current: Set<number> | null = null;
  let next = 0;
  // A file's header runs from `diff --git` to its first hunk: an added line reading `++ b/x` shows
  // as `+++ b/x`, and is content, not a name.
  let header = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      [header, current] = [true, null];
    } else if (header && line.startsWith('+++ ')) {
      const path = unquote(line.slice(4));
      current = path.startsWith('b/') ? new Set() : null;
      if (current) added.set(path.slice(2), current);
    } else if (line.startsWith('@@')) {
      header = false;
      next = Number(/\+(\d+)/.exec(line)?.[1] ?? 0);
    } else if (!header && current && line.startsWith('+')) {
      current.add(next++);
    }
  }
  return added;
}

/**
 * A name as git writes it in a patch's header: as it is, or, with a quote, a
 * tab, a newline or a byte past ASCII in it, in double quotes with C escapes
 * (`"b/a\\"b.ts"`, octal bytes of UTF-8).
 */
export function unquote(name: string): string {
  if (!name.startsWith('"') || !name.endsWith('"')) return name;
  const bytes: number[] = [];
  const body = name.slice(1, -1);
  const named: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? '';
    if (char !== '\\') {
      bytes.push(...new TextEncoder().encode(char));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(named[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}
