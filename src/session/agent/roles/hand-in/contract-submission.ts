import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  Contract,
  contractCriteria,
  contractPath,
  type PlannedCriterion,
} from '../../../../core/plan/contract.js';
import { contractCommandProblem } from '../../../../core/plan/contract-command.js';
import { Plan } from '../../../../core/plan/plan.js';
import { parseMemberBuildId, planPath } from '../../../../core/vocabulary/ids.js';
import type { AgentContext } from '../../agent-context.js';
import { createSubmitTool, type SubmitTool } from '../../tools/submit-tool.js';
import { CompletionSubmission, createCompletionTool } from './completion-submission.js';

/** `contract.json` as the model hands it in: Baton adds the version. */
export const ContractHandIn = Contract.omit({ version: true });
export type ContractHandIn = z.infer<typeof ContractHandIn>;

/** What the model hands in through `submit_contract`: its report, and the contract with it. */
export const ContractSubmission = CompletionSubmission.extend({
  contract: ContractHandIn.optional().describe(
    'contract.json: the command that runs every check from the repository root, the files that hold them, one entry per check (the criterion id it proves, its file, its name as the runner prints it), and in unchecked every criterion no test can judge, with why. Required with status complete.',
  ),
});
export type ContractSubmission = z.infer<typeof ContractSubmission>;

/** `submit_contract`, and the contract it last accepted. */
export interface ContractTool extends SubmitTool<CompletionSubmission> {
  accepted(): Contract | null;
}

/**
 * `submit_contract` for the contract's worker: the report as `submit_completion`
 * checks it, and with status complete a contract that accounts for every
 * criterion of the plan (`contractHandInProblems`), whose files are in the copy.
 */
export function createContractTool({
  worker,
  planWorkers,
  criteria,
  workDir,
}: {
  /** The contract's worker whose session this is (`W0.1`; `W0.2` … in a change set). */
  worker: string;
  planWorkers: readonly string[] | null;
  criteria: readonly PlannedCriterion[];
  /** The model's copy of the repository, where the check files must be. */
  workDir: string;
}): ContractTool {
  const report = createCompletionTool(worker, {
    workers: planWorkers,
    nameable: criteria.map((criterion) => criterion.id),
  });
  let accepted: Contract | null = null;
  const tool = createSubmitTool({
    name: 'submit_contract',
    description:
      'Hand in your report (as submit_completion takes it) and, with status complete, the contract: every acceptance criterion either proved by a check or listed in unchecked with why.',
    schema: ContractSubmission,
    check({ contract, ...rest }) {
      const checked = report.accept(rest);
      if (!checked.ok) return checked;
      if (!contract) {
        return rest.status === 'complete'
          ? { ok: false, problems: ['status complete needs the contract: hand in "contract"'] }
          : checked;
      }
      const problems = contractHandInProblems(contract, criteria, (file) =>
        existsSync(path.join(workDir, file)),
      );
      if (problems.length > 0) return { ok: false, problems };
      accepted = { version: 1, ...contract };
      return checked;
    },
  });
  return { ...tool, accepted: () => accepted };
}

/**
 * What keeps a handed-in contract from being the build's: a criterion neither
 * checked nor said to be unchecked, one the plan does not have, one both
 * checked and unchecked, a check in a file the contract does not list, a
 * listed file that is not in the copy, or a command that cannot fail or runs
 * no test runner on the contract's files (`contractCommandProblem`).
 */
export function contractHandInProblems(
  contract: ContractHandIn,
  criteria: readonly PlannedCriterion[],
  exists: (file: string) => boolean,
): string[] {
  const known = new Set(criteria.map((criterion) => criterion.id));
  const checked = new Set(contract.checks.map((check) => check.criterion));
  const unchecked = new Set(contract.unchecked.map((entry) => entry.criterion));
  const files = new Set(contract.files);
  const problems: string[] = [];
  const unknown = [...new Set([...checked, ...unchecked])].filter((id) => !known.has(id));
  if (unknown.length > 0)
    problems.push(
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a criterion' : 'are not criteria'} of the plan; the criteria are ${[...known].join(', ')}`,
    );
  const missing = [...known].filter((id) => !checked.has(id) && !unchecked.has(id));
  if (missing.length > 0)
    problems.push(
      `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no check: write one, or list the criterion in unchecked with why no test can judge it`,
    );
  const both = [...checked].filter((id) => unchecked.has(id));
  if (both.length > 0)
    problems.push(
      `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} both checked and unchecked; keep one`,
    );
  for (const check of contract.checks) {
    if (!files.has(check.file))
      problems.push(
        `the check "${check.name}" is in ${check.file}, which "files" does not list; add it`,
      );
  }
  for (const file of files) {
    if (!exists(file))
      problems.push(`${file} is not in the repository; write the check file first`);
  }
  const command = contractCommandProblem(contract.command, contract.files);
  if (command) problems.push(command);
  return problems;
}

/**
 * The criteria this repository's contract holds, from `plan.json` in the checkout: a
 * build's every one; a change set member's, those `contractCriteria` gives its
 * repository (docs/change-sets.md). None when the plan cannot be read.
 */
export async function readPlannedCriteria(ctx: AgentContext): Promise<PlannedCriterion[]> {
  const text = await readFile(path.join(ctx.root, planPath(ctx.env.BATON_BUILD)), 'utf8').catch(
    () => null,
  );
  try {
    const plan = Plan.safeParse(JSON.parse(text ?? ''));
    const repository = ctx.env.GITHUB_REPOSITORY;
    const home = parseMemberBuildId(ctx.env.BATON_BUILD)?.home ?? repository;
    return plan.success ? contractCriteria(plan.data, repository, home) : [];
  } catch {
    return [];
  }
}

/** The committed text of the contract record, and where it goes. */
export function contractFile(build: string, contract: Contract): { path: string; content: string } {
  return { path: contractPath(build), content: `${JSON.stringify(contract, null, 2)}\n` };
}

/** What the first message of a contract session adds to a worker's: what to write and how to hand it in. */
export function contractPromptLines({
  build,
  criteria,
}: {
  build: string;
  criteria: readonly PlannedCriterion[];
}): string[] {
  return [
    '',
    "You write the build's contract: a check for each acceptance criterion below, before any worker writes the code.",
    "Read the repository's tests first and write the checks as its own tests are written (same framework, folders and names), only in test files: you may not change the code under test, anything under .github/ or anything under .baton/.",
    'Each check must fail now for the right reason (the behaviour is not there yet) and pass once the criterion holds; run them and read why each fails.',
    "Keep the repository's tests and CI green until then: mark each check as expected to fail with its framework's own mark where it has one (Vitest `it.fails`, Jest `test.failing`, pytest `xfail(strict=True)`, node:test `todo`), naming its criterion id, so that only the worker whose criterion it is turns it into a plain check when it makes it pass.",
    'A criterion no test can judge goes in unchecked with why, never a check that cannot fail.',
    'A criterion no code can meet (it contradicts another, the brief or the code the build keeps) gets no check at all: hand in status impossible with impossible (the criteria by id, the reason, the evidence), and Baton asks a person.',
    "Baton runs the checks with the language's built-ins locked (Object, Array, JSON, Reflect, Map, Set and their methods; pytest's builtins and pytest itself): a check may stand in for Math.random, Date or the code's own modules, never for a built-in (no vi.spyOn(JSON, 'parse')), and compares the code's plain values (a Proxy fails).",
    '',
    'The criteria, by id:',
    ...criteria.map((criterion) => `- ${criterion.id}: ${criterion.text}`),
    '',
    `Hand in with submit_contract: your report and the contract (Baton writes it to ${contractPath(build)}): the command that runs every check, the files, and each check with its criterion and name.`,
  ];
}
