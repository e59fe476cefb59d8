/**
 * How the scripted model reads what its tools answered, as a model would: the
 * lines a patch adds, a file from the editor's numbered view, and the blocks a
 * merge left between conflict markers.
 */

/** An added line of a unified diff, with its number in the new file. */
export interface AddedLine {
  line: number;
  text: string;
}

/** The lines a patch adds, numbered as in the new version of the file. */
export function addedLines(patch: string): AddedLine[] {
  const added: AddedLine[] = [];
  let next = 0;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      next = Number(hunk[1]);
      continue;
    }
    if (next === 0 || line.startsWith('\\')) continue;
    if (line.startsWith('+')) added.push({ line: next++, text: line.slice(1) });
    else if (!line.startsWith('-')) next++;
  }
  return added;
}

/** The file's lines from the editor's `view` (or `read_file`) answer: `cat -n` style numbering removed. */
export function viewedLines(output: string): string[] {
  return output.split('\n').map((line) => /^\s*\d+\t(.*)$/.exec(line)?.[1] ?? line);
}

/** One conflict of a merged file: its exact text, and the text that resolves it. */
export interface ConflictBlock {
  text: string;
  resolved: string;
}

/**
 * The conflict blocks of a file (`<<<<<<<` … `=======` … `>>>>>>>`, with an
 * optional `|||||||` base section). Each is resolved keeping both sides: the
 * build branch's lines first (they are merged already), then this branch's
 * lines that the other side does not have.
 */
export function conflictBlocks(lines: readonly string[]): ConflictBlock[] {
  const blocks: ConflictBlock[] = [];
  for (let start = 0; start < lines.length; start++) {
    if (!/^<{7}( |$)/.test(lines[start] ?? '')) continue;
    const ours: string[] = [];
    const theirs: string[] = [];
    let section: 'ours' | 'base' | 'theirs' = 'ours';
    let end = start + 1;
    for (; end < lines.length; end++) {
      const line = lines[end] ?? '';
      if (/^>{7}( |$)/.test(line)) break;
      if (/^\|{7}( |$)/.test(line)) section = 'base';
      else if (/^={7}$/.test(line)) section = 'theirs';
      else if (section === 'ours') ours.push(line);
      else if (section === 'theirs') theirs.push(line);
    }
    const resolved = [...theirs, ...ours.filter((line) => !theirs.includes(line))];
    blocks.push({ text: lines.slice(start, end + 1).join('\n'), resolved: resolved.join('\n') });
    start = end;
  }
  return blocks;
}
