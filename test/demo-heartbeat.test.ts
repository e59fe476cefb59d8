import { describe, expect, it } from 'vitest';
import { type HeartbeatRun, heartbeatLine } from '../scripts/demo-heartbeat.js';

const run = (status: HeartbeatRun['status'], role: string, worker = ''): HeartbeatRun => ({
  workflow: 'baton.yml',
  status,
  inputs: worker ? { role, worker } : { role },
});

describe('the demo’s line in a silence', () => {
  it('names the sessions running and queued, not those done or runs of no session', () => {
    const runs = [
      run('in_progress', 'work', 'W1.1'),
      run('in_progress', 'review', 'W1.2'),
      run('queued', 'validate', 'M1'),
      run('completed', 'plan'),
      { workflow: 'ci.yml', status: 'in_progress' as const, inputs: {} },
    ];
    expect(heartbeatLine(runs, 95.4)).toBe(
      '… +95 s · running: work W1.1, review W1.2 · queued: validate M1',
    );
  });

  it('says Baton waits when no session runs', () => {
    expect(heartbeatLine([run('completed', 'work', 'W1.1')], 30)).toBe(
      '… +30 s · no session runs: Baton waits for its next event',
    );
  });
});
