import { createHash } from 'node:crypto';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { SessionTokenDeps } from '../../src/server/session-token.js';
import { createSessionTokenDepsFromProbot } from '../../src/server/session-token-deps.js';
import { probotOnNock } from '../support/app-tests.js';
import { API } from '../support/mount-nock.js';
import { contentFile, nockRunInspection } from './token-fixtures.js';

const probot = probotOnNock();

describe('createSessionTokenDepsFromProbot', () => {
  const deps = (): Omit<SessionTokenDeps, 'issuer' | 'audience'> =>
    createSessionTokenDepsFromProbot(probot);

  it('finds the repository’s installation as the app', async () => {
    nock(API).get('/repos/acme/app/installation').reply(200, { id: 42 });
    expect(await deps().getRepositoryInstallation('acme', 'app')).toBe(42);
  });

  it('answers null where the app is not installed', async () => {
    nock(API).get('/repos/other/app/installation').reply(404, { message: 'Not Found' });
    expect(await deps().getRepositoryInstallation('other', 'app')).toBeNull();
  });

  it('mints a token limited to one repository and the permissions asked for', async () => {
    const permissions = { contents: 'write', pull_requests: 'write' } as const;
    nock(API)
      .post('/app/installations/42/access_tokens', { repository_ids: [1001], permissions })
      .reply(201, { token: 'ghs_x', expires_at: '2030-01-01T00:00:00Z' });

    const minted = await deps().createInstallationToken({
      installationId: 42,
      repositoryId: 1001,
      permissions,
    });

    expect(minted).toEqual({ token: 'ghs_x', expires_at: '2030-01-01T00:00:00Z' });
  });

  it.each([
    { config: 'session:\n  allowWorkflowChanges: true\n', allowed: true, installationId: 51 },
    { config: 'label: build\n', allowed: false, installationId: 52 },
    { config: 'session: [', allowed: false, installationId: 53 },
  ])(
    'reads allowWorkflowChanges from the default branch config ($allowed)',
    async ({ config, allowed, installationId }) => {
      // Probot caches installation tokens; a fresh installation per case keeps the mocks exact.
      nock(API)
        .post(`/app/installations/${installationId}/access_tokens`)
        .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' })
        .get('/repos/acme/app/contents/.github%2Fbaton.yml')
        .reply(200, contentFile(config));

      const result = await deps().allowsWorkflowChanges?.({
        owner: 'acme',
        repo: 'app',
        installationId,
      });

      expect(result).toBe(allowed);
    },
  );

  it('knows the app’s bot login from GET /app, once', async () => {
    nock(API).get('/app').once().reply(200, { id: 1, slug: 'baton-dev' });
    const once = deps();

    expect(await once.appLogin()).toBe('baton-dev[bot]');
    expect(await once.appLogin()).toBe('baton-dev[bot]');
  });

  it('reads the repository’s id and default branch through the installation', async () => {
    nock(API)
      .post('/app/installations/61/access_tokens')
      .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' })
      .get('/repos/acme/app')
      .reply(200, { id: 1001, default_branch: 'trunk' });

    expect(await deps().getRepository({ owner: 'acme', repo: 'app', installationId: 61 })).toEqual({
      id: 1001,
      defaultBranch: 'trunk',
    });
  });

  it('reads the run, its attempt’s jobs and the workflow at the run’s commit and on the default branch', async () => {
    const sha = 'b'.repeat(40);
    const installed = 'name: Baton\n';
    nockRunInspection({
      sha,
      attempt: 2,
      atRun: 'name: Rewritten\n',
      onDefault: installed,
      run: { display_title: 'baton work 12-add-login W1.1 -' },
    });

    const facts = await createSessionTokenDepsFromProbot(probot, {}).inspectRun({
      owner: 'acme',
      repo: 'app',
      installationId: 62,
      runId: 555,
      attempt: 2,
      workflowSha: sha,
      defaultBranch: 'main',
    });

    expect(facts.run).toEqual({
      event: 'workflow_dispatch',
      path: '.github/workflows/baton.yml',
      headBranch: 'baton/12-add-login/W1.1',
      headSha: sha,
      actor: 'baton[bot]',
      triggeringActor: 'baton[bot]',
      runAttempt: 2,
      status: 'in_progress',
      displayTitle: 'baton work 12-add-login W1.1 -',
    });
    expect(facts.jobs).toEqual([{ id: 7, name: 'baton publish', status: 'in_progress' }]);
    expect(facts.workflowAtRun?.sha256).not.toBe(facts.workflowOnDefault);
    expect(facts.workflowOnDefault).toBe(
      createHash('sha256').update(installed, 'utf8').digest('hex'),
    );
  });

  it.each([
    { build: [['.github/workflows/ci.yml', 'b2']], differ: true, installationId: 65 },
    { build: [['.github/workflows/ci.yml', 'b1']], differ: false, installationId: 66 },
    { build: [], differ: false, installationId: 67 },
  ])(
    'tells whether the build branch’s workflow files differ from the worker branch’s ($differ)',
    async ({ build, differ, installationId }) => {
      const listing = (entries: string[][]) =>
        entries.map(([path = '', sha = '']) => ({ type: 'file', path, sha, name: path }));
      const scope = nock(API)
        .post(`/app/installations/${installationId}/access_tokens`)
        .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' })
        .get('/repos/acme/app/contents/.github%2Fworkflows')
        .query({ ref: 'baton/12-add-login/W1.1' })
        .reply(200, listing([['.github/workflows/ci.yml', 'b1']]))
        .get('/repos/acme/app/contents/.github%2Fworkflows')
        .query({ ref: 'baton/12-add-login/integration' })
        .reply(build.length ? 200 : 404, build.length ? listing(build) : { message: 'Not Found' });
      expect(
        await deps().workflowFilesDiffer?.({
          owner: 'acme',
          repo: 'app',
          installationId,
          from: 'baton/12-add-login/W1.1',
          to: 'baton/12-add-login/integration',
        }),
      ).toBe(differ);
      scope.done();
    },
  );

  describe('whether a commit changes a workflow since its merge base with the default branch', () => {
    const head = 'c'.repeat(40);
    const base = 'b'.repeat(40);
    const token = (installationId: number) =>
      nock(API)
        .post(`/app/installations/${installationId}/access_tokens`)
        .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' });
    const compare = (scope: nock.Scope, status: number, files: Array<{ filename: string }>) =>
      scope
        .get(`/repos/acme/app/compare/main...${head}`)
        .query({ per_page: 1 })
        .reply(
          status,
          status === 200
            ? { merge_base_commit: { sha: base }, files }
            : { message: 'No common ancestor' },
        );
    const listing = (scope: nock.Scope, ref: string, sha: string) =>
      scope
        .get('/repos/acme/app/contents/.github%2Fworkflows')
        .query({ ref })
        .reply(200, [{ type: 'file', path: '.github/workflows/ci.yml', sha, name: 'ci.yml' }]);
    const changed = (installationId: number) =>
      deps().workflowsChangedSince?.({
        owner: 'acme',
        repo: 'app',
        installationId,
        base: 'main',
        head,
      });

    it.each([
      { files: ['src/a.ts', '.github/workflows/ci.yml'], expected: true, installationId: 68 },
      { files: ['src/a.ts', '.github/baton.yml'], expected: false, installationId: 69 },
    ])(
      'reads the comparison’s files, one request ($expected)',
      async ({ files, expected, installationId }) => {
        const scope = compare(
          token(installationId),
          200,
          files.map((filename) => ({ filename })),
        );
        expect(await changed(installationId)).toBe(expected);
        scope.done();
      },
    );

    it('compares the folder at the merge base and the commit where GitHub lists 300 files, as many as it lists', async () => {
      const files = Array.from({ length: 300 }, (_, i) => ({ filename: `src/f${i}.ts` }));
      const scope = compare(token(70), 200, files);
      listing(listing(scope, base, 'b1'), head, 'b2');
      expect(await changed(70)).toBe(true);
      scope.done();
    });

    it('compares the folder on the default branch and the commit where they share no history', async () => {
      const scope = compare(token(71), 404, []);
      listing(listing(scope, 'main', 'b1'), head, 'b1');
      expect(await changed(71)).toBe(false);
      scope.done();
    });
  });

  it.each([
    { status: 201, claimed: true, installationId: 63 },
    { status: 422, claimed: false, installationId: 64 },
  ])(
    'takes a run attempt’s exchange by creating its marker ref (GitHub answers $status)',
    async ({ status, claimed, installationId }) => {
      const sha = 'c'.repeat(40);
      nock(API)
        .post(`/app/installations/${installationId}/access_tokens`)
        .reply(201, { token: 'ghs_read', expires_at: '2030-01-01T00:00:00Z' })
        .post('/repos/acme/app/git/refs', { ref: 'refs/baton-exchanges/555/1', sha })
        .reply(
          status,
          status === 201
            ? { ref: 'refs/baton-exchanges/555/1' }
            : { message: 'Reference already exists' },
        );

      expect(
        await deps().claimExchange({
          owner: 'acme',
          repo: 'app',
          installationId,
          runId: 555,
          attempt: 1,
          sha,
        }),
      ).toBe(claimed);
    },
  );
});
