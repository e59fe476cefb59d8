import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import { GitRepoStore } from '../../sim/github/git/git-repo-store.js';
import { installationToken, readOnlyToken } from '../../sim/github/tokens.js';
import type { FaultSettings } from '../../sim/server/faults.js';
import { type GitHubServer, startGitHubServer } from '../../sim/server/github-server.js';
import { ISSUE_HISTORY_QUERY } from '../../src/session/reads/github-queries.js';
import { gitClient } from '../support/git-client.js';

const SECRET = 'test-secret';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the app's webhook endpoint that keeps what it gets. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/github/webhooks`, received, server };
}

describe('the simulated GitHub over HTTP', () => {
  let gh: FakeGitHub;
  let store: GitRepoStore;
  let server: GitHubServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let scratch: string;

  async function start(faults: Partial<FaultSettings> = {}) {
    server = await startGitHubServer({
      gh,
      appWebhookUrl: receiver.url,
      webhookSecret: SECRET,
      faults,
      seed: 7,
    });
  }

  function octokit(options: { token?: string; userAgent?: string } = {}) {
    return new Octokit({
      baseUrl: server.apiUrl,
      auth: options.token ?? installationToken(gh.installationId),
      log: { debug() {}, info() {}, warn() {}, error() {} },
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    });
  }

  function events(): string[] {
    return receiver.received.map((r) => {
      const action = (JSON.parse(r.body) as { action?: string }).action;
      return `${r.headers['x-github-event']}${action ? `.${action}` : ''}`;
    });
  }

  const git = gitClient(() => scratch);

  beforeEach(async () => {
    store = new GitRepoStore();
    gh = new FakeGitHub({ git: store });
    gh.permissions.set('maintainer', 'write');
    receiver = await startReceiver();
    scratch = await mkdtemp(join(tmpdir(), 'baton-server-test-'));
  });
  afterEach(async () => {
    await server?.close();
    receiver.server.closeAllConnections();
    await new Promise((resolve) => receiver.server.close(resolve));
    store.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('serves REST under /api/v3, with page links that point back at it', async () => {
    await start();
    const issue = gh.openIssue({ title: 'Many comments' });
    for (let i = 0; i < 35; i++) gh.addComment({ issue, body: `comment ${i}`, user: 'maintainer' });
    const comments = await octokit().paginate(octokit().rest.issues.listComments, {
      owner: gh.owner,
      repo: gh.repo,
      issue_number: issue,
    });
    expect(comments).toHaveLength(35);
    expect(gh.log.map((entry) => entry.route)).toContain(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
    );
  });

  it('answers 404 for a repository other than its own', async () => {
    await start();
    await expect(
      octokit().rest.repos.get({ owner: gh.owner, repo: 'elsewhere' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('lets the read-only token read but not write', async () => {
    await start();
    const issue = gh.openIssue({ title: 'Read me' });
    const reader = octokit({ token: readOnlyToken(1, gh.repositoryId) });
    await expect(
      reader.rest.issues.get({ owner: gh.owner, repo: gh.repo, issue_number: issue }),
    ).resolves.toMatchObject({ status: 200 });
    await expect(
      reader.rest.issues.createComment({
        owner: gh.owner,
        repo: gh.repo,
        issue_number: issue,
        body: 'x',
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(gh.comments).toEqual([]);
    // GraphQL: a query is a read, a mutation a write.
    const history = await reader.graphql<{ repository: { issue: { lastEditedAt: null } } }>(
      ISSUE_HISTORY_QUERY,
      { owner: gh.owner, repo: gh.repo, issue },
    );
    expect(history.repository.issue.lastEditedAt).toBeNull();
    await expect(
      reader.graphql(
        'mutation { enablePullRequestAutoMerge(input: { pullRequestId: "PR_1" }) { clientMutationId } }',
      ),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('delivers webhooks signed with the secret, named, with a delivery id', async () => {
    await start();
    const issue = gh.openIssue({ title: 'Label me' });
    gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await server.idle();
    const [delivery] = receiver.received;
    const signature = createHmac('sha256', SECRET)
      .update(delivery?.body ?? '')
      .digest('hex');
    expect(delivery?.headers).toMatchObject({
      'x-github-event': 'issues',
      'x-hub-signature-256': `sha256=${signature}`,
      'content-type': 'application/json',
    });
    expect(delivery?.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.deliveries).toEqual([
      expect.objectContaining({ event: 'issues.labeled', status: 200 }),
    ]);
  });

  it('delivers each webhook twice with the same delivery id when asked to', async () => {
    await start({ duplicateWebhooks: true });
    gh.events.labeled(gh.openIssue({ title: 'Twice' }), 'orchestrate', 'maintainer');
    await server.idle();
    const ids = receiver.received.map((r) => r.headers['x-github-delivery']);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('shuffles the webhooks waiting together within the window', async () => {
    await start({ reorderWindow: 8 });
    const issues = Array.from({ length: 8 }, (_, i) => gh.openIssue({ title: `Issue ${i}` }));
    for (const issue of issues) gh.events.labeled(issue, 'orchestrate', 'maintainer');
    await server.idle();
    const order = receiver.received.map(
      (r) => (JSON.parse(r.body) as { issue: { number: number } }).issue.number,
    );
    expect([...order].sort((a, b) => a - b)).toEqual(issues);
    expect(order).not.toEqual(issues);
  });

  it('answers one request with a secondary rate limit and retry-after: 1, then serves again', async () => {
    await start();
    const issue = gh.openIssue({ title: 'Limited' });
    server.faults.rateLimitNext({ status: 403, match: 'GET /repos/' });
    const plain = octokit({ userAgent: 'probot-like' });
    const limited = await plain.rest.issues
      .get({ owner: gh.owner, repo: gh.repo, issue_number: issue })
      .catch(
        (error: {
          status: number;
          response: { headers: Record<string, string> };
          message: string;
        }) => error,
      );
    expect(limited).toMatchObject({ status: 403, response: { headers: { 'retry-after': '1' } } });
    expect((limited as { message: string }).message).toMatch(/secondary rate limit/);
    await expect(
      plain.rest.issues.get({ owner: gh.owner, repo: gh.repo, issue_number: issue }),
    ).resolves.toMatchObject({ status: 200 });
    expect(server.requests.map((r) => r.fault ?? r.status)).toEqual(['rate-limit', 200]);
  });

  it.each([
    ['the app', 'probot/14 octokit-core.js', 502],
    ['a session', 'baton-session-publish', 200],
  ])(
    'fails requests of %s with 502 at the configured rate (scope: app)',
    async (_, userAgent, status) => {
      await start({ restFailureRate: 1 });
      const issue = gh.openIssue({ title: 'Flaky' });
      const response = await fetch(`${server.apiUrl}/repos/${gh.fullName}/issues/${issue}`, {
        headers: { 'user-agent': userAgent },
      });
      expect(response.status).toBe(status);
    },
  );

  it('takes a push over git HTTP and announces it with push and synchronize', async () => {
    await start();
    const base = gh.git.resolve('main') ?? '';
    gh.setBranch('topic', base);
    gh.openPull({ title: 'Topic', body: '', head: 'topic', base: 'main', user: 'maintainer' });
    await server.idle();
    receiver.received.splice(0);
    await git(['clone', '--quiet', server.gitUrl, '.']);
    await git(['checkout', '--quiet', 'topic']);
    await git(['commit', '--quiet', '--allow-empty', '-m', 'work']);
    await git(['push', '--quiet', 'origin', 'topic'], 'ghs_simulated');
    const { stdout } = await git(['rev-parse', 'HEAD']);
    expect(gh.git.resolve('topic')).toBe(stdout.trim());
    await server.idle();
    expect(events()).toEqual(['push', 'pull_request.synchronize']);
  });

  it.each([
    ['no token', () => undefined],
    ['the read-only token', () => readOnlyToken(1, gh.repositoryId)],
  ])('refuses a push with %s', async (_, tokenOf) => {
    await start();
    const token = tokenOf();
    await git(['clone', '--quiet', server.gitUrl, '.']);
    await git(['commit', '--quiet', '--allow-empty', '-m', 'work']);
    await expect(
      git(['push', '--quiet', 'origin', 'HEAD:refs/heads/sneaky'], token),
    ).rejects.toThrow();
    expect(gh.git.resolve('sneaky')).toBeNull();
  });

  it('enables auto-merge through GraphQL at /api/graphql', async () => {
    await start();
    gh.setBranch('topic', gh.git.resolve('main') ?? '');
    const pull = gh.openPull({
      title: 'Topic',
      body: '',
      head: 'topic',
      base: 'main',
      user: 'maintainer',
    });
    await octokit().graphql(
      'mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }',
      { id: `PR_${pull.number}` },
    );
    expect(gh.pulls.get(pull.number)?.autoMerge).toBe(true);
  });

  it('serves several repositories, each its own installation, routed by path, variables and token', async () => {
    const other = new FakeGitHub({ owner: 'other-org', repo: 'gadgets', installationId: 7 });
    server = await startGitHubServer({
      gh,
      repositories: [other],
      appWebhookUrl: receiver.url,
      webhookSecret: SECRET,
    });
    const app = octokit({ token: 'app-jwt' });
    const installations = await app.rest.apps.listInstallations();
    expect(installations.data.map((i) => [i.id, i.account?.login])).toEqual([
      [1, gh.owner],
      [7, 'other-org'],
    ]);
    const { data: token } = await app.rest.apps.createInstallationAccessToken({
      installation_id: 7,
    });
    const seven = octokit({ token: token.token });
    const listed = await seven.rest.apps.listReposAccessibleToInstallation();
    expect(listed.data.repositories.map((r) => r.full_name)).toEqual(['other-org/gadgets']);
    const issue = other.openIssue({ title: 'Over there' });
    const read = await seven.rest.issues.get({
      owner: 'other-org',
      repo: 'gadgets',
      issue_number: issue,
    });
    expect(read.data.title).toBe('Over there');
    await expect(
      seven.rest.issues.get({ owner: gh.owner, repo: gh.repo, issue_number: issue }),
    ).rejects.toMatchObject({ status: 404 });
    const built = await seven.graphql<{ repository: { issue: { lastEditedAt: null } } }>(
      ISSUE_HISTORY_QUERY,
      { owner: 'other-org', repo: 'gadgets', issue },
    );
    expect(built.repository.issue).toMatchObject({ lastEditedAt: null });
    other.events.labeled(issue, 'orchestrate', 'maintainer');
    await server.idle();
    const payload = JSON.parse(receiver.received.at(-1)?.body ?? '{}');
    expect(payload).toMatchObject({
      installation: { id: 7 },
      repository: { full_name: 'other-org/gadgets' },
    });
    expect(server.deliveries.at(-1)).toMatchObject({ repository: 'other-org/gadgets' });
    expect(other.log.map((entry) => entry.route)).toContain(
      'GET /repos/{owner}/{repo}/issues/{issue_number}',
    );
  });
});
