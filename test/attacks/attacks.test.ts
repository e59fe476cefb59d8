import { describe, expect, it } from 'vitest';
import { sealPath } from '../../src/core/verification/seal.js';
import { BUILD } from '../session/publish/fixture.js';
import { CI_ATTACKS } from './corpus/index.js';
import { expectAnswer } from './expect-answer.js';
import { playAttack } from './play-attack.js';
import { GO, NODE_TEST, PYTEST, VITEST, VITEST_MONOREPO, VITEST_NO_REPORT } from './projects.js';

const SEAL = sealPath(BUILD);

/**
 * CI's part of the attack corpus (docs/verification.md, "The attack corpus"),
 * one file so each runner's project is prepared once: the controls, then an
 * attack or two of each class and runner. The whole corpus is
 * `npm run bench -- attacks`.
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

describe("the corpus's attacks CI plays, through the real publish and validation", () => {
  for (const attack of CI_ATTACKS) {
    it(`${attack.name} (${attack.project.runner})`, async () => {
      expectAnswer(attack, await playAttack(attack));
    }, 600_000);
  }
});
