import { describe, expect, it } from 'vitest';
import {
  changeSetSection,
  type EpicPlan,
  planEpic,
  type TrackerChild,
  visibleText,
} from '../../src/core/trackers/tracker-epic.js';

function child(key: string, overrides: Partial<TrackerChild> = {}): TrackerChild {
  return {
    key,
    title: key,
    description: '',
    link: `https://linear.app/acme/issue/${key}`,
    team: key.split('-')[0] ?? '',
    open: true,
    blocks: [],
    ...overrides,
  };
}

const TEAMS: Record<string, string> = { ENG: 'api', WEB: 'web', OPS: 'ops' };

function plan(children: TrackerChild[], listed: string[] = []): EpicPlan {
  return planEpic({
    children,
    owner: 'acme',
    home: 'api',
    repoOf: (team) => TEAMS[team] ?? null,
    listed,
  });
}

const kindOf = (answer: EpicPlan) => (answer.kind === 'refused' ? answer.why : answer.kind);

describe("what a tracker epic's children make", () => {
  it.each<[string, TrackerChild[], string[], string]>([
    ['no children: the epic alone', [], [], 'alone'],
    ['every child done: the epic alone', [child('ENG-2', { open: false })], [], 'alone'],
    [
      'open children in its repository: sub-issues',
      [child('ENG-2'), child('ENG-3')],
      [],
      'sub-issues',
    ],
    [
      'a child in a listed repository: a change set',
      [child('ENG-2'), child('WEB-3')],
      ['acme/WEB'],
      'change-set',
    ],
    [
      'children in unlisted repositories: refused, naming each to add',
      [child('ENG-2'), child('WEB-3'), child('OPS-4')],
      [],
      "add acme/web, acme/ops to changeSets.repositories in acme/api's .github/baton.yml, where its children map",
    ],
    [
      'a child of an unmapped team: refused',
      [child('ENG-2'), child('QA-3')],
      [],
      "its child QA-3's team or project QA is mapped to no repository",
    ],
    [
      'more open children than a plan takes: refused',
      Array.from({ length: 61 }, (_, i) => child(`ENG-${i + 2}`)),
      [],
      'the epic has 61 open children, more than the 60 a plan takes',
    ],
    [
      'a child blocked by more siblings than GitHub links: refused',
      [
        child('ENG-1'),
        ...Array.from({ length: 51 }, (_, i) => child(`ENG-${i + 2}`, { blocks: ['ENG-1'] })),
      ],
      [],
      'its child ENG-1 is blocked by more than the 50 issues GitHub links',
    ],
  ])('%s', (_, children, listed, expected) => {
    expect(kindOf(plan(children, listed))).toBe(expected);
  });

  it('links each open child to the open siblings that block it, never to a closed or outside one', () => {
    const answer = plan([
      child('ENG-2', { blocks: ['ENG-3', 'ENG-9'] }),
      child('ENG-3'),
      child('ENG-4', { open: false, blocks: ['ENG-3'] }),
      child('ENG-5', { blocks: ['ENG-3'] }),
    ]);
    expect(answer.kind === 'sub-issues' && answer.children).toEqual([
      { child: expect.objectContaining({ key: 'ENG-2' }), blockedBy: [] },
      { child: expect.objectContaining({ key: 'ENG-3' }), blockedBy: ['ENG-2', 'ENG-5'] },
      { child: expect.objectContaining({ key: 'ENG-5' }), blockedBy: [] },
    ]);
  });

  it('names each part of a change set with the repository its team maps to', () => {
    const answer = plan([child('ENG-2', { blocks: ['WEB-3'] }), child('WEB-3')], ['acme/web']);
    expect(
      answer.kind === 'change-set' &&
        answer.parts.map((part) => [part.child.key, part.repository, part.blockedBy]),
    ).toEqual([
      ['ENG-2', 'acme/api', []],
      ['WEB-3', 'acme/web', ['ENG-2']],
    ]);
  });

  it("keeps a change set's list of 60 long children well within GitHub's body limit, beside the epic's own text", () => {
    const long = 'x'.repeat(200_000);
    const parts = Array.from({ length: 60 }, (_, i) => ({
      child: child(`WEB-${i + 2}`, { title: long.slice(0, 1_000), description: long }),
      repository: 'acme/web',
      blockedBy: i > 0 ? [`WEB-${i + 1}`] : [],
    }));
    expect(changeSetSection(parts).length).toBeLessThan(14_000);
  });

  it('removes what a reader never sees: HTML comments, zero-width and bidi characters', () => {
    expect(visibleText('a<!-- hidden -->b\u200B\u202Ec\td\n<!-- open to the end')).toBe('abc\td\n');
  });
});
