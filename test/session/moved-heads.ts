/**
 * GitHub's answers about a worker pull request's head that moved from the head
 * a review run was dispatched for (`ASKED`), for the review's gone-head check:
 * the new head's parents and the comparisons it reads. `update` is GitHub's
 * "update branch" (the build branch merged in, nothing else); `hidden` a merge
 * that also changes a file the build branch did not; `commit` a worker's commit.
 */
export const ASKED = 'a'.repeat(40);
/** The build branch's head the update merged in. */
export const MERGED_IN = 'c'.repeat(40);
export const MOVED = {
  update: 'd'.repeat(40),
  hidden: 'e'.repeat(40),
  commit: 'f'.repeat(40),
} as const;
export type Move = keyof typeof MOVED;

const SIBLING = { filename: 'src/sibling.ts', status: 'added', sha: '1'.repeat(40) };
const OWN = { filename: 'src/hello.ts', status: 'modified', sha: '2'.repeat(40) };

/** `path → JSON body` of the reads, under `/repos/<repository>`, with `base` the pull request's base branch. */
export function movedHeadReads({
  repository,
  base,
}: {
  repository: string;
  base: string;
}): Record<string, unknown> {
  const repo = `/repos/${repository}`;
  return {
    [`${repo}/commits/${MOVED.update}`]: { parents: [{ sha: ASKED }, { sha: MERGED_IN }] },
    [`${repo}/commits/${MOVED.hidden}`]: { parents: [{ sha: ASKED }, { sha: MERGED_IN }] },
    [`${repo}/commits/${MOVED.commit}`]: { parents: [{ sha: ASKED }] },
    [`${repo}/compare/${MERGED_IN}...${encodeURIComponent(base)}`]: {
      status: 'identical',
      files: [],
    },
    [`${repo}/compare/${ASKED}...${MERGED_IN}`]: { status: 'diverged', files: [SIBLING] },
    [`${repo}/compare/${ASKED}...${MOVED.update}`]: { status: 'ahead', files: [SIBLING] },
    [`${repo}/compare/${ASKED}...${MOVED.hidden}`]: { status: 'ahead', files: [SIBLING, OWN] },
    [`${repo}/compare/${ASKED}...${MOVED.commit}`]: { status: 'ahead', files: [OWN] },
  };
}
