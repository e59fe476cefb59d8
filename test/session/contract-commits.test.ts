import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contractPath } from '../../src/core/plan/contract.js';
import { sealPath } from '../../src/core/verification/seal.js';
import { contractCommitsOf } from '../../src/session/agent/roles/proof/contract-commit.js';
import { BUILD, gitIn, IDENTITY, makeTempDir, removeTempDirs } from './agent-fixtures.js';

afterEach(removeTempDirs);

/**
 * The commits a validation record names (`contract_commits`): each that
 * brought the contract or its seal, less a writer's push that a later commit
 * undid exactly (git's own revert) and that revert. Whatever else stays, for
 * the app to judge as a breach (src/core/verification/seal-binding.ts).
 */

const SEAL = '{"version":1,"files":["test/contract/greet.test.js"]}\n';

/** A build branch with the contract and its seal merged: its root and that merge. */
async function contractBranch(): Promise<{ root: string; merge: string }> {
  const root = await makeTempDir('baton-contract-commits-');
  gitIn(root, 'init', '-q', '-b', 'main');
  await write(root, { 'src/greet.js': 'export const greet = () => "Hello";\n' });
  commit(root, 'the project');
  await write(root, { [contractPath(BUILD)]: '{"version":1}\n', [sealPath(BUILD)]: SEAL });
  return { root, merge: commit(root, "Merge the contract's pull request") };
}

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    const at = path.join(root, file);
    await mkdir(path.dirname(at), { recursive: true });
    await writeFile(at, text);
  }
}

function commit(root: string, message: string): string {
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', message);
  return gitIn(root, 'rev-parse', 'HEAD');
}

/** A writer's push: an empty seal, and an `.npmrc` beside it. */
async function rewriteSeal(root: string): Promise<string> {
  await write(root, { [sealPath(BUILD)]: '{"version":1,"files":[]}\n', '.npmrc': 'x=1\n' });
  return commit(root, 'a push');
}

function revert(root: string): string {
  gitIn(root, 'revert', '--no-edit', 'HEAD');
  return gitIn(root, 'rev-parse', 'HEAD');
}

const listed = (root: string) =>
  contractCommitsOf(
    { root, base: 'HEAD', toolEnv: { PATH: process.env.PATH ?? '', ...IDENTITY } },
    BUILD,
  );

describe("the contract's commits a validation names", () => {
  it('names a push that rewrote the seal, newest first', async () => {
    const { root, merge } = await contractBranch();
    const push = await rewriteSeal(root);
    expect(await listed(root)).toEqual({ commits: [push, merge], reverted: [] });
  });

  it('leaves out a push and the revert that undid it exactly, with a merge between them', async () => {
    const { root, merge } = await contractBranch();
    const push = await rewriteSeal(root);
    await write(root, { 'src/greet.js': "export const greet = (n) => 'Hello, ' + n;\n" });
    commit(root, 'W1.1 merged');
    gitIn(root, 'revert', '--no-edit', 'HEAD~1');
    const by = gitIn(root, 'rev-parse', 'HEAD');
    expect(await listed(root)).toEqual({ commits: [merge], reverted: [{ commit: push, by }] });
  });

  it('keeps both where the revert takes back the seal but not the rest of the push', async () => {
    const { root, merge } = await contractBranch();
    const push = await rewriteSeal(root);
    await write(root, { [sealPath(BUILD)]: SEAL });
    const back = commit(root, 'the seal back');
    expect(await listed(root)).toEqual({ commits: [back, push, merge], reverted: [] });
  });

  it('keeps a revert of the revert, which brings the push back', async () => {
    const { root, merge } = await contractBranch();
    const push = await rewriteSeal(root);
    const by = revert(root);
    const again = revert(root);
    expect(await listed(root)).toEqual({
      commits: [again, merge],
      reverted: [{ commit: push, by }],
    });
  });

  it("names none where the contract's merge itself was reverted: the branch holds no contract", async () => {
    const { root, merge } = await contractBranch();
    const by = revert(root);
    expect(await listed(root)).toEqual({ commits: [], reverted: [{ commit: merge, by }] });
  });
});
