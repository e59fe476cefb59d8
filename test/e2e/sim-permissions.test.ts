import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import { GitRepoStore } from '../../sim/github/git/git-repo-store.js';
import type { ApiResponse } from '../../sim/github/router.js';
import { installationToken, personToken, readOnlyToken } from '../../sim/github/tokens.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { memberVariables } from '../../src/github/change-set/read-members.js';
import { SET_QUERY } from '../../src/github/change-set/set-query.js';
import { buildGraphVariables } from '../../src/github/observe/observe-build.js';
import { SESSION_TOKEN_PERMISSIONS } from '../../src/server/session-token.js';
import { postGraphql } from '../sim/post-graphql.js';
import { gitClient } from '../support/git-client.js';

const execFileAsync = promisify(execFile);
const REPO = '/repos/octo-org/widgets';
const NOT_ACCESSIBLE = 'Resource not accessible by integration';

/** One REST request to the simulated GitHub, with a token. */
function call(
  gh: FakeGitHub,
  { method, path, body, token }: { method: string; path: string; body?: unknown; token: string },
): ApiResponse {
  return gh.handle({
    method,
    path,
    query: new URLSearchParams(),
    body,
    headers: { authorization: `token ${token}` },
  });
}

/** A review's check run on main's head, as a session creates it. */
function createCheckRun(gh: FakeGitHub, token: string): ApiResponse {
  const body = { name: 'baton/review', head_sha: gh.git.resolve('main') };
  return call(gh, { method: 'POST', path: `${REPO}/check-runs`, body, token });
}

function sessionToken(gh: FakeGitHub, extra: Record<string, 'read' | 'write'> = {}): string {
  const minted = gh.mintToken({ ...SESSION_TOKEN_PERMISSIONS, ...extra });
  if (!('token' in minted)) throw new Error(`not minted: ${minted.refused}`);
  return minted.token;
}

describe("the simulated GitHub checks each token's permissions (GitHub's endpoint data)", () => {
  let gh: FakeGitHub;
  beforeEach(() => {
    gh = new FakeGitHub();
  });

  it('refuses a comment on an issue with pull_requests only, and takes one on a pull request', () => {
    const issue = gh.openIssue({ title: 'An issue' });
    const main = gh.git.resolve('main') ?? '';
    gh.setBranch('topic', main);
    const pull = gh.openPull({ title: 'A PR', body: '', head: 'topic', base: 'main', user: 'x' });
    const token = sessionToken(gh);
    const refused = call(gh, {
      method: 'POST',
      path: `${REPO}/issues/${issue}/comments`,
      body: { body: 'summary' },
      token,
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: NOT_ACCESSIBLE });
    expect(refused.headers?.['x-accepted-github-permissions']).toBe('issues=write');
    expect(gh.comments).toEqual([]);
    const taken = call(gh, {
      method: 'POST',
      path: `${REPO}/issues/${pull.number}/comments`,
      body: { body: 'on the PR' },
      token,
    });
    expect(taken.status).toBe(201);
    // With issues: write, the issue's comment is taken.
    const withIssues = sessionToken(gh, { issues: 'write' });
    expect(
      call(gh, {
        method: 'POST',
        path: `${REPO}/issues/${issue}/comments`,
        body: { body: 'summary' },
        token: withIssues,
      }).status,
    ).toBe(201);
  });

  it("checks an edit of a comment by its issue's type", () => {
    const issue = gh.openIssue({ title: 'An issue' });
    const comment = gh.addComment({ issue, body: 'status', user: 'baton[bot]' });
    const refused = call(gh, {
      method: 'PATCH',
      path: `${REPO}/issues/comments/${comment.id}`,
      body: { body: 'edited' },
      token: sessionToken(gh),
    });
    expect(refused.status).toBe(403);
    expect(gh.comments[0]?.body).toBe('status');
  });

  it('refuses a session token what it was not minted with (actions, checks), and lets it read', () => {
    const token = sessionToken(gh);
    const dispatch = call(gh, {
      method: 'POST',
      path: `${REPO}/actions/workflows/baton.yml/dispatches`,
      body: { ref: 'main', inputs: {} },
      token,
    });
    expect(dispatch).toMatchObject({ status: 403, body: { message: NOT_ACCESSIBLE } });
    expect(gh.runs).toEqual([]);
    expect(createCheckRun(gh, token).status).toBe(403);
    expect(call(gh, { method: 'GET', path: `${REPO}/git/ref/heads/main`, token }).status).toBe(200);
  });

  it("refuses the agent job's read-only GITHUB_TOKEN a write, as its permissions block says", () => {
    const issue = gh.openIssue({ title: 'An issue' });
    const token = readOnlyToken(42, gh.repositoryId);
    expect(call(gh, { method: 'GET', path: `${REPO}/issues/${issue}`, token }).status).toBe(200);
    const closed = call(gh, {
      method: 'PATCH',
      path: `${REPO}/issues/${issue}`,
      body: { state: 'closed' },
      token,
    });
    expect(closed.status).toBe(403);
    expect(gh.issues.get(issue)?.state).toBe('open');
    // Its block says checks: read, so no check run.
    expect(createCheckRun(gh, token).status).toBe(403);
  });

  it('mints no token with more than the installation has (422)', () => {
    const answer = gh.handle({
      method: 'POST',
      path: '/app/installations/1/access_tokens',
      query: new URLSearchParams(),
      body: { permissions: { administration: 'write' } },
      headers: { authorization: 'bearer app-jwt' },
    });
    expect(answer.status).toBe(422);
  });

  it("lets the app's own token do what app.yml asks", () => {
    const issue = gh.openIssue({ title: 'An issue' });
    const answer = call(gh, {
      method: 'POST',
      path: `${REPO}/issues/${issue}/comments`,
      body: { body: 'status' },
      token: 'ghs_simulated',
    });
    expect(answer.status).toBe(201);
  });

  describe('a ref moved over REST that creates or updates a workflow needs workflows', () => {
    function workflowCommit(): { before: string; after: string } {
      const before = gh.git.resolve('main') ?? '';
      gh.setBranch('topic', before);
      const after = gh.git.commit({
        parent: before,
        changes: { '.github/workflows/ci.yml': 'on: push\n' },
        message: 'ci',
      });
      return { before, after };
    }

    it('refuses PATCH git/refs without it, with GitHub’s words', () => {
      const { before, after } = workflowCommit();
      const refused = call(gh, {
        method: 'PATCH',
        path: `${REPO}/git/refs/heads/topic`,
        body: { sha: after },
        token: sessionToken(gh),
      });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        message:
          'refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission',
      });
      expect(gh.git.resolve('topic')).toBe(before);
      const allowed = call(gh, {
        method: 'PATCH',
        path: `${REPO}/git/refs/heads/topic`,
        body: { sha: after },
        token: sessionToken(gh, { workflows: 'write' }),
      });
      expect(allowed.status).toBe(200);
    });

    it('refuses POST git/refs of a new branch that adds one, and takes a branch cut from main', () => {
      const { before, after } = workflowCommit();
      const token = sessionToken(gh);
      const createBranch = (name: string, sha: string) =>
        call(gh, {
          method: 'POST',
          path: `${REPO}/git/refs`,
          body: { ref: `refs/heads/${name}`, sha },
          token,
        });
      expect(createBranch('sneaky', after).status).toBe(403);
      expect(gh.git.resolve('sneaky')).toBeNull();
      expect(createBranch('cut', before).status).toBe(201);
    });
  });
});

/**
 * A repository the simulator serves over git HTTP to each test of a describe (`prepare` sets it
 * up before the server starts), and a scratch folder to run git in.
 */
function servedOverGit(prepare: (gh: FakeGitHub) => void = () => {}) {
  const served = {} as { gh: FakeGitHub; store: GitRepoStore; server: GitHubServer; dir: string };
  beforeEach(async () => {
    served.store = new GitRepoStore();
    served.gh = new FakeGitHub({ git: served.store });
    prepare(served.gh);
    served.server = await startGitHubServer({
      gh: served.gh,
      appWebhookUrl: 'http://127.0.0.1:9/none',
      webhookSecret: 's',
    });
    served.dir = await mkdtemp(join(tmpdir(), 'baton-sim-permissions-'));
  });
  afterEach(async () => {
    await served.server.close();
    served.store.dispose();
    await rm(served.dir, { recursive: true, force: true });
  });
  return { served, git: gitClient(() => served.dir) };
}

describe('pushes over git HTTP that create or update a workflow need workflows', () => {
  const { served, git } = servedOverGit();
  let gh: FakeGitHub;
  let scratch: string;

  beforeEach(async () => {
    ({ gh, dir: scratch } = served);
    await git(['clone', '--quiet', served.server.gitUrl, '.']);
  });

  async function commitWorkflow(content: string) {
    await execFileAsync('mkdir', ['-p', join(scratch, '.github/workflows')]);
    await execFileAsync('sh', ['-c', `printf '${content}' > .github/workflows/ci.yml`], {
      cwd: scratch,
    });
    await git(['add', '.github/workflows/ci.yml']);
    await git(['commit', '--quiet', '-m', 'ci']);
  }

  it("refuses one without it, with GitHub's words, and takes it with it", async () => {
    await commitWorkflow('on: push\\n');
    const refused = git(['push', 'origin', 'HEAD:refs/heads/main'], sessionToken(gh));
    await expect(refused).rejects.toThrow(
      'refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission',
    );
    await git(
      ['push', '--quiet', 'origin', 'HEAD:refs/heads/main'],
      sessionToken(gh, { workflows: 'write' }),
    );
    expect(gh.git.resolve('main')).toBe((await git(['rev-parse', 'HEAD'])).stdout.trim());
  });

  it('refuses a merge of a branch that changed a workflow into an older branch, without it', async () => {
    const start = (await git(['rev-parse', 'HEAD'])).stdout.trim();
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/worker'], sessionToken(gh));
    await commitWorkflow('on: push\\n');
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], 'ghs_simulated');
    await git(['checkout', '--quiet', '-b', 'worker', start]);
    await git(['commit', '--quiet', '--allow-empty', '-m', 'work']);
    await git(['merge', '--quiet', '--no-edit', 'main']);
    await expect(
      git(['push', 'origin', 'HEAD:refs/heads/worker'], sessionToken(gh)),
    ).rejects.toThrow('without `workflows` permission');
    expect(gh.git.resolve('worker')).toBe(start);
  });

  it('refuses a push with a token that cannot write contents', async () => {
    await git(['commit', '--quiet', '--allow-empty', '-m', 'work']);
    const reader = gh.mintToken({ contents: 'read' });
    if (!('token' in reader)) throw new Error('not minted');
    await expect(git(['push', 'origin', 'HEAD:refs/heads/sneaky'], reader.token)).rejects.toThrow();
    expect(gh.git.resolve('sneaky')).toBeNull();
  });
});

/** Three repositories of one installation: widgets (the first), lib and vault. */
function installationOfThree(): { gh: FakeGitHub; lib: FakeGitHub; vault: FakeGitHub } {
  const gh = new FakeGitHub();
  const lib = new FakeGitHub({ repo: 'lib', repositoryId: 2 });
  const vault = new FakeGitHub({ repo: 'vault', repositoryId: 3 });
  joinInstallation(gh, lib, vault);
  return { gh, lib, vault };
}

/** A token mint as the app asks it, with its JWT (not checked here). */
function mint(gh: FakeGitHub, body: Record<string, unknown>): ApiResponse {
  return gh.handle({
    method: 'POST',
    path: `/app/installations/${gh.installationId}/access_tokens`,
    query: new URLSearchParams(),
    body,
    headers: { authorization: 'bearer app-jwt' },
  });
}

/** The names `GET /installation/repositories` lists with `token`. */
function listedWith(gh: FakeGitHub, token: string): string[] {
  const answer = call(gh, { method: 'GET', path: '/installation/repositories', token });
  return (answer.body as { repositories: { name: string }[] }).repositories.map((r) => r.name);
}

describe('a token minted for some repositories of an installation', () => {
  it('lists those alone as the installation’s repositories; a token minted for none lists them all', () => {
    const { gh } = installationOfThree();
    const one = mint(gh, { repository_ids: [gh.repositoryId] }).body as { token: string };
    const two = mint(gh, { repositories: ['lib', 'vault'] }).body as { token: string };
    const all = mint(gh, { permissions: { metadata: 'read' } }).body as { token: string };

    expect(listedWith(gh, one.token)).toEqual(['widgets']);
    expect(listedWith(gh, two.token)).toEqual(['lib', 'vault']);
    expect(listedWith(gh, all.token)).toEqual(['widgets', 'lib', 'vault']);
  });

  it('expires an hour after it was minted, as GitHub says', () => {
    const now = '2026-03-01T12:00:00.000Z';
    const gh = new FakeGitHub({ now: () => now });
    const minted = mint(gh, { repository_ids: [gh.repositoryId] });
    expect(minted.body).toMatchObject({ expires_at: '2026-03-01T13:00:00.000Z' });
  });

  it('is not minted for a repository the installation lacks (422)', () => {
    const { gh, vault } = installationOfThree();
    vault.installed = false;

    const refused = [
      mint(gh, { repositories: ['lib', 'ghost'] }),
      mint(gh, { repositories: ['vault'] }),
      mint(gh, { repository_ids: [99] }),
    ];

    expect(refused.map((answer) => answer.status)).toEqual([422, 422, 422]);
    expect(refused[0]?.body).toMatchObject({
      message:
        'There is at least one repository that does not exist or is not accessible to the parent installation.',
    });
    expect(mint(gh, { repositories: ['lib'] }).status).toBe(201);
  });

  it('reads those and public ones, and finds no other private repository of the installation, as GitHub shows one it may not see', () => {
    const { gh, lib, vault } = installationOfThree();
    lib.visibility = 'private';
    vault.visibility = 'private';
    const minted = gh.mintToken({ contents: 'write' }, { names: ['lib'] });
    if (!('token' in minted)) throw new Error('not minted');
    const read = (one: FakeGitHub) =>
      call(one, {
        method: 'GET',
        path: `/repos/octo-org/${one.repo}/contents/README.md`,
        token: minted.token,
      }).status;
    const write = (one: FakeGitHub) =>
      call(one, {
        method: 'POST',
        path: `/repos/octo-org/${one.repo}/git/refs`,
        body: { ref: 'refs/heads/sneaky', sha: one.git.resolve('main') },
        token: minted.token,
      }).status;

    expect([read(lib), read(vault), read(gh)]).toEqual([200, 404, 200]);
    expect([write(vault), write(gh)]).toEqual([404, 403]);
    expect(write(lib)).toBe(201);
  });

  it('resolves over GraphQL only the private repositories it was minted for, with NOT_FOUND for the others', () => {
    const { gh, lib, vault } = installationOfThree();
    vault.visibility = 'private';
    const minted = gh.mintToken({ contents: 'read' }, { names: ['widgets'] });
    if (!('token' in minted)) throw new Error('not minted');
    const graphql = graphqlWith(minted.token);

    const members = graphql(gh, 'BatonMembers', {
      ids: [gh.nodeId, lib.nodeId, vault.nodeId],
      ...memberVariables('7-x.octo-org.widgets'),
    });
    expect(members.data.nodes?.map((node) => node?.nameWithOwner ?? null)).toEqual([
      'octo-org/widgets',
      'octo-org/lib',
      null,
    ]);
    expect(members.errors).toEqual([
      expect.objectContaining({ type: 'NOT_FOUND', path: ['nodes', 2] }),
    ]);
    expect(buildOf(graphql, vault)).toEqual({ found: false });
    vault.visibility = 'public';
    expect(buildOf(graphql, vault)).toEqual({ found: true });
  });
});

describe("an agent job's read-only GITHUB_TOKEN sees its own repository and public ones", () => {
  it('reads its repository and a public one, and finds no other private repository of the installation, over REST and GraphQL', () => {
    const { gh, lib, vault } = installationOfThree();
    gh.visibility = 'private';
    vault.visibility = 'private';
    const token = readOnlyToken(1001, gh.repositoryId);
    const read = (one: FakeGitHub) =>
      call(one, { method: 'GET', path: `/repos/octo-org/${one.repo}/contents/README.md`, token })
        .status;
    const comment = (one: FakeGitHub) =>
      call(one, {
        method: 'POST',
        path: `/repos/octo-org/${one.repo}/issues/${one.openIssue({ title: 'An issue' })}/comments`,
        body: { body: 'hello' },
        token,
      }).status;

    expect([read(gh), read(lib), read(vault)]).toEqual([200, 200, 404]);
    expect([comment(lib), comment(vault)]).toEqual([403, 404]);
    const graphql = graphqlWith(token);
    expect([buildOf(graphql, gh), buildOf(graphql, lib), buildOf(graphql, vault)]).toEqual([
      { found: true },
      { found: true },
      { found: false },
    ]);
  });
});

describe('a token revoked with DELETE /installation/token', () => {
  const { served, git } = servedOverGit();

  it('is refused from then on (401 Bad credentials) over REST, GraphQL and git, and other tokens go on', async () => {
    const { gh, server } = served;
    const revoked = sessionToken(gh, { contents: 'write' });
    const other = sessionToken(gh, { contents: 'write' });
    const revoke = call(gh, { method: 'DELETE', path: '/installation/token', token: revoked });
    expect(revoke.status).toBe(204);

    const read = (token: string) =>
      call(gh, { method: 'GET', path: `${REPO}/contents/README.md`, token });
    expect(read(revoked)).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    expect(read(other).status).toBe(200);
    expect(
      postGraphql(gh, '{ viewer { login } }', {}, { authorization: `token ${revoked}` }),
    ).toMatchObject({
      status: 401,
      body: { message: 'Bad credentials' },
    });
    await expect(git(['clone', '--quiet', server.gitUrl, 'revoked'], revoked)).rejects.toThrow(
      // A 401: git, handed the token as a header, asks for a user it cannot prompt for.
      /could not read Username|Authentication failed/,
    );
    await git(['clone', '--quiet', server.gitUrl, 'other'], other);
    expect(createCheckRun(gh, revoked).status).toBe(401);
  });
});

describe('a token GitHub never issued', () => {
  const { served, git } = servedOverGit();

  it('is refused (401 Bad credentials) over REST, GraphQL and git, where the tokens GitHub issued are taken', async () => {
    const { gh, server } = served;
    const madeUp = 'ghs_madeUpByWhoeverSentIt0123456789';
    const read = (token: string) =>
      call(gh, { method: 'GET', path: `${REPO}/contents/README.md`, token });
    expect(read(madeUp)).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    expect(createCheckRun(gh, madeUp).status).toBe(401);
    expect(gh.checkRuns).toEqual([]);
    expect(
      postGraphql(gh, '{ viewer { login } }', {}, { authorization: `token ${madeUp}` }),
    ).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    await expect(git(['clone', '--quiet', server.gitUrl, 'made-up'], madeUp)).rejects.toThrow(
      /could not read Username|Authentication failed/,
    );
    // What GitHub issued: the installation's token, a narrowed one, a job's, a person's.
    for (const issued of [
      installationToken(gh.installationId),
      sessionToken(gh),
      readOnlyToken(1001, gh.repositoryId),
      personToken('octocat'),
    ]) {
      expect(read(issued).status).toBe(200);
    }
    await git(['clone', '--quiet', server.gitUrl, 'issued'], sessionToken(gh));
  });

  it('of another installation, sees no private repository of this one (404, NOT_FOUND) and reads a public one', () => {
    const { gh, vault } = installationOfThree();
    vault.visibility = 'private';
    const elsewhere = installationToken(gh.installationId + 1);
    const read = (one: FakeGitHub) =>
      call(one, {
        method: 'GET',
        path: `/repos/octo-org/${one.repo}/contents/README.md`,
        token: elsewhere,
      });
    expect(read(vault).status).toBe(404);
    expect(read(gh).status).toBe(200);
    expect(buildOf(graphqlWith(elsewhere), vault)).toEqual({ found: false });
    expect(buildOf(graphqlWith(elsewhere), gh)).toEqual({ found: true });
  });
});

describe("a person's token does what both the app and the person may", () => {
  let gh: FakeGitHub;
  beforeEach(() => {
    gh = new FakeGitHub();
    gh.permissions.set('writer', 'write');
    gh.permissions.set('reader', 'read');
  });

  const as = (login: string) => personToken(login);
  const merge = (number: number, login: string) =>
    call(gh, { method: 'PUT', path: `${REPO}/pulls/${number}/merge`, body: {}, token: as(login) });

  it('lets one with write access merge, and a reader comment but not merge (403)', () => {
    const main = gh.git.resolve('main') ?? '';
    gh.setBranch('topic', main);
    gh.git.commitOn('topic', { 'a.txt': 'a\n' }, 'topic');
    const pull = gh.openPull({ title: 'A PR', body: '', head: 'topic', base: 'main', user: 'x' });
    const comment = call(gh, {
      method: 'POST',
      path: `${REPO}/issues/${pull.number}/comments`,
      body: { body: 'looks fine' },
      token: as('reader'),
    });
    expect(comment.status).toBe(201);
    expect(merge(pull.number, 'reader')).toMatchObject({
      status: 403,
      body: { message: NOT_ACCESSIBLE },
    });
    expect(gh.pulls.get(pull.number)?.mergedAt).toBeNull();
    expect(merge(pull.number, 'writer').status).toBe(200);
    expect(gh.pulls.get(pull.number)?.mergedAt).not.toBeNull();
  });

  it('shows a private repository to its readers alone (404 to anyone else)', () => {
    gh.visibility = 'private';
    const read = (login: string) =>
      call(gh, { method: 'GET', path: `${REPO}/contents/README.md`, token: as(login) });
    expect(read('reader').status).toBe(200);
    expect(read('stranger')).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    gh.visibility = 'public';
    expect(read('stranger').status).toBe(200);
  });
});

describe('a request with no credential is a stranger’s', () => {
  it('reads a public repository, writes nothing (401), finds no private one, and asks nothing of GraphQL (401)', () => {
    const { gh, vault } = installationOfThree();
    vault.visibility = 'private';
    const stranger = (one: FakeGitHub, method: string, path: string, body?: unknown) =>
      one.handle({
        method,
        path: path.startsWith('/graphql') ? path : `/repos/octo-org/${one.repo}${path}`,
        query: new URLSearchParams(),
        body,
        headers: {},
      });

    expect(stranger(gh, 'GET', '/contents/README.md').status).toBe(200);
    expect(stranger(vault, 'GET', '/contents/README.md').status).toBe(404);
    const comment = stranger(gh, 'POST', `/issues/${gh.openIssue({ title: 'x' })}/comments`, {
      body: 'hello',
    });
    expect(comment).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
    expect(gh.comments).toEqual([]);
    const query = stranger(gh, 'POST', '/graphql', { query: '{ viewer { login } }' });
    expect(query).toMatchObject({
      status: 401,
      body: { message: 'This endpoint requires you to be authenticated.' },
    });
  });
});

type GraphqlAnswer = {
  data: { nodes?: ({ nameWithOwner: string } | null)[]; repository?: unknown };
  errors?: { type: string; path: (string | number)[] }[];
};

/** A query of the change set's document to one simulated repository, with `token`. */
function graphqlWith(token: string) {
  return (one: FakeGitHub, operationName: string, variables: object): GraphqlAnswer =>
    one.handle({
      method: 'POST',
      path: '/graphql',
      query: new URLSearchParams(),
      body: { query: SET_QUERY, operationName, variables },
      headers: { authorization: `token ${token}` },
    }).body as GraphqlAnswer;
}

/** Whether a build's query resolves `one`, or answers NOT_FOUND for it (and nothing else). */
function buildOf(graphql: ReturnType<typeof graphqlWith>, one: FakeGitHub): { found: boolean } {
  const answer = graphql(
    one,
    'BatonBuild',
    buildGraphVariables(one, { build: '7-x', issue: 7, defaultBranch: 'main' }),
  );
  if (answer.data.repository !== null && answer.errors === undefined) return { found: true };
  expect(answer.data.repository).toBeNull();
  expect(answer.errors).toEqual([
    expect.objectContaining({ type: 'NOT_FOUND', path: ['repository'] }),
  ]);
  return { found: false };
}

describe('fetches over git HTTP of a private repository need a credential that sees it', () => {
  const { served, git } = servedOverGit((gh) => {
    gh.visibility = 'private';
    gh.installationPeers.push(new FakeGitHub({ repo: 'other', repositoryId: 2 }));
  });

  it('refuses a clone with none, and says the repository is not found to a token minted for another', async () => {
    const { gh, server } = served;
    await expect(git(['clone', '--quiet', server.gitUrl, 'none'])).rejects.toThrow(
      /could not read Username|Authentication failed|401/,
    );
    const elsewhere = gh.mintToken({ contents: 'read' }, { names: ['other'] });
    if (!('token' in elsewhere)) throw new Error(elsewhere.refused);
    await expect(
      git(['clone', '--quiet', server.gitUrl, 'elsewhere'], elsewhere.token),
    ).rejects.toThrow(/not found|404/);
    const here = gh.mintToken({ contents: 'read' }, { names: [gh.repo] });
    if (!('token' in here)) throw new Error(here.refused);
    await git(['clone', '--quiet', server.gitUrl, 'here'], here.token);
    const head = await git(['-C', 'here', 'rev-parse', 'HEAD']);
    expect(head.stdout.trim()).toBe(gh.git.resolve(gh.defaultBranch));
  });

  it("says the repository is not found to another repository's job token, and lets its own job's clone", async () => {
    const { gh, server } = served;
    const [other] = gh.installationPeers;
    await expect(
      git(
        ['clone', '--quiet', server.gitUrl, 'elsewhere'],
        readOnlyToken(1001, other?.repositoryId ?? 0),
      ),
    ).rejects.toThrow(/not found|404/);
    await git(['clone', '--quiet', server.gitUrl, 'here'], readOnlyToken(1001, gh.repositoryId));
    const head = await git(['-C', 'here', 'rev-parse', 'HEAD']);
    expect(head.stdout.trim()).toBe(gh.git.resolve(gh.defaultBranch));
  });
});
