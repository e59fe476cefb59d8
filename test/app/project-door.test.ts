import { describe, expect, it } from 'vitest';
import { FakeGitHub, joinInstallation } from '../../sim/github/fake-github.js';
import {
  addProjectItem,
  type SimProjectContent,
  type SimProjectItem,
  setProjectField,
} from '../../sim/github/projects/project-items.js';
import { parseAskRecord } from '../../src/core/snapshot/ask-record.js';
import { findStatusBuild } from '../../src/core/status/render-status.js';
import { buildIdFor, integrationBranch } from '../../src/core/vocabulary/ids.js';
import type { AppHarness } from '../support/app-harness.js';
import { startAppEachTest } from '../support/app-tests.js';

/** `.github/baton.yml` with the door on: the field Status set to Baton asks. */
const DOOR_ON = 'events:\n  project: { field: Status, value: Baton }\n';

const plans = (gh: FakeGitHub) => gh.runs.filter((run) => run.inputs.role === 'plan');
const statusComments = (gh: FakeGitHub) =>
  gh.comments.filter(
    (comment) => comment.user.login === gh.botLogin && findStatusBuild(comment.body),
  );

/** An issue of `gh` on the organisation's project. */
function issueItem(
  gh: FakeGitHub,
  title = 'Add OAuth login',
): { issue: number; item: SimProjectItem } {
  const issue = gh.openIssue({ title, body: 'Sign people in with GitHub.', user: 'maintainer' });
  return {
    issue,
    item: addProjectItem(gh, { content: { type: 'Issue', repository: gh, number: issue } }),
  };
}

/** `by` sets the item's `field` to `value`; the webhooks GitHub sends for it, taken from the outbox. */
function move(
  gh: FakeGitHub,
  item: SimProjectItem,
  {
    by = 'maintainer',
    field = 'Status',
    value = 'Baton',
  }: { by?: string; field?: string; value?: string } = {},
): { name: string; payload: Record<string, unknown> }[] {
  gh.outbox.splice(0);
  setProjectField(gh, item, { field, value, by });
  return gh.outbox.splice(0);
}

/** The moves' webhooks delivered to `app`, which fails on no error. */
async function deliver(
  app: AppHarness,
  events: { name: string; payload: object }[],
): Promise<void> {
  await app.deliverAll(events);
  expect(app.errors).toEqual([]);
}

describe('an issue moved on an organisation project, the door named', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started), { config: DOOR_ON });

  it('starts one build on the issue, recorded as the project door with the project as its link, even when the delivery comes twice', async () => {
    const { issue, item } = issueItem(gh);
    const [event] = move(gh, item);
    if (!event) throw new Error('no projects_v2_item event');
    expect(event.payload).not.toHaveProperty('repository');
    await app.deliverAs('one', event.name, event.payload);
    await app.deliverAs('one', event.name, event.payload);
    await deliver(app, [event]);

    expect(plans(gh)).toHaveLength(1);
    expect(plans(gh)[0]?.inputs.issue).toBe(String(issue));
    const [status, ...more] = statusComments(gh);
    expect(more).toEqual([]);
    expect(status?.issue).toBe(issue);
    expect(parseAskRecord(status?.body ?? '')).toMatchObject({
      by: 'maintainer',
      how: { way: 'project', key: item.nodeId },
      what: { kind: 'build', type: 'code' },
      link: `https://github.com/orgs/${gh.owner}/projects/1`,
    });
  });

  it('looks at the running build again when the item is moved away and back, and starts no second one', async () => {
    const { item } = issueItem(gh);
    await deliver(app, move(gh, item));
    await deliver(app, move(gh, item, { value: 'Todo' }));
    await deliver(app, move(gh, item));
    expect(plans(gh)).toHaveLength(1);
    expect(statusComments(gh)).toHaveLength(1);
  });

  it('starts nothing for a reader or an outsider who moved the item, and tells each once on the issue', async () => {
    const { issue, item } = issueItem(gh);
    for (const by of ['reader', 'outsider', 'reader']) await deliver(app, move(gh, item, { by }));
    expect(plans(gh)).toEqual([]);
    expect(
      gh.git.refs.has(`refs/heads/${integrationBranch(buildIdFor(issue, 'Add OAuth login'))}`),
    ).toBe(false);
    const replies = gh.comments.filter((comment) => comment.issue === issue);
    expect(replies.map((reply) => reply.body.match(/@\w+/)?.[0])).toEqual(['@reader', '@outsider']);
    expect(replies[0]?.body).toContain('write access');
  });

  it('starts nothing, and says nothing, for another value, another field, an app, a draft or a pull request', async () => {
    const { item } = issueItem(gh);
    await deliver(app, move(gh, item, { value: 'Todo' }));
    await deliver(app, move(gh, item, { field: 'Priority', value: 'Baton' }));
    await deliver(app, move(gh, item, { by: 'some-app[bot]' }));
    const others: SimProjectContent[] = [
      { type: 'DraftIssue', title: 'An idea' },
      {
        type: 'PullRequest',
        repository: gh,
        number: gh.openPull({
          title: 'A change',
          body: '',
          head: 'x',
          base: gh.defaultBranch,
          user: 'maintainer',
        }).number,
      },
    ];
    for (const content of others) await deliver(app, move(gh, addProjectItem(gh, { content })));
    expect(plans(gh)).toEqual([]);
    expect(gh.comments).toEqual([]);
  });

  it('starts nothing when another field is edited on an item whose named field already holds the value', async () => {
    const { item } = issueItem(gh);
    // Set to Baton without a delivery (one lost, or made before the door was named).
    item.values.set('Status', 'Baton');
    await deliver(app, move(gh, item, { field: 'Priority', value: 'High' }));
    expect(plans(gh)).toEqual([]);
    expect(gh.comments).toEqual([]);
  });

  it('starts nothing where the installation was not granted Projects: read, whose reads GitHub refuses', async () => {
    const { item } = issueItem(gh);
    const [event] = move(gh, item);
    if (!event) throw new Error('no projects_v2_item event');
    const { organization_projects: _, ...permissions } = gh.installationGrants.permissions;
    gh.installationGrants = { ...gh.installationGrants, permissions };
    await deliver(app, [event]);
    expect(plans(gh)).toEqual([]);
    expect(gh.comments).toEqual([]);
    // GitHub sends the event only to an installation that accepted the permission.
    expect(move(gh, item)).toEqual([]);
  });
});

describe('an issue moved on an organisation project, the door not named on the default branch', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  startAppEachTest((started) => ({ gh, app } = started));

  it("starts nothing where only a branch's baton.yml names the door", async () => {
    gh.git.commitOn('eve/door', { '.github/baton.yml': DOOR_ON }, 'Name the door');
    const { item } = issueItem(gh);
    await deliver(app, move(gh, item));
    expect(plans(gh)).toEqual([]);
    expect(gh.comments).toEqual([]);
  });
});

describe('an issue moved on an organisation project, of a public repository of the organisation the app is not installed on', () => {
  let gh: FakeGitHub;
  let app: AppHarness;
  let other: FakeGitHub;
  startAppEachTest((started) => ({ gh, app } = started), {
    prepare: (home, now) => {
      other = new FakeGitHub({ now, repo: 'elsewhere', repositoryId: 77 });
      other.installed = false;
      other.permissions.set('maintainer', 'write');
      other.git.commitOn(other.defaultBranch, { '.github/baton.yml': DOOR_ON }, 'Name the door');
      joinInstallation(home, other);
    },
  });

  it('starts nothing there and tries no write, though its baton.yml names the door and a writer moved it', async () => {
    const issue = other.openIssue({ title: 'Elsewhere', user: 'maintainer' });
    const item = addProjectItem(gh, {
      content: { type: 'Issue', repository: other, number: issue },
    });
    await deliver(app, move(gh, item));
    // GitHub refuses the writes; the door must not try them.
    expect(
      other.log.filter((entry) => entry.method !== 'GET' && entry.route !== 'POST /graphql'),
    ).toEqual([]);
    expect(other.runs).toEqual([]);
    expect(other.comments).toEqual([]);
    expect(
      other.git.refs.has(`refs/heads/${integrationBranch(buildIdFor(issue, 'Elsewhere'))}`),
    ).toBe(false);
    expect(plans(gh)).toEqual([]);
  });
});
