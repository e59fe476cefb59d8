import { describe, expect, it } from 'vitest';
import {
  archiveLinkOf,
  exchangeForViews,
  memberPlanRun,
  useTestIssuer,
  type ViewsRepo,
} from './token-fixtures.js';

/**
 * A change set's views job (docs/change-sets.md "Read-only views"): the
 * endpoint answers the repositories its plan session may read, each with the
 * link GitHub made for an archive of its branch, and no token.
 */
const issuer = useTestIssuer();

const SET: ViewsRepo[] = [
  {
    name: 'acme/app',
    visibility: 'private',
    changeSets: { repositories: ['acme/app', 'acme/lib', 'acme/client'] },
  },
  { name: 'acme/lib', visibility: 'public' },
  { name: 'acme/client', visibility: 'private', changeSets: { shareWith: ['acme/app'] } },
];

function askViews(options: Partial<Parameters<typeof exchangeForViews>[0]> = {}) {
  return exchangeForViews({ issuer, repos: SET, ...options });
}

describe('the views of a change set’s plan session', () => {
  it('gives the views job an archive link of each listed repository it may read, and no token', async () => {
    const { reply, archived, writeTokens } = await askViews();

    expect(reply).toEqual({
      status: 200,
      body: {
        views: [
          { repository: 'acme/lib', ref: null, archive: archiveLinkOf('acme/lib', null) },
          { repository: 'acme/client', ref: null, archive: archiveLinkOf('acme/client', null) },
        ],
      },
    });
    expect(archived).toEqual([
      { installationId: 42, repository: 'acme/lib', ref: null },
      { installationId: 42, repository: 'acme/client', ref: null },
    ]);
    expect(writeTokens).toEqual([]);
  });

  it('answers no views where the session may read no other repository', async () => {
    const { reply, archived } = await askViews({
      repos: [
        { name: 'acme/app', visibility: 'private', changeSets: { repositories: ['acme/app'] } },
      ],
    });

    expect(reply).toEqual({ status: 200, body: { views: [] } });
    expect(archived).toEqual([]);
  });

  it('gives a member’s slice session its set’s build branch, where the set’s repository lists it', async () => {
    const { reply } = await askViews({
      repos: [
        { name: 'acme/app', visibility: 'private' },
        {
          name: 'acme/hub',
          visibility: 'private',
          changeSets: { repositories: ['acme/hub', 'acme/app'] },
        },
      ],
      ...memberPlanRun('12-add-login.acme.hub'),
    });

    expect(reply?.body).toMatchObject({
      views: [{ repository: 'acme/hub', ref: 'baton/12-add-login/integration' }],
    });
  });

  it('gives the set’s repository’s own member its set’s build branch, which it does not list', async () => {
    const { reply } = await askViews({
      ...memberPlanRun('12-add-login.acme.app'),
    });

    expect(reply?.body).toMatchObject({
      views: [{ repository: 'acme/app', ref: 'baton/12-add-login/integration' }],
    });
  });

  it('gives a run attempt its views once, apart from its publish job’s token', async () => {
    const { replies } = await askViews({ times: 2 });

    expect(replies.map((one) => one.status)).toEqual([200, 403]);
    expect(replies[1]?.body.message).toContain('has had its token already');
  });

  it('takes the attempt’s one exchange only after the views’ reads: a read GitHub fails leaves it to the job’s next try', async () => {
    let reads = 0;
    const { replies } = await askViews({
      times: 2,
      reads: (views) => ({
        ...views,
        facts: async (request) => {
          reads += 1;
          if (reads === 1) throw Object.assign(new Error('Server Error'), { status: 502 });
          return views.facts(request);
        },
      }),
    });

    expect(replies.map((one) => one.status)).toEqual([502, 200]);
    expect(replies[1]?.body).toMatchObject({
      views: [{ repository: 'acme/lib' }, { repository: 'acme/client' }],
    });
  });

  it('refuses the views of a session that is not a plan’s', async () => {
    const { reply, archived } = await askViews({
      stage: (world) => {
        if (world.run) world.run.displayTitle = 'baton work 12-add-login W1.1 -';
      },
    });

    expect(reply?.status).toBe(403);
    expect(reply?.body.message).toContain("Only a change set's plan session has views");
    expect(archived).toEqual([]);
  });
});
