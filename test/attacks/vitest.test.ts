import { describe, it } from 'vitest';
import { attacksOn } from './corpus/index.js';
import { expectAnswer } from './expect-answer.js';
import { playAttack } from './play-attack.js';

describe("the corpus's Vitest attacks, through the real publish and validation", () => {
  it.each(attacksOn('vitest'))(
    '$name',
    async (attack) => {
      expectAnswer(attack, await playAttack(attack));
    },
    600_000,
  );
});
