import { describe, expect, it } from 'vitest';
import { decide } from '../../src/core/decide/decide.js';
import { rowsOf } from './decide-helpers.js';
import { ago, make, NOW, planOf, planRun } from './factories.js';

const failedWork = make.run({
  id: 7011,
  worker: 'W1.1',
  status: 'completed',
  conclusion: 'failure',
  createdAt: ago(20),
});

function rowAfter(reason: string | undefined, runId = 7011) {
  const usage = make.usageRecord({
    run_id: runId,
    role: 'work',
    worker: 'W1.1',
    outcome: 'complete',
    ...(reason ? { reason } : {}),
  });
  const actions = decide({
    snapshot: make.snapshot({
      plan: planOf('W1.1'),
      runs: [planRun(), failedWork],
      usage: [usage],
    }),
    config: make.config({ approval: 'none' }),
    now: NOW,
  });
  return rowsOf(actions)['W1.1'];
}

describe('a worker whose publish refused a secret says so in its row', () => {
  it('shows the refusal its run’s usage record carries, file, line, rule and the value masked', () => {
    expect(
      rowAfter(
        'publish refused: a secret in src/settings.ts:3 (rule secretlint/github, ghp_************)',
      ),
    ).toEqual({
      state: 'failed',
      note: "publish refused the session's changes: `a secret in src/settings.ts:3 (rule secretlint/github, ghp_************)`",
    });
  });

  it('sends the reader to the publish job when the record names no rule', () => {
    expect(rowAfter(undefined)).toEqual({
      state: 'failed',
      note: "publish refused the session's changes (or could not write them); the run's publish job says which rule",
    });
  });

  it('says only that the session failed when the record is another run’s', () => {
    expect(rowAfter('publish refused: a secret in x.ts:1 (rule r, ****)', 9999)).toEqual({
      state: 'failed',
      note: 'the session failed',
    });
  });
});
