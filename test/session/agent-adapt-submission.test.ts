import { describe, expect, it } from 'vitest';
import { checkAdaptation } from '../../src/session/agent/roles/hand-in/adapt-submission.js';

const FRONT =
  '---\nworker_id: W2.1\ntitle: CLI\nwave: 2\ndepends_on: [W1.1]\ncomplexity: normal\n---\n';
const briefs = new Map([['W2.1', `${FRONT}\n## Mission\n\n- [ ] old\n`]]);

describe('submit_adaptation', () => {
  it('keeps the front matter and takes the new body', () => {
    const accepted = checkAdaptation(
      { briefs: [{ worker: 'W2.1', brief: '## Mission\n\n- [ ] new' }] },
      { briefs },
    );
    expect(accepted).toEqual({
      ok: true,
      value: new Map([['W2.1', `${FRONT}\n## Mission\n\n- [ ] new\n`]]),
    });
  });

  it.each([
    [
      'a worker it may not revise',
      [{ worker: 'W1.1', brief: '- [ ] x' }],
      'W1.1 is not one of the briefs this session may revise (W2.1)',
    ],
    [
      'a brief without success criteria',
      [{ worker: 'W2.1', brief: 'Just do it.' }],
      'the brief of W2.1 has no success criteria: list them as "- [ ] …" checkboxes',
    ],
    [
      'the same worker twice',
      [
        { worker: 'W2.1', brief: '- [ ] a' },
        { worker: 'W2.1', brief: '- [ ] b' },
      ],
      'W2.1 is listed twice; give one brief per worker',
    ],
  ])('refuses %s, saying why', (_name, submitted, problem) => {
    const accepted = checkAdaptation({ briefs: submitted }, { briefs });
    expect(accepted.ok).toBe(false);
    expect(accepted.ok ? [] : accepted.problems).toContain(problem);
  });
});
