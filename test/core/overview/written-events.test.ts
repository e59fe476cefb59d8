import { describe, expect, it } from 'vitest';
import { buildEvents } from '../../../src/core/audit/audit-trail.js';
import { type AuditWrite, writtenEvents } from '../../../src/core/audit/written-events.js';
import {
  ago,
  deliveredSnapshot,
  makePull,
  makeRun,
  makeUsageRecord,
  NOW,
  sha,
} from '../factories.js';
import { readOf } from './overview-factories.js';

/** W1.1 merged, W2.1's pull request open, W1.2's session stopped by the build's budget. */
function read() {
  const delivered = deliveredSnapshot();
  return readOf({
    snapshot: {
      ...delivered,
      ask: {
        by: 'alice',
        how: { way: 'label', label: 'orchestrate' },
        at: ago(120),
        what: { kind: 'build', type: 'code' },
      },
      pulls: [
        makePull({ number: 101, worker: 'W1.1', state: 'merged', mergedAt: ago(40) }),
        makePull({ number: 103, worker: 'W2.1', state: 'open' }),
      ],
      runs: [
        ...delivered.runs,
        makeRun({ id: 7101, worker: 'W1.2', createdAt: ago(30), updatedAt: ago(25) }),
      ],
      usage: [
        makeUsageRecord({
          run_id: 7101,
          role: 'work',
          worker: 'W1.2',
          outcome: 'failed',
          limit: 'budget',
        }),
      ],
    },
  });
}

const run = (id: number) => ({ id, url: `https://github.com/acme/shop/actions/runs/${id}` });

describe("a reconcile's writes as audit events", () => {
  it.each<[string, AuditWrite, string[]]>([
    [
      'a dispatch',
      {
        kind: 'dispatch',
        request: { role: 'review', worker: 'W2.1', trigger: 'head-abc' },
        run: run(7200),
      },
      ['dispatch'],
    ],
    [
      'a session started again',
      { kind: 'dispatch', request: { role: 'work', worker: 'W1.2' }, run: run(7201) },
      ['dispatch', 'resume'],
    ],
    ['a merge', { kind: 'merge', pull: 103, sha: sha('m103') }, ['merge']],
    ['a notice', { kind: 'notice', key: 'failed/W2.1/1', number: 12, comment: 990 }, ['failure']],
  ])(
    'makes the events of %s, as the trail derives them once GitHub holds it',
    (_, write, kinds) => {
      const events = writtenEvents({ read: read(), writes: [write], at: NOW });
      expect(events.map((event) => event.kind)).toEqual(kinds);
      // The line is the one derived from the build with the write in it: nothing else of the build.
      const before = buildEvents(read()).map((event) => JSON.stringify(event));
      expect(events.some((event) => before.includes(JSON.stringify(event)))).toBe(false);
    },
  );

  it('makes the ask of the status comment posted the first time, naming it', () => {
    const first = read();
    const unposted = { ...first, snapshot: { ...first.snapshot, statusComment: null } };
    const events = writtenEvents({
      read: unposted,
      writes: [{ kind: 'status', comment: 77 }],
      at: NOW,
    });
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'ask',
        who: 'alice',
        at: ago(120),
        evidence: ['https://github.com/acme/shop/issues/12#issuecomment-77'],
      }),
    ]);
  });

  it('makes none for a pull request the build does not hold, or no write', () => {
    expect(
      writtenEvents({ read: read(), writes: [{ kind: 'merge', pull: 999, sha: null }], at: NOW }),
    ).toEqual([]);
    expect(writtenEvents({ read: read(), writes: [], at: NOW })).toEqual([]);
  });
});
