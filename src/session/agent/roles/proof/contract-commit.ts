import { contractPath } from '../../../../core/plan/contract.js';
import { CONTRACT_COMMITS_MAX } from '../../../../core/plan/validation.js';
import { sealPath } from '../../../../core/verification/seal.js';
import type { GitRun } from '../../../publish/checks/contract/seal-tree.js';
import type { AgentContext } from '../../agent-context.js';
import { gitRaw } from '../../git/git.js';

/** Git in the session's checkout, as the seal's reads take it: a failure is a code, never a throw. */
export function checkoutGit(ctx: Pick<AgentContext, 'root' | 'toolEnv'>): GitRun {
  return (args) =>
    gitRaw({ root: ctx.root, env: ctx.toolEnv }, args).then(
      (stdout) => ({ code: 0, stdout }),
      () => ({ code: 1, stdout: '' }),
    );
}

/** A push among the contract's commits, and the later one of them whose change is its change inverted. */
export interface RevertedCommit {
  commit: string;
  by: string;
}

/** The contract's commits a record names, and the pairs left out of them. */
export interface ContractCommits {
  /** Newest first: the newest is the contract's commit, which the contract's tree is built from. */
  commits: string[];
  /** Each commit left out because a later one reverted it exactly, with that revert. */
  reverted: RevertedCommit[];
}

/** What of the session the listing reads: its checkout, git's environment, the head. */
type Checkout = Pick<AgentContext, 'root' | 'toolEnv' | 'base'>;

/** Each session's contract commits, by build and head: git is asked once for them. */
const listedCommits = new WeakMap<Checkout, Map<string, Promise<ContractCommits>>>();

/**
 * The first-parent commits from the head that brought `contract.json` or
 * `seal.json`, newest first, less each that a later one of them reverts
 * exactly (and that revert): the record's `contract_commits`, the newest the
 * contract's commit, and the pairs left out (its `reverted`). A writer's push
 * that rewrote the seal is a breach (src/core/verification/seal-binding.ts)
 * until it is taken out of the first parents or undone by a commit whose
 * change is its change inverted, as `git revert` makes it: every file as it
 * was, so nothing of it is left for the contract's tree to take. The app
 * judges each pair: a revert of a contract's merge that Baton's publish sealed
 * is a breach itself.
 */
export function contractCommitsOf(ctx: Checkout, build: string): Promise<ContractCommits> {
  const session = listedCommits.get(ctx) ?? new Map<string, Promise<ContractCommits>>();
  listedCommits.set(ctx, session);
  const key = `${build}\0${ctx.base}`;
  const listed = session.get(key) ?? listContractCommits(ctx, build);
  session.set(key, listed);
  return listed;
}

async function listContractCommits(ctx: Checkout, build: string): Promise<ContractCommits> {
  const git = checkoutGit(ctx);
  const listed = await git([
    'log',
    '--first-parent',
    '-n',
    String(CONTRACT_COMMITS_MAX),
    '--format=%H',
    ctx.base,
    '--',
    contractPath(build),
    sealPath(build),
  ]);
  const commits = listed.stdout.split('\n').filter((line) => /^[0-9a-f]{40}$/.test(line));
  return commits.length < 2 ? { commits, reverted: [] } : withoutReverted(git, commits);
}

/** The whole change of `from` to `to`, byte for byte; null where git cannot say it. */
async function changeOf(git: GitRun, from: string, to: string): Promise<string | null> {
  const diff = await git([
    'diff',
    '--full-index',
    '--binary',
    '--no-renames',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    from,
    to,
  ]);
  return diff.code === 0 && diff.stdout !== '' ? diff.stdout : null;
}

/** `commits` (newest first) less each pair of a commit and a later one whose change is its change inverted. */
async function withoutReverted(git: GitRun, commits: readonly string[]): Promise<ContractCommits> {
  const forward = await Promise.all(commits.map((commit) => changeOf(git, `${commit}^1`, commit)));
  const undone = new Set<number>();
  const reverted: RevertedCommit[] = [];
  for (let older = commits.length - 1; older > 0; older--) {
    const commit = commits[older] as string;
    if (undone.has(older)) continue;
    const inverted = await changeOf(git, commit, `${commit}^1`);
    if (inverted === null) continue;
    // The oldest revert not yet matched, newer than the commit it undoes.
    for (let newer = older - 1; newer >= 0; newer--) {
      if (undone.has(newer) || forward[newer] !== inverted) continue;
      undone.add(newer).add(older);
      reverted.push({ commit, by: commits[newer] as string });
      break;
    }
  }
  return { commits: commits.filter((_, index) => !undone.has(index)), reverted };
}
