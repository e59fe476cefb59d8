import { MEMORY_FOLDER, slugOf } from '../../../core/memory/lesson.js';
import { CONTRACT_WORKER, contractPath, isContractWorker } from '../../../core/plan/contract.js';
import type { BuildType } from '../../../core/plan/plan.js';
import {
  briefPath,
  buildDir,
  CONFIG_FILE,
  completionPath,
  findingsPath,
  parseLoopSubject,
  reportPath,
  researchResultPath,
  summaryPath,
  workerFindingsPath,
} from '../../../core/vocabulary/ids.js';
import type { SessionTarget } from './check-result.js';
import { CHANGED_FILES_MAX, FILE_MAX_BYTES } from './size-limits.js';

/** One path the session's commits change, between the base and the new head. */
export interface ChangedFile {
  path: string;
  /** Bytes of the new content; null when the path is deleted or a submodule. */
  size: number | null;
}

/** What the build's plan says a worker may write: its build type, and a content worker's outputs. */
export interface WorkerScope {
  type: BuildType;
  /** The worker's declared outputs (`content` builds). */
  outputs: string[];
}

const CODE_SCOPE: WorkerScope = { type: 'code', outputs: [] };

const WORKFLOWS_DIR = '.github/workflows/';
const BATON_DIR = '.baton/';
/** The repository's Baton config: sessions read it from the default branch, and never change it. */
const CONFIG_PATH = `.github/${CONFIG_FILE}`;
/** Where git fetches each submodule from: sessions never add or change submodules (check-links.ts). */
const SUBMODULES_FILE = '.gitmodules';

/**
 * What a session's commits may change, by role. A plan writes only its own
 * build's record; a worker writes code plus its own completion, never the
 * plan, another worker's files, the skills or anything else under `.baton/`;
 * nobody changes `.github/baton.yml` (the settings, model and limits of every
 * later session) or `.gitmodules` (where CI that checks out submodules
 * fetches them from), and nobody touches `.github/workflows/` unless the
 * repository's config on the default branch allows it (a workflow runs with
 * the repository's secrets). In a `research` build a worker writes only its
 * findings and its completion; in a `content` build only the outputs the plan
 * declares for it, and its completion.
 */
export function checkChanges({
  target,
  changes,
  allowWorkflowChanges,
  keyInSecrets = false,
  configProblem = null,
  scope = CODE_SCOPE,
  adaptable = null,
}: {
  target: SessionTarget;
  changes: ChangedFile[];
  /** `session.allowWorkflowChanges` on the default branch. */
  allowWorkflowChanges: boolean;
  /**
   * Nothing hosted (docs/serverless.md): the app's key is an Actions secret of the
   * repository, which any workflow can read, so no session changes one, whatever the config says.
   */
  keyInSecrets?: boolean;
  /** Why the default branch's `.github/baton.yml` could not be read; null when it was (or is absent). */
  configProblem?: string | null;
  /** The worker's scope from the build branch's plan; a `code` build when absent. */
  scope?: WorkerScope;
  /**
   * For a plan session in adapt mode: the workers whose briefs it may change
   * (named by the merged completion, in the plan, no branch yet). Nothing else.
   */
  adaptable?: readonly string[] | null;
}): string[] {
  const problems: string[] = [];
  if (changes.length > CHANGED_FILES_MAX) {
    problems.push(
      `the commits change ${changes.length} files; at most ${CHANGED_FILES_MAX} are accepted`,
    );
  }
  for (const change of changes) {
    const problem = target.adapt
      ? checkAdapted(change, target, adaptable ?? [])
      : checkOne(
          change,
          target,
          workflowRule({ allowWorkflowChanges, keyInSecrets, configProblem }),
          scope,
        );
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Why a session may not change a workflow here; null where it may. */
type WorkflowRule = string | null;

/**
 * Why publish refuses a workflow change, the true one: with nothing hosted the key,
 * whatever the config allows; else a config it could not read; else the config, when it
 * does not allow it.
 */
function workflowRule({
  allowWorkflowChanges,
  keyInSecrets,
  configProblem,
}: {
  allowWorkflowChanges: boolean;
  keyInSecrets: boolean;
  configProblem: string | null;
}): WorkflowRule {
  if (keyInSecrets) return KEY_IN_SECRETS;
  if (configProblem) {
    return `${configProblem}, so whether it allows workflow changes (session.allowWorkflowChanges) is unknown; fix it there`;
  }
  return allowWorkflowChanges
    ? null
    : 'sessions may change workflows only when .github/baton.yml sets session.allowWorkflowChanges: true';
}

/** Why no session changes a workflow where publish holds the app's key. */
export const KEY_IN_SECRETS =
  'this repository runs Baton with nothing hosted: the app\'s key is an Actions secret here, which a workflow a session pushed could read, so sessions change no workflow, whatever session.allowWorkflowChanges says (docs/security.md, "Server-less mode"); make workflow changes in a pull request of your own';

function checkOne(
  { path, size }: ChangedFile,
  target: SessionTarget,
  workflows: WorkflowRule,
  scope: WorkerScope,
): string | null {
  if (size !== null && size > FILE_MAX_BYTES) {
    return `${path} is ${size} bytes; files over ${FILE_MAX_BYTES} bytes are refused`;
  }
  if (path === CONFIG_PATH) {
    return `${path} holds Baton's settings; sessions never change it (a person does, on the default branch)`;
  }
  // Matched without case: a runner on macOS or Windows reads `.GitModules` as the same file.
  if (path.toLowerCase() === SUBMODULES_FILE) {
    return `${path} says where git fetches the repository's submodules from: CI that checks them out would fetch what it names, from where no reviewer looked. Sessions never add or change submodules (a person does, in their own pull request)`;
  }
  if (path.startsWith(WORKFLOWS_DIR) && workflows !== null) {
    return `${path} is under ${WORKFLOWS_DIR}; ${workflows}`;
  }
  const record = `${buildDir(target.build)}/`;
  switch (target.role) {
    case 'plan':
      return isPlanFile(path, record)
        ? null
        : `${path} is not one of the plan's files (${record}plan.json, PLAN.md, sub-issues.json, workers/W<wave>.<n>.md); a plan session writes only those`;
    case 'synthesis':
      return checkSynthesisFile(path, size, target.build);
    case 'research':
    case 'summary':
      return checkLoopFile(path, target);
    case 'contract':
      return checkContractPath(path, target.build, target.worker);
    case 'work':
    case 'fix':
      // The contract's fix sessions are held to what its first session may write.
      return target.worker !== null && isContractWorker(target.worker)
        ? checkContractPath(path, target.build, target.worker)
        : checkWorkerPath(path, target, scope);
    case 'review':
    case 'validate':
      return `${path}: a ${target.role} session must not commit`;
    case 'learn':
      return checkLessonFile(path, size);
    default: {
      const _exhaustive: never = target.role;
      return _exhaustive;
    }
  }
}

/**
 * What a plan session in adapt mode writes: the existing briefs of the workers
 * it may revise, never a finished or started worker's brief, the plan or any other file.
 */
function checkAdapted(
  { path, size }: ChangedFile,
  target: SessionTarget,
  adaptable: readonly string[],
): string | null {
  if (size !== null && size > FILE_MAX_BYTES) {
    return `${path} is ${size} bytes; files over ${FILE_MAX_BYTES} bytes are refused`;
  }
  const allowed = adaptable.map((worker) => briefPath(target.build, worker));
  const list = allowed.join(', ') || 'none: every worker named has started';
  if (!allowed.includes(path)) {
    return `${path} is not a brief this adapt session may revise (${list}); an adapt session after ${target.adapt} changes only those`;
  }
  return size === null
    ? `${path} is deleted; an adapt session revises a brief, never removes it`
    : null;
}

/**
 * What a plan session writes: the plan, its rendering, the briefs, and the
 * sub-issues it planned from (docs/sub-issues.md); nothing else of the record.
 */
/**
 * A synthesis writes its report and, for follow-up questions, `plan.json` and
 * the new workers' briefs; what it did to the plan is checked as a whole
 * afterwards (`followUpAmendmentProblems`).
 */
function checkSynthesisFile(path: string, size: number | null, build: string): string | null {
  const record = `${buildDir(build)}/`;
  const rest = path.startsWith(record) ? path.slice(record.length) : '';
  const allowed = path === reportPath(build) || rest === 'plan.json' || SYNTHESIS_BRIEF.test(rest);
  if (!allowed)
    return `${path}: a synthesis session writes only the report, ${reportPath(build)}, and follow-up workers in ${record}plan.json with their briefs`;
  return size === null ? `${path} is deleted; a synthesis session removes nothing` : null;
}

const SYNTHESIS_BRIEF = /^workers\/W\d+\.\d+\.md$/;

function isPlanFile(path: string, record: string): boolean {
  if (!path.startsWith(record)) return false;
  const rest = path.slice(record.length);
  return (
    rest === 'plan.json' ||
    rest === 'PLAN.md' ||
    rest === 'sub-issues.json' ||
    /^workers\/W\d+\.\d+\.md$/.test(rest)
  );
}

/**
 * A research session writes only its loop's findings and its result
 * (`loops/<n>/findings.md`, `loops/<n>.json`); a summary session only its
 * loop's summary. Neither changes code, the plan or an earlier loop.
 */
function checkLoopFile(path: string, target: SessionTarget): string | null {
  const loop = parseLoopSubject(target.worker);
  if (loop === null) return `${path}: a ${target.role} session must name its loop (L1, L2 …)`;
  const allowed =
    target.role === 'research'
      ? [findingsPath(target.build, loop), researchResultPath(target.build, loop)]
      : [summaryPath(target.build, loop)];
  return allowed.includes(path)
    ? null
    : `${path}: a ${target.role} session is read-only and may write only ${allowed.join(' and ')}`;
}

function checkWorkerPath(path: string, target: SessionTarget, scope: WorkerScope): string | null {
  const worker = target.worker ?? '-';
  const own = completionPath(target.build, worker);
  if (path === own) return null;
  switch (scope.type) {
    case 'code':
      if (!path.startsWith(BATON_DIR)) return null;
      return `${path} is under ${BATON_DIR} (build records and skills); a worker may write only its own completion (${own})`;
    case 'research': {
      const findings = workerFindingsPath(target.build, worker);
      if (path === findings) return null;
      return `${path}: a research worker writes only its findings (${findings}) and its completion (${own}); code and other files are refused in a research build`;
    }
    case 'content':
      if (scope.outputs.includes(path)) return null;
      return `${path} is not one of ${worker}'s outputs in the plan (${scope.outputs.join(', ') || 'none declared'}); a content worker writes only those and its completion (${own})`;
    default: {
      const _exhaustive: never = scope.type;
      return _exhaustive;
    }
  }
}

/**
 * What the contract's worker writes (docs/verification.md): checks, where the
 * repository keeps its tests or named as tests are (`x.test.ts`, `x_test.go`,
 * `test_x.py`), `contract.json` and its completion; never anything else under
 * `.baton/`, nor anything under `.github/`, whatever `session.allowWorkflowChanges` says.
 */
function checkContractPath(path: string, build: string, worker: string | null): string | null {
  const own = completionPath(build, worker ?? CONTRACT_WORKER);
  const record = contractPath(build);
  if (path === own || path === record) return null;
  if (path.startsWith(BATON_DIR) || path.startsWith('.github/'))
    return `${path}: the contract's worker writes only checks, ${record} and its completion (${own}); nothing else under ${BATON_DIR} or .github/`;
  if (isTestPath(path)) return null;
  return `${path} is not a test file: the contract's worker writes checks where the repository keeps its tests (test/, tests/, spec/, __tests__/ …) or named as tests (x.test.ts, x_test.go, test_x.py), never the code the workers write`;
}

/** Folders that hold tests and what they read, in the ecosystems Baton's builds meet. */
const TEST_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  'spec',
  'specs',
  'e2e',
  'testdata',
  'fixtures',
  '__fixtures__',
  '__snapshots__',
  'testing',
]);

/** A test's own name: `x.test.ts`, `x.spec.js`, `x_test.go`, `test_x.py`, `XTest.java`, `conftest.py`. */
const TEST_NAME =
  /(?:\.(?:test|spec)\.[^/]+|_(?:test|spec)\.[^/.]+|^test_[^/]+\.py|^conftest\.py|Tests?\.(?:java|kt|cs|swift|php))$/;

function isTestPath(path: string): boolean {
  const parts = path.split('/');
  const name = parts.at(-1) ?? '';
  return parts.slice(0, -1).some((part) => TEST_DIRS.has(part)) || TEST_NAME.test(name);
}

/**
 * A learn session writes lessons and nothing else (docs/memory.md): new files
 * `.baton/memory/<slug>.md`, never a change to code, a workflow, or any other
 * file, and it deletes no lesson (a person does, in review).
 */
function checkLessonFile(path: string, size: number | null): string | null {
  if (!path.startsWith(`${MEMORY_FOLDER}/`)) {
    return `${path} is outside ${MEMORY_FOLDER}/; a learn session writes only lessons there`;
  }
  if (slugOf(path) === null || path.slice(MEMORY_FOLDER.length + 1).includes('/')) {
    return `${path} is not a lesson's file (${MEMORY_FOLDER}/<slug>.md, the slug of a-z, 0-9 and -)`;
  }
  if (size === null) return `${path}: a learn session deletes no lesson; a person does`;
  return null;
}
