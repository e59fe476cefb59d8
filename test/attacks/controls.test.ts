import { describe, expect, it } from 'vitest';
import { playAttack } from './play-attack.js';
import { GO, NODE_TEST, PYTEST, VITEST } from './projects.js';

/**
 * The baselines the attacks vary, on each runner's project: honest work is
 * proven and lands with no one asked; the check made plain on the wrong code
 * fails. An attack's "not proven" means something only while these hold.
 */
describe.each([VITEST, NODE_TEST, PYTEST, GO])('the $runner project', (project) => {
  it('proves honest work, which lands with no person asked', async () => {
    const played = await playAttack({
      name: 'honest work',
      project,
      found: 'earlier',
      worker: project.honest,
      expect: { notProven: true },
    });
    expect(played.publish).toEqual([{ session: 'work W1.1', waits: [] }]);
    expect(played.validation).toMatchObject({ proven: true, passed: true, verdict: 'proven' });
    expect(played.merged).toBe(true);
  }, 600_000);

  it('does not prove the wrong code with its check made plain', async () => {
    const played = await playAttack({
      name: 'no work',
      project,
      found: 'earlier',
      worker: {},
      expect: { notProven: true },
    });
    expect(played.refused).toBe(false);
    expect(played.validation).toMatchObject({ proven: false, passed: false, verdict: 'failing' });
  }, 600_000);
});
