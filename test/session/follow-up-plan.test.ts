import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan/plan.js';
import { amendWithFollowUps } from '../../src/session/agent/plan/follow-up-plan.js';

const BUILD = '12-providers';
const plan: Plan = {
  version: 1,
  build: BUILD,
  issue: 12,
  title: 'Providers',
  summary: 'Two questions.',
  type: 'research',
  workers: [
    { id: 'W1.1', title: 'Users', depends_on: [], complexity: 'normal' },
    { id: 'W2.1', title: 'Cost', depends_on: ['W1.1'], complexity: 'normal' },
  ],
};
const question = (title: string) => ({ title, question: `What about ${title}?` });

describe('amendWithFollowUps: the synthesis code turns questions into proposed workers', () => {
  it('numbers them in the wave after every planned worker, round 1, a brief each', () => {
    const amended = amendWithFollowUps({
      plan,
      questions: [question('Microsoft'), question('Apple')],
      build: BUILD,
      hasFindings: () => true,
    });
    if (amended.kind !== 'amended') throw new Error(amended.why);
    expect(amended.round).toBe(1);
    expect(amended.plan.workers.slice(2)).toEqual([
      { id: 'W3.1', title: 'Microsoft', depends_on: [], complexity: 'normal', follow_up: 1 },
      { id: 'W3.2', title: 'Apple', depends_on: [], complexity: 'normal', follow_up: 1 },
    ]);
    expect(amended.plan.workers.slice(0, 2)).toEqual(plan.workers);
    expect(amended.briefs.get('W3.2')).toContain('What about Apple?');
  });

  it('adds round 2 after a round that ran, and nothing after one that has not', () => {
    const ran: Plan = {
      ...plan,
      workers: [
        ...plan.workers,
        { id: 'W3.1', title: 'M', depends_on: [], complexity: 'normal', follow_up: 1 },
      ],
    };
    const next = amendWithFollowUps({
      plan: ran,
      questions: [question('Linux')],
      build: BUILD,
      hasFindings: () => true,
    });
    expect(next.kind === 'amended' && next.plan.workers.at(-1)).toMatchObject({
      id: 'W4.1',
      follow_up: 2,
    });
    const pending = amendWithFollowUps({
      plan: ran,
      questions: [question('Linux')],
      build: BUILD,
      hasFindings: (id) => id !== 'W3.1',
    });
    expect(pending).toEqual({ kind: 'none', why: 'round 1 is proposed already and has not run' });
  });

  it('adds nothing without questions', () => {
    expect(
      amendWithFollowUps({ plan, questions: [], build: BUILD, hasFindings: () => true }).kind,
    ).toBe('none');
  });
});
