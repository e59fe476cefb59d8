/** The lines of one file a review comment may point at, per side of the diff. */
export interface DiffLines {
  RIGHT: Set<number>;
  LEFT: Set<number>;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/**
 * Reads a unified diff `patch` (as in `GET /pulls/{n}/files`) into the line
 * numbers that lie inside its hunks: GitHub accepts a review comment only
 * there. RIGHT is the new file (context and added lines), LEFT the old one
 * (context and removed lines).
 */
export function parseDiffLines(patch: string | undefined): DiffLines {
  const lines: DiffLines = { RIGHT: new Set(), LEFT: new Set() };
  if (!patch) return lines;
  let left = 0;
  let right = 0;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    const hunk = HUNK.exec(line);
    if (hunk) {
      left = Number(hunk[1]);
      right = Number(hunk[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk || line === '' || line.startsWith('\\')) continue;
    const kind = line[0];
    if (kind === '+') lines.RIGHT.add(right++);
    else if (kind === '-') lines.LEFT.add(left++);
    else {
      lines.RIGHT.add(right++);
      lines.LEFT.add(left++);
    }
  }
  return lines;
}
