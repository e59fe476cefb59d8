/**
 * The comment on a worker's pull request that waits for a person by risk
 * (`verification.autonomy.waitFor`): the small guide, posted once per head.
 * Why it waits, its risky files (paths a session chose, shown as code), and
 * how to let it go on.
 */
import { mentions } from '../vocabulary/notice.js';
import type { AutonomyWait } from './autonomy.js';
import { quoted } from './quoted.js';
import { GUIDE_MAX_FILES } from './review-guide.js';
import { riskText } from './risk.js';

/** The key the comment is posted once by: per worker and head. */
export function waitCommentKey(wait: Pick<AutonomyWait, 'worker' | 'head'>): string {
  return `autonomy:${wait.worker}:${wait.head}`;
}

export function renderWaitComment(wait: AutonomyWait, { people }: { people: string[] }): string {
  const files = wait.files
    .slice(0, GUIDE_MAX_FILES)
    .map(
      (file) =>
        `- ${quoted(file.path)} (${file.lines} ${file.lines === 1 ? 'line' : 'lines'}): ${file.classes.join(', ')}`,
    );
  const more =
    wait.files.length > GUIDE_MAX_FILES
      ? [`- and ${wait.files.length - GUIDE_MAX_FILES} more`]
      : [];
  return [
    `${mentions(people)}⏸️ **${wait.worker} waits for a person:** it ${wait.classes.map(riskText).join('; ')}, and \`verification.autonomy.waitFor\` in \`.github/baton.yml\` keeps such changes for a person. Its review and checks go on; Baton does not merge it alone.`,
    '',
    ...(files.length > 0
      ? ['**Read these first:**', '', ...files, ...more]
      : ['No one file carries it: the change as a whole does.']),
    '',
    `To let it merge: approve this pull request's head (a review by someone with write access), or reply \`/merge ${wait.worker}\`.`,
  ].join('\n');
}
