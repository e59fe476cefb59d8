import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type CapturedRequest,
  type FakeAnthropic,
  type FakeReply,
  lastToolResults,
  type Respond,
  reply,
  scripted,
  startFakeAnthropic,
  toolUse,
} from '../../sim/fake-anthropic.js';
import { briefPath, integrationBranch, workerBranch } from '../../src/core/vocabulary/ids.js';
import { type RunAgentOptions, runAgent } from '../../src/session/agent/run-agent.js';
import { parseSessionEnv, type SessionEnv } from '../../src/session/env.js';
import { RESULT_FILE, SessionResult } from '../../src/session/result.js';
import { closeServer, listenLocally } from '../support/local-server.js';

/**
 * Shared support of the agent tests: real git repositories, a fake GitHub, session envs,
 * and `runSession`, which plays one session against a scripted model.
 */

export const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...IDENTITY },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

const cleanups: string[] = [];

export async function makeTempDir(prefix = 'baton-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(dir);
  return dir;
}

/** Removes every folder made by makeTempDir; call in afterEach. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
}

/** A repository with one commit of `files`, checked out on `branch`; answers its path and head. */
export async function makeRepo({
  files = { 'README.md': '# demo\n' },
  branch = 'main',
}: {
  files?: Record<string, string>;
  branch?: string;
} = {}): Promise<{ root: string; base: string }> {
  const root = await makeTempDir('baton-repo-');
  gitIn(root, 'init', '-q', '-b', branch);
  await writeFiles(root, files);
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '-m', 'initial');
  return { root, base: gitIn(root, 'rev-parse', 'HEAD') };
}

export const BUILD = '12-add-greeting';
export const REPOSITORY = 'octo/demo';
export const API_KEY = 'sk-ant-test-key-0123456789';

/** The checkout of a build branch's session (plan, synthesis, a loop's): `files` at one commit. */
export function buildRepo(
  files: Record<string, string> = { 'README.md': '# demo\n' },
): Promise<{ root: string; base: string }> {
  return makeRepo({ branch: integrationBranch(BUILD), files });
}

/**
 * The checkout of a worker's session: its branch, its brief (`briefFile` unless given), and
 * `.github/baton.yml` when `config` is given, beside `files`.
 */
export function workerRepo({
  worker = 'W1.1',
  brief = briefFile({ worker }),
  config,
  files = {},
}: {
  worker?: string;
  brief?: string;
  config?: string;
  files?: Record<string, string>;
} = {}): Promise<{ root: string; base: string }> {
  return makeRepo({
    branch: workerBranch(BUILD, worker),
    files: {
      [briefPath(BUILD, worker)]: brief,
      ...(config ? { '.github/baton.yml': config } : {}),
      ...files,
    },
  });
}

/**
 * A worker's checkout as the agent job has it in Actions: a remote whose default branch
 * `main` holds `defaultFiles` and whose worker branch adds its brief and `files` on top,
 * fetched whole (`fetch-depth: 0`) and checked out on the worker branch; `eventPath` is the
 * run's event payload naming `main` (GITHUB_EVENT_PATH), so the session steers from it.
 */
export async function workerCheckout({
  worker = 'W1.1',
  defaultFiles = { 'README.md': '# demo\n' },
  files = {},
}: {
  worker?: string;
  defaultFiles?: Record<string, string>;
  files?: Record<string, string>;
} = {}): Promise<{ root: string; base: string; eventPath: string }> {
  const branch = workerBranch(BUILD, worker);
  const origin = await makeRepo({ files: defaultFiles });
  gitIn(origin.root, 'checkout', '-q', '-b', branch);
  await writeFiles(origin.root, { [briefPath(BUILD, worker)]: briefFile({ worker }), ...files });
  gitIn(origin.root, 'add', '-A');
  gitIn(origin.root, 'commit', '-q', '-m', `${worker}: work`);
  gitIn(origin.root, 'checkout', '-q', 'main');
  const { root, eventPath } = await actionsCheckout(origin.root, branch);
  return { root, base: gitIn(root, 'rev-parse', 'HEAD'), eventPath };
}

/**
 * A branch of `origin` checked out as the agent job has it in Actions: the remote fetched
 * whole (`fetch-depth: 0`), the branch checked out; `eventPath` is the run's event payload
 * naming `main` as the default branch (GITHUB_EVENT_PATH).
 */
export async function actionsCheckout(
  origin: string,
  branch: string,
): Promise<{ root: string; eventPath: string }> {
  const root = await makeTempDir('baton-checkout-');
  gitIn(root, 'init', '-q');
  gitIn(root, 'remote', 'add', 'origin', origin);
  gitIn(root, 'fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*');
  gitIn(root, 'checkout', '-q', '-B', branch, `refs/remotes/origin/${branch}`);
  const eventPath = path.join(await makeTempDir('baton-event-'), 'event.json');
  await writeFile(eventPath, JSON.stringify({ repository: { default_branch: 'main' } }));
  return { root, eventPath };
}

/** plan.json of a one-worker build, as its plan session committed it; `fields` win. */
export function planJson(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: 1,
    build: BUILD,
    issue: 12,
    title: 'Providers',
    summary: 'One question.',
    workers: [{ id: 'W1.1', title: 'Which providers' }],
    ...fields,
  });
}

/** The fake GitHub's answer to a session reading the comment `id` (a command's, by its trigger). */
export function commentRoute(id: number, body: string, login = 'maria') {
  return { [`GET /repos/${REPOSITORY}/issues/comments/${id}`]: { id, body, user: { login } } };
}

/**
 * The fake GitHub's answers to a fix session reading review 901 of pull request #5 (`review-901`)
 * and its inline comments: changes requested by Baton's bot, unless told otherwise.
 */
export function reviewRoutes({
  body,
  state = 'CHANGES_REQUESTED',
  user = { login: 'baton[bot]' },
  comments = [],
}: {
  body: string;
  state?: string;
  user?: { login: string } | null;
  comments?: { path: string; line: number; body: string }[];
}) {
  const review = `GET /repos/${REPOSITORY}/pulls/5/reviews/901`;
  return { [review]: { id: 901, body, state, user }, [`${review}/comments`]: comments };
}

/** The model's reply that hands in the worker's completion: complete, "Done.", unless `fields` say otherwise. */
export function completes(fields: Record<string, unknown> = {}): FakeReply {
  return reply(toolUse('submit_completion', { status: 'complete', summary: 'Done.', ...fields }));
}

/** What GitHub answers an improvement loop's session of issue 12: the issue, and the `/improve` comment 777. */
export function loopRoutes(command: string) {
  return {
    [`GET /repos/${REPOSITORY}/issues/12`]: { number: 12, title: 'Friendlier CLI', body: '' },
    ...commentRoute(777, command),
  };
}

/** Loop 1's research session, started by `command` in comment 777: its environment and GitHub's answers. */
export function loopResearch(command: string) {
  return {
    env: {
      BATON_ROLE: 'research',
      BATON_WORKER: 'L1',
      BATON_ISSUE: '12',
      BATON_TRIGGER: 'comment-777',
    },
    routes: loopRoutes(command),
  };
}

/** W1.1's pull request #5 at `head`, changing `files`, as GitHub answers its review session. */
export function reviewedPullRoutes({ head, files }: { head: string; files: unknown[] }) {
  return {
    [`GET /repos/${REPOSITORY}/pulls/5`]: {
      number: 5,
      title: 'W1.1',
      state: 'open',
      merged: false,
      head: { sha: head, ref: workerBranch(BUILD, 'W1.1') },
      base: { ref: integrationBranch(BUILD) },
    },
    [`GET /repos/${REPOSITORY}/pulls/5/files`]: files,
    [`GET /repos/${REPOSITORY}/pulls/5/reviews`]: [] as unknown[],
  };
}

/** What one session did: its exit code and result, and what the model and GitHub were asked. */
export interface SessionRun {
  /** `runAgent`'s exit code: 1 for a failed session. */
  code: number;
  result: SessionResult;
  /** Every request the model was sent, in order. */
  requests: CapturedRequest[];
  /** `METHOD path` of every request the fake GitHub had (none without `routes`). */
  githubRequests: string[];
  out: string;
}

/** What a test says of one session: where it runs, its variables, the model's script, GitHub's answers. */
export interface SessionSpec {
  root: string;
  env?: Record<string, string | undefined>;
  replies?: FakeReply[];
  respond?: Respond;
  /** A fake model the test started and closes itself, instead of `replies` or `respond`. */
  model?: FakeAnthropic;
  routes?: Record<string, unknown>;
  options?: RunAgentOptions;
}

/**
 * One agent session, as its job runs it: `runAgent` in the checkout at `root`, against a
 * fake model that answers with `replies` in turn (or `respond`, or the test's own `model`)
 * and, given `routes`, a fake GitHub that answers them; what it started is closed when it ends. `env` adds the role's variables
 * to `makeEnv`'s (undefined removes one), `options` to `quiet`. Without BATON_TOOL_USER the
 * model's commands run unconfined (`unconfined`): these tests are of the agent, the sandbox's
 * are in test/security/confine-*; `options: { unconfined: false }` plays the CLI's rule.
 */
export async function runSession({
  root,
  env = {},
  replies = [],
  respond = scripted(replies),
  model: given,
  routes,
  options = {},
}: SessionSpec): Promise<SessionRun> {
  const out = await makeTempDir('baton-out-');
  const model = given ?? (await startFakeAnthropic({ respond }));
  const github = routes ? await startFakeGitHub(routes) : null;
  try {
    const code = await runAgent(
      makeEnv({
        GITHUB_WORKSPACE: root,
        BATON_OUT: out,
        ANTHROPIC_BASE_URL: model.url,
        ...(github ? { GITHUB_API_URL: github.url } : {}),
        ...env,
      }),
      { ...quiet, unconfined: true, ...options },
    );
    return {
      code,
      result: await readResult(out),
      requests: model.requests,
      githubRequests: github?.requests ?? [],
      out,
    };
  } finally {
    await Promise.all([given ? undefined : model.close(), github?.close()]);
  }
}

/** A checked session env; `overrides` win. */
export function makeEnv(overrides: Record<string, string | undefined>): SessionEnv {
  const parsed = parseSessionEnv({
    BATON_ROLE: 'work',
    BATON_BUILD: BUILD,
    BATON_OUT: '/nonexistent',
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_WORKSPACE: '/nonexistent',
    GITHUB_TOKEN: 'ghs_readonlytoken0123456789',
    ANTHROPIC_API_KEY: API_KEY,
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.env;
}

export async function readResult(out: string): Promise<SessionResult> {
  return SessionResult.parse(JSON.parse(await readFile(path.join(out, RESULT_FILE), 'utf8')));
}

/** A brief file with front matter; `sentinel` marks its body so tests can tell whether it was inlined. */
export function briefFile({
  worker = 'W1.1',
  dependsOn = [] as string[],
  complexity = 'normal',
  sentinel = 'BRIEF-BODY-SENTINEL',
} = {}): string {
  return [
    '---',
    `worker_id: ${worker}`,
    'title: Add a greeting',
    `wave: ${Number(worker.slice(1, worker.indexOf('.')))}`,
    `depends_on: [${dependsOn.join(', ')}]`,
    `complexity: ${complexity}`,
    '---',
    '',
    `## Mission\n\nAdd a greeting. ${sentinel}\n\n## Success criteria\n\n- [ ] greeting.txt exists\n`,
  ].join('\n');
}

export interface FakeGitHub {
  url: string;
  /** `GET <path>` of every request, query left out. */
  requests: string[];
  /** The answers by `METHOD path`; a test may change them between requests. */
  routes: Record<string, unknown>;
  close(): Promise<void>;
}

/** A plan session's issue history when the test names none: never edited, never renamed. */
export const NEVER_EDITED = issueHistory({});

/** The answer to the plan session's `BatonIssueHistory` query. */
export function issueHistory({
  lastEdit,
  renames = [],
  labels = [],
}: {
  lastEdit?: { at: string; login: string };
  renames?: { at: string; login: string }[];
  labels?: { at: string; login: string; label?: string }[];
}) {
  return {
    data: {
      repository: {
        issue: {
          lastEditedAt: lastEdit?.at ?? null,
          editor: lastEdit ? { login: lastEdit.login } : null,
          timelineItems: {
            nodes: [
              ...labels.map((event) => ({
                __typename: 'LabeledEvent',
                createdAt: event.at,
                actor: { login: event.login },
                label: { name: event.label ?? 'orchestrate' },
              })),
              ...renames.map((rename) => ({
                __typename: 'RenamedTitleEvent',
                createdAt: rename.at,
                actor: { login: rename.login },
              })),
            ],
          },
        },
      },
    },
  };
}

/** A tiny GitHub REST API: `routes` maps `GET /repos/...` (without query) to a JSON body or a status. */
export async function startFakeGitHub(routes: Record<string, unknown>): Promise<FakeGitHub> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    requests.push(key);
    const body = routes[key] ?? (key === 'POST /graphql' ? NEVER_EDITED : undefined);
    // An answer `{ status: 404 }` is an error; a body whose `status` is a word (a comparison's) is not.
    const failing =
      typeof body === 'object' &&
      body !== null &&
      typeof (body as { status?: unknown }).status === 'number';
    if (body === undefined || failing) {
      const status = (body as { status?: number } | undefined)?.status ?? 404;
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return { url: await listenLocally(server), requests, routes, close: () => closeServer(server) };
}

/** Everything a request carried, as text: for "this never reached the model" checks. */
export function requestText(request: { body: unknown }): string {
  return JSON.stringify(request.body);
}

/** The first user message of a request: the session's prompt. */
export function promptOf(request: { body: { messages: { content: unknown }[] } }): string {
  return JSON.stringify(request.body.messages[0]?.content);
}

/** The prompt's text as the model reads it, its blocks joined. */
export function promptText(request: Parameters<typeof promptOf>[0]): string {
  const content = JSON.parse(promptOf(request)) as unknown;
  return typeof content === 'string'
    ? content
    : (content as { text?: string }[]).map((block) => block.text ?? '').join('\n');
}

/** Every tool result the model was sent back (what its commands printed), joined. */
export function toolResultsSeen(requests: CapturedRequest[]): string {
  return requests
    .slice(1)
    .flatMap((request) => lastToolResults(request).map((r) => String(r.content)))
    .join('\n');
}

/** No log lines, and GitHub retries that wait milliseconds rather than seconds. */
export const quiet = { log: () => {}, github: { retryBaseMs: 1, writeSpacingMs: 0 } };
