/**
 * Workers cannot weaken the contract (docs/verification.md): publish of a work
 * or fix session refuses a change to the contract's checks, or to what runs
 * them, unless the plan gives the worker the contract. The contract and the
 * plan are read from the build branch, which no worker session moves, as
 * `read-worker-scope.ts` reads the plan; each file is judged as the build
 * branch holds it against the worker's head.
 */
import {
  CONTRACT_WORKER,
  Contract,
  contractPath,
  mayChangeContract,
} from '../../../../core/plan/contract.js';
import { contractCommandProblem } from '../../../../core/plan/contract-command.js';
import { Plan } from '../../../../core/plan/plan.js';
import { planPath } from '../../../../core/vocabulary/ids.js';
import { quotedValue } from '../../../../core/vocabulary/quoted-value.js';
import type { ScratchRepo } from '../../scratch-repo.js';
import type { ChangedFile } from '../check-changes.js';
import { parseJson, readAt } from '../inputs/read-worker-title.js';
import { HEAD_REF } from '../read-pushed-commits.js';
import { FILE_MAX_BYTES } from '../size-limits.js';
import { checkWorkPaths } from './check-work-paths.js';
import {
  type ContractBreach,
  describeBreach,
  judgeContractFile,
  judgeFocus,
  stillMarkedToFail,
  type TreeEntry,
} from './contract-breach.js';
import {
  isRunnerConfig,
  judgePackageScripts,
  judgeRunnerConfig,
  judgeWorkflow,
  readScripts,
  scriptsRunBy,
} from './contract-command.js';
import { checkSeal } from './seal-breach.js';

/** The build's contract as publish found it, and what the worker's change does to it. */
export interface ContractCheck {
  /** The paths that are the contract (its files and contract.json); null when the build has none. */
  guarded: string[] | null;
  /** The command that runs the contract's checks; null when there is none to read. */
  command: string | null;
  problems: string[];
  /** Paths the contract's tree keeps out that the allowlist cannot judge: they wait for a person. */
  waits: string[];
}

const NO_CONTRACT: ContractCheck = { guarded: null, command: null, problems: [], waits: [] };
const PACKAGE_JSON = 'package.json';
const WORKFLOWS = '.github/workflows/';

/**
 * A session's change against the contract. Every session: the contract its head
 * brings, where its commits change it, must have a command that can fail and runs
 * a test runner on the contract's files (`contractCommandProblem`, docs/verification.md
 * "The contract's command"), whatever the session's own hand-in check let through.
 * A work or fix session's worker: what its change does to the build branch's
 * contract, unless the plan gives it the contract.
 */
export async function checkContract({
  repo,
  build,
  worker,
  commit,
  changes,
  complete = false,
  workPaths = async () => [],
}: {
  repo: ScratchRepo;
  build: string;
  /** The worker of a work or fix session, whose change the build branch's contract holds; null for any other session. */
  worker: string | null;
  /** The build branch as fetched (or the session's base when it was not). */
  commit: string;
  /** The paths the session's commits change (verifyCommits). */
  changes: readonly ChangedFile[];
  /** The session hands in its work complete: its own criteria's checks must be plain ones by now. */
  complete?: boolean;
  /** `verification.workPaths` of the default branch's `.github/baton.yml` (what else is work), read where a contract needs it. */
  workPaths?: () => Promise<readonly string[]>;
}): Promise<ContractCheck> {
  const record = contractPath(build);
  const handedText = changes.some((change) => change.path === record)
    ? await readAt(repo, `${HEAD_REF}:${record}`)
    : null;
  const handed = Contract.safeParse(parseJson(handedText));
  const handedProblem = handed.success
    ? contractCommandProblem(handed.data.command, handed.data.files)
    : null;
  const handedProblems = handedProblem ? [`${record}: ${handedProblem}`] : [];
  if (worker === null) return { ...NO_CONTRACT, problems: handedProblems };
  const text = await readAt(repo, `${commit}:${record}`);
  if (text === null) return { ...NO_CONTRACT, problems: handedProblems };
  const plan = Plan.safeParse(parseJson(await readAt(repo, `${commit}:${planPath(build)}`)));
  const mayChange =
    worker === CONTRACT_WORKER || (plan.success && mayChangeContract(plan.data, worker));
  const contract = Contract.safeParse(parseJson(text));
  if (!contract.success) {
    return {
      guarded: [record],
      command: null,
      waits: [],
      problems: mayChange
        ? handedProblems
        : [
            `${record} on the build branch is not a valid contract, so which checks ${worker} must keep is unknown; /replan the build`,
            ...handedProblems,
          ],
    };
  }
  const guarded = [...contract.data.files, record];
  const command = contract.data.command;
  if (mayChange) return { guarded, command, problems: handedProblems, waits: [] };
  // The seal first: a path it holds is refused by the list; the word rules judge the rest.
  const sealed = await checkSeal({ repo, commit, build, changes });
  const breaches = (await findBreaches({ repo, commit, contract: contract.data, changes })).filter(
    (breach) => !sealed.paths.has(breach.file),
  );
  const marked = complete ? await ownChecksMarked(repo, contract.data, worker) : [];
  // What the contract's tree takes from the head: the work alone (check-work-paths.ts).
  const paths = await checkWorkPaths({
    repo,
    commit,
    build,
    worker,
    contract: contract.data,
    changes,
    workPaths: await workPaths(),
    judged: new Set([...sealed.paths, ...breaches.map((breach) => breach.file)]),
  });
  return {
    guarded,
    command,
    problems: [
      ...sealed.problems,
      ...breaches.map(describeBreach),
      ...paths.problems,
      ...marked,
      ...handedProblems,
    ],
    waits: paths.waits,
  };
}

/**
 * The worker's own criteria's checks that its head still marks to fail: the
 * contract session marks each so until its worker delivers, and one so marked
 * passes whatever the code does (docs/verification.md, "The contract").
 */
async function ownChecksMarked(
  repo: ScratchRepo,
  contract: Contract,
  worker: string,
): Promise<string[]> {
  const problems: string[] = [];
  for (const check of contract.checks) {
    if (!check.criterion.startsWith(`${worker}:`)) continue;
    const text = await readAt(repo, `${HEAD_REF}:${check.file}`);
    if (text === null || !stillMarkedToFail({ path: check.file, text, name: check.name })) continue;
    problems.push(
      `${check.file}: the check ${quotedValue(check.name)} of ${check.criterion} is still marked to fail, so it passes whether or not the criterion holds; once your change makes it pass, remove the mark so it is a plain check, then hand in`,
    );
  }
  return problems;
}

async function findBreaches({
  repo,
  commit,
  contract,
  changes,
}: {
  repo: ScratchRepo;
  commit: string;
  contract: Contract;
  changes: readonly ChangedFile[];
}): Promise<ContractBreach[]> {
  const changed = new Set(changes.map((change) => change.path));
  const breaches: ContractBreach[] = [];
  const renames = lazy(() => readRenames(repo, commit));
  const judgedFiles = new Set(await guardedFiles(repo, commit, contract.files, changed));
  for (const path of judgedFiles) {
    const before = await entryAt(repo, commit, path);
    if (before === null) continue;
    const after = await entryAt(repo, HEAD_REF, path);
    const movedTo = after === null ? ((await renames()).get(path) ?? null) : null;
    const breach = judgeContractFile({ path, before, after, movedTo });
    if (breach) breaches.push(breach);
  }
  const text = (ref: string, path: string) => readAt(repo, `${ref}:${path}`);
  const beforePackage = await text(commit, PACKAGE_JSON);
  if (changed.has(PACKAGE_JSON)) {
    breaches.push(
      ...judgePackageScripts({
        path: PACKAGE_JSON,
        command: contract.command,
        before: beforePackage,
        after: await text(HEAD_REF, PACKAGE_JSON),
      }),
    );
  }
  const scripts = scriptsRunBy(contract.command, readScripts(beforePackage));
  for (const path of [...changed].sort()) {
    const judged = path.startsWith(WORKFLOWS)
      ? judgeWorkflow({
          path,
          before: await text(commit, path),
          after: await text(HEAD_REF, path),
          command: contract.command,
          scripts,
        })
      : isRunnerConfig(path)
        ? judgeRunnerConfig({
            path,
            before: await text(commit, path),
            after: await text(HEAD_REF, path),
            contractFiles: contract.files,
          })
        : judgedFiles.has(path)
          ? null
          : judgeFocus({
              path,
              before: await text(commit, path),
              after: await text(HEAD_REF, path),
            });
    if (judged) breaches.push(judged);
  }
  return breaches;
}

/**
 * The contract's files the session changed: a file it names, or a changed
 * path inside a folder it names (each file of the folder is a check file).
 */
async function guardedFiles(
  repo: ScratchRepo,
  commit: string,
  files: readonly string[],
  changed: ReadonlySet<string>,
): Promise<string[]> {
  const guarded: string[] = [];
  for (const path of files) {
    const inside = [...changed].filter((each) => each.startsWith(`${path}/`));
    if (!changed.has(path) && inside.length === 0) continue;
    const folder = (await entryAt(repo, commit, path))?.mode === FOLDER;
    guarded.push(...(folder ? inside : [path]));
  }
  return [...new Set(guarded)];
}

const FOLDER = '040000';

/** A path's entry at `ref`: mode and, for a regular file within the size limit, its text. */
async function entryAt(repo: ScratchRepo, ref: string, path: string): Promise<TreeEntry | null> {
  const listed = await repo.run({ args: ['ls-tree', '-z', '--full-tree', ref, '--', path] });
  const line = listed.stdout.split('\0').find((each) => each.endsWith(`\t${path}`));
  if (listed.code !== 0 || !line) return null;
  const [mode = '', type = '', sha = ''] = (line.split('\t')[0] ?? '').split(' ');
  if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) return { mode, text: null };
  const size = await repo.run({ args: ['cat-file', '-s', sha] });
  if (size.code !== 0 || Number(size.stdout.trim()) > FILE_MAX_BYTES) return { mode, text: null };
  return { mode, text: await repo.must({ args: ['cat-file', 'blob', sha] }) };
}

/** Renames git sees between the build branch and the head: old path to new. */
async function readRenames(repo: ScratchRepo, commit: string): Promise<Map<string, string>> {
  const raw = await repo.must({
    args: ['diff', '--name-status', '-M', '-z', '--diff-filter=R', commit, HEAD_REF],
  });
  const fields = raw.split('\0');
  const renames = new Map<string, string>();
  for (let i = 0; i + 2 < fields.length; i += 3) {
    renames.set(fields[i + 1] ?? '', fields[i + 2] ?? '');
  }
  return renames;
}

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => {
    made ??= make();
    return made;
  };
}
