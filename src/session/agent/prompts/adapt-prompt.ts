import { pathLine } from './system-prompt.js';

/**
 * The first message of a `plan` session in adapt mode: the merged worker's
 * completion and the briefs it may revise, all by path.
 */
export function renderAdaptPrompt({
  build,
  repository,
  source,
  completion,
  briefs,
  plan,
  skill,
}: {
  build: string;
  repository: string;
  /** The merged worker whose learnings call for the change. */
  source: string;
  completion: string;
  /** The briefs this session may revise, by worker id. */
  briefs: { worker: string; path: string }[];
  plan: string;
  skill: { path: string; present: boolean };
}): string {
  return [
    `Adapt the plan of build \`${build}\` of ${repository} after worker ${source} merged.`,
    '',
    `Its completion report, \`${completion}\`, says its learnings affect workers that have not started yet.`,
    'Revise only these briefs, and only where the learnings change what the worker must do or know:',
    ...briefs.map((brief) => `- ${brief.worker}: \`${brief.path}\``),
    '',
    `The plan is \`${plan}\`; the planning skill ${pathLine(skill.path, skill.present)}.`,
    'Read the report and each brief with read_file, and the repository where it helps. Finished workers, the plan and its graph stay as they are.',
    '',
    'Then call submit_adaptation with the whole new body of each brief that must change (Baton keeps each front matter, writes the files and commits them), or with an empty list when none must.',
  ].join('\n');
}
