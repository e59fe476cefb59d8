import { describe, expect, it } from 'vitest';
import { evaluate, evaluateCondition, interpolate } from '../../sim/actions/expressions.js';

/** `${{ inner }}`, as a workflow writes an expression. */
const expr = (inner: string) => `\${{ ${inner} }}`;

const contexts = {
  github: {
    event_name: 'issue_comment',
    event: {
      comment: { body: 'Please /approve' },
      sender: { type: 'User' },
      branches: [{ name: 'baton/12-x/integration' }],
      check_suite: { app: { id: 42 } },
    },
  },
  needs: { route: { outputs: { group: 'baton-conductor-12' } } },
  vars: { BATON_APP_ID: '42' },
};

describe('the simulated expression language', () => {
  it.each([
    ["github.event_name == 'ISSUE_COMMENT'", true],
    ["contains(github.event.comment.body, '/')", true],
    ["github.event.sender.type != 'Bot' && 'yes'", 'yes'],
    ["github.event.missing.deeper || 'fallback'", 'fallback'],
    ['github.event.check_suite.app.id == vars.BATON_APP_ID', true],
    ['github.event.check_suite.app.id != vars.BATON_APP_ID', false],
    ["contains(toJSON(github.event.branches), '\"baton/')", true],
    ["startsWith('baton/12-x/W1.1', 'BATON/')", true],
    ["format('{0}-{1}', 'a', 3)", 'a-3'],
    ["fromJSON('[1, 2]')[1]", 2],
    ['!(1 < 2) || null == 0', true],
    ["'it''s'", "it's"],
  ])('%s is %j', (expression, expected) => {
    expect(evaluate(expression, contexts)).toEqual(expected);
  });

  it('reads a condition with or without its braces, and fills a string', () => {
    expect(evaluateCondition(expr("needs.route.outputs.group != ''"), contexts)).toBe(true);
    expect(evaluateCondition("needs.route.outputs.nothing != ''", contexts)).toBe(false);
    expect(interpolate(`group ${expr('needs.route.outputs.group')}!`, contexts)).toBe(
      'group baton-conductor-12!',
    );
  });
});
