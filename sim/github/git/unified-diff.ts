/**
 * A unified diff of one file's text, the way GitHub shows a pull request
 * file's `patch`: hunks with three lines of context, no file header.
 */

const CONTEXT = 3;
/** Above this many line pairs the diff is one hunk that replaces the file (GitHub gives up sooner). */
const MAX_PAIRS = 4_000_000;

interface Op {
  kind: ' ' | '-' | '+';
  text: string;
}

/** The patch between two versions of a file (null: the file does not exist on that side). */
export function unifiedDiff(before: string | null, after: string | null): string {
  const ops = diffLines(splitLines(before), splitLines(after));
  return renderHunks(ops);
}

/** Lines added and removed by a patch. */
export function countChanges(patch: string): { additions: number; deletions: number } {
  const lines = patch.split('\n').filter((line) => !line.startsWith('@@'));
  return {
    additions: lines.filter((line) => line.startsWith('+')).length,
    deletions: lines.filter((line) => line.startsWith('-')).length,
  };
}

function splitLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

/** A longest-common-subsequence diff: small files, so the quadratic table is fine. */
function diffLines(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_PAIRS) {
    return [
      ...a.map((text): Op => ({ kind: '-', text })),
      ...b.map((text): Op => ({ kind: '+', text })),
    ];
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j]
          ? (table[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i++] ?? '' });
      j++;
    } else if (
      j < b.length &&
      (i === a.length || (table[i * width + j + 1] ?? 0) >= (table[(i + 1) * width + j] ?? 0))
    ) {
      ops.push({ kind: '+', text: b[j++] ?? '' });
    } else {
      ops.push({ kind: '-', text: a[i++] ?? '' });
    }
  }
  return ops;
}

/** Groups the changes into hunks with their context, each under its `@@` header. */
function renderHunks(ops: Op[]): string {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const hunks: string[] = [];
  let next = 0;
  while (next < changed.length) {
    const first = changed[next] ?? 0;
    let last = first;
    while (next < changed.length && (changed[next] ?? 0) - last <= 2 * CONTEXT) {
      last = changed[next] ?? last;
      next++;
    }
    const start = Math.max(0, first - CONTEXT);
    const end = Math.min(ops.length, last + CONTEXT + 1);
    hunks.push(renderHunk(ops, start, end));
  }
  return hunks.join('\n');
}

function renderHunk(ops: Op[], start: number, end: number): string {
  const before = ops.slice(0, start);
  const oldStart = before.filter((op) => op.kind !== '+').length;
  const newStart = before.filter((op) => op.kind !== '-').length;
  const body = ops.slice(start, end);
  const oldCount = body.filter((op) => op.kind !== '+').length;
  const newCount = body.filter((op) => op.kind !== '-').length;
  const range = (from: number, count: number) =>
    `${count === 0 ? from : from + 1}${count === 1 ? '' : `,${count}`}`;
  const header = `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`;
  return [header, ...body.map((op) => `${op.kind}${op.text}`)].join('\n');
}
