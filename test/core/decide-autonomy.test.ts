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
  w12 = {},
  commands = [],
  config = {},
}: {
  evidence?: PullInfo['evidence'] | null;
  w11?: Partial<PullInfo>;
  w12?: Partial<PullInfo>;
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
          ...w12,
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

function waitNotices(actions: Action[]) {
  return actions.flatMap((action) =>
    action.kind === 'notice' && action.key.startsWith('waiting/') ? [action] : [],
  );
}

/** W1.2 merged already: nothing but W1.1 is left. */
const w12Merged: Partial<PullInfo> = { state: 'merged', mergedAt: ago(3) };

describe('decide: merge autonomy by risk', () => {
  it('holds an approved worker whose evidence changes a workflow, and merges the ordinary one', () => {
    const actions = run({});
    expect(merged(actions)).toEqual([102]);
    expect(rowsOf(actions)['W1.1']).toEqual({
      state: 'needs-human',
      note: 'waits for a person: changes a workflow',
    });
    // No comment on its pull request, and nobody asked while W1.2 still goes on.
    expect(comments(actions)).toEqual([]);
    expect(waitNotices(actions)).toEqual([]);
  });

  it('asks a person once the build cannot go on without them: one notice, listing why and what to read', () => {
    const actions = run({ w12: w12Merged, config: { notify: ['carol'] } });
    expect(merged(actions)).toEqual([]);
    expect(comments(actions)).toEqual([]);
    const [notice, ...more] = waitNotices(actions);
    expect(more).toEqual([]);
    expect(notice?.key).toMatch(/^waiting\/1\/[0-9a-f]{8}$/);
    const body = notice?.body ?? '';
    expect(body).toContain('@carol ⏸️ **The build waits for a person:** one worker changes');
    expect(body).toContain('- **W1.1** ([#101](');
    expect(body).toContain('changes a workflow. Read these first:');
    expect(body).toContain('  - “.github/workflows/deploy.yml” (12 lines): workflow');
    expect(body).not.toContain('src/deploy.ts');
    expect(body).toContain('```\n/merge W1.1\n```');
  });

  it('asks once the waiting workers hold every slot, though another is ready', () => {
    // W1.1 waits and holds a slot; W1.2 is ready, no run yet: with maxParallel 1 it cannot start.
    const decided = (maxParallel: number) =>
      decide({
        snapshot: make.snapshot({
          plan: planOf('W1.1', 'W1.2'),
          runs: [planRun(), make.run({ id: 7011, worker: 'W1.1' })],
          pulls: [
            make.pull({
              number: 101,
              worker: 'W1.1',
              headSha: sha('a1'),
              reviews: [make.review({ commitSha: sha('a1') })],
              evidence: workflow,
            }),
          ],
        }),
        config: make.config({ approval: 'none', maxParallel }),
        now: NOW,
      });
    const full = decided(1);
    expect(rowsOf(full)['W1.2']?.state).toBe('ready');
    expect(waitNotices(full)).toHaveLength(1);
    // With a slot free W1.2 starts, and nobody is asked yet.
    expect(waitNotices(decided(2))).toEqual([]);
  });

  it('asks for every waiting worker in the one notice, keyed by their heads', () => {
    const both = (headOfW12: string) =>
      waitNotices(
        run({
          w12: {
            headSha: headOfW12,
            reviews: [make.review({ id: 502, commitSha: headOfW12 })],
            evidence: make.evidence(['package-lock.json:300'], { head: headOfW12 }),
          },
        }),
      );
    const [notice, ...more] = both(sha('b1'));
    expect(more).toEqual([]);
    expect(notice?.body).toContain('2 workers change');
    expect(notice?.body).toContain('```\n/merge W1.1\n/merge W1.2\n```');
    // A new head of one is a new wait: asked again, under another key.
    expect(both(sha('b2'))[0]?.key).not.toBe(notice?.key);
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
    [
      'a lesson (.baton/memory, docs/memory.md) waits for a person even with waitFor: []',
      {
        evidence: make.evidence(['.baton/memory/log-through-pino.md:14', 'src/log.ts:3']),
        config: { verification: { autonomy: { waitFor: [] } } },
      },
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
