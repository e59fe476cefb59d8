import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Completion, Usage } from '../../../src/core/records/completion.js';
import { integrationBranch, planPath, workerBranch } from '../../../src/core/vocabulary/ids.js';
import { parseSessionEnv, type SessionEnv } from '../../../src/session/env.js';
import { BUNDLE_FILE, RESULT_FILE, type SessionResult } from '../../../src/session/result.js';
import { makeCompletion as makeWorkerCompletion } from '../../core/factories.js';
import { REQUEST_TOKEN } from './fake-github.js';

export const BUILD = '12-add-login';
export const WORKER = 'W1.1';
export const REPOSITORY = 'acme/app';

export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** A path committed as something other than a plain file: a link, a submodule's commit, or a program (mode 100755). */
export type TreeEntry = { symlink: string } | { gitlink: string } | { executable: string };

/** What a test commits at a path: a file's content, a link or submodule, or null to delete it. */
export type FileContent = string | Uint8Array | null | TreeEntry;

/** A symbolic link to `target`, committed as a link (as `commitAll` keeps the model's links). */
export function symlink(target: string): TreeEntry {
  return { symlink: target };
}

/** A file committed with its executable bit (mode 100755): a program a command may run. */
export function executable(text: string): TreeEntry {
  return { executable: text };
}

/** A submodule entry (mode 160000) pointing at `commit`, which need not exist anywhere. */
export function gitlink(commit: string): TreeEntry {
  return { gitlink: commit };
}

export interface Fixture {
  root: string;
  /** Served over HTTP; holds `acme/app.git`. */
  gitRoot: string;
  /** The bare remote itself, `<gitRoot>/acme/app.git`. */
  remoteDir: string;
  out: string;
  /** The commit the session was dispatched on, and the one before it. */
  base: string;
  parent: string;
  git(args: string[]): string;
  /** Where a branch is on the remote, or null. */
  remoteSha(branch: string): string | null;
  /** Commits as the agent would, on top of `from`, and bundles the result. */
  agentCommit(options: {
    branch: string;
    files: Record<string, FileContent>;
    from?: string;
    /** The commit's message; default `session work`. */
    message?: string;
  }): string;
  writeResult(result: SessionResult | string): void;
  cleanup(): void;
}

/** What a test may change of the fixture: the config on main, fields of the plan. */
export interface FixtureOptions {
  config?: string;
  /** Replaces fields of plan.json (a research build: `{ type: 'research' }`). */
  plan?: Record<string, unknown>;
  /** More files of the base, on every branch (a contract and its checks: `contractOptions`). */
  files?: Record<string, string | { symlink: string }>;
}

/** A fixture's repositories as made once for its options: each test starts from a copy. */
interface Template {
  dir: string;
  base: string;
  parent: string;
}

const templates = new Map<string, Template>();

/**
 * The folders of this process's fixtures are named after it: a test worker is ended without
 * its `exit` event, so the templates it kept for its files (and the copies a test left) are
 * removed by the next process that loads this module, once the process that made them is gone.
 */
const OWN = `baton-test-publish-${process.pid}-`;
const FOLDER = /^baton-test-publish-(\d+)-/;

function removeLeftovers(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(FOLDER.exec(name)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid))
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user's, alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

removeLeftovers();

const runGit = (cwd: string, args: string[]) =>
  execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();

/** Writes `content` at `path` of the work tree `work`, never through a link an earlier commit left. */
function writeAt(
  work: string,
  path: string,
  content: string | Uint8Array | { symlink: string } | { executable: string },
) {
  mkdirSync(dirname(join(work, path)), { recursive: true });
  const link = typeof content === 'object' && 'symlink' in content;
  const there = lstatSync(join(work, path), { throwIfNoEntry: false });
  // A link the commit replaces, or a file it replaces with a link.
  if (there?.isSymbolicLink() || (there && link)) rmSync(join(work, path));
  if (typeof content === 'object' && 'symlink' in content) {
    symlinkSync(content.symlink, join(work, path));
  } else if (typeof content === 'object' && 'executable' in content) {
    writeFileSync(join(work, path), content.executable, { mode: 0o755 });
    chmodSync(join(work, path), 0o755);
  } else writeFileSync(join(work, path), content);
}

/** Makes the remote and the work tree of a fixture in `root` (about ten git commands). */
function makeTemplate(root: string, { config, plan, files = {} }: FixtureOptions): Template {
  const remote = join(root, 'served', 'acme', 'app.git');
  const work = join(root, 'work');
  mkdirSync(remote, { recursive: true });
  mkdirSync(join(root, 'out'));
  const git = (args: string[]) => runGit(work, args);
  runGit(remote, ['init', '--bare', '--quiet', '-b', 'main']);
  runGit(root, ['init', '--quiet', '-b', 'main', work]);
  writeAt(work, 'README.md', '# app\n');
  git(['add', '-A']);
  git(['commit', '--quiet', '-m', 'start']);
  const parent = git(['rev-parse', 'HEAD']);
  writeAt(work, planPath(BUILD), JSON.stringify({ ...makePlan(), ...plan }));
  writeAt(work, 'src/app.ts', 'export const app = 1;\n');
  if (config !== undefined) writeAt(work, '.github/baton.yml', config);
  for (const [path, content] of Object.entries(files)) writeAt(work, path, content);
  git(['add', '-A']);
  git(['commit', '--quiet', '-m', 'plan']);
  const base = git(['rev-parse', 'HEAD']);
  for (const branch of ['main', integrationBranch(BUILD), workerBranch(BUILD, WORKER)]) {
    git(['push', '--quiet', remote, `${base}:refs/heads/${branch}`]);
  }
  return { dir: root, base, parent };
}

/**
 * A remote with main, the build branch and W1.1's branch, all at `base`. The
 * repositories of each set of options are made once per test file and copied
 * for each test.
 */
export function createFixture(options: FixtureOptions = {}): Fixture {
  const key = JSON.stringify([options.config ?? null, options.plan ?? null, options.files ?? null]);
  let template = templates.get(key);
  if (!template) {
    template = makeTemplate(mkdtempSync(join(tmpdir(), `${OWN}template-`)), options);
    templates.set(key, template);
  }
  return copyOf(template);
}

/**
 * A fixture of its own with the repositories `fixture` holds now (its remote's
 * branches, its work tree): set-up played once through publish, then copied
 * for each test that goes on from there.
 */
export function copyFixture(fixture: Fixture): Fixture {
  return copyOf({ dir: fixture.root, base: fixture.base, parent: fixture.parent });
}

function copyOf({ dir, base, parent }: Template): Fixture {
  const root = mkdtempSync(join(tmpdir(), `${OWN}test-`));
  cpSync(dir, root, { recursive: true, verbatimSymlinks: true });
  const gitRoot = join(root, 'served');
  const remote = join(gitRoot, 'acme', 'app.git');
  const work = join(root, 'work');
  const out = join(root, 'out');
  const git = (args: string[]) => runGit(work, args);
  const write = (
    path: string,
    content: string | Uint8Array | { symlink: string } | { executable: string },
  ) => writeAt(work, path, content);
  return {
    root,
    gitRoot,
    remoteDir: remote,
    out,
    base,
    parent,
    git,
    remoteSha(branch) {
      const listed = runGit(root, ['ls-remote', remote, `refs/heads/${branch}`]);
      return listed ? (listed.split('\t')[0] ?? null) : null;
    },
    agentCommit({ branch, files, from = base, message = 'session work' }) {
      git(['checkout', '--quiet', '-B', branch, from]);
      const gitlinks: Array<[string, string]> = [];
      for (const [path, content] of Object.entries(files)) {
        if (content === null) git(['rm', '--quiet', path]);
        else if (typeof content === 'object' && 'gitlink' in content) {
          gitlinks.push([path, content.gitlink]);
        } else write(path, content);
      }
      git(['add', '-A']);
      for (const [path, commit] of gitlinks) {
        git(['update-index', '--add', '--cacheinfo', `160000,${commit},${path}`]);
      }
      git(['commit', '--quiet', '-m', message]);
      // An empty folder is how a checkout leaves a submodule it did not clone.
      for (const [path] of gitlinks) mkdirSync(join(work, path), { recursive: true });
      // As the agent job does: the commits on top of the base, under HEAD.
      git(['bundle', 'create', '--quiet', join(out, BUNDLE_FILE), `${from}..HEAD`]);
      return git(['rev-parse', 'HEAD']);
    },
    writeResult(result) {
      const text = typeof result === 'string' ? result : JSON.stringify(result);
      writeFileSync(join(out, RESULT_FILE), text);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** plan.json of the one-worker build the fixture's repository carries. */
export function makePlan() {
  return {
    version: 1,
    build: BUILD,
    issue: 12,
    title: 'Add a login page',
    summary: 'One worker adds the form.',
    workers: [{ id: WORKER, title: 'Add the login form', depends_on: [], complexity: 'normal' }],
  };
}

export type Files = Record<string, FileContent>;

/**
 * What W1.1's work session leaves for publish: `files` committed on its branch (or each of
 * `steps` in turn), bundled from `from` (the dispatched base unless given), and its complete
 * result naming them (`result` changes it). Answers the head.
 */
export function workSession(
  fixture: Fixture,
  steps: Files | Files[],
  {
    from = fixture.base,
    result = {},
    message,
    worker = WORKER,
  }: {
    from?: string;
    result?: Partial<SessionResult>;
    message?: string;
    /** The worker whose branch the session commits on; W1.1 unless told. */
    worker?: string;
  } = {},
): string {
  let head = from;
  for (const files of Array.isArray(steps) ? steps : [steps]) {
    const branch = workerBranch(BUILD, worker);
    head = fixture.agentCommit({ branch, from: head, files, ...(message ? { message } : {}) });
  }
  // Every commit since `from`, as the agent job bundles them (each agentCommit bundled its own).
  fixture.git(['bundle', 'create', '--quiet', join(fixture.out, BUNDLE_FILE), `${from}..HEAD`]);
  fixture.writeResult(makeResult({ base: from, head, completion: makeCompletion(), ...result }));
  return head;
}

/**
 * What W1.1's fix session leaves for publish: `files` committed on top of where its branch is on
 * the remote (an earlier publish's head), its result a `fix` of PR #7. Publish it with
 * `FIX_ENV`. Answers the head.
 */
export function fixSession(
  fixture: Fixture,
  steps: Files | Files[],
  { result = {} }: { result?: Partial<SessionResult> } = {},
): string {
  const from = fixture.remoteSha(workerBranch(BUILD, WORKER)) ?? fixture.base;
  return workSession(fixture, steps, { from, result: { role: 'fix', pr: 7, ...result } });
}

/** The environment of W1.1's fix run for PR #7. */
export const FIX_ENV = { BATON_ROLE: 'fix', BATON_PR: '7' };

/**
 * What a plan session leaves for publish: `files` committed on the build branch on top of
 * `from` (the dispatched base unless given), and its result naming them (`result` changes
 * it). Answers the head.
 */
export function planSession(
  fixture: Fixture,
  files: Files,
  { from = fixture.base, result = {} }: { from?: string; result?: Partial<SessionResult> } = {},
): string {
  const branch = integrationBranch(BUILD);
  const head = fixture.agentCommit({ branch, from, files });
  fixture.writeResult(
    makeResult({ role: 'plan', worker: null, branch, base: from, head, ...result }),
  );
  return head;
}

export function makeUsage(overrides: Partial<Usage> = {}): Usage {
  return {
    input_tokens: 1200,
    output_tokens: 340,
    cache_read_input_tokens: 5000,
    cache_creation_input_tokens: 800,
    cost_usd: 0.1234,
    turns: 7,
    seconds: 95,
    ...overrides,
  };
}

/** W1.1's report of the login form (the core's `makeCompletion`), with a concern, a decision and a follow-up. */
export function makeCompletion(overrides: Partial<Completion> = {}): Completion {
  return makeWorkerCompletion({
    worker_id: WORKER,
    summary: 'Added the login form and its tests.',
    artifacts: ['src/login.ts'],
    concerns: ['The form has no rate limit yet.'],
    decisions: ['Used the existing router.'],
    follow_up: ['Add a rate limit.'],
    usage: makeUsage(),
    ...overrides,
  });
}

export function makeResult(overrides: Partial<SessionResult> = {}): SessionResult {
  return {
    role: 'work',
    build: BUILD,
    worker: WORKER,
    pr: null,
    status: 'complete',
    limit: null,
    limit_usd: null,
    needed_usd: null,
    messages: [],
    reason: null,
    branch: workerBranch(BUILD, WORKER),
    base: null,
    head: null,
    usage: makeUsage(),
    tools: [],
    engine: 'baton',
    completion: null,
    plan: null,
    review: null,
    existing_review: null,
    gone_head: null,
    synthesis: null,
    validation: null,
    existing_validation: null,
    moved_head: null,
    twin_went_first: null,
    blocked: [],
    lessons: null,
    ...overrides,
  };
}

/** The session's environment as the workflow sets it, pointed at the fake server. */
export function makeEnv({
  fixture,
  serverUrl,
  overrides = {},
}: {
  fixture: Fixture;
  serverUrl: string;
  overrides?: Record<string, string | undefined>;
}): SessionEnv {
  const parsed = parseSessionEnv({
    BATON_ROLE: 'work',
    BATON_BUILD: BUILD,
    BATON_ISSUE: '12',
    BATON_WORKER: WORKER,
    BATON_OUT: fixture.out,
    BATON_APP_URL: `${serverUrl}/app`,
    GITHUB_API_URL: `${serverUrl}/api/v3`,
    GITHUB_SERVER_URL: serverUrl,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_WORKSPACE: join(fixture.root, 'no-checkout'),
    ACTIONS_ID_TOKEN_REQUEST_URL: `${serverUrl}/oidc?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.env;
}
