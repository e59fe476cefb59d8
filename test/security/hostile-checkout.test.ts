import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type FakeReply, type Respond, reply, text, toolUse } from '../../sim/fake-anthropic.js';
import { contractPath } from '../../src/core/plan/contract.js';
import type { CodingEngine } from '../../src/core/sessions/engines.js';
import { completionPath, planPath, workerFindingsPath } from '../../src/core/vocabulary/ids.js';
import { ENGINE_KITS } from '../../src/session/agent/engines/engine-registry.js';
import { findProgram, SYSTEM_PATH } from '../../src/session/programs.js';
import { PUBLISH_EXIT } from '../../src/session/publish/run-publish.js';
import type { SessionResult } from '../../src/session/result.js';
import {
  BUILD,
  briefFile,
  buildRepo,
  completes,
  gitIn,
  loopRoutes,
  makeRepo,
  makeTempDir,
  planJson,
  REPOSITORY,
  removeTempDirs,
  reviewedPullRoutes,
  reviewRoutes,
  runSession,
  toolResultsSeen,
  workerRepo,
} from '../session/agent-fixtures.js';
import { workSession } from '../session/publish/fixture.js';
import { usePublishHarness } from '../session/publish/harness.js';
import { NOT_ROOT, NOT_ROOT_REASON, removeUser, throwawayUser } from './confine-fixtures.js';
import { ENGINE_CASE_LIMIT_MS, engineSession } from './engine-fixtures.js';

/**
 * Issue: a worker may commit programs named like the ones Baton and its
 * engines start by name (`node_modules/.bin/node`, `git`, `npm`, `gzip`…), and a
 * step before the session may put the checkout's `node_modules/.bin` on the
 * job's PATH, relative (`node_modules/.bin`, searched from the working
 * directory, which is the checkout) or absolute. Every later session of every
 * role runs over that branch. Each planted program here leaves its name in a
 * marker outside the checkout when the job's user runs it (Baton's own
 * processes, and the model's commands where nothing confines them), and in
 * `.planted-ran` of its working directory and on stderr inside the sandbox,
 * then runs the real program, as an attacker's would.
 */
const PLANTED = [
  'node',
  'npm',
  'npx',
  'git',
  'gzip',
  'tar',
  'sh',
  'bash',
  'env',
  'id',
  'chmod',
  'timeout',
  'sudo',
  'rg',
  'true',
  'rm',
  'ip',
  'nsenter',
  'setpriv',
  'prlimit',
  'bwrap',
];

const SIGN = 'PLANTED-RAN';
const INSIDE = '.planted-ran';

afterEach(removeTempDirs);

/** A folder anyone may write to, outside every checkout: where a planted program run outside the sandbox leaves its name. */
async function markerFile(): Promise<string> {
  const dir = await makeTempDir('baton-planted-proof-');
  chmodSync(dir, 0o1777);
  return path.join(dir, 'ran');
}

/** A program of each name, each leaving proof, then running the real one: the files of `node_modules/.bin`. */
function plantedFiles(marker: string): Record<string, string> {
  const sh = findProgram('sh', SYSTEM_PATH) ?? '/bin/sh';
  const files: Record<string, string> = {};
  for (const name of PLANTED) {
    const real = findProgram(name, SYSTEM_PATH);
    if (!real) continue;
    files[`node_modules/.bin/${name}`] =
      `#!${sh}\necho "${name}" >> ${marker} 2>/dev/null\necho "${name}" >> "$PWD/${INSIDE}" 2>/dev/null\necho "${SIGN} ${name}" >&2\nexec ${real} "$@"\n`;
  }
  return files;
}

/** Makes the planted programs of the work tree at `root` runnable. */
function makeRunnable(root: string, files: Record<string, string>): void {
  for (const name of Object.keys(files)) chmodSync(path.join(root, name), 0o755);
}

/** The worker's commit: the planted programs in `node_modules/.bin`. */
function plantPrograms(root: string, marker: string): void {
  const files = plantedFiles(marker);
  for (const [name, text] of Object.entries(files)) {
    execFileSync('mkdir', ['-p', path.dirname(path.join(root, name))]);
    writeFileSync(path.join(root, name), text);
  }
  makeRunnable(root, files);
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', 'W1.1: tools');
}

/**
 * The session's PATH as a setup step may leave it: the checkout's `node_modules/.bin` first,
 * relative (searched from the working directory) and, given `root`, absolute.
 */
function hostilePath(root?: string): string {
  const absolute = root ? `${path.join(root, 'node_modules', '.bin')}:` : '';
  return `node_modules/.bin:${absolute}${process.env.PATH}`;
}

/** What each role's model hands in; a role with the bash tool runs commands by name first. */
interface RoleCase {
  role: string;
  repo: () => Promise<{ root: string }>;
  env: Record<string, string>;
  routes?: Record<string, unknown>;
  /** What the model does before it hands in, after its commands. */
  steps?: () => FakeReply[];
  /** The role's hand-in, made anew each time (none: the role asks no model). */
  submit?: () => FakeReply;
  /** What the session did, for a case that must not pass by doing nothing. */
  did: (result: SessionResult) => void;
}

/** Its test script fails, so what ran it is in the output Baton keeps. */
const PACKAGE = {
  'package.json': `${JSON.stringify({ scripts: { test: 'echo tests; exit 1' } })}\n`,
};

const PLAN = planJson({
  criteria: ['npm test passes'],
  workers: [
    { id: 'W0.1', title: 'Contract: checks', contract: true },
    { id: 'W1.1', title: 'Greeting', depends_on: ['W0.1'], criteria: ['greets'] },
  ],
});

const CONTRACT = {
  command: 'git --version && npm --version && node --test test/',
  files: ['test/greet.test.js'],
  checks: [{ criterion: 'W1.1:1', file: 'test/greet.test.js', name: 'greets' }],
  unchecked: [{ criterion: 'build:1', why: 'the whole suite is the build’s' }],
};

/** The session ended well, its role done. */
function completed(result: SessionResult): void {
  expect(result.status, result.reason ?? '').toBe('complete');
}

/** The session ended well, and Baton ran the repository's tests (`npm test`) before taking its report. */
function testedAndCompleted(result: SessionResult): void {
  completed(result);
  expect(result.completion?.tests).toMatchObject({ status: 'failed', command: 'npm test' });
}

const ROLES: RoleCase[] = [
  {
    role: 'plan',
    did: completed,
    repo: () => buildRepo({ 'README.md': '# demo\n' }),
    env: { BATON_ROLE: 'plan', BATON_ISSUE: '12' },
    routes: { [`GET /repos/${REPOSITORY}/issues/12`]: { number: 12, title: 'Greet', body: 'Hi.' } },
    submit: () =>
      reply(
        toolUse('submit_plan', {
          title: 'Greeting',
          summary: 'One worker.',
          workers: [
            {
              id: 'W1.1',
              title: 'Greet',
              depends_on: [],
              complexity: 'normal',
              brief: '## Mission\n\nGreet.\n\n## Success criteria\n\n- [ ] greets\n',
            },
          ],
        }),
      ),
  },
  {
    role: 'work',
    did: testedAndCompleted,
    repo: () => workerRepo({ files: PACKAGE }),
    env: { BATON_ROLE: 'work', BATON_WORKER: 'W1.1' },
    submit: () => completes(),
  },
  {
    role: 'contract',
    did: completed,
    repo: () =>
      workerRepo({
        worker: 'W0.1',
        brief: briefFile({ worker: 'W0.1' }),
        files: { [planPath(BUILD)]: PLAN, ...PACKAGE },
      }),
    env: { BATON_ROLE: 'contract', BATON_WORKER: 'W0.1' },
    steps: () => [
      reply(
        toolUse('str_replace_based_edit_tool', {
          command: 'create',
          path: 'test/greet.test.js',
          file_text: "import test from 'node:test';\ntest('greets', () => {});\n",
        }),
      ),
    ],
    submit: () =>
      reply(
        toolUse('submit_contract', {
          status: 'complete',
          summary: 'One check.',
          artifacts: ['test/greet.test.js'],
          contract: CONTRACT,
        }),
      ),
  },
  {
    role: 'review',
    did: completed,
    repo: () => workerRepo({ files: PACKAGE }),
    env: { BATON_ROLE: 'review', BATON_WORKER: 'W1.1', BATON_PR: '5' },
    routes: reviewedPullRoutes({
      head: 'a'.repeat(40),
      files: [
        {
          filename: 'README.md',
          status: 'modified',
          additions: 1,
          deletions: 0,
          patch: '@@ -1 +1 @@\n+x',
        },
      ],
    }),
    submit: () => reply(toolUse('submit_review', { verdict: 'approve', body: 'Good.' })),
  },
  {
    role: 'fix',
    did: testedAndCompleted,
    repo: () =>
      workerRepo({
        files: {
          ...PACKAGE,
          [completionPath(BUILD, 'W1.1')]: JSON.stringify({
            worker_id: 'W1.1',
            status: 'complete',
            summary: 'First attempt.',
          }),
        },
      }),
    env: { BATON_ROLE: 'fix', BATON_WORKER: 'W1.1', BATON_PR: '5', BATON_TRIGGER: 'review-901' },
    routes: reviewRoutes({ body: 'Please add tests.' }),
    submit: () => completes({ summary: 'Answered the review.' }),
  },
  {
    role: 'research',
    did: completed,
    repo: () => buildRepo({ 'README.md': '# demo\n' }),
    env: {
      BATON_ROLE: 'research',
      BATON_WORKER: 'L1',
      BATON_ISSUE: '12',
      BATON_TRIGGER: 'comment-777',
    },
    routes: loopRoutes('/improve 2 clearer errors'),
    submit: () =>
      reply(toolUse('submit_research', { findings: 'Nothing.', nothing_worth_doing: true })),
  },
  {
    role: 'summary',
    did: completed,
    repo: () => buildRepo({ 'README.md': '# demo\n' }),
    env: { BATON_ROLE: 'summary', BATON_WORKER: 'L1', BATON_ISSUE: '12' },
    routes: loopRoutes('/improve 2 clearer errors'),
    submit: () => reply(toolUse('submit_summary', { summary: 'Done.' })),
  },
  {
    role: 'synthesis',
    did: completed,
    repo: () =>
      buildRepo({
        [planPath(BUILD)]: planJson({ type: 'research' }),
        [workerFindingsPath(BUILD, 'W1.1')]: 'Findings.\n',
      }),
    env: { BATON_ROLE: 'synthesis', BATON_ISSUE: '12' },
    submit: () =>
      reply(
        toolUse('submit_synthesis', {
          report: '# Report\n\nDone.',
          summary: 'Done.',
          follow_up: [],
        }),
      ),
  },
  {
    role: 'validate',
    repo: () =>
      buildRepo({
        [planPath(BUILD)]: planJson(),
        [contractPath(BUILD)]: JSON.stringify({
          version: 1,
          ...CONTRACT,
          command: 'git --version && npm --version; exit 3',
        }),
      }),
    env: { BATON_ROLE: 'validate', BATON_WORKER: 'M1', BATON_ISSUE: '12' },
    routes: { [`GET /repos/${REPOSITORY}/git/matching-refs/baton/${BUILD}/validation/M1`]: [] },
    submit: () =>
      reply(
        toolUse('submit_validation', { failures: [{ check: 'command', brief: 'It exits 3.' }] }),
      ),
    did: (result) => {
      expect(result.validation?.exit_code).toBe(3);
      expect(result.validation?.tail).toContain('git version');
    },
  },
  {
    role: 'learn',
    did: completed,
    repo: () => makeRepo({ files: { 'README.md': '# demo\n' } }),
    env: { BATON_ROLE: 'learn', BATON_ISSUE: '12' },
    routes: {
      [`GET /repos/${REPOSITORY}/pulls`]: [],
      [`GET /repos/${REPOSITORY}/issues/12/comments`]: [],
    },
  },
];

/** The model: runs commands by name where it has a shell, takes the role's steps, then hands in (again, while the tests fail). */
function modelOf(spec: RoleCase): Respond {
  let steps: FakeReply[] | null = null;
  return (request) => {
    if (steps === null) {
      const shell = (request.body.tools ?? []).some((tool) => tool.name === 'bash');
      steps = [
        ...(shell
          ? [
              reply(
                toolUse('bash', { command: 'git status --short; npm --version; node --version' }),
              ),
            ]
          : []),
        ...(spec.steps?.() ?? []),
      ];
    }
    return steps.shift() ?? spec.submit?.() ?? reply(text('Nothing to do.'));
  };
}

/** Everything a session left that a planted program run inside its sandbox could have written to. */
function sessionText(result: SessionResult, seen: string): string {
  return [seen, JSON.stringify(result)].join('\n');
}

/** Runs `role` over a checkout holding the planted programs, with the hostile PATH, as `user` (none: unconfined). */
async function hostileSession(
  spec: RoleCase,
  user: string | undefined,
): Promise<{ marker: string; result: SessionResult; root: string; text: string }> {
  const marker = await markerFile();
  const { root } = await spec.repo();
  plantPrograms(root, marker);
  execFileSync('chmod', ['-R', 'a+rX,go-w', '--', root]);
  const testPath = process.env.PATH;
  process.env.PATH = hostilePath(root);
  try {
    const run = await runSession({
      root,
      env: { ...spec.env, ...(user ? { BATON_TOOL_USER: user } : {}) },
      ...(spec.routes ? { routes: spec.routes } : {}),
      respond: modelOf(spec),
    });
    return {
      marker,
      result: run.result,
      root,
      text: sessionText(run.result, toolResultsSeen(run.requests)),
    };
  } finally {
    process.env.PATH = testPath;
  }
}

function ranOutside(marker: string): string {
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'nothing';
}

/** What of the planted programs the session's commits carry the proof of. */
function ranInside(root: string, result: SessionResult): string {
  if (!result.head) return 'nothing';
  try {
    return gitIn(root, 'show', `${result.head}:${INSIDE}`);
  } catch {
    return 'nothing';
  }
}

describe('a worker’s programs in the checkout, with its node_modules/.bin on PATH', () => {
  it.each(ROLES.map((spec) => [spec.role, spec] as const))(
    'never run in a %s session, nor in what it runs unconfined',
    async (_role, spec) => {
      const { marker, result, root, text } = await hostileSession(spec, undefined);
      spec.did(result);
      expect(ranOutside(marker)).toBe('nothing');
      expect(ranInside(root, result)).toBe('nothing');
      expect(text).not.toContain(SIGN);
    },
    120_000,
  );
});

const CONFINED = ROLES.filter((spec) =>
  ['work', 'fix', 'contract', 'validate'].includes(spec.role),
);
const USER = throwawayUser('h');

describe.skipIf(NOT_ROOT)(`the same, confined (${NOT_ROOT_REASON})`, () => {
  afterAll(() => removeUser(USER));

  it.each(CONFINED.map((spec) => [spec.role, spec] as const))(
    'never run in a %s session’s sandbox, where its commands and tests run',
    async (_role, spec) => {
      const { marker, result, root, text } = await hostileSession(spec, USER);
      spec.did(result);
      expect(ranOutside(marker)).toBe('nothing');
      expect(ranInside(root, result)).toBe('nothing');
      expect(text).not.toContain(SIGN);
    },
    180_000,
  );

  it.each(Object.keys(ENGINE_KITS) as CodingEngine[])(
    'never run by %s (its own git and shell), nor by its install',
    async (engine) => {
      const marker = await markerFile();
      const testPath = process.env.PATH;
      const run = await engineSession({
        engine,
        user: USER,
        commands: ['git status --short; npm --version'],
        // Tests that pass: the engine hands in once.
        files: { 'package.json': `${JSON.stringify({ scripts: { test: 'echo tests' } })}\n` },
        prepare: (root) => {
          plantPrograms(root, marker);
          // Relative alone: the test's own commands after this (chmod) run from its folder.
          process.env.PATH = hostilePath();
        },
      }).finally(() => {
        process.env.PATH = testPath;
      });
      expect(run.result.status).toBe('complete');
      expect(ranOutside(marker)).toBe('nothing');
      expect(ranInside(run.root, run.result)).toBe('nothing');
      expect(sessionText(run.result, run.seen)).not.toContain(SIGN);
    },
    ENGINE_CASE_LIMIT_MS,
  );
});

describe('a worker’s programs in what its session leaves for publish', () => {
  const h = usePublishHarness();

  it('never run in publish, which runs git by absolute path', async () => {
    const marker = await markerFile();
    const files = plantedFiles(marker);
    workSession(h.fixture, files);
    // The work tree holds the session's commit: its programs, runnable, first on the job's PATH.
    const work = path.join(h.fixture.root, 'work');
    makeRunnable(work, files);
    const testPath = process.env.PATH;
    process.env.PATH = hostilePath(work);
    try {
      expect(await h.publish({ GITHUB_WORKSPACE: work })).toBe(PUBLISH_EXIT.published);
    } finally {
      process.env.PATH = testPath;
    }
    expect(ranOutside(marker)).toBe('nothing');
  });
});
