import { describe, expect, it } from 'vitest';
import type { GitCall, GitOutput, ScratchRepo } from '../../src/session/publish/scratch-repo.js';
import { pushBranch } from '../../src/session/publish/write/push-branch.js';

const BASE = 'b'.repeat(40);
const HEAD = 'h'.repeat(40);
const OTHER = 'o'.repeat(40);

/** A scratch repository whose pushes fail `failures` times; the remote is where each leaves it. */
function fakeRepo({ pushes, remoteAfter }: { pushes: number[]; remoteAfter: string[] }) {
  const calls: string[] = [];
  let push = 0;
  let remote = BASE;
  const run = async ({ args }: GitCall): Promise<GitOutput> => {
    calls.push(args[0] ?? '');
    if (args[0] === 'ls-remote')
      return { code: 0, stdout: `${remote}\trefs/heads/w\n`, stderr: '' };
    const code = pushes[push] ?? 0;
    remote = remoteAfter[push] ?? HEAD;
    push++;
    return { code, stdout: '', stderr: code ? 'fatal: the remote end hung up unexpectedly' : '' };
  };
  const repo: ScratchRepo = {
    gitDir: '/nowhere',
    run,
    async must(call) {
      const out = await run(call);
      if (out.code !== 0) throw new Error(`git ${call.args[0]} failed: ${out.stderr}`);
      return out.stdout;
    },
    readRef: async () => null,
    dispose: async () => {},
  };
  return { repo, calls };
}

const push = (repo: ScratchRepo) =>
  pushBranch({ repo, remote: 'r', token: 't', branch: 'w', base: BASE, head: HEAD });

describe('pushing the session branch', () => {
  it.each([
    {
      rule: 'recognises a push that landed though git reported a failure',
      pushes: [1],
      remoteAfter: [HEAD],
      outcome: 'landed-already',
      calls: ['push', 'ls-remote'],
    },
    {
      rule: 'tries again while the remote is still at the base',
      pushes: [1, 0],
      remoteAfter: [BASE, HEAD],
      outcome: 'pushed',
      calls: ['push', 'ls-remote', 'push'],
    },
  ])('$rule', async ({ pushes, remoteAfter, outcome, calls }) => {
    const fake = fakeRepo({ pushes, remoteAfter });
    expect(await push(fake.repo)).toBe(outcome);
    expect(fake.calls).toEqual(calls);
  });

  it('fails when the remote moved elsewhere (another push won the lease)', async () => {
    const fake = fakeRepo({ pushes: [1], remoteAfter: [OTHER] });
    await expect(push(fake.repo)).rejects.toThrow('git push failed');
    expect(fake.calls).toEqual(['push', 'ls-remote']);
  });

  it('gives up after three tries', async () => {
    const fake = fakeRepo({ pushes: [1, 1, 1, 1], remoteAfter: [BASE, BASE, BASE, BASE] });
    await expect(push(fake.repo)).rejects.toThrow('git push failed');
    expect(fake.calls.filter((call) => call === 'push')).toHaveLength(3);
  });
});
