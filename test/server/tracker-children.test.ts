import { describe, expect, it } from 'vitest';
import {
  readJiraChildren,
  readLinearChildren,
} from '../../src/server/trackers/tracker-children.js';

const linearNode = (identifier: string, more: object = {}) => ({
  identifier,
  title: `Title of ${identifier}`,
  description: 'Text',
  url: `https://linear.app/acme/issue/${identifier}/title`,
  team: { key: identifier.split('-')[0] },
  state: { type: 'unstarted' },
  relations: { nodes: [] },
  ...more,
});

const jiraNode = (key: string, links: object[] = [], category = 'new') => ({
  key,
  fields: {
    summary: `Summary of ${key}`,
    description: {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Body' }] }],
    },
    project: { key: key.split('-')[0] },
    status: { statusCategory: { key: category } },
    issuelinks: links,
  },
});

const blocks = (side: 'inwardIssue' | 'outwardIssue', key: string) => ({
  type: { name: 'Blocks' },
  [side]: { key },
});

describe("a tracker epic's children, read by an allowlist", () => {
  it('reads Linear children with their state and the keys they block, leaving out a child whose key or link is not its own', () => {
    const read = readLinearChildren([
      linearNode('ENG-2', {
        relations: {
          nodes: [
            { type: 'blocks', relatedIssue: { identifier: 'ENG-3' } },
            { type: 'related', relatedIssue: { identifier: 'ENG-4' } },
            { type: 'blocks', relatedIssue: { identifier: '../../heads/main' } },
          ],
        },
      }),
      linearNode('ENG-3', { state: { type: 'completed' } }),
      linearNode('refs/heads/x-1'),
      linearNode('ENG-5', { url: 'https://evil.example/issue/ENG-5' }),
    ]);
    expect(read.map(({ key, open, blocks: keys }) => ({ key, open, blocks: keys }))).toEqual([
      { key: 'ENG-2', open: true, blocks: ['ENG-3'] },
      { key: 'ENG-3', open: false, blocks: [] },
    ]);
  });

  it('reads Jira children: a Blocks link from either side, a done status closed, the document as text', () => {
    const read = readJiraChildren(
      [
        jiraNode('PROJ-2', [blocks('outwardIssue', 'PROJ-3')]),
        jiraNode('PROJ-3', [blocks('inwardIssue', 'PROJ-2'), blocks('inwardIssue', 'PROJ-4')]),
        jiraNode('PROJ-4', [], 'done'),
        jiraNode('PROJ-5', [{ type: { name: 'Relates' }, outwardIssue: { key: 'PROJ-2' } }]),
      ],
      'https://acme.atlassian.net',
    );
    expect(read.map(({ key, open, blocks: keys }) => ({ key, open, blocks: keys }))).toEqual([
      { key: 'PROJ-2', open: true, blocks: ['PROJ-3'] },
      { key: 'PROJ-3', open: true, blocks: [] },
      { key: 'PROJ-4', open: false, blocks: ['PROJ-3'] },
      { key: 'PROJ-5', open: true, blocks: [] },
    ]);
    expect(read[0]).toMatchObject({
      description: 'Body',
      link: 'https://acme.atlassian.net/browse/PROJ-2',
      team: 'PROJ',
    });
  });
});
