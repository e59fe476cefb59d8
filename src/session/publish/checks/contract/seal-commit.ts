import {
  Contract,
  contractPath,
  isContractWorker,
  mayChangeContract,
} from '../../../../core/plan/contract.js';
import { Plan } from '../../../../core/plan/plan.js';
import { SEAL_MAX_BYTES, sealPath } from '../../../../core/verification/seal.js';
import { planPath } from '../../../../core/vocabulary/ids.js';
import { withTrailers } from '../../../../core/vocabulary/trailers.js';
import { sessionTrailers } from '../../../session-trailers.js';
import type { ReadSession } from '../../read-session.js';
import type { ScratchRepo } from '../../scratch-repo.js';
import { hasCommits } from '../check-result.js';
import { parseJson, readAt } from '../inputs/read-worker-title.js';
import { fetchedBuildCommit, HEAD_REF } from '../read-pushed-commits.js';
import { sealText, takeSeal } from './seal-tree.js';

/** How sealing went: the session as it is now written (its head the seal's commit), and what to say. */
export type Sealed = { session: ReadSession; lines: string[] } | { problem: string };

/**
 * The seal taken where the contract is published (docs/verification.md, "The
 * seal"), by publish's code and no model: for a session of the contract's
 * worker, its first and its fixes (or of a worker the plan gives the
 * contract), the seal of the head it pushes is committed on it as
 * `.baton/builds/<build>/seal.json`, beside `contract.json`, so the pull
 * request that merges the contract merges its seal. A head whose seal is
 * there already, or that holds no contract, is left as it is.
 */
export async function sealContract(session: ReadSession): Promise<Sealed> {
  const { repo, target, result } = session;
  const worker = target.worker;
  const roles = target.role === 'contract' || target.role === 'work' || target.role === 'fix';
  if (!roles || worker === null || !result.head || !hasCommits(result))
    return { session, lines: [] };
  if (!isContractWorker(worker) && !(await givenContract(session, worker))) {
    return { session, lines: [] };
  }
  const record = contractPath(target.build);
  const contract = Contract.safeParse(parseJson(await readAt(repo, `${HEAD_REF}:${record}`)));
  if (!contract.success) return { session, lines: [] };
  const git = (args: string[]) => repo.run({ args });
  const seal = await takeSeal(git, HEAD_REF, contract.data.files);
  if (seal instanceof Error) return { problem: `${record}: ${seal.message}` };
  const file = sealPath(target.build);
  const text = sealText(seal);
  if (Buffer.byteLength(text) > SEAL_MAX_BYTES) {
    return {
      problem: `${record}: the seal of its checks would be over ${SEAL_MAX_BYTES} bytes (${seal.files.length} paths); name fewer files in contract.json`,
    };
  }
  if ((await readAt(repo, `${HEAD_REF}:${file}`)) === text) return { session, lines: [] };
  await repo.must({ args: ['read-tree', HEAD_REF] });
  const blob = (await repo.must({ args: ['hash-object', '-w', '--stdin'], input: text })).trim();
  await repo.must({ args: ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`] });
  const tree = (await repo.must({ args: ['write-tree'] })).trim();
  const head = await commitOnce(repo, {
    tree,
    parent: result.head,
    // The same for the same seal (`commitOnce`): the run, which a later attempt's differs by, is not named.
    message: withTrailers(
      `Seal the contract of ${target.build}: ${seal.files.length} paths decide how its checks run`,
      { ...sessionTrailers(session.env), evidence: [] },
    ),
  });
  await repo.must({ args: ['update-ref', HEAD_REF, head] });
  const differed = seal.files.filter((entry) => entry.blob !== null).length;
  return {
    session: { ...session, result: { ...result, head } },
    lines: [
      `Sealed the contract at ${head.slice(0, 7)} (${file}): ${seal.files.length} paths, ${differed} present, ${seal.files.length - differed} sealed as absent.`,
    ],
  };
}

/** Whether the plan on the build branch gives this worker the contract (`contract: true`). */
async function givenContract({ repo, target }: ReadSession, worker: string): Promise<boolean> {
  const build = await fetchedBuildCommit(repo);
  if (build === null) return false;
  const plan = Plan.safeParse(parseJson(await readAt(repo, `${build}:${planPath(target.build)}`)));
  return plan.success && mayChangeContract(plan.data, worker);
}

/**
 * The seal's commit on `parent`, the same for the same seal: Baton's, dated as
 * its parent was committed, so a publish run again (its first push landed, then
 * something failed) makes the commit already on the branch, and finds it there.
 */
async function commitOnce(
  repo: ScratchRepo,
  { tree, parent, message }: { tree: string; parent: string; message: string },
): Promise<string> {
  const date = (await repo.must({ args: ['log', '-1', '--format=%ct', parent] })).trim();
  const who = `${BATON_IDENTITY} ${date} +0000`;
  const text = `tree ${tree}\nparent ${parent}\nauthor ${who}\ncommitter ${who}\n\n${message}\n`;
  return (
    await repo.must({ args: ['hash-object', '-t', 'commit', '-w', '--stdin'], input: text })
  ).trim();
}

/** Who the seal's commit is by, as Baton's other commits are. */
const BATON_IDENTITY = 'Baton <baton@users.noreply.github.com>';
