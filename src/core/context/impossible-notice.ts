/**
 * The one notice of a worker whose session said a criterion cannot be met
 * (docs/sessions.md, "This cannot be done"): each criterion it names with the
 * plan's sentence, its reason and where its evidence is, and the replies that
 * answer it. Once per hand-in (the run that handed it in); no other notice of
 * that worker's failure goes with it. The reason, the criteria's sentences
 * and a worker's title are a session's text: quoted, inert.
 */
import type { PlannedCriterion } from '../plan/contract.js';
import { quoted } from '../verification/quoted.js';

export interface NoticedImpossible {
  worker: string;
  /** Its session's word, as its usage record carries it (src/core/context/impossible-words.ts). */
  word: { criteria: readonly string[]; reason: string | null; run: { id: number; url: string } };
  /** The plan's criteria, to name each the word names. */
  criteria: readonly PlannedCriterion[];
  /** Its open pull request, where a fix session said it (a `/retry` there starts a fix session). */
  pull: { url: string } | null;
}

/** The notice's key parts: once per run that handed it in. */
export function impossibleNoticeAbout({ worker, word }: NoticedImpossible): (string | number)[] {
  return ['impossible', worker, word.run.id];
}

export function renderImpossibleNotice({
  worker,
  word,
  criteria,
  pull,
}: NoticedImpossible): string {
  const named = word.criteria.map((id) => {
    const sentence = criteria.find((criterion) => criterion.id === id)?.text;
    return `- **${id}**${sentence ? ` ${quoted(sentence)}` : ''}`;
  });
  const where = pull ? `its pull request ${pull.url}` : 'its branch';
  return [
    `🚫 **${worker} says this cannot be done**, and stopped: ${word.criteria.length === 0 ? 'its brief' : word.criteria.length === 1 ? 'this criterion' : 'these criteria'} cannot be met as written. Nothing more runs for ${worker}, and Baton counts it as no failure to fix, until a person answers.`,
    ...(named.length > 0 ? ['', ...named] : []),
    '',
    `Its reason: ${word.reason ? quoted(word.reason) : 'none given'}. Its evidence is in its run's summary (${word.run.url}), and its report on ${where}.`,
    '',
    `Reply \`/retry ${worker} <instructions>\` to try again with what to do instead, \`/skip ${worker}\` to go on without it (what it was to deliver is then not checked), or \`/replan <what to change>\` to change the plan.`,
  ].join('\n');
}
