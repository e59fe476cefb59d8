import {
  CONDUCTOR_WORKFLOW_PATH,
  CONFIG_FILE,
  SETUP_ACTION_PATH,
  skillPath,
  WORKFLOW_PATH,
} from '../vocabulary/ids.js';
import { code, escapeCell } from '../vocabulary/markdown.js';
import { isSetupChange, type SetupFile, type SetupFileState } from './plan-setup.js';

/** The title of every setup pull request, the first and the updates alike. */
export const SETUP_PULL_TITLE = 'Set up Baton';

/** Where the session workflow gets the Baton CLI from. */
export interface BatonSource {
  /** `owner/name` of Baton's source repository. */
  repository: string;
  /** The full commit SHA the workflow pins. */
  ref: string;
}

const PURPOSES: Record<string, string> = {
  [WORKFLOW_PATH]:
    "The session workflow. Every plan, work, review and fix session runs through it in this repository's GitHub Actions, with this repository's own secret.",
  [CONDUCTOR_WORKFLOW_PATH]:
    "The conductor, for a repository with nothing hosted: Baton's reconcile, run here on this repository's events and hourly, acting as the app with a token it mints from the app's key.",
  [`.github/${CONFIG_FILE}`]:
    "Baton's settings for this repository: every key listed at its default, commented out.",
  [skillPath('plan')]: 'How a plan session breaks an issue into workers and writes their briefs.',
  [skillPath('worker')]: 'How a work session carries out one brief and reports back.',
  [skillPath('review')]: "How a review session reviews a worker's pull request.",
  [skillPath('fix')]: 'How a fix session answers a review on its pull request.',
  [skillPath('research')]:
    'How an improvement loop (`/improve`) studies the repository and writes what is worth doing next.',
  [skillPath('summary')]:
    "How an improvement loop's summary says what changed, what was learned and what is left.",
  [skillPath('research-work')]:
    'How a research worker investigates one question and writes its findings (sources, confidence).',
  [skillPath('research-review')]: "How a review session checks a research worker's evidence.",
  [skillPath('synthesis')]: "How a synthesis session writes a research build's report.",
  [skillPath('content-work')]: 'How a content worker writes the documents its plan entry names.',
  [skillPath('content-review')]:
    "How a review session checks documents against the brief and the repository's style guide.",
  [SETUP_ACTION_PATH]:
    "Your project's own setup for sessions (toolchain, services, dependency cache), run before the model's first turn. Yours: Baton adds it once and never changes it.",
};

/**
 * The setup pull request's body: what each file is and what the PR does with
 * it, which files were left alone as customised, and what to do next.
 */
export function renderSetupPullBody({
  files,
  source,
  cli = 'npx @baton-dev/baton',
}: {
  files: readonly SetupFile[];
  source: BatonSource;
  /** How the CLI is named where the app runs (`cliCommand`): `npx baton` in a checkout of Baton. */
  cli?: string;
}): string {
  const changes = files.filter(isSetupChange);
  const customised = files.filter((file) => file.state === 'customised');
  const addsWorkflow = changes.some((f) => f.path === WORKFLOW_PATH && f.state === 'missing');
  const intro = addsWorkflow
    ? "Baton runs its sessions in this repository's GitHub Actions. This pull request adds what they need; nothing runs until it is merged."
    : "Baton's shipped files have changed since this repository got them. This pull request brings them up to date.";
  const pin = `The workflow runs Baton's session action from ${code(source.repository)} at commit ${code(source.ref)}.`;
  return [
    intro,
    '',
    '| File | What it is | Change |',
    '| --- | --- | --- |',
    ...changes.map(
      (file) =>
        `| ${code(file.path)} | ${escapeCell(purposeOf(file.path))} | ${verb(file.state)} |`,
    ),
    '',
    pin,
    ...renderCustomised(customised, source),
    '',
    '### Next steps',
    '',
    '1. Add the repository secret `ANTHROPIC_API_KEY` (Settings → Secrets and variables → Actions → Secrets). Sessions use it; the Baton app never sees it.',
    files.some((file) => file.path === CONDUCTOR_WORKFLOW_PATH)
      ? `2. Add the app's private key as the repository secret \`BATON_APP_PRIVATE_KEY\` (\`${cli} setup --private-key | gh secret set BATON_APP_PRIVATE_KEY\`, where the app runs) and its id as the variable \`BATON_APP_ID\`. The conductor and each publish job mint their tokens from it; anyone who can push a workflow here can read it (Baton's docs/security.md, "Server-less mode").`
      : "2. Set the repository variable `BATON_APP_URL` (same page → Variables) to the Baton app's public URL: where its webhooks go, without `/api/github/webhooks`. A session's publish job gets its token there.",
    '3. Merge this pull request.',
    '4. Label an issue `orchestrate` (or the label your `.github/baton.yml` sets). Baton answers with a plan.',
    '',
    'If steps 1 and 2 are done already, merging is all this pull request needs.',
  ].join('\n');
}

function renderCustomised(files: readonly SetupFile[], source: BatonSource): string[] {
  if (files.length === 0) return [];
  return [
    '',
    '### Left alone',
    '',
    'These files match no version Baton has shipped, so they were changed here on purpose. This pull request does not touch them:',
    '',
    ...files.map(
      (file) => `- ${code(file.path)}: ${purposeOf(file.path)}${lineToChange(file, source)}`,
    ),
    '',
    `Baton's current versions are under ${code('templates/')} in ${code(source.repository)} at the commit above.`,
  ];
}

/**
 * For a customised workflow whose pin Baton could not move (no line of the
 * form `uses: <repository>/action@<sha> # <version>`): the line its session
 * steps need.
 */
function lineToChange(file: SetupFile, source: BatonSource): string {
  if (file.path !== WORKFLOW_PATH) return '';
  const pin = /^\s*uses: (\S+\/action@[0-9a-f]{40} # \S+)$/m.exec(file.content)?.[1];
  if (!pin) return '';
  return ` Baton could not update its pin safely. To take this update, its session steps (agent and publish) should read ${code(`uses: ${pin}`)}, as in ${code(source.repository)}.`;
}

function purposeOf(path: string): string {
  return PURPOSES[path] ?? 'A file Baton ships.';
}

function verb(state: SetupFileState): string {
  switch (state) {
    case 'missing':
      return 'added';
    case 'outdated':
      return "updated to Baton's current version";
    case 'current':
      return 'unchanged';
    case 'customised':
      return 'left alone';
    case 'pinned':
      return "Baton's action pin updated; every other line kept";
    default: {
      const _exhaustive: never = state;
      return _exhaustive;
    }
  }
}
