import { describe, it } from 'vitest';
import { attacksOn } from './corpus/index.js';
import { expectAnswer } from './expect-answer.js';
import { playAttack } from './play-attack.js';

describe("the corpus's Go attacks, through the real publish and validation", () => {
  it.each(attacksOn('go'))(
    '$name',
    async (attack) => {
      expectAnswer(attack, await playAttack(attack));
    },
    600_000,
  );
});
