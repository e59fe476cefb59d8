import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/core/config/config.js';
import { decide } from '../../src/core/decide/decide.js';
import {
  type AskRecord,
  doorOf,
  parseAskRecord,
  renderAskRecord,
} from '../../src/core/snapshot/ask-record.js';
import type { BuildSnapshot } from '../../src/core/snapshot/snapshot.js';
import { renderStatusComment } from '../../src/core/status/render-status.js';
import { dispatched, viewOf } from './decide-helpers.js';
import { ago, BUILD, deliveredSnapshot, make, NOW } from './factories.js';

type Raw = Parameters<typeof make.config>[0];

/** `/improve` by alice, heard an hour and a half ago: the build's record of its ask. */
const BY_IMPROVE: AskRecord = {
  by: 'alice',
  how: { way: 'command', comment: 77 },
  at: ago(90),
  what: { kind: 'improve' },
};
/** Bob, another writer, added the build label since (the build ran already: it was looked at again). */
const BOB_LABELLED = { labelledBy: [{ label: 'orchestrate', login: 'bob', at: ago(30) }] };

function reviewersOfFinalPull(snapshot: BuildSnapshot): string[] | undefined {
  const actions = decide({ snapshot, config: make.config({ approval: 'none' }), now: NOW });
  const open = actions.find((action) => action.kind === 'open-final-pull');
  return open?.kind === 'open-final-pull' ? open.reviewers : undefined;
}

describe('the record of the ask that started a build', () => {
  it('reads back from the status comment what was written there', () => {
    const view = viewOf(decide({ snapshot: make.snapshot(), config: make.config(), now: NOW }));
    const body = renderStatusComment({ view, commands: [], ask: BY_IMPROVE });
    expect(body.split('\n')[1]).toBe(renderAskRecord(BY_IMPROVE));
    expect(parseAskRecord(body)).toEqual(BY_IMPROVE);
    expect(parseAskRecord(renderStatusComment({ view, commands: [] }))).toBeNull();
  });

  it('is read only on the line after the status marker: one spelled further down is not', () => {
    const forged = renderAskRecord({ ...BY_IMPROVE, by: 'mallory' });
    const status = `<!-- baton:status build=${BUILD} -->\n**Baton** · build\n${forged}\n`;
    expect(parseAskRecord(status)).toBeNull();
    // A line that parses as no record records nothing.
    expect(parseAskRecord(`x\n<!-- baton:ask {"by":"a b"} -->`)).toBeNull();
    expect(parseAskRecord(`x\n<!-- baton:ask {not json} -->`)).toBeNull();
  });

  it.each<[string, AskRecord]>([
    ['a label', { ...BY_IMPROVE, how: { way: 'label', label: 'orchestrate' } }],
    [
      'a schedule',
      {
        ...BY_IMPROVE,
        how: { way: 'schedule', schedule: 'nightly' },
        link: 'https://github.com/acme/shop/commit/0123abc',
      },
    ],
    ['a red default branch', { ...BY_IMPROVE, how: { way: 'check-failed', head: 'abc1234' } }],
    [
      'a labelled pull request',
      {
        ...BY_IMPROVE,
        how: { way: 'pull-label', pull: 4, label: 'orchestrate', branch: 'release/2.0' },
      },
    ],
    [
      'a tracker, its person mapped',
      {
        ...BY_IMPROVE,
        how: { way: 'linear', key: 'ENG-12' },
        link: 'https://linear.app/acme/issue/ENG-12',
        mapped: { id: 'u-1', name: 'Ada Lovelace' },
      },
    ],
  ])('reads back a record of %s with its door, link and mapped person', (_, record) => {
    const body = `<!-- baton:status build=${BUILD} -->\n${renderAskRecord(record)}`;
    expect(parseAskRecord(body)).toEqual(record);
  });

  it('reads a record written before the door, link and person were recorded', () => {
    const old =
      '<!-- baton:ask {"by":"alice","how":{"way":"command","comment":77},"at":"2026-01-01T00:00:00Z","what":{"kind":"improve"}} -->';
    const record = parseAskRecord(`<!-- baton:status build=${BUILD} -->\n${old}`);
    expect(record).toEqual({ ...BY_IMPROVE, at: '2026-01-01T00:00:00Z' });
    expect(record && doorOf(record.how)).toBe('improve');
  });

  it('records no link that is not https, nor one that could leave its attribute', () => {
    for (const link of ['javascript:alert(1)', 'http://x.test', 'https://x.test/"onmouseover=1']) {
      const line = `<!-- baton:ask ${JSON.stringify({ ...BY_IMPROVE, link })} -->`;
      expect(parseAskRecord(`<!-- baton:status build=${BUILD} -->\n${line}`)).toBeNull();
    }
  });

  it('keeps a label name that spells the end of a comment inside its JSON', () => {
    const record: AskRecord = {
      ...BY_IMPROVE,
      how: { way: 'label', label: 'x --> <!-- baton:ask' },
    };
    const line = renderAskRecord(record);
    expect(line.indexOf('-->')).toBe(line.length - 3);
    expect(parseAskRecord(`<!-- baton:status build=${BUILD} -->\n${line}`)).toEqual(record);
  });

  it('names the asker for the final pull request’s review, whoever labelled the issue since', () => {
    expect(reviewersOfFinalPull(deliveredSnapshot({ ask: BY_IMPROVE, ...BOB_LABELLED }))).toEqual([
      'alice',
    ]);
  });

  it('falls back to the build label’s event for a build started before the record', () => {
    expect(reviewersOfFinalPull(deliveredSnapshot(BOB_LABELLED))).toEqual(['bob']);
  });

  describe('an improvement series asked for by its label', () => {
    const raw = { improve: { label: 'improve', loops: 2 } } as Partial<Config> as Raw;
    const issue = { ...make.snapshot().issue, labels: ['improve'] };
    const base = { issue, plan: { kind: 'missing' as const }, runs: [], integration: null };
    /** What decide does for the series' issue with `ask` recorded (or none), bob having added the label since. */
    const decidedWith = (ask?: AskRecord) =>
      decide({
        snapshot: make.snapshot({
          ...base,
          ...(ask ? { ask } : {}),
          labelledBy: [{ label: 'improve', login: 'bob', at: ago(50) }],
        }),
        config: make.config(raw),
        now: NOW,
      });

    it('starts with the asker and time the record holds', () => {
      const ask: AskRecord = {
        by: 'carol',
        how: { way: 'label', label: 'improve' },
        at: ago(100),
        what: { kind: 'improve' },
      };
      const actions = decidedWith(ask);
      expect(dispatched(actions)).toEqual(['research L1 -']);
      expect(viewOf(actions).series).toMatchObject({ by: 'carol' });
    });

    it('is no series where the record says a build was asked for, whatever label came since', () => {
      const ask: AskRecord = {
        by: 'carol',
        how: { way: 'label', label: 'orchestrate' },
        at: ago(100),
        what: { kind: 'build', type: 'code' },
      };
      const actions = decidedWith(ask);
      expect(dispatched(actions)).toEqual(['plan - -']);
      expect(viewOf(actions).series).toBeUndefined();
    });

    it('falls back to the label’s first event for a series started before the record', () => {
      const actions = decidedWith();
      expect(dispatched(actions)).toEqual(['research L1 -']);
      expect(viewOf(actions).series).toMatchObject({ by: 'bob' });
    });
  });
});
