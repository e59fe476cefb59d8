import { describe, expect, it } from 'vitest';
import {
  exchange,
  startEndpoint,
  type TokenWorld,
  useTestIssuer,
  type ViewsRepo,
  viewsClaims,
  viewsDeps,
  viewsRunWorld,
} from '../server/token-fixtures.js';
import { closeServer } from '../support/local-server.js';

/**
 * Attacks on a change set's views (docs/security.md "Change sets"): what the
 * token endpoint gives a views job must never reach a private repository's
 * text for a repository it does not share with, a set's briefs for a
 * repository the set does not list, or any job but the views job itself.
 */
const issuer = useTestIssuer();

async function attempt({
  repos,
  stage = () => {},
  claims = {},
  ref,
}: {
  repos: ViewsRepo[];
  stage?: (world: TokenWorld) => void;
  claims?: Record<string, unknown>;
  ref?: string;
}) {
  const world = viewsRunWorld();
  stage(world);
  const { views, minted } = viewsDeps(repos);
  const endpoint = await startEndpoint({ issuer: issuer.url, world, overrides: { views } });
  try {
    const reply = await exchange(
      endpoint,
      `Bearer ${await issuer.sign({ claims: viewsClaims(claims, ref) })}`,
    );
    return { reply, minted, writeTokens: endpoint.minted };
  } finally {
    await closeServer(endpoint.server);
  }
}

describe('a change set’s views, attacked', () => {
  it('never reads a private listed repository that does not share with the asking one', async () => {
    const { reply, minted } = await attempt({
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

    expect(reply.body.views).toEqual([{ repository: 'acme/lib', ref: null }]);
    expect(minted).toEqual([{ installationId: 42, names: ['lib'] }]);
  });

  it('gives a set’s build branch to no repository the set does not list, whatever its build is named', async () => {
    // acme/app dispatched a plan for a build named after acme/vault's set: it is no member.
    const member = 'baton/12-add-login.acme.vault/integration';
    const { reply, minted } = await attempt({
      repos: [
        { name: 'acme/app', visibility: 'public' },
        {
          name: 'acme/vault',
          visibility: 'private',
          changeSets: { repositories: ['acme/vault', 'acme/lib'] },
        },
      ],
      stage: (world) => {
        if (world.run) {
          world.run.headBranch = member;
          world.run.displayTitle = 'baton plan 12-add-login.acme.vault - -';
        }
      },
      ref: `refs/heads/${member}`,
    });

    expect(reply).toEqual({ status: 200, body: { views: [] } });
    expect(minted).toEqual([]);
  });

  it('gives the agent job, which runs the model, no views token once the views job has ended', async () => {
    const { reply, minted, writeTokens } = await attempt({
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
    expect(minted).toEqual([]);
    expect(writeTokens).toEqual([]);
  });
});
