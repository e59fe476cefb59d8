import { execFile } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { contractPath } from '../../src/core/plan/contract.js';
import { sealPath } from '../../src/core/verification/seal.js';
import { completionPath, planPath } from '../../src/core/vocabulary/ids.js';
import { sealText, takeSeal } from '../../src/session/publish/checks/contract/seal-tree.js';
import { BUILD, buildRepo, gitIn, planJson, writeFiles } from './agent-fixtures.js';

const run = promisify(execFile);

/** A build's contract as its tests read it: the command, the sealed paths, and the checks. */
export interface SealedContract {
  version: 1;
  command: string;
  files: string[];
  checks: { criterion: string; file: string; name: string }[];
}

/**
 * The build branch a validation runs on: `project`, then the contract's merge
 * (contract.json and the seal publish takes of it with `takeSeal`), then W1.1's
 * commit with its report and `pushed` on top, as a merged worker or a person's
 * push leaves it, the runner's install beside it (`linkInstall`). Answers the
 * checkout and the contract's merge.
 */
export async function sealedBuildBranch({
  project,
  contract,
  pushed = {},
  build = BUILD,
}: {
  project: Record<string, string>;
  contract: SealedContract;
  pushed?: Record<string, string>;
  build?: string;
}): Promise<{ root: string; contractMerge: string }> {
  const { root } = await buildRepo({ ...project, [planPath(build)]: planJson() });
  await writeFiles(root, { [contractPath(build)]: JSON.stringify(contract) });
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', 'the contract');
  await writeFiles(root, { [sealPath(build)]: await sealOfHead(root, contract.files) });
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', "Merge the contract's pull request");
  const contractMerge = gitIn(root, 'rev-parse', 'HEAD');
  // W1.1 merged (its report is on the branch, so its criterion is due), with what was pushed.
  await writeFiles(root, { ...pushed, [completionPath(build, 'W1.1')]: '{}\n' });
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '--allow-empty', '-m', 'a push');
  await linkInstall(root);
  return { root, contractMerge };
}

/** seal.json's text for the contract's `files` at the checkout's HEAD, as publish takes it (`takeSeal`). */
export async function sealOfHead(root: string, files: readonly string[]): Promise<string> {
  const git = (args: string[]) =>
    run('git', args, { cwd: root }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      () => ({ code: 1, stdout: '' }),
    );
  const seal = await takeSeal(git, 'HEAD', [...files]);
  if (seal instanceof Error) throw seal;
  return sealText(seal);
}

/** The runner's install (this repository's node_modules) beside the checkout, never committed. */
export async function linkInstall(root: string): Promise<void> {
  await symlink(path.resolve('node_modules'), path.join(root, 'node_modules'));
  await writeFile(path.join(root, '.git', 'info', 'exclude'), 'node_modules\n.vite-cache\n');
}
