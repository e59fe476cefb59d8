import { describe, expect, it } from 'vitest';
import { type Attack, describePlay, type Played, playAttack } from './play-attack.js';

/**
 * How the attack's play falls short of what the corpus expects of it once the
 * defences hold, in a few words, or null where it came to that answer.
 */
export function missedAnswer(attack: Attack, played: Played): string | null {
  const expected = attack.expect;
  if ('refused' in expected) {
    const reasons = played.publish.flatMap((answer) => ('refused' in answer ? answer.refused : []));
    return reasons.join('\n').includes(expected.refused)
      ? null
      : `not refused for ${JSON.stringify(expected.refused)}`;
  }
  if (played.refused) return 'refused at publish';
  if ('waits' in expected) {
    const waits = played.publish.flatMap((answer) => ('waits' in answer ? answer.waits : []));
    if (!waits.includes(expected.waits)) return `does not wait for ${expected.waits}`;
    // What the person is then told comes from the validation: it must not say the criterion proven.
    return played.proven ? `waits for ${expected.waits}, but proven` : null;
  }
  if (played.validation === null) return 'no validation';
  return played.proven ? 'proven' : null;
}

/** Asserts that the attack came to what the corpus expects of it once the defences hold. */
export function expectAnswer(attack: Attack, played: Played): void {
  expect(missedAnswer(attack, played), describePlay(played)).toBeNull();
}

/**
 * A part of the corpus as CI plays it (the `processes` tier): each attack through the real
 * publish and validation, held to its answer. One file a part, so the parts play side by side.
 */
export function describeCorpus(part: string, attacks: readonly Attack[]): void {
  describe(`the corpus's attacks, ${part}, through the real publish and validation`, () => {
    for (const attack of attacks) {
      it(`${attack.name} (${attack.project.runner})`, async () => {
        expectAnswer(attack, await playAttack(attack));
      }, 600_000);
    }
  });
}
