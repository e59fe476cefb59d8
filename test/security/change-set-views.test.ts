import { describe, expect, it } from 'vitest';
import {
  archiveLinkOf,
  exchangeForViews,
  memberPlanRun,
  useTestIssuer,
} from '../server/token-fixtures.js';

/**
 * Attacks on a change set's views (docs/security.md "Change sets"): what the
 * token endpoint gives a views job must never reach a private repository's
 * text for a repository it does not share with, a set's briefs for a
 * repository the set does not list, any job but the views job of the workflow
 * Baton shipped, or more of a repository than one branch's files.
 */
const issuer = useTestIssuer();

function attempt(options: Omit<Parameters<typeof exchangeForViews>[0], 'issuer'>) {
  return exchangeForViews({ issuer, ...options });
}

describe('a change set’s views, attacked', () => {
  it('never reads a private listed repository that does not share with the asking one', async () => {
    const { reply, archived } = await attempt({
      repos: [
        {
          name: 'acme/app',
          visibility: 'public',
          changeSets: { repositories: ['acme/app', 'acme/vault', 'acme/lib'] },
        },
        // It lets acme/other see it, not the public acme/app whose logs anyone reads.
        { name: 'acme/vault', visibility: 'private', changeSets: { shareWith: ['acme/other'] } },
        { name: 'acme/lib', visibility: 'public' },
      ],
    });

    expect(reply.body.views).toEqual([
      { repository: 'acme/lib', ref: null, archive: expect.any(String) },
    ]);
    expect(archived).toEqual([{ installationId: 42, repository: 'acme/lib', ref: null }]);
  });

  it('gives a set’s build branch to no repository the set does not list, whatever its build is named', async () => {
    // acme/app dispatched a plan for a build named after acme/vault's set: it is no member.
    const { reply, archived } = await attempt({
      repos: [
        { name: 'acme/app', visibility: 'public' },
        {
          name: 'acme/vault',
          visibility: 'private',
          changeSets: { repositories: ['acme/vault', 'acme/lib'] },
        },
      ],
      ...memberPlanRun('12-add-login.acme.vault'),
    });

    expect(reply).toEqual({ status: 200, body: { views: [] } });
    expect(archived).toEqual([]);
  });

  it('gives nothing to a views job of a workflow the repository’s writers changed, though the default branch has it', async () => {
    const changed = 'e'.repeat(64);
    const { reply, archived } = await attempt({
      repos: [
        { name: 'acme/app', visibility: 'private', changeSets: { repositories: ['acme/lib'] } },
        { name: 'acme/lib', visibility: 'private', changeSets: { shareWith: ['acme/app'] } },
      ],
      stage: (world) => {
        // A writer rewrote the `baton views` job and pushed it to the default branch.
        world.workflowAtRun = { sha256: changed, shipped: false };
        world.workflowOnDefault = changed;
      },
    });

    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain('not a version Baton shipped');
    expect(archived).toEqual([]);
  });

  it('hands the views job no token that reads a repository: only a link to one branch’s archive of each', async () => {
    const { reply } = await attempt({
      repos: [
        { name: 'acme/app', visibility: 'private', changeSets: { repositories: ['acme/lib'] } },
        { name: 'acme/lib', visibility: 'private', changeSets: { shareWith: ['acme/app'] } },
      ],
    });

    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(['views']);
    expect(reply.body.views).toEqual([
      { repository: 'acme/lib', ref: null, archive: archiveLinkOf('acme/lib', null) },
    ]);
  });

  it('gives the agent job, which runs the model, no views once the views job has ended', async () => {
    const { reply, archived, writeTokens } = await attempt({
      repos: [
        { name: 'acme/app', visibility: 'private', changeSets: { repositories: ['acme/lib'] } },
        { name: 'acme/lib', visibility: 'public' },
      ],
      stage: (world) => {
        world.jobs = [
          { id: 9000, name: 'baton views', status: 'completed' },
          { id: 9001, name: 'baton agent', status: 'in_progress' },
          { id: 9002, name: 'baton publish', status: 'queued' },
        ];
      },
      claims: { check_run_id: '9001' },
    });

    expect(reply.status).toBe(403);
    expect(archived).toEqual([]);
    expect(writeTokens).toEqual([]);
  });
});
