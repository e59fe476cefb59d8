/**
 * The notice that asks a person for every worker waiting by risk
 * (`verification.autonomy.waitFor`) at once, posted when the build cannot go
 * on without them: for each, its pull request, why it waits and its risky
 * files (paths a session chose, shown inert), then how to let them all go on
 * in one reply.
 */

import { type AutonomyWait, waitReasons } from '../verification/autonomy.js';
import { quoted } from '../verification/quoted.js';
import { GUIDE_MAX_FILES } from '../verification/review-guide.js';
import { shortHash } from '../vocabulary/short-hash.js';

/** One waiting worker as the notice lists it. */
export interface NoticedWait {
  wait: AutonomyWait;
  pull: { number: number; url: string };
}

/**
 * The parts of the notice's key: once per set of waiting heads (how many, and a
 * hash of each worker with its head), so a build that comes to wait again asks again.
 */
export function waitNoticeAbout(waits: readonly NoticedWait[]): (string | number)[] {
  const heads = waits.map(({ wait }) => `${wait.worker}@${wait.head}`).sort();
  return ['waiting', waits.length, shortHash(heads.join(' '))];
}

export function renderWaitNotice(waits: readonly NoticedWait[]): string {
  const them = waits.length === 1 ? 'it merges' : 'they merge';
  const lines = waits.flatMap(({ wait, pull }) => {
    const files = wait.files
      .slice(0, GUIDE_MAX_FILES)
      .map(
        (file) =>
          `  - ${quoted(file.path)} (${file.lines} ${file.lines === 1 ? 'line' : 'lines'}): ${file.classes.join(', ')}`,
      );
    const more =
      wait.files.length > GUIDE_MAX_FILES
        ? [`  - and ${wait.files.length - GUIDE_MAX_FILES} more`]
        : [];
    return [
      `- **${wait.worker}** ([#${pull.number}](${pull.url})) ${waitReasons(wait).join('; ')}.${files.length > 0 ? ' Read these first:' : wait.classes.length > 0 ? ' No one file carries it: the change as a whole does.' : ''}`,
      ...files,
      ...more,
    ];
  });
  return [
    `⏸️ **The build waits for a person:** ${waits.length === 1 ? 'one worker changes' : `${waits.length} workers change`} what \`verification.autonomy.waitFor\` in \`.github/baton.yml\` keeps for a person, and nothing else can go on until ${them}. Baton's review approved ${waits.length === 1 ? 'it' : 'each'}; only the merge waits.`,
    '',
    ...lines,
    '',
    `To let ${waits.length === 1 ? 'it' : 'them'} merge: approve each pull request's head (a review by someone with write access), or reply here with one comment:`,
    '',
    '```',
    ...waits.map(({ wait }) => `/merge ${wait.worker}`),
    '```',
  ].join('\n');
}
