/**
 * Plays an attack of the corpus through Baton's real publish and its real
 * validation (docs/verification.md, "The attack corpus"): each session's
 * commits go through `runPublish` against a fake GitHub and the repository's
 * bare remote, as the publish job runs it; a published session's pull request
 * is squash-merged into the build branch, as the app merges one; then milestone
 * 1's validation runs the validate role whole (`runAgent`) on a checkout of the
 * build branch, after the job's setup. What is shared is made once per project
 * and copied for each attack: the repository with its contract published by the
 * contract's own session (its seal taken by publish) and merged.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setUpJob } from '../../sim/actions/project-setup.js';
import { reply, toolUse } from '../../sim/fake-anthropic.js';
import { defaultConfig } from '../../src/core/config/config.js';
import { contractPath } from '../../src/core/plan/contract.js';
import type { ValidationRecord } from '../../src/core/plan/validation.js';
import { parseEvidenceMarker } from '../../src/core/sessions/evidence.js';
import type { PullInfo } from '../../src/core/snapshot/snapshot.js';
import { autonomyWait } from '../../src/core/verification/autonomy.js';
import { sealBreach } from '../../src/core/verification/seal-binding.js';
import { completionPath, integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { PUBLISH_EXIT, runPublish } from '../../src/session/publish/run-publish.js';
import { makePull } from '../core/factories.js';
import { removeTempDirs, runSession } from '../session/agent-fixtures.js';
import { type FakeGitHub, startFakeGitHub } from '../session/publish/fake-github.js';
import {
  BUILD,
  copyFixture,
  createFixture,
  type Files,
  type Fixture,
  GIT_ENV,
  makeCompletion,
  makeEnv,
  REPOSITORY,
  workSession,
} from '../session/publish/fixture.js';
import { CRITERION, CRITERION_TEXT, type Project } from './projects.js';

/** What an attack must come to once Baton's defences hold. */
export type Expected =
  /** Publish refuses a session of it, its reasons naming this (a path, a rule). */
  | { refused: string }
  /**
   * Publish lets it through, and its pull request waits for a person for this (a class:
   * `test-aware`); the milestone's validation does not prove the criterion either.
   */
  | { waits: string }
  /** It reaches the build branch, and the milestone's validation does not prove the criterion. */
  | { notProven: true };

export interface Attack {
  /** What the attacker does, as the test's title says it. */
  name: string;
  project: Project;
  /** Where it was found: issue #74's "Why", or the round before it. */
  found: 'issue 74' | 'earlier';
  /** A contract session's change before the work, through publish: its command, and files besides. */
  contract?: { command?: string; files?: Files };
  /** The worker's session through publish: its files, beside its check made plain (unless these change it). */
  worker?: Files;
  /**
   * Pushed to the build branch after the work, past publish (a writer, or CI
   * with `contents: write`): files, or made from the branch's files as they are.
   */
  push?: Files | ((read: (path: string) => string) => Files);
  /** A second push after it, made from the branch's files before the first (a revert, whole or in part). */
  pushAfter?: (before: (path: string) => string) => Files;
  expect: Expected;
}

/** What publish answered a session: refused with its reasons, or published and why it waits (nothing: it merges alone). */
export type PublishAnswer =
  | { session: string; refused: string[] }
  | { session: string; waits: string[] };

export interface Played {
  publish: PublishAnswer[];
  /** Milestone 1's validation; null where publish refused before the build branch held the attack. */
  validation: {
    /** Each check of the criterion proven (failed on the contract's commit, passed on the head), and the milestone passed. */
    proven: boolean;
    passed: boolean;
    /** The criterion's verdict from the runner's reports, or how the exit status decided. */
    verdict: string;
    failures: string[];
    /** The end of the command's output on the head. */
    tail: string;
  } | null;
  refused: boolean;
  waits: boolean;
  proven: boolean;
  /** Published with nothing that waits for a person, and proven: the attack lands with no one asked. */
  merged: boolean;
}

const CONTRACT_WORKER = 'W0.1';
const WORKER = 'W1.1';
const PULLS = `/repos/${REPOSITORY}/pulls`;

/** The plan the corpus's builds share: the contract's worker, and W1.1 with the one criterion. */
const PLAN = {
  workers: [
    {
      id: CONTRACT_WORKER,
      title: 'Contract: checks for the acceptance criteria',
      depends_on: [],
      complexity: 'normal',
      contract: true,
    },
    {
      id: WORKER,
      title: 'Greet by name',
      depends_on: [CONTRACT_WORKER],
      complexity: 'normal',
      criteria: [CRITERION_TEXT],
    },
  ],
};

/** contract.json of a project, with its command (a contract attack's, where it has one). */
export function contractOf(project: Project, command = project.command): string {
  const contract = {
    version: 1,
    command,
    files: project.contractFiles,
    checks: [{ criterion: CRITERION, ...project.check }],
    unchecked: [],
  };
  return `${JSON.stringify(contract, null, 2)}\n`;
}

interface World {
  fixture: Fixture;
  /** The build branch's head: the contract's merge. */
  head: string;
  /** The contract's pull request as the app reads it once merged: its merge, and publish's evidence for its head. */
  contractPull: PullInfo;
}

const worlds = new Map<string, Promise<World>>();

/**
 * The project's repository with its contract published by the contract's
 * session and merged into the build branch: made once per process, then
 * copied for each play.
 */
function worldOf(project: Project): Promise<World> {
  let world = worlds.get(project.name);
  if (!world) {
    world = makeWorld(project);
    worlds.set(project.name, world);
  }
  return world;
}

async function makeWorld(project: Project): Promise<World> {
  const fixture = createFixture({ plan: PLAN, files: project.files });
  const github = await startGitHub(fixture);
  try {
    const answer = await publishSession(fixture, github, {
      role: 'contract',
      worker: CONTRACT_WORKER,
      from: fixture.base,
      files: { ...project.checks, [contractPath(BUILD)]: contractOf(project) },
    });
    if ('refused' in answer) {
      throw new Error(`the contract of ${project.name} was refused: ${answer.refused.join('; ')}`);
    }
    const contractPull = mergePull(fixture, github, CONTRACT_WORKER, fixture.base);
    return { fixture, head: contractPull.mergeSha ?? '', contractPull };
  } finally {
    await github.close();
  }
}

/** Plays `attack`: its sessions through publish, then the milestone's validation where the branch holds it. */
export async function playAttack(attack: Attack): Promise<Played> {
  const world = await worldOf(attack.project);
  const fixture = copyFixture(world.fixture);
  const github = await startGitHub(fixture);
  const answers: PublishAnswer[] = [];
  try {
    let head = world.head;
    const contractPulls = [world.contractPull];
    if (attack.contract) {
      const { command, files = {} } = attack.contract;
      const answer = await publishSession(fixture, github, {
        role: 'contract',
        worker: CONTRACT_WORKER,
        from: head,
        files: {
          ...files,
          ...(command ? { [contractPath(BUILD)]: contractOf(attack.project, command) } : {}),
        },
      });
      answers.push(answer);
      if ('refused' in answer) return ended(answers, null);
      const merged = mergePull(fixture, github, CONTRACT_WORKER, head);
      contractPulls.push(merged);
      head = merged.mergeSha ?? '';
    }
    if (attack.worker || !attack.push) {
      const answer = await publishSession(fixture, github, {
        role: 'work',
        worker: WORKER,
        from: head,
        files: { ...attack.project.plain, ...attack.worker },
        contractFiles: attack.project.contractFiles,
      });
      answers.push(answer);
      if ('refused' in answer) return ended(answers, null);
      head = squashMerge(fixture, WORKER, head);
    }
    if (attack.push) pushTo(fixture, head, attack);
    return ended(answers, await validate(fixture, attack.project, contractPulls));
  } finally {
    await github.close();
    fixture.cleanup();
  }
}

/** The attack's push onto the build branch at `head`, W1.1's report with it where no work session brought one. */
function pushTo(fixture: Fixture, head: string, attack: Attack): void {
  const report = attack.worker ? {} : { [completionPath(BUILD, WORKER)]: completionText(WORKER) };
  const files =
    typeof attack.push === 'function'
      ? attack.push((path) => fixture.git(['show', `${head}:${path}`]))
      : attack.push;
  const pushed = fixture.agentCommit({
    branch: 'pushed',
    from: head,
    files: { ...report, ...files },
    message: 'A push to the build branch',
  });
  // Byte for byte (the fixture's git trims its output): a revert puts back exactly what was there.
  const after = attack.pushAfter?.((path) =>
    execFileSync('git', ['show', `${head}:${path}`], {
      cwd: join(fixture.root, 'work'),
      encoding: 'utf8',
    }),
  );
  const last = after
    ? fixture.agentCommit({
        branch: 'pushed',
        from: pushed,
        files: after,
        message: 'Another push to the build branch',
      })
    : pushed;
  fixture.git([
    'push',
    '--quiet',
    fixture.remoteDir,
    `${last}:refs/heads/${integrationBranch(BUILD)}`,
  ]);
}

/** What publish said of each session and what the validation found, for a failure's message. */
export function describePlay(played: Played): string {
  const publish = played.publish.map((answer) =>
    'refused' in answer
      ? `${answer.session}: refused: ${answer.refused.join('; ')}`
      : `${answer.session}: published, ${answer.waits.length > 0 ? `waits: ${answer.waits.join(', ')}` : 'merges alone'}`,
  );
  const validation = played.validation
    ? `validation: ${played.validation.proven ? 'proven' : 'not proven'} (${played.validation.verdict}; failures: ${played.validation.failures.join(', ') || 'none'})`
    : 'no validation';
  const tail = played.validation?.tail ? [`its output ended:\n${played.validation.tail}`] : [];
  return [...publish, validation, ...tail].join('\n');
}

function ended(publish: PublishAnswer[], validation: Played['validation']): Played {
  const refused = publish.some((answer) => 'refused' in answer);
  const waits = publish.some((answer) => 'waits' in answer && answer.waits.length > 0);
  const proven = validation?.proven ?? false;
  return { publish, validation, refused, waits, proven, merged: !refused && !waits && proven };
}

async function startGitHub(fixture: Fixture): Promise<FakeGitHub> {
  const github = await startFakeGitHub(fixture.gitRoot);
  github.routes.set(`GET ${PULLS}`, () => ({ status: 200, body: [] }));
  github.routes.set(`POST ${PULLS}`, () => ({
    status: 201,
    body: { number: 7, html_url: `https://github.example/${REPOSITORY}/pull/7` },
  }));
  return github;
}

function completionText(worker: string): string {
  return JSON.stringify(makeCompletion({ worker_id: worker }));
}

/**
 * A session of `worker` in `role` that commits `files` (and its report) on its
 * branch, cut from `from` as the app cuts it when it dispatches, then publish
 * as its job runs it. Published: why its pull request waits, from the evidence
 * publish wrote at the end of its body, judged as the app judges it.
 */
async function publishSession(
  fixture: Fixture,
  github: FakeGitHub,
  {
    role,
    worker,
    from,
    files,
    contractFiles = [],
  }: {
    role: 'contract' | 'work';
    worker: string;
    from: string;
    files: Files;
    contractFiles?: string[];
  },
): Promise<PublishAnswer> {
  const branch = workerBranch(BUILD, worker);
  fixture.git(['push', '--quiet', '--force', fixture.remoteDir, `${from}:refs/heads/${branch}`]);
  const completion = makeCompletion({ worker_id: worker });
  workSession(
    fixture,
    { ...files, [completionPath(BUILD, worker)]: JSON.stringify(completion) },
    { from, worker, result: { role, worker, branch, completion } },
  );
  github.api.length = 0;
  const summary = join(fixture.root, `summary-${worker}.md`);
  const lines: string[] = [];
  const code = await runPublish(
    makeEnv({
      fixture,
      serverUrl: github.url,
      overrides: { BATON_ROLE: role, BATON_WORKER: worker },
    }),
    {
      gitRemote: fixture.remoteDir,
      stepSummaryPath: summary,
      log: (line) => lines.push(line),
      github: { retryBaseMs: 1, writeSpacingMs: 0 },
    },
  );
  const session = `${role} ${worker}`;
  if (code !== PUBLISH_EXIT.published) {
    const said = existsSync(summary) ? readFileSync(summary, 'utf8') : lines.join('\n');
    return { session, refused: [`exit ${code}: ${said}`] };
  }
  const opened = github.api.find((call) => call.method === 'POST' && call.path === PULLS);
  const body = (opened?.body as { body?: string } | undefined)?.body ?? '';
  return { session, waits: waitsOf(body, worker, contractFiles) };
}

/** Why the app would hold the pull request for a person, from its evidence (no evidence: it waits). */
function waitsOf(body: string, worker: string, contractFiles: string[]): string[] {
  const evidence = parseEvidenceMarker(body);
  if (!evidence) return ['its body has no evidence'];
  const wait = autonomyWait(
    makePull({ worker, headSha: evidence.head, evidence }),
    defaultConfig().verification,
    {
      contract: {
        files: [...contractFiles, contractPath(BUILD)],
        granted: worker === CONTRACT_WORKER,
      },
    },
  );
  return wait ? [...wait.classes, ...(wait.why ?? [])] : [];
}

/**
 * The app's squash merge of the pull request the session's publish just
 * opened, as the app then reads it: merged, with the evidence its body carries.
 */
function mergePull(fixture: Fixture, github: FakeGitHub, worker: string, onto: string): PullInfo {
  const opened = github.api.find((call) => call.method === 'POST' && call.path === PULLS);
  const evidence = parseEvidenceMarker((opened?.body as { body?: string } | undefined)?.body ?? '');
  const mergeSha = squashMerge(fixture, worker, onto);
  const headSha = fixture.git(['rev-parse', 'FETCH_HEAD']);
  return makePull({
    worker,
    state: 'merged',
    headSha,
    mergeSha,
    ...(evidence ? { evidence } : {}),
  });
}

/** The app's squash merge of `worker`'s pull request: its head's tree, one commit on `onto`. */
function squashMerge(fixture: Fixture, worker: string, onto: string): string {
  fixture.git(['fetch', '--quiet', fixture.remoteDir, `refs/heads/${workerBranch(BUILD, worker)}`]);
  const tree = fixture.git(['rev-parse', 'FETCH_HEAD^{tree}']);
  const merged = fixture.git(['commit-tree', tree, '-p', onto, '-m', `${worker} (#7)`]);
  fixture.git([
    'push',
    '--quiet',
    fixture.remoteDir,
    `${merged}:refs/heads/${integrationBranch(BUILD)}`,
  ]);
  return merged;
}

/** Failures the scripted model names where the reports judged nothing and it is asked. */
const NAMED = reply(
  toolUse('submit_validation', {
    failures: [{ check: CRITERION, brief: 'greet ignores the name it is given.' }],
  }),
);

/** Milestone 1's validation of the build branch, on a fresh checkout after the job's setup. */
async function validate(
  fixture: Fixture,
  project: Project,
  contractPulls: PullInfo[],
): Promise<Played['validation']> {
  const checkout = join(fixture.root, 'checkout');
  execFileSync(
    'git',
    ['clone', '--quiet', '--branch', integrationBranch(BUILD), fixture.remoteDir, checkout],
    { env: GIT_ENV },
  );
  const jobEnv = await setUpJob(checkout, project.setup);
  const saved = { ...process.env };
  Object.assign(process.env, jobEnv);
  try {
    const { result } = await runSession({
      root: checkout,
      env: {
        BATON_ROLE: 'validate',
        BATON_WORKER: 'M1',
        BATON_ISSUE: '12',
        BATON_BUILD: BUILD,
        GITHUB_REPOSITORY: REPOSITORY,
      },
      routes: { [`GET /repos/${REPOSITORY}/git/matching-refs/baton/${BUILD}/validation/M1`]: [] },
      replies: [NAMED],
    });
    return judged(result.validation, result.reason, contractPulls);
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await removeTempDirs();
  }
}

type Validation = Awaited<ReturnType<typeof runSession>>['result']['validation'];

/**
 * What the validation says of the criterion, as the app counts it. Proven:
 * every check of it was proven by the runner's reports and the milestone
 * passed; or, where no report judged the checks, the milestone passed on the
 * exit status and the run reached none of the work's test-aware code, as the
 * guide then shows the criterion passed. A record whose
 * contract's commits are not the merges of the contract's pull requests that
 * publish judged does not count (`sealBreach`, as the app's snapshot reads it).
 */
function judged(
  validation: Validation,
  reason: string | null,
  contractPulls: PullInfo[],
): Played['validation'] {
  if (!validation) {
    return {
      proven: false,
      passed: false,
      verdict: `no validation: ${reason}`,
      failures: [],
      tail: '',
    };
  }
  const checks = validation.checks?.filter((check) => check.criterion === CRITERION) ?? null;
  const passed =
    validation.failures.length === 0 && (checks !== null || validation.exit_code === 0);
  const verdict =
    checks === null
      ? `exit ${validation.exit_code}, no report (${validation.report ?? 'none'})`
      : checks.map((check) => check.verdict).join(', ') || 'no check';
  const record = {
    contract_commits: validation.contract_commits,
    ...(validation.reverted ? { reverted: validation.reverted } : {}),
  } as ValidationRecord;
  const breach = sealBreach(record, {
    validations: [],
    pulls: contractPulls,
  });
  const proven =
    breach === null &&
    passed &&
    (checks === null
      ? validation.reached === undefined
      : checks.length > 0 && checks.every((check) => check.verdict === 'proven'));
  return {
    proven,
    passed,
    verdict: breach === null ? verdict : `${verdict}; does not count: ${breach}`,
    failures: validation.failures.map((failure) => failure.check),
    tail: validation.tail.slice(-1500),
  };
}
