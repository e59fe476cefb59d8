/**
 * Evidence before a person reads (docs/verification.md): what makes a worker's
 * change risky, judged from the facts publish left on its pull request (the
 * files with their status and lines, src/core/sessions/evidence.ts) and from
 * its reviews, with the repository's own settings. The app never reads the
 * diff: a path and its lines are all it weighs. Above the snapshot, below the
 * rules and the status, which both read it.
 */
import type { RiskClass, VerificationSettings } from '../config/verification-settings.js';
import { CONTRACT_WORKER, mayChangeContract } from '../plan/contract.js';
import type { ChangedLines, Evidence } from '../sessions/evidence.js';
import { workHeads } from '../snapshot/pull-verdict.js';
import type { BuildSnapshot, PullInfo } from '../snapshot/snapshot.js';
import { isBuildRecordPath } from '../vocabulary/ids.js';
import { matchesAny } from './path-glob.js';

/** A change of more lines than this (added plus removed) is the `size` class. */
export const LARGE_CHANGE_LINES = 400;

/** Baton's reviews of this many heads or more (fix rounds after the first) are the `rounds` class. */
export const RISKY_ROUNDS = 2;

/** A file the evidence names, with the classes its path and status carry. */
export interface RiskyFile {
  path: string;
  lines: number;
  status: ChangedLines['status'];
  classes: RiskClass[];
}

/** One worker's change, judged. */
export interface WorkerRisk {
  worker: string;
  /**
   * `current`: evidence of the pull request's head; `stale`: of an older head
   * (a person pushed since); `none`: no evidence (a pull request publish did
   * not open, or one from before evidence).
   */
  evidence: 'current' | 'stale' | 'none';
  /** Every class, in `RISK_ORDER`. */
  classes: RiskClass[];
  /** The files with a class of their own, the most lines first. */
  files: RiskyFile[];
  /** Lines of the work the evidence counts, named files and the rest: Baton's build records apart. */
  lines: number;
  /** Lines of Baton's build records (`.baton/builds/…`: the completion, the contract's record …). */
  recordLines: number;
  /** Lines of `files`. */
  riskyLines: number;
  /** Baton's reviews, by the heads they judged. */
  rounds: number;
  /** Files with a class the evidence could not name (`more.risky`): it waits for a person. Absent: none. */
  unnamedRisky?: number;
}

/**
 * Every risk class, in the order a person should care, the worst first: the
 * one table the classes' order, weight and words come from. A class added to
 * `RiskClass` (the configuration's) does not compile until it has its row
 * here, and where its row stands is where it ranks.
 */
const RISK_TABLE = {
  memory: { text: 'changes the lessons every later session reads' },
  'runs-contract': { text: 'changes what runs the contract' },
  workflow: { text: 'changes a workflow' },
  security: { text: 'changes security-sensitive paths' },
  ownership: { text: 'changes who must review or what a review shows' },
  'test-aware': { text: "reads a test runner's environment outside the tests" },
  build: { text: 'changes how the code is built or run' },
  dependency: { text: 'changes dependencies' },
  disagreement: { text: 'its reviews disagree' },
  interface: { text: 'changes a public interface' },
  tests: { text: 'changes or deletes tests' },
  rounds: { text: `took ${RISKY_ROUNDS} or more review rounds` },
  size: { text: `changes more than ${LARGE_CHANGE_LINES} lines` },
} as const satisfies Record<RiskClass, { text: string }>;

/**
 * Classes that wait for a person whatever `verification.autonomy.waitFor` says:
 * a lesson (`.baton/memory/`) is read by every later session, so only a person
 * lets one in (docs/memory.md, "Who approves"); a path the contract's tree
 * takes from the contract's commit that the allowlist cannot judge
 * (work-paths.ts) is merged unproven, so only a person lets it in.
 */
export const ALWAYS_WAIT: readonly RiskClass[] = ['memory', 'runs-contract'];

/** The classes that hold a pull request for a person: the settings' and `ALWAYS_WAIT`. */
export function waitingClasses(settings: Pick<VerificationSettings, 'autonomy'>): Set<RiskClass> {
  return new Set([...settings.autonomy.waitFor, ...ALWAYS_WAIT]);
}

/** The classes in the order a person should care, the worst first (`RISK_TABLE`'s rows). */
export const RISK_ORDER = Object.keys(RISK_TABLE) as readonly RiskClass[];

/** A class's weight in the read-first ranking: its place from the end of `RISK_ORDER`, the worst the heaviest. */
export function riskWeight(risk: RiskClass): number {
  return RISK_ORDER.length - RISK_ORDER.indexOf(risk);
}

/** Why a class is risky, as the guide and a waiting worker's row say it. */
export function riskText(risk: RiskClass): string {
  return RISK_TABLE[risk].text;
}

/** The evidence that speaks for the pull request's head: its own, or of a head Baton's updates of the branch were made on. */
export function evidenceForHead(pull: PullInfo): Evidence | null {
  const { evidence } = pull;
  if (!evidence) return null;
  return workHeads(pull).has(evidence.head) ? evidence : null;
}

/**
 * What publish vetted of the contract for one worker (docs/verification.md):
 * the files that hold the contract's checks, and whether the plan lets the
 * worker change them (the contract's worker, or one the plan gives the
 * contract). A worker not granted it may only unmark its own checks, and
 * publish refuses anything more.
 */
export interface ContractVetting {
  files: readonly string[];
  granted: boolean;
}

/** The vetting of one worker's change, from the build's valid contract and plan; null without a contract. */
export function contractVettingOf(
  snapshot: Pick<BuildSnapshot, 'contract' | 'plan'>,
  worker: string,
): ContractVetting | null {
  if (snapshot.contract?.kind !== 'valid') return null;
  const granted =
    worker === CONTRACT_WORKER ||
    (snapshot.plan.kind === 'valid' && mayChangeContract(snapshot.plan.plan, worker));
  return { files: snapshot.contract.contract.files, granted };
}

/**
 * A worker's change judged from its pull request's evidence and reviews. A
 * contract file a worker not granted the contract modified is not the `tests`
 * class: publish let through only the unmarking of the worker's own checks.
 */
export function judgeRisk(
  pull: PullInfo,
  settings: VerificationSettings,
  { contract }: { contract: ContractVetting | null },
): WorkerRisk {
  const evidence = evidenceForHead(pull);
  const change = judgeChange(evidence ?? { files: [] }, settings, { contract });
  const rounds = new Set(
    pull.reviews.filter((review) => review.byBaton).map((review) => review.commitSha),
  ).size;
  const found = new Set<RiskClass>(evidence ? change.classes : []);
  if (rounds >= RISKY_ROUNDS) found.add('rounds');
  if (disagree(pull)) found.add('disagreement');
  return {
    worker: pull.worker,
    evidence: evidence ? 'current' : pull.evidence ? 'stale' : 'none',
    classes: RISK_ORDER.filter((risk) => found.has(risk)),
    files: change.files,
    lines: change.lines,
    recordLines: change.recordLines,
    riskyLines: change.riskyLines,
    rounds,
    ...(evidence && change.unnamedRisky ? { unnamedRisky: change.unnamedRisky } : {}),
  };
}

/** What a diff's evidence alone shows: its risky files and the classes of the change as a whole. */
export interface ChangeRisk {
  /** The classes of the files and `size`, in `RISK_ORDER`. */
  classes: RiskClass[];
  /** The files with a class of their own, the most lines first. */
  files: RiskyFile[];
  /** Lines of the work the evidence counts, named files and the rest: Baton's build records apart. */
  lines: number;
  /** Lines of Baton's build records, which are no part of the work a person reads. */
  recordLines: number;
  /** Lines of `files`. */
  riskyLines: number;
  /** Files with a class publish found among those the evidence does not name (`more.risky`); absent: none. */
  unnamedRisky?: number;
}

/**
 * The classes a diff's evidence shows by itself (no review is weighed): each
 * file's, then `size`. The app judges a pull request with it, and publish the
 * guide at the head of the body it writes.
 */
export function judgeChange(
  evidence: Pick<Evidence, 'files' | 'more'>,
  settings: Pick<VerificationSettings, 'securityPaths' | 'interfacePaths'>,
  { contract }: { contract: ContractVetting | null },
): ChangeRisk {
  const vetted = new Set(contract && !contract.granted ? contract.files : []);
  // Baton's own records (a completion, contract.json …) are written beside the work, not part of it:
  // counted, they would make a change large and its share to read first look smaller than it is.
  const records = evidence.files.filter((file) => isBuildRecordPath(file.path));
  const work = evidence.files.filter((file) => !isBuildRecordPath(file.path));
  const files = work
    .map((file): RiskyFile => {
      const classes = fileClasses(file, settings);
      const publishVetted = file.status === 'modified' && vetted.has(file.path);
      return {
        ...file,
        classes: publishVetted ? classes.filter((one) => one !== 'tests') : classes,
      };
    })
    .filter((file) => file.classes.length > 0)
    .sort((a, b) => b.lines - a.lines || a.path.localeCompare(b.path));
  const lines = work.reduce((sum, file) => sum + file.lines, 0) + (evidence.more?.lines ?? 0);
  const found = new Set<RiskClass>(files.flatMap((file) => file.classes));
  // Publish classed the files it could not name: their classes count though no path is shown.
  for (const one of evidence.more?.classes ?? []) {
    const known = RISK_ORDER.find((risk) => risk === one);
    if (known) found.add(known);
  }
  if (lines > LARGE_CHANGE_LINES) found.add('size');
  return {
    classes: RISK_ORDER.filter((risk) => found.has(risk)),
    files,
    lines,
    recordLines: records.reduce((sum, file) => sum + file.lines, 0),
    riskyLines: files.reduce((sum, file) => sum + file.lines, 0),
    ...(evidence.more?.risky ? { unnamedRisky: evidence.more.risky } : {}),
  };
}

/** A worker with no pull request to judge (skipped before one opened). */
export function noRisk(worker: string): WorkerRisk {
  return {
    worker,
    evidence: 'none',
    classes: [],
    files: [],
    lines: 0,
    recordLines: 0,
    riskyLines: 0,
    rounds: 0,
  };
}

/** The classes a file carries by its path (and, for tests, by what happened to it). */
export function fileClasses(
  file: Pick<ChangedLines, 'path' | 'status' | 'from' | 'link' | 'testAware' | 'runsContract'>,
  settings: Pick<VerificationSettings, 'securityPaths' | 'interfacePaths'>,
): RiskClass[] {
  const paths = file.from ? [file.path, file.from] : [file.path];
  const found = new Set<RiskClass>();
  // A link into `.github` runs as a workflow wherever it stands: the runner follows it.
  if (file.link !== undefined && isWorkflowTarget(file.link)) found.add('workflow');
  // Code outside the tests that asks whether a test runs can pass its checks and do otherwise in use.
  if (file.testAware && !isTestPath(file.path)) found.add('test-aware');
  // A path the proof leaves as the contract's commit holds it, which only a person can judge.
  if (file.runsContract) found.add('runs-contract');
  for (const path of paths) {
    if (isLessonPath(path)) found.add('memory');
    if (isWorkflowPath(path)) found.add('workflow');
    if (isOwnershipPath(path)) found.add('ownership');
    if (isBuildPath(path)) found.add('build');
    if (isDependencyPath(path)) found.add('dependency');
    if (matchesAny(settings.securityPaths, path)) found.add('security');
    if (matchesAny(settings.interfacePaths, path)) found.add('interface');
    // A test added proves more; one changed or deleted may prove less.
    if (isTestPath(path) && file.status !== 'added') found.add('tests');
  }
  return RISK_ORDER.filter((risk) => found.has(risk));
}

/** A lesson, or anything else under `.baton/memory/`: what every later session reads. */
export function isLessonPath(path: string): boolean {
  return path.startsWith('.baton/memory/');
}

/** GitHub Actions' workflows and actions: what runs with the repository's secrets. */
export function isWorkflowPath(path: string): boolean {
  const base = baseName(path);
  return (
    path.startsWith('.github/workflows/') ||
    path.startsWith('.github/actions/') ||
    base === 'action.yml' ||
    base === 'action.yaml'
  );
}

/**
 * Where a symbolic link that runs as a workflow points: into `.github/workflows`
 * or `.github/actions`, those folders themselves, or `.github` (a link to it
 * reaches both).
 */
export function isWorkflowTarget(target: string): boolean {
  const path = target.replace(/\/+$/, '');
  return (
    path === '.github' ||
    path === '.github/workflows' ||
    path === '.github/actions' ||
    isWorkflowPath(path)
  );
}

/** Who must approve a change (`CODEOWNERS`, in any of its three places) and what a review shows of it (`.gitattributes`: `linguist-generated` folds a file's diff away). */
export function isOwnershipPath(path: string): boolean {
  return (
    path === 'CODEOWNERS' ||
    path === '.github/CODEOWNERS' ||
    path === 'docs/CODEOWNERS' ||
    baseName(path) === '.gitattributes'
  );
}

/** What builds or runs the code: container images, the build tools' wrappers, the toolchain's pinned versions. */
export function isBuildPath(path: string): boolean {
  const base = baseName(path);
  const lower = base.toLowerCase();
  return (
    /^(dockerfile|containerfile)(\.(?!md$|txt$).+)?$/.test(lower) ||
    lower.endsWith('.dockerfile') ||
    lower.endsWith('.containerfile') ||
    base === 'gradlew' ||
    base === 'gradlew.bat' ||
    base === 'mvnw' ||
    base === 'mvnw.cmd' ||
    /(^|\/)gradle\/wrapper\/[^/]+$/.test(path) ||
    /(^|\/)\.mvn\/wrapper\/[^/]+$/.test(path) ||
    base === '.tool-versions' ||
    base === '.nvmrc' ||
    base === '.node-version' ||
    base === '.python-version'
  );
}

/** Manifests and lock files of the common ecosystems. */
const DEPENDENCY_FILES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'bun.lock',
  'bun.lockb',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
  'constraints.txt',
  'libs.versions.toml',
  'pyproject.toml',
  'poetry.lock',
  'uv.lock',
  'pipfile',
  'pipfile.lock',
  'setup.py',
  'setup.cfg',
  'go.mod',
  'go.sum',
  'go.work',
  'cargo.toml',
  'cargo.lock',
  'gemfile',
  'gemfile.lock',
  'composer.json',
  'composer.lock',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'settings.gradle.kts',
  'gradle.lockfile',
  'packages.config',
  'directory.packages.props',
  'packages.lock.json',
  'mix.exs',
  'mix.lock',
  'pubspec.yaml',
  'pubspec.lock',
  'package.swift',
  'package.resolved',
  'podfile',
  'podfile.lock',
  'cartfile',
  'cartfile.resolved',
  'deno.json',
  'deno.lock',
  'flake.nix',
  'flake.lock',
]);

/** Manifests, lock files, the package managers' settings and hooks, and code taken in from others (vendored). */
export function isDependencyPath(path: string): boolean {
  const base = baseName(path).toLowerCase();
  return (
    DEPENDENCY_FILES.has(base) ||
    /^requirements.*\.(txt|in)$/.test(base) ||
    /(^|\/)requirements\/[^/]+\.(txt|in)$/.test(path) ||
    /(^|\/)\.yarn\/releases\/[^/]+$/.test(path) ||
    /(^|\/)gradle\/[^/]+\.versions\.toml$/.test(path) ||
    isVendoredPath(path) ||
    /\.(gemspec|csproj|fsproj|vbproj)$/.test(base) ||
    path === '.github/dependabot.yml'
  );
}

/** Code of others kept in the repository: `vendor/`, `third_party/` (Go, PHP, Ruby, Bazel's habit), at any depth. */
export function isVendoredPath(path: string): boolean {
  return path
    .split('/')
    .slice(0, -1)
    .some((part) => part === 'vendor' || part === 'third_party');
}

const TEST_FOLDERS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'e2e']);

/** A test by the usual conventions: a test folder, or a test file's name. */
export function isTestPath(path: string): boolean {
  const parts = path.split('/');
  const base = parts.at(-1) ?? '';
  return (
    parts.slice(0, -1).some((part) => TEST_FOLDERS.has(part.toLowerCase())) ||
    /\.(test|spec)\.[^.]+$/.test(base) ||
    /_(test|spec)\.[^.]+$/.test(base) ||
    /^test_.+\.py$/.test(base) ||
    /Tests?\.(java|kt|cs|swift|scala)$/.test(base)
  );
}

/** Decisive reviews on the head that disagree: a person's and Baton's, or two of Baton's. */
function disagree(pull: PullInfo): boolean {
  const heads = workHeads(pull);
  const verdicts = new Set(
    pull.reviews
      .filter((review) => heads.has(review.commitSha) && review.verdict !== 'comment')
      .map((review) => review.verdict),
  );
  return verdicts.size > 1;
}

function baseName(path: string): string {
  return path.split('/').at(-1) ?? path;
}
