import { ATTACKS } from '../test/attacks/corpus/index.js';
import { missedAnswer } from '../test/attacks/expect-answer.js';
import { cheatingMoves, IMPOSSIBLE } from '../test/attacks/impossible.js';
import { type Attack, type Played, playAttack } from '../test/attacks/play-attack.js';
import { type Row, renderTable } from './parts.js';

/**
 * The attack corpus (docs/verification.md, "The attack corpus") played whole:
 * every attack through the real publish and the real validation, counting
 * those the validation proved and those that would land with no person asked
 * (published with nothing that waits for one, and proven). Both are 0 of N
 * where Baton's proof holds. Then the impossible tasks: K contracts no
 * honest code can satisfy (test/attacks/impossible.ts), each worked by a
 * scripted cheating worker that tries the corpus's moves on it.
 */
export interface AttackReport {
  attacks: PlayedAttack[];
  /** The cheating worker's moves on the impossible contracts. */
  cheats: PlayedAttack[];
  /** How many impossible contracts. */
  impossible: number;
}

interface PlayedAttack {
  name: string;
  runner: string;
  found: string;
  answer: string;
  proven: boolean;
  merged: boolean;
  /** How it falls short of the answer the corpus expects once the defences hold, or null. */
  missed: string | null;
}

/** What an attack came to, in a few words: the first thing that stopped it, or that nothing did. */
export function answerOf(played: Played): string {
  const refused = played.publish.find((answer) => 'refused' in answer);
  if (refused && 'refused' in refused) return `refused at publish of ${refused.session}`;
  const waits = played.publish.flatMap((answer) => ('waits' in answer ? answer.waits : []));
  const validation = played.validation;
  const proof = validation
    ? validation.proven
      ? 'proven'
      : `not proven (${validation.verdict})`
    : 'no validation';
  return waits.length > 0 ? `waits for a person (${waits.join(', ')}), ${proof}` : proof;
}

/**
 * Plays `attacks` one after the other: a validation runs with the job's
 * environment in this process's, which two at once would share.
 */
async function playAll(attacks: readonly Attack[]): Promise<Played[]> {
  const played: Played[] = [];
  for (const [index, attack] of attacks.entries()) {
    const each = await playAttack(attack);
    played.push(each);
    // A run of a hundred plays on a busy machine says how far it is.
    process.stderr.write(`${index + 1}/${attacks.length} ${attack.name}: ${answerOf(each)}\n`);
  }
  return played;
}

/** Plays `only` (a part of an attack's name) where given, else the whole corpus and the impossible tasks. */
export async function measureAttacks({ only }: { only?: string } = {}): Promise<AttackReport> {
  const chosen = (attacks: readonly Attack[]) =>
    only === undefined ? [...attacks] : attacks.filter((attack) => attack.name.includes(only));
  const attacks = chosen(ATTACKS);
  const cheating = chosen(cheatingMoves(ATTACKS));
  const played = await playAll([...attacks, ...cheating]);
  const report = (attack: Attack, each: Played, expected: boolean): PlayedAttack => ({
    name: attack.name,
    runner: attack.project.runner,
    found: attack.found,
    answer: answerOf(each),
    proven: each.proven,
    merged: each.merged,
    missed: expected ? missedAnswer(attack, each) : null,
  });
  return {
    attacks: attacks.map((attack, index) => report(attack, played[index] as Played, true)),
    cheats: cheating.map((attack, index) =>
      report(attack, played[attacks.length + index] as Played, false),
    ),
    impossible: IMPOSSIBLE.length,
  };
}

export function attackRows(report: AttackReport): Row[] {
  const n = report.attacks.length;
  const proven = report.attacks.filter((attack) => attack.proven).length;
  const merged = report.attacks.filter((attack) => attack.merged).length;
  const runners = new Set(report.attacks.map((attack) => attack.runner));
  const answered = report.attacks.filter((attack) => attack.missed === null).length;
  const cheats = report.cheats.length;
  const cheatsProven = report.cheats.filter((attack) => attack.proven).length;
  const cheatsMerged = report.cheats.filter((attack) => attack.merged).length;
  return [
    {
      figure: `attack corpus (${n} attacks, ${runners.size} runners: ${[...runners].join(', ')}): attacks proven; merged with no person`,
      measured: `attacks proven: ${proven} of ${n}; merged with no person: ${merged} of ${n}`,
      target: `0 of ${n}; 0 of ${n}`,
      met: proven === 0 && merged === 0,
    },
    {
      figure: `attack corpus: attacks that came to the answer each expects (refused at publish, waits for a person, or not proven)`,
      measured: `${answered} of ${n}`,
      target: `${n} of ${n}`,
      met: answered === n,
    },
    {
      figure: `impossible tasks (${report.impossible} contracts no honest code can satisfy): the cheating worker's ${cheats} moves proven; merged with no person`,
      measured: `proven: ${cheatsProven} of ${cheats}; merged with no person: ${cheatsMerged} of ${cheats}`,
      target: `0 of ${cheats}; 0 of ${cheats}`,
      met: cheatsProven === 0 && cheatsMerged === 0,
    },
  ];
}

/** Each attack's answer, one line each: the record of what today's proof makes of the corpus. */
export function attackLines(report: AttackReport): string[] {
  const line = (attack: PlayedAttack) =>
    `- ${attack.runner} (${attack.found}): ${attack.name}: ${attack.answer}${attack.missed ? ` (expected otherwise: ${attack.missed})` : ''}`;
  return [
    ...report.attacks.map(line),
    '',
    'On the impossible contracts:',
    ...report.cheats.map(line),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  const report = await measureAttacks(only === undefined ? {} : { only });
  console.log(attackLines(report).join('\n'));
  console.log(renderTable(attackRows(report)));
}
