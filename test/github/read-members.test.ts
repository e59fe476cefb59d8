import { describe, expect, it } from 'vitest';
import type { FakeGitHub } from '../../sim/github/fake-github.js';
import { adaptationRef, renderAdaptationMessage } from '../../src/core/records/adaptation.js';
import { messageRef } from '../../src/core/sessions/messages.js';
import { integrationBranch, memberBuildId } from '../../src/core/vocabulary/ids.js';
import { readMembers } from '../../src/github/change-set/read-members.js';
import type { RepoContext } from '../../src/github/client/types.js';
import { mountReaderEachTest } from '../support/app-tests.js';

/**
 * A change set's member read (`readMembers`): what each member build's own
 * rules need of it, as `observeBuild` reads a build's. Here the messages
 * recorded for its workers' sessions (`/steer`, `/queue` on a worker's pull
 * request in its repository): without them its rules would record each one
 * again on every reconcile, and never delete one a session took.
 */
const MEMBER = memberBuildId('12-rename-fetch', 'acme/service');

describe('readMembers', () => {
  let gh: FakeGitHub;
  let ctx: RepoContext;
  mountReaderEachTest((mounted) => ({ gh, ctx } = mounted));

  it('reads the message refs of a member’s workers, past the first hundred', async () => {
    const head = gh.git.commitOn(integrationBranch(MEMBER), { 'a.txt': 'a' }, 'member build');
    const comments = Array.from({ length: 103 }, (_, i) => 9000 + i);
    for (const comment of comments)
      gh.git.refs.set(messageRef(MEMBER, { worker: 'W3.1', comment }), head);

    const [member] = await readMembers(ctx, {
      member: MEMBER,
      issue: 12,
      since: '2026-01-01T00:00:00Z',
      repositories: [{ name: gh.fullName, nodeId: gh.nodeId, defaultBranch: gh.defaultBranch }],
    });

    expect(member?.snapshot.messageRefs?.map((ref) => ref.comment).sort()).toEqual(comments);
    expect(new Set(member?.snapshot.messageRefs?.map((ref) => ref.worker))).toEqual(
      new Set(['W3.1']),
    );
  });

  it('reads the adaptations of a member, past the first hundred', async () => {
    const base = gh.git.commitOn(integrationBranch(MEMBER), { 'a.txt': 'a' }, 'member build');
    const sources = Array.from(
      { length: 103 },
      (_, i) => `W${1 + Math.floor(i / 50)}.${1 + (i % 50)}`,
    );
    for (const source of sources) {
      const record = { version: 1 as const, source, run_id: 1, base, head: base, workers: [] };
      const commit = gh.git.commitOn('scratch', {}, renderAdaptationMessage(record));
      gh.git.refs.set(adaptationRef(MEMBER, source), commit);
    }

    const [member] = await readMembers(ctx, {
      member: MEMBER,
      issue: 12,
      since: '2026-01-01T00:00:00Z',
      repositories: [{ name: gh.fullName, nodeId: gh.nodeId, defaultBranch: gh.defaultBranch }],
    });

    expect(member?.snapshot.adaptations?.map((adaptation) => adaptation.source).sort()).toEqual(
      [...sources].sort(),
    );
  });
});
