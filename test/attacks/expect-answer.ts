import { expect } from 'vitest';
import { type Attack, describePlay, type Played } from './play-attack.js';

/** Asserts that the attack came to what the corpus expects of it once the defences hold. */
export function expectAnswer(attack: Attack, played: Played): void {
  const said = describePlay(played);
  const expected = attack.expect;
  if ('refused' in expected) {
    const reasons = played.publish.flatMap((answer) => ('refused' in answer ? answer.refused : []));
    expect(reasons.join('\n'), said).toContain(expected.refused);
    return;
  }
  expect(played.refused, said).toBe(false);
  if ('waits' in expected) {
    const waits = played.publish.flatMap((answer) => ('waits' in answer ? answer.waits : []));
    expect(waits, said).toContain(expected.waits);
    return;
  }
  expect(played.validation, said).not.toBeNull();
  expect(played.proven, said).toBe(false);
}
