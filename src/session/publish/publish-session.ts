import { join } from 'node:path';
import { contractPath } from '../../core/plan/contract.js';
import { firstAttemptsIn, isWorkRole } from '../../core/sessions/session.js';
import { integrationBranch, WORKFLOW_FILE } from '../../core/vocabulary/ids.js';
import type { SessionEnv } from '../env.js';
import { BUNDLE_FILE } from '../result.js';
import { type ChangedFile, checkChanges } from './checks/check-changes.js';
import { checkFollowUps } from './checks/check-follow-ups.js';
import { checkImpossible } from './checks/check-impossible.js';
import { checkLinks } from './checks/check-links.js';
import { checkPlanRecord } from './checks/check-plan-record.js';
import { checkPlanText } from './checks/check-plan-text.js';
import {
  checkResult,
  getSessionTarget,
  hasCommits,
  opensWorkerBranch,
} from './checks/check-result.js';
import { judgeClaims } from './checks/claims/claim-rules.js';
import { checkContract } from './checks/contract/check-contract.js';
import { type Sealed, sealContract } from './checks/contract/seal-commit.js';
import { readDefaultBranchAllowWorkflowChanges } from './checks/inputs/read-allow-workflow-changes.js';
import { readGuidePaths, readWorkPaths } from './checks/inputs/read-guide-paths.js';
import { readResult } from './checks/inputs/read-result.js';
import { readDependencyChanges } from './checks/read-dependencies.js';
import { readDiff } from './checks/read-diff.js';
import { checkFindings, type ReadScope, readWorkerScope } from './checks/read-worker-scope.js';
import { maskResultSecrets } from './checks/secrets/mask-texts.js';
import { describeHit, scanCommits, shortHit } from './checks/secrets/scan-secrets.js';
import { verifyCommits } from './checks/verify-commits.js';
import { type PublishOutcome, withSummaryLine } from './publish-outcome.js';
import type { PublishIo, ReadSession } from './read-session.js';
import { createScratchRepo } from './scratch-repo.js';
import { sendToolSpans } from './tool-spans.js';
import {
  checkAffects,
  findAdaptable,
  readPlanWorkers,
  revisedWorkers,
  writeAdaptationRecord,
} from './write/adapt-publish.js';
import { createGitHubApi, repoPath } from './write/github-api.js';
import { renderBlocked } from './write/pull-body.js';
import { revokeSessionToken } from './write/token/get-session-token.js';
import { getPublishToken } from './write/token/publish-token.js';
import { workerEvidence } from './write/worker-evidence.js';
import { readWorkerGuide } from './write/worker-guide-facts.js';
import { type WorkerVerification, writeSession } from './write/write-session.js';
import { writeUsageRecord } from './write/write-usage.js';

/**
 * Reads, checks, then writes: every check runs before the first write, so a
 * refused output leaves the repository exactly as it was.
 */
export async function publishSession(env: SessionEnv, io: PublishIo): Promise<PublishOutcome> {
  const parsedTarget = getSessionTarget(env);
  if (!parsedTarget.ok) return { kind: 'refused', problems: parsedTarget.problems };
  const { target } = parsedTarget;
  const read = await readResult(env.BATON_OUT);
  if (!read.ok) return { kind: 'refused', problems: read.problems };
  const resultProblems = checkResult(read.result, target);
  if (resultProblems.length > 0) return { kind: 'refused', problems: resultProblems };
  // Every text publish posts comes from the result: a secret in it is masked before any of it is used.
  const { result, masked } = await maskResultSecrets(read.result);
  const session = await getPublishToken({
    env: { ...env, BATON_BUILD: env.BATON_BUILD },
    role: env.BATON_ROLE,
    fetch: io.fetch,
    mask: io.mask,
    ...(io.log ? { log: io.log } : {}),
    ...(io.github ? { options: io.github } : {}),
  });
  if (!session.ok) return { kind: 'error', message: session.message };
  const token = session.token;
  try {
    const repo = await createScratchRepo(env.GITHUB_WORKSPACE);
    const outcome = await publishWithToken({ env, io, target, result, token, repo });
    const spans = io.otel
      ? await sendToolSpans({ env, result, otel: io.otel, log: io.log ?? (() => {}) })
      : null;
    return [...masked, ...(spans ? [spans] : [])].reduce(withSummaryLine, outcome);
  } finally {
    // The token dies with the job that needed it, whatever the outcome.
    await revokeSessionToken({ apiUrl: env.GITHUB_API_URL, token, fetch: io.fetch });
  }
}

async function publishWithToken(session: ReadSession): Promise<PublishOutcome> {
  const { env, io, target, result, repo, token } = session;
  try {
    // The checks only read; usage is recorded before anything is written, so a
    // refused or failed session is counted too, with the rule that refused it (a
    // secret's file, line and rule, its value masked, for the worker's row).
    const record = (refusal: string | null) =>
      writeUsageRecord({ env, result, repo, remote: io.remote, token, refusal });
    let commits: CheckedCommits;
    let refusal: string[];
    let sealed: Sealed = { session, lines: [] };
    try {
      commits = await checkCommits(session);
      refusal = commits.problems.length > 0 ? commits.problems : await checkPlan(session);
      if (refusal.length === 0) refusal = await checkImpossible(session);
      // The contract's seal, taken of the head it pushes and committed on it in the
      // scratch repository (a session of the contract's worker): nothing is written yet.
      if (refusal.length === 0) sealed = await sealContract(session);
      if ('problem' in sealed) refusal = [sealed.problem];
    } catch (error) {
      await record(null);
      throw error;
    }
    const usageLine = await record(commits.secret ?? refusal[0] ?? null);
    if (refusal.length > 0) return { kind: 'refused', problems: refusal };
    const api = createGitHubApi({
      apiUrl: env.GITHUB_API_URL,
      ...(env.GITHUB_GRAPHQL_URL ? { graphqlUrl: env.GITHUB_GRAPHQL_URL } : {}),
      token,
      fetch: io.fetch,
      ...(io.log ? { log: io.log } : {}),
      ...(io.github ? { options: io.github } : {}),
    });
    if ('problem' in sealed) return { kind: 'refused', problems: [sealed.problem] };
    const worker = isWorkRole(target.role) || target.role === 'fix';
    const dependencies =
      worker && result.base && hasCommits(result)
        ? await readDependencyChanges({ repo, base: result.base })
        : [];
    const verification = worker ? await verifyWorker(sealed.session, commits.contract) : null;
    const written = await writeSession({
      ...sealed.session,
      api,
      pushed: commits.alreadyPushed && sealed.lines.length === 0,
      dependencies,
      ...(verification ? { verification } : {}),
    });
    const adapted = await recordAdaptation(
      session,
      sealed.lines.reduce(withSummaryLine, written),
      commits.changes,
    );
    const network = renderBlocked(result.blocked);
    const withUsage = withSummaryLine(adapted, usageLine);
    return network ? withSummaryLine(withUsage, `Network: ${network}`) : withUsage;
  } finally {
    await repo.dispose();
  }
}

/**
 * The workers whose first attempt has a run: started, though their branch may
 * not exist yet (it comes with that attempt's publish). Read with the publish
 * token (a plan session's may read Actions), from the runs on the build branch.
 */
async function readFirstAttempts({ env, io, token, target }: ReadSession): Promise<Set<string>> {
  const api = createGitHubApi({
    apiUrl: env.GITHUB_API_URL,
    token,
    fetch: io.fetch,
    ...(io.log ? { log: io.log } : {}),
    ...(io.github ? { options: io.github } : {}),
  });
  const branch = encodeURIComponent(integrationBranch(target.build));
  const names: string[] = [];
  for (let page = 1; page <= RUN_PAGES; page++) {
    const { workflow_runs: runs } = await api.request<{
      workflow_runs: { display_title: string }[];
    }>(
      'GET',
      `${repoPath(env.GITHUB_REPOSITORY)}/actions/workflows/${WORKFLOW_FILE}/runs?event=workflow_dispatch&branch=${branch}&per_page=100&page=${page}`,
    );
    names.push(...runs.map((run) => run.display_title));
    if (runs.length < 100) return firstAttemptsIn(names, target.build);
  }
  throw new Error(
    `more than ${RUN_PAGES * 100} runs on ${integrationBranch(target.build)}: GitHub does not list them all`,
  );
}

/** Pages of a hundred runs read at most. */
const RUN_PAGES = 10;

interface CheckedCommits {
  problems: string[];
  alreadyPushed: boolean;
  changes: ChangedFile[];
  /** A worker's build's contract as publish read it (none for other roles, or without commits). */
  contract: WorkerContract;
  /** The first secret found, in one line, for the usage record and so the worker's row. */
  secret?: string;
}

/** Commits whose changes were not judged: there are none, or they were refused before. */
function unjudgedCommits(problems: string[], secret?: string): CheckedCommits {
  return {
    problems,
    alreadyPushed: false,
    changes: [],
    contract: NO_CONTRACT,
    ...(secret ? { secret } : {}),
  };
}

async function checkCommits(session: ReadSession): Promise<CheckedCommits> {
  const { env, io, target, result, repo, token } = session;
  if (!hasCommits(result) || !target.branch || !result.base || !result.head) {
    return unjudgedCommits([]);
  }
  const verified = await verifyCommits({
    repo,
    remote: io.remote,
    token,
    branch: target.branch,
    buildBranch:
      isWorkRole(target.role) || target.role === 'fix' ? integrationBranch(target.build) : null,
    base: result.base,
    head: result.head,
    bundlePath: join(env.BATON_OUT, BUNDLE_FILE),
    // A learn session opens its branch (docs/memory.md), and so does a worker's first attempt.
    opensFrom:
      target.role === 'learn'
        ? 'HEAD'
        : opensWorkerBranch(env, target)
          ? `refs/heads/${integrationBranch(target.build)}`
          : null,
  });
  if (!verified.ok) return unjudgedCommits(verified.problems);
  // Secrets first: a hit refuses the session whatever else its commits do.
  const secrets = await scanCommits({ repo, base: result.base });
  if (secrets.length > 0) {
    const [first] = secrets;
    const more = secrets.length > 1 ? ` and ${secrets.length - 1} more` : '';
    return unjudgedCommits(
      secrets.map(describeHit),
      first ? `${shortHit(first)}${more}` : undefined,
    );
  }
  const touchesWorkflows = verified.changes.some((change) =>
    change.path.startsWith('.github/workflows/'),
  );
  const config = touchesWorkflows
    ? await readDefaultBranchAllowWorkflowChanges({ repo, remote: io.remote, token })
    : { allowed: false, problem: null };
  // A work or fix session's worker: its scope and the contract that holds it are read from
  // the build branch as verifyCommits fetched it (the base where it was not).
  const worker = target.role === 'work' || target.role === 'fix' ? target.worker : null;
  const buildCommit = verified.buildCommit ?? result.base;
  const scoped: ReadScope =
    worker === null
      ? { ok: true, scope: { type: 'code', outputs: [] } }
      : await readWorkerScope({ repo, commit: buildCommit, build: target.build, worker });
  if (!scoped.ok) return unjudgedCommits([scoped.problem]);
  const adaptable = target.adapt
    ? await findAdaptable({
        repo,
        remote: io.remote,
        token,
        build: target.build,
        source: target.adapt,
        base: result.base,
        running: await readFirstAttempts(session),
      })
    : null;
  // With nothing hosted the app's key is an Actions secret of the repository, which any
  // workflow can read: a session that may change workflows could take it (docs/security.md).
  const keyInSecrets = Boolean(env.BATON_APP_PRIVATE_KEY);
  const problems = checkChanges({
    target,
    changes: verified.changes,
    allowWorkflowChanges: config.allowed,
    keyInSecrets,
    configProblem: config.problem,
    scope: scoped.scope,
    adaptable,
  });
  // The contract's checks and what runs them, whatever else the rules allow (workflows included).
  const contract = await checkContract({
    repo,
    worker,
    build: target.build,
    commit: buildCommit,
    changes: verified.changes,
    complete: result.completion?.status === 'complete',
    workPaths: () => readWorkPaths({ repo, remote: io.remote, token }),
  });
  problems.push(...contract.problems);
  // Submodules and unsafe links, in every commit: what they fetch or reach is not in the diff.
  problems.push(...(await checkLinks({ repo, base: result.base })));
  if (target.role === 'synthesis') {
    problems.push(
      ...(await checkFollowUps({
        repo,
        base: result.base,
        head: result.head,
        build: target.build,
        changes: verified.changes,
      })),
    );
  }
  if (scoped.scope.type === 'research' && target.worker && result.status === 'complete') {
    problems.push(...(await checkFindings({ repo, build: target.build, worker: target.worker })));
  }
  if (result.completion && (isWorkRole(target.role) || target.role === 'fix')) {
    const planWorkers = await readPlanWorkers({ repo, commit: result.head, build: target.build });
    problems.push(
      ...checkAffects({ affects: result.completion.affects, worker: target.worker, planWorkers }),
    );
  }
  return {
    problems,
    alreadyPushed: verified.alreadyPushed,
    changes: verified.changes,
    contract: { guarded: contract.guarded, command: contract.command, waits: contract.waits },
  };
}

/** The contract's paths and command, as a worker's check read them; null paths when there is none. */
type WorkerContract = { guarded: string[] | null; command: string | null; waits: string[] };

const NO_CONTRACT: WorkerContract = { guarded: null, command: null, waits: [] };

/**
 * A worker's report against its pull request's diff, and the evidence its
 * body ends with (docs/verification.md); none when the session has no new head.
 */
async function verifyWorker(
  { target, result, repo, io, token }: ReadSession,
  contract: WorkerContract,
): Promise<WorkerVerification | null> {
  if (!result.completion || !result.base || !result.head || !hasCommits(result)) return null;
  // A path the contract's tree keeps out that the allowlist cannot judge waits for a person.
  const waits = new Set(contract.waits);
  const diff = (await readDiff({ repo, base: result.base })).map((file) =>
    waits.has(file.path) ? { ...file, runsContract: true as const } : file,
  );
  const paths = new Set(diff.flatMap((file) => (file.from ? [file.path, file.from] : [file.path])));
  const claims = judgeClaims(result.completion, {
    paths,
    tests: result.completion.tests,
    contractCommand: contract.command,
  });
  // The contract's worker, whose pull request brings the contract itself: changed, not none.
  const record = contractPath(target.build);
  const guarded = contract.guarded ?? (diff.some((file) => file.path === record) ? [record] : null);
  // The whole diff is classed with the paths the app judges by, where publish can read them.
  const guidePaths = await readGuidePaths({ repo, remote: io.remote, token });
  const evidence = workerEvidence({
    head: result.head,
    diff,
    guarded,
    claims,
    ...(guidePaths.kind === 'read' ? { paths: guidePaths.paths } : {}),
  });
  const guide = await readWorkerGuide({
    repo,
    build: target.build,
    worker: target.worker ?? result.completion.worker_id,
    base: result.base,
    evidence,
    paths: guidePaths,
  });
  return { claims, evidence, guide };
}

/** A plan's record, and its text against the issue's; other roles have no plan to check. */
async function checkPlan({ env, io, target, result, repo, token }: ReadSession): Promise<string[]> {
  if (target.role !== 'plan' || !result.head || !hasCommits(result)) return [];
  return [
    ...(await checkPlanRecord({ repo, head: result.head, build: target.build })),
    // A failed plan writes nothing to the build branch: nothing to hold.
    ...(target.adapt || result.status !== 'complete'
      ? []
      : await checkPlanText({
          env,
          repo,
          remote: io.remote,
          token,
          fetch: io.fetch,
          ...(io.log ? { log: io.log } : {}),
          ...(io.github ? { github: io.github } : {}),
        })),
  ];
}

/** After an adapt session's briefs are on the build branch, the record the app reads. */
async function recordAdaptation(
  { env, io, target, result, repo, token }: ReadSession,
  written: PublishOutcome,
  changes: ChangedFile[],
): Promise<PublishOutcome> {
  if (!target.adapt || written.kind !== 'published' || !result.base || !result.head) return written;
  if (!hasCommits(result)) return written;
  const line = await writeAdaptationRecord({
    repo,
    remote: io.remote,
    token,
    build: target.build,
    source: target.adapt,
    runId: Number(env.GITHUB_RUN_ID) || 1,
    base: result.base,
    head: result.head,
    workers: revisedWorkers(target.build, changes),
  });
  return { ...written, lines: [...written.lines, line] };
}
