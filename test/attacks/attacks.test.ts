import { describe, expect, it } from 'vitest';
import { sealPath } from '../../src/core/verification/seal.js';
import { BUILD } from '../session/publish/fixture.js';
import { playAttack } from './play-attack.js';
import { GO, NODE_TEST, PYTEST, VITEST, VITEST_MONOREPO, VITEST_NO_REPORT } from './projects.js';

const SEAL = sealPath(BUILD);

/**
 * The attack corpus's controls (docs/verification.md, "The attack corpus"):
 * honest work on each runner's project is proven and lands with no person
 * asked, and a writer's push taken back whole leaves it so. The attacks play
 * in the corpus's files beside this one (`corpus-*.test.ts`).
 */
describe('the controls: honest work is proven and lands with no person asked', () => {
  // An attack's "not proven" means something only while honest work on the same project is proven.
  // The monorepo's check imports the code under test by its workspace package's name; the last
  // project's command runs another script, so no report is read and the exit status decides.
  const projects = [
    ...[VITEST, NODE_TEST, PYTEST, GO].map((project) => [project.runner, project] as const),
    ['Vitest monorepo', VITEST_MONOREPO] as const,
    ['Vitest no-report', VITEST_NO_REPORT] as const,
  ];
  for (const [label, project] of projects) {
    it(`on the ${label} project`, async () => {
      const played = await playAttack({
        name: 'honest work',
        project,
        found: 'earlier',
        worker: project.honest,
        expect: { notProven: true },
      });
      expect(played.publish).toEqual([{ session: 'work W1.1', waits: [] }]);
      expect(played.validation).toMatchObject({ proven: true, passed: true });
      // With a report, the check itself was proven; without one, the exit status decided.
      expect(played.validation?.verdict).toMatch(
        project === VITEST_NO_REPORT ? /^exit 0/ : /^proven$/,
      );
      expect(played.merged).toBe(true);
    }, 600_000);
  }
});

describe("a writer's push taken back whole", () => {
  it('leaves honest work proven once the push that emptied the seal is reverted exactly', async () => {
    const played = await playAttack({
      name: 'honest work, a push emptying the seal, and its revert',
      project: NODE_TEST,
      found: 'issue 74',
      worker: NODE_TEST.honest,
      push: { [SEAL]: '{"version":1,"files":[]}\n' },
      pushAfter: (before) => ({ [SEAL]: before(SEAL) }),
      expect: { notProven: true },
    });
    expect(played.validation).toMatchObject({ proven: true, passed: true, verdict: 'proven' });
  }, 600_000);
});
