// `prepack`, after the build: records in dist/src/release.json (RELEASE_STAMP)
// the release this package is, its version's tag and the commit the tag
// names, so that an installed copy, which has no git checkout, pins its
// sessions to that commit with no variable set (src/github/setup/source-ref.ts).
// It records a commit only when the packed checkout is that commit, clean: a
// package packed from anything else pins nothing, and says so.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownCheckout, RELEASE_STAMP, readPackage } from '../src/github/setup/source-ref.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const stamp = join(root, RELEASE_STAMP);
const version = readPackage(root)?.version;
const tag = typeof version === 'string' ? `v${version}` : null;
const git = ownCheckout(root);

/** The tag's commit when HEAD is it and the tree is clean; otherwise why not. */
function releaseCommit(): { commit: string } | { why: string } {
  if (!tag) return { why: 'package.json has no version' };
  if (!git) return { why: 'this is not a git checkout of Baton' };
  let tagged: string;
  try {
    tagged = git(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
  } catch {
    return { why: `the checkout has no tag ${tag}` };
  }
  const head = git(['rev-parse', '--verify', 'HEAD^{commit}']);
  if (head !== tagged) return { why: `HEAD ${head.slice(0, 12)} is not ${tag}'s commit` };
  if (git(['status', '--porcelain', '--untracked-files=no']) !== '')
    return { why: 'the checkout has uncommitted changes' };
  return { commit: tagged };
}

const found = releaseCommit();
rmSync(stamp, { force: true });
if ('commit' in found) {
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, `${JSON.stringify({ tag, commit: found.commit }, null, 2)}\n`);
  console.error(`baton: the package pins its sessions to ${tag} (${found.commit})`);
} else {
  console.error(
    `baton: the package records no release (${found.why}): an installed copy needs BATON_SOURCE_REPOSITORY and BATON_SOURCE_REF to pin its sessions`,
  );
}
