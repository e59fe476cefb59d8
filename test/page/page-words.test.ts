import { describe, expect, it } from 'vitest';
import { noticeLines } from '../../src/core/overview/notice-lines.js';
import { timeTicks } from '../../src/page/render/charts.js';
import { repeatRateText } from '../../src/page/render/memory-view.js';

describe('the page’s words: notices said, not keyed', () => {
  it.each([
    [
      'final-pull/9',
      'final pull request',
      'The final pull request #9 is ready for a review and a merge.',
    ],
    ['plan-ready/609545827e25', 'plan', 'The plan is ready: it waits for /approve.'],
    ['needs-human/W1.2/checks/abc', 'needs a person', 'W1.2 needs a person.'],
    [
      'acme.lib/final-pull/2',
      'final pull request',
      'acme/lib: the final pull request #2 is ready for a review and a merge.',
    ],
  ])('%s', (key, kind, text) => {
    expect(noticeLines([key])).toEqual([
      { key, kind, text, repository: key.startsWith('acme.') ? 'acme/lib' : null },
    ]);
  });

  it('leaves out a change set’s notice about a repository the viewer may not read, its name with it', () => {
    const lines = noticeLines(
      ['acme.lib/final-pull/2', 'acme.client/final-pull/3', 'plan-ready/1'],
      (repository) => repository !== 'acme/lib',
    );
    expect(lines.map((line) => line.key)).toEqual(['acme.client/final-pull/3', 'plan-ready/1']);
    expect(JSON.stringify(lines)).not.toContain('lib');
  });
});

describe('the timeline’s axis', () => {
  const at = (time: string) => new Date(`2026-11-26T${time}Z`);

  it('labels ticks under a minute apart to the second, and never one minute twice', () => {
    const ticks = [0, 10, 20, 30, 40, 50].map((s) => at(`06:00:${String(s).padStart(2, '0')}`));
    expect(timeTicks(ticks).map((tick) => tick.label)).toEqual([
      '06:00:00',
      '06:00:10',
      '06:00:20',
      '06:00:30',
      '06:00:40',
      '06:00:50',
    ]);
  });

  it('labels minutes as minutes, and names the day where the ticks span days', () => {
    expect(timeTicks([at('06:00:00'), at('06:05:00')]).map((tick) => tick.label)).toEqual([
      '06:00',
      '06:05',
    ]);
    const days = [new Date('2026-11-26T12:00:00Z'), new Date('2026-11-27T00:00:00Z')];
    expect(timeTicks(days).map((tick) => tick.label)).toEqual(['11-26 12:00', '11-27 00:00']);
  });
});

describe('the memory view’s repeat rate', () => {
  const counts = { proposed: 1, merged: 1, applied: 2, lessons: [] };
  it.each([
    [{ ...counts, findings: 0, repeats: 0, rate: null }, 'no finding yet'],
    [{ ...counts, findings: 4, repeats: 1, rate: 0.25 }, '1 of 4 (25%)'],
    [{ ...counts, findings: 2, repeats: 0, rate: 0 }, '0 of 2 (0%)'],
  ])('%o reads %s', (memory, text) => {
    expect(repeatRateText(memory)).toBe(text);
  });
});
