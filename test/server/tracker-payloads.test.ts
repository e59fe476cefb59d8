import { describe, expect, it } from 'vitest';
import { FakeJira } from '../../sim/trackers/fake-jira.js';
import { FakeLinear } from '../../sim/trackers/fake-linear.js';
import {
  readJiraDelivery,
  readLinearDelivery,
} from '../../src/server/trackers/tracker-payloads.js';
import { readTrackerSettings } from '../../src/server/trackers/tracker-settings.js';

const now = () => Date.parse('2026-11-28T12:00:00Z');
const alice = { id: 'user-alice', name: 'Alice' };

describe('a Linear delivery', () => {
  it('reads the label just given, and an update that left the labels alone as given before', () => {
    const linear = new FakeLinear(now);
    const issue = linear.issue('ENG', { title: 'T' });
    const given = readLinearDelivery(JSON.parse(linear.label(issue, 'baton', alice).body));
    expect(given?.issue).toMatchObject({ key: 'ENG-1', labels: ['baton'], labelsBefore: [] });
    const untouched = readLinearDelivery(JSON.parse(linear.delivery(issue, alice).body));
    expect(untouched?.issue.labelsBefore).toEqual(['baton']);
  });

  it('reads nothing of another shape, another type, or a link off Linear', () => {
    const linear = new FakeLinear(now);
    const body = JSON.parse(linear.label(linear.issue('ENG', { title: 'T' }), 'baton', alice).body);
    expect(readLinearDelivery({ ...body, type: 'Comment' })).toBeNull();
    expect(
      readLinearDelivery({
        ...body,
        data: { ...body.data, url: 'https://evil.example/issue/ENG-1' },
      }),
    ).toBeNull();
    expect(readLinearDelivery({ ...body, actor: { id: 'a b', name: 'x' } })).toBeNull();
  });
});

describe('a Jira delivery', () => {
  const user = { accountId: '557058:abc', displayName: 'Bob <b@x>' };

  it("reads a document's text, the labels before from the changelog, and links to the site", () => {
    const jira = new FakeJira(now);
    const issue = jira.issue('PROJ', { summary: 'S' });
    const body = JSON.parse(jira.label(issue, 'ai', user).body);
    body.issue.fields.description = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Do it.' }] }],
    };
    expect(readJiraDelivery(body, jira.site)?.issue).toMatchObject({
      key: 'PROJ-1',
      description: 'Do it.',
      labels: ['ai'],
      labelsBefore: [],
      link: 'https://acme.atlassian.net/browse/PROJ-1',
      person: { id: '557058:abc', name: 'Bob b@x' },
    });
  });
});

describe('the trackers settings', () => {
  it('hears a tracker only with its secret, and says what is missing', () => {
    const { settings, problems } = readTrackerSettings({
      BATON_LINEAR_WEBHOOK_SECRET: 's',
      BATON_JIRA_WEBHOOK_SECRET: 'j',
      BATON_JIRA_SITE: 'http://plain.example',
    });
    expect(settings).toEqual({ home: null, linear: { secret: 's' } });
    expect(problems).toEqual([
      'BATON_LINEAR_API_KEY is not set: Baton answers nothing in Linear',
      'BATON_JIRA_SITE is not an https origin (https://example.atlassian.net): Jira is not heard',
      'BATON_TRACKER_HOME is not set: the trackers map to nothing and start nothing',
    ]);
  });

  it('sends the credentials only to an https address, or plain http on this machine', () => {
    const read = (env: Record<string, string>) =>
      readTrackerSettings({
        BATON_TRACKER_HOME: 'octo/home',
        BATON_LINEAR_WEBHOOK_SECRET: 's',
        BATON_LINEAR_API_KEY: 'lin_api_x',
        BATON_JIRA_WEBHOOK_SECRET: 'j',
        BATON_JIRA_EMAIL: 'baton@example.com',
        BATON_JIRA_API_TOKEN: 't',
        ...env,
      });
    const proxied = read({
      BATON_LINEAR_API_URL: 'https://linear-proxy.example/graphql',
      BATON_JIRA_SITE: 'https://acme.atlassian.net',
    });
    expect(proxied.problems).toEqual([]);
    expect(proxied.settings.linear?.endpoint).toBe('https://linear-proxy.example/graphql');
    const local = read({
      BATON_LINEAR_API_URL: 'http://127.0.0.1:4010/graphql',
      BATON_JIRA_SITE: 'http://localhost:4011',
    });
    expect(local.problems).toEqual([]);
    expect(local.settings).toMatchObject({
      linear: { apiKey: 'lin_api_x', endpoint: 'http://127.0.0.1:4010/graphql' },
      jira: { site: 'http://localhost:4011' },
    });
    for (const address of [
      'http://linear.example/graphql',
      'https://key:secret@linear.example/graphql',
      'ftp://127.0.0.1/graphql',
      'not a url',
    ]) {
      const far = read({ BATON_LINEAR_API_URL: address, BATON_JIRA_SITE: address });
      // Neither key goes anywhere: Baton answers nothing in either tracker.
      expect(far.settings.linear).toEqual({ secret: 's' });
      expect(far.settings.jira).toBeUndefined();
      expect(far.problems).toHaveLength(2);
    }
  });
});
