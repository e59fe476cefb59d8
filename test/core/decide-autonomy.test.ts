import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/context/action.js';
import { decide } from '../../src/core/decide/decide.js';
import type { CommandInfo, PullInfo } from '../../src/core/snapshot/snapshot.js';
import { rowsOf } from './decide-helpers.js';
import { ago, make, NOW, planOf, planRun, sha } from './factories.js';

const workflow = make.evidence(['.github/workflows/deploy.yml:12', 'src/deploy.ts:40']);

/** W1.1 and W1.2 both approved by Baton on their heads and green; W1.1's evidence given. */
function run({
  evidence = workflow,
  w11 = {},
  commands = [],
  config = {},
}: {
  evidence?: PullInfo['evidence'] | null;
  w11?: Partial<PullInfo>;
  commands?: CommandInfo[];
  config?: Record<string, unknown>;
}): Action[] {
  const head = sha('a1');
  return decide({
    snapshot: make.snapshot({
      plan: planOf('W1.1', 'W1.2'),
      runs: [
        planRun(),
        make.run({ id: 7011, worker: 'W1.1' }),
        make.run({ id: 7012, worker: 'W1.2' }),
      ],
      pulls: [
        make.pull({
          number: 101,
          worker: 'W1.1',
          headSha: head,
          reviews: [make.review({ commitSha: head })],
          ...(evidence ? { evidence } : {}),
          ...w11,
        }),
        make.pull({
          number: 102,
          worker: 'W1.2',
          headSha: sha('b1'),
          reviews: [make.review({ id: 502, commitSha: sha('b1') })],
          evidence: make.evidence(['src/form.ts:30'], { head: sha('b1') }),
        }),
      ],
      commands,
    }),
    config: make.config({ approval: 'none', ...config }),
    now: NOW,
  });
}

function merged(actions: Action[]): number[] {
  return actions.flatMap((action) => (action.kind === 'merge-pull' ? [action.pull] : []));
}

function comments(actions: Action[]) {
  return actions.flatMap((action) => (action.kind === 'comment' ? [action] : []));
}

describe('decide: merge autonomy by risk', () => {
  it('holds an approved worker whose evidence changes a workflow, and merges the ordinary one', () => {
    const actions = run({});
    expect(merged(actions)).toEqual([102]);
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'needs-human',
      note: 'waits for a person: changes a workflow',
    });
    const [comment] = comments(actions);
    expect(comment).toMatchObject({ number: 101, key: `autonomy:W1.1:${sha('a1')}` });
    expect(comment?.body).toContain('**W1.1 waits for a person:** it changes a workflow');
    expect(comment?.body).toContain('- “.github/workflows/deploy.yml” (12 lines): workflow');
    expect(comment?.body).toContain('reply `/merge W1.1`');
    expect(comment?.body).not.toContain('src/deploy.ts');
  });

  it.each<[string, Parameters<typeof run>[0], number[]]>([
    [
      'a person with write access approves the head',
      {
        w11: {
          reviews: [
            make.review({ commitSha: sha('a1') }),
            make.review({ id: 503, byBaton: false, author: 'carol', commitSha: sha('a1') }),
          ],
        },
      },
      [101, 102],
    ],
    [
      '`/merge W1.1` given after the pull request opened',
      { commands: [make.command({ name: 'merge', worker: 'W1.1' }, { createdAt: ago(5) })] },
      [101, 102],
    ],
    [
      'a `/merge` given before it opened lets nothing go',
      { commands: [make.command({ name: 'merge', worker: 'W1.1' }, { createdAt: ago(90) })] },
      [102],
    ],
    ['no evidence for the head: judged as before', { evidence: null }, [101, 102]],
    [
      'evidence of an older head (a person pushed since): judged as before',
      { evidence: { ...workflow, head: sha('old') } },
      [101, 102],
    ],
    [
      'waitFor without workflow',
      { config: { verification: { autonomy: { waitFor: ['dependency'] } } } },
      [101, 102],
    ],
    [
      'a dependency change waits by default',
      { evidence: make.evidence(['package-lock.json:300']) },
      [102],
    ],
  ])('merges once %s', (_, given, pulls) => {
    expect(merged(run(given))).toEqual(pulls);
  });

  it("shows a person's /hold over the wait, and merges neither way", () => {
    const actions = run({ commands: [make.command({ name: 'hold', worker: 'W1.1' })] });
    expect(merged(actions)).toEqual([102]);
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'needs-human',
      note: 'held by alice: `/release W1.1` lets it go on',
    });
  });

  it('posts no comment and keeps no hold on a worker not approved yet', () => {
    const actions = run({ w11: { reviews: [] } });
    expect(comments(actions)).toEqual([]);
    expect(rowsOf(actions)['W1.1']?.state).toBe('reviewing');
  });
});
