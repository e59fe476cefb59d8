import { describe, it } from 'vitest';
import { attacksOn } from './corpus/index.js';
import { expectAnswer } from './expect-answer.js';
import { playAttack } from './play-attack.js';

describe("the corpus's node:test attacks, through the real publish and validation", () => {
  it.each(attacksOn('node:test'))(
    '$name',
    async (attack) => {
      expectAnswer(attack, await playAttack(attack));
    },
    600_000,
  );
});
