/**
 * The notices a build's issue carries, said in words for the page: a key
 * (`final-pull/9`, `acme.lib/needs-human/W1.2/…`) is a guard's name, not
 * something to show a person.
 */

/** One notice Baton posted, in words. */
export interface NoticeLine {
  key: string;
  /** What it is about, in a word or two (`final pull request`). */
  kind: string;
  /** What it said, in short. */
  text: string;
  /** The repository of a change set's member it was about; null for the build's own. */
  repository: string | null;
}

/** Each kind of notice: what it is about, and what it said from the key's parts. */
type Words = readonly [kind: string, text: (parts: readonly string[]) => string];

const worker = (parts: readonly string[]) => parts[0] ?? 'a worker';

const NOTICES: Record<string, Words> = {
  'final-pull': [
    'final pull request',
    ([n]) => `the final pull request #${n} is ready for a review and a merge`,
  ],
  'plan-ready': ['plan', () => 'the plan is ready: it waits for /approve'],
  'daily-budget': ['daily cap', ([day]) => `the repository's daily cap was reached on ${day}`],
  'installation-daily-budget': [
    'daily cap',
    ([day]) => `the installation's daily cap was reached on ${day}`,
  ],
  adapted: ['revised briefs', ([source]) => `after ${source}, revised briefs wait for /approve`],
  'follow-ups': [
    'follow-ups',
    ([round]) => `the synthesis proposes follow-up questions (round ${round})`,
  ],
  'synthesis-failed': ['synthesis', () => 'the synthesis session failed'],
  budget: ['budget', ([maxUsd]) => `the sessions reached budget.maxUsd ($${maxUsd})`],
  'validation-budget': [
    'validation',
    ([milestone]) => `the validation of ${milestone} waits for budget`,
  ],
  'series-ended': [
    'improvement',
    ([loop]) => `the loops ended at loop ${loop}: nothing worth doing`,
  ],
  'research-failed': ['improvement', ([loop]) => `loop ${loop}'s research session failed`],
  'summary-failed': ['improvement', ([loop]) => `loop ${loop}'s summary session failed`],
  'needs-human': ['needs a person', (parts) => `${worker(parts)} needs a person`],
  'awaiting-budget': ['budget', (parts) => `${worker(parts)} waits for budget`],
  failed: ['failed', (parts) => `${worker(parts)} failed`],
  partial: ['partial', (parts) => `${worker(parts)} stopped short of its brief`],
  runaway: ['runaway', ([, id]) => `${id ?? 'a worker'} looked like a runaway`],
};

/**
 * `keys` in words; a change set's notice about a member (`owner.name/…`) names
 * its repository, and is left out where `readable` says the viewer may not read it.
 */
export function noticeLines(
  keys: readonly string[],
  readable: (repository: string) => boolean = () => true,
): NoticeLine[] {
  return keys.flatMap((key) => {
    const [first = '', ...rest] = key.split('/');
    const repository = NOTICES[first] ? null : repositoryOfPrefix(first);
    if (repository !== null && !readable(repository)) return [];
    const [kind = '', ...parts] = repository === null ? [first, ...rest] : rest;
    const [about, said] = NOTICES[kind] ?? ['notice', () => 'a notice'];
    const words = { kind: about, text: said(parts) };
    // A repository's name keeps its case; a sentence of the build's own starts with a capital.
    const text =
      repository === null
        ? `${words.text[0]?.toUpperCase() ?? ''}${words.text.slice(1)}.`
        : `${repository}: ${words.text}.`;
    return [{ key, kind: words.kind, text, repository }];
  });
}

/** `acme.lib` → `acme/lib`: a set's notices are kept under their repository's prefix (`noticePrefix`). */
function repositoryOfPrefix(prefix: string): string | null {
  const dot = prefix.indexOf('.');
  return dot > 0 ? `${prefix.slice(0, dot)}/${prefix.slice(dot + 1)}` : null;
}
