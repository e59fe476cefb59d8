import { execFile, execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { reply } from '../../sim/fake-anthropic.js';
import { contractPath } from '../../src/core/plan/contract.js';
import {
  renderValidationMessage,
  type ValidationRecord,
  validationRef,
} from '../../src/core/plan/validation.js';
import { sealPath } from '../../src/core/verification/seal.js';
import { completionPath, planPath } from '../../src/core/vocabulary/ids.js';
import { sealText, takeSeal } from '../../src/session/publish/checks/contract/seal-tree.js';
import type { ValidationResult } from '../../src/session/result.js';
import {
  BUILD,
  buildRepo,
  gitIn,
  IDENTITY,
  planJson,
  REPOSITORY,
  runSession,
  writeFiles,
} from './agent-fixtures.js';

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
  executable = [],
  contractFiles = {},
}: {
  project: Record<string, string>;
  contract: SealedContract;
  pushed?: Record<string, string>;
  build?: string;
  /** Files of `pushed` committed with the executable bit. */
  executable?: string[];
  /** Files the contract's commit adds beside contract.json (its checks as the contract session wrote them). */
  contractFiles?: Record<string, string>;
}): Promise<{ root: string; contractMerge: string }> {
  const { root } = await buildRepo({ ...project, [planPath(build)]: planJson() });
  await writeFiles(root, { ...contractFiles, [contractPath(build)]: JSON.stringify(contract) });
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', 'the contract');
  await writeFiles(root, { [sealPath(build)]: await sealOfHead(root, contract.files) });
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', "Merge the contract's pull request");
  const contractMerge = gitIn(root, 'rev-parse', 'HEAD');
  // W1.1 merged (its report is on the branch, so its criterion is due), with what was pushed.
  await writeFiles(root, { ...pushed, [completionPath(build, 'W1.1')]: '{}\n' });
  for (const file of executable) await chmod(path.join(root, file), 0o755);
  gitIn(root, 'add', '-A', '--force');
  gitIn(root, 'commit', '-q', '--allow-empty', '-m', 'a push');
  await linkInstall(root);
  return { root, contractMerge };
}

/** Milestone `milestone`'s validation of the build branch at `root` (of `build`), its log kept. */
export async function validateMilestone(
  root: string,
  {
    build = BUILD,
    milestone = 1,
    replies = [],
    routes = {},
  }: {
    build?: string;
    milestone?: number;
    replies?: ReturnType<typeof reply>[];
    routes?: Record<string, unknown>;
  } = {},
) {
  const lines: string[] = [];
  const session = await runSession({
    root,
    env: {
      BATON_ROLE: 'validate',
      BATON_WORKER: `M${milestone}`,
      BATON_ISSUE: '12',
      BATON_BUILD: build,
    },
    routes: {
      [`GET /repos/${REPOSITORY}/git/matching-refs/baton/${build}/validation/M${milestone}`]: [],
      ...routes,
    },
    replies,
    options: { log: (line) => lines.push(line) },
  });
  return { ...session, log: lines.join('\n') };
}

/** The paths the contract's tree left as the contract's commit holds them, from a validation's log. */
export function keptOut(log: string): string[] {
  const line = /left as the contract's commit holds them: (.*)$/m.exec(log)?.[1] ?? '';
  return line.split(', ').filter(Boolean);
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

/**
 * The runner's install (this repository's node_modules) beside the checkout, never committed:
 * a link to it, or, where the checkout holds a `node_modules` folder of its own (a worker
 * committed one), a link to each of its packages and to Vitest's program in that folder.
 */
export async function linkInstall(root: string): Promise<void> {
  const own = path.join(root, 'node_modules');
  const installed = path.resolve('node_modules');
  if (!(await lstat(own).catch(() => null))?.isDirectory()) {
    await symlink(installed, own);
  } else {
    for (const entry of await readdir(installed)) {
      if (entry === '.bin') continue;
      await symlink(path.join(installed, entry), path.join(own, entry)).catch(() => undefined);
    }
    await mkdir(path.join(own, '.bin'), { recursive: true });
    await symlink('../vitest/vitest.mjs', path.join(own, '.bin', 'vitest')).catch(() => undefined);
  }
  await writeFile(path.join(root, '.git', 'info', 'exclude'), 'node_modules\n.vite-cache\n');
}

/**
 * The record publish leaves for a validation of the checkout's HEAD (`validation`, the
 * session's hand-in) at its hidden ref on `origin`, a bare repository made there and
 * added to the checkout as its remote, holding the checkout's history.
 */
export async function recordOn(
  root: string,
  origin: string,
  {
    milestone,
    runId,
    validation,
    build = BUILD,
  }: {
    milestone: number;
    runId: number;
    validation: ValidationResult | null | undefined;
    build?: string;
  },
): Promise<void> {
  if (!validation) throw new Error('no validation to record');
  gitIn(origin, 'init', '-q', '--bare');
  gitIn(root, 'remote', 'add', 'origin', origin);
  gitIn(root, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  const record: ValidationRecord = {
    version: 1,
    milestone,
    run_id: runId,
    head: validation.head,
    passed: validation.failures.length === 0,
    exit_code: validation.exit_code,
    failed: [],
    ...(validation.contract_commit ? { contract_commit: validation.contract_commit } : {}),
    ...(validation.checks ? { checks: validation.checks } : {}),
    ...(validation.contract_commits ? { contract_commits: validation.contract_commits } : {}),
  };
  const empty = execFileSync('git', ['mktree'], { cwd: root, input: '', encoding: 'utf8' }).trim();
  const commit = execFileSync('git', ['commit-tree', empty, '-F', '-'], {
    cwd: root,
    env: { ...process.env, ...IDENTITY },
    input: renderValidationMessage(record),
    encoding: 'utf8',
  }).trim();
  gitIn(
    root,
    'push',
    '-q',
    'origin',
    `${commit}:${validationRef(build, milestone, validation.head)}`,
  );
}
