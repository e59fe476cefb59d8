import { existsSync, readFileSync } from 'node:fs';
import { DOCTOR_ROLE } from '../core/doctor/doctor-session.js';
import { findNearest } from '../core/vocabulary/nearest.js';
import { writeEngineCacheOutputs } from './agent/engines/engine-cache.js';
import { parseDoctorEnv } from './doctor/doctor-env.js';
import { parseSessionEnv } from './env.js';
import { takeProcessSecrets } from './process-secrets.js';

const USAGE = `usage: baton session agent | baton session publish | baton session engine
       baton doctor --repo owner/name [--json]
       baton setup --repo owner/name [--serverless]
       baton check [FILE]
       baton status (--repo owner/name | --installation ID) [--json] [--html FILE]
       baton audit (--repo owner/name | --installation ID) [--since DATE]
       baton help [COMMAND] | baton --help | baton --version

Baton's command line. \`baton session …\` runs in GitHub Actions, started by
the Baton workflow (.github/workflows/baton.yml), and reads its settings from
the environment the workflow sets. \`baton doctor\`, \`baton setup\`,
\`baton status\` and \`baton audit\` run where the app was registered (its .env);
\`baton check\` anywhere, offline.
Outside Baton's checkout the command is \`npx @baton-dev/baton …\`.

Commands:
  session agent     run one session's model, read-only; leaves its result in $BATON_OUT
  session publish   check the agent's result and write it to GitHub as the Baton app
  session views     fetch what a change set's plan session may read of other repositories
  session engine    empty cache outputs, for workflows shipped before the agent job lost that step
  doctor            check an installation before its first build (where the app runs;
                    see \`baton doctor --help\`)
  setup             open the "Set up Baton" pull request on a repository (where the app
                    was registered; --serverless: nothing hosted; see \`baton setup --help\`)
  check             check a .github/baton.yml offline (see \`baton check --help\`)
  status            every build, what waits for a person and the spend, with the app's
                    credentials (see \`baton status --help\`)
  audit             every decision that wrote or spent, as JSON lines, with the app's
                    credentials (see \`baton audit --help\`)
  help COMMAND      print that command's help (as \`baton COMMAND --help\`)

Options:
  -h, --help        print this help
  -V, --version     print Baton's version

See \`baton session --help\` for the variables a session reads.`;

const SESSION_USAGE = `usage: baton session agent | baton session publish | baton session engine

  agent     run the model for one session (plan, work, review, fix or research),
            with no write credential; the result goes to $BATON_OUT
  publish   check the result in $BATON_OUT and write it to GitHub as the app,
            with a token from $BATON_APP_URL/api/baton/session-token
  views     a change set's plan session: fetch, read-only, the other repositories
            it may read into $BATON_OUT, with a token it revokes (docs/change-sets.md)
  engine    empty outputs cache-key and path, for a workflow shipped before its
            engine steps went: the session downloads its engine and checks its pin

\`baton session COMMAND --help\` prints that command's help.

Variables (the Baton workflow sets them):
  BATON_ROLE, BATON_BUILD, BATON_ISSUE, BATON_WORKER, BATON_PR, BATON_TRIGGER,
  BATON_ENGINE      the dispatch inputs role, build, issue, worker, pr, trigger, engine
                    (role doctor: \`baton doctor\`'s session, build doctor-<nonce>)
  BATON_SET_BUDGET_USD the dispatch input budget: what a change set's or a schedule's build has left
  BATON_OUT         the folder the agent job leaves for the publish job
  BATON_APP_URL     the repository variable BATON_APP_URL (publish)
  ANTHROPIC_API_KEY the repository secret ANTHROPIC_API_KEY (agent; only its model proxy holds it)
  OPENAI_API_KEY    the repository secret OPENAI_API_KEY (agent, engines on OpenAI's models)
  BATON_ENGINE_CACHE where engines are installed (default: $RUNNER_TOOL_CACHE/baton-engines)
  GITHUB_*          GitHub Actions' own`;

/** The variables every session command reads, which the Baton workflow sets. */
const SESSION_VARIABLES = `BATON_ROLE, BATON_BUILD, BATON_ISSUE, BATON_WORKER, BATON_PR, BATON_TRIGGER,
BATON_ENGINE, BATON_OUT and GitHub Actions' own GITHUB_* (see \`baton session --help\`)`;

/** Each session command's own help (`baton session agent --help`). */
const COMMAND_USAGE: Record<'agent' | 'publish' | 'views' | 'engine', string> = {
  agent: `usage: baton session agent

Runs the model for one session (plan, work, review, fix or research; doctor
for \`baton doctor\`'s) with no write credential: the model's key stays in its
model proxy, its commands run in the sandbox. The result goes to $BATON_OUT,
for \`baton session publish\`. Exits 1 when the session failed (publish runs
anyway and says why), 2 when its environment is incomplete.

Reads ${SESSION_VARIABLES}, and the repository secret ANTHROPIC_API_KEY (or
OPENAI_API_KEY for engines on OpenAI's models); BATON_ENGINE_CACHE where
engines are installed.`,
  publish: `usage: baton session publish

Checks the agent's result in $BATON_OUT (what the role may write, no secret
in any commit or text) and writes it to GitHub as the app, with a token from
$BATON_APP_URL/api/baton/session-token. Exits 2 when its environment is
incomplete.

Reads ${SESSION_VARIABLES}, and BATON_APP_URL.`,
  views: `usage: baton session views

A change set's plan session: fetches, read-only, the other repositories it
may read into $BATON_OUT, with a token it revokes (docs/change-sets.md).

Reads ${SESSION_VARIABLES}, and BATON_APP_URL.`,
  engine: `usage: baton session engine

Writes the step outputs cache-key and path (to $GITHUB_OUTPUT, else stdout),
both empty, for a workflow shipped before its engine steps went, which still
calls it: the session downloads the engine of $BATON_ENGINE and checks it
against its pin rather than restore a cache any run on a worker's branch may
have written. Exits 2 for an engine Baton does not know.`,
};

const HELP = new Set(['-h', '--help', 'help']);
const VERSION = new Set(['-V', '--version']);

/**
 * The `baton` command inside GitHub Actions (docs/sessions.md): `session agent` runs
 * the model with no write credential, `session publish` checks its output and
 * writes to GitHub as the app. Answers the process exit code.
 */
export async function main(
  argv: readonly string[],
  given: Record<string, string | undefined>,
): Promise<number> {
  const source = takeProcessSecrets(given);
  const [group, command, ...rest] = argv;
  if (argv.length === 1 && group && HELP.has(group)) return print(USAGE);
  if (argv.length === 1 && group && VERSION.has(group)) return print(readVersion());
  if (group === 'session' && argv.length === 2 && command && HELP.has(command))
    return print(SESSION_USAGE);
  // `baton session agent --help`: the command's own help, as every other command gives.
  if (group === 'session' && command && Object.hasOwn(COMMAND_USAGE, command)) {
    const [flag] = rest;
    if (rest.length === 1 && flag && HELP.has(flag))
      return print(COMMAND_USAGE[command as keyof typeof COMMAND_USAGE]);
  }
  if (group === 'session' && command === 'engine' && rest.length === 0) {
    return writeEngineCacheOutputs(source);
  }
  const known = command === 'agent' || command === 'publish' || command === 'views';
  if (group !== 'session' || !known || rest.length > 0) {
    process.stderr.write(`${describeUnknown(argv)}${USAGE}\n`);
    return 2;
  }
  // A doctor session belongs to no build: its own environment and jobs (docs/doctor.md).
  if (source.BATON_ROLE === DOCTOR_ROLE && command !== 'views')
    return runDoctorSession(command, source);
  const parsed = parseSessionEnv(source);
  if (!parsed.ok) {
    process.stderr.write(
      `baton: the session's environment is incomplete:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  // Each command's code is loaded when it runs: a step loads only what its command needs.
  if (command === 'views') return (await import('./views/run-views.js')).runViews(parsed.env);
  if (command === 'agent') return (await import('./agent/run-agent.js')).runAgent(parsed.env);
  return (await import('./publish/run-publish.js')).runPublish(parsed.env);
}

async function runDoctorSession(
  command: 'agent' | 'publish',
  source: Record<string, string | undefined>,
): Promise<number> {
  const parsed = parseDoctorEnv(source);
  if (!parsed.ok) {
    process.stderr.write(
      `baton: the doctor session's environment is incomplete:\n${parsed.problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  return command === 'agent'
    ? (await import('./doctor/doctor-agent.js')).runDoctorAgent(parsed.env)
    : (await import('./doctor/doctor-publish.js')).runDoctorPublish(parsed.env);
}

/** The commands `baton` knows (bin/baton.js sends doctor, setup, check and status to their own CLIs). */
const COMMANDS = ['session', 'doctor', 'setup', 'check', 'status'];
const SESSION_COMMANDS = ['agent', 'publish', 'views'];

/** The line that names an unknown command and the nearest known one, before the usage. */
function describeUnknown(argv: readonly string[]): string {
  const [group, command] = argv;
  // A near miss is named; a word near none gets the list, rather than a guess that misleads.
  const unknown = (what: string, word: string, known: string[]) => {
    const nearest = findNearest(word, known);
    const hint = nearest
      ? `did you mean "${nearest}"?`
      : `the ${what}s are ${known.map((name) => `"${name}"`).join(', ')}`;
    return `baton: unknown ${what} "${word}"; ${hint}\n\n`;
  };
  if (group === undefined) return '';
  if (group !== 'session') {
    return group.startsWith('-')
      ? `baton: unknown option "${group}"\n\n`
      : unknown('command', group, COMMANDS);
  }
  if (command !== undefined && !SESSION_COMMANDS.includes(command)) {
    return unknown('session command', command, SESSION_COMMANDS);
  }
  return '';
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

/** Baton's package on npm (the name `baton` is someone else's). */
const PACKAGE_NAME = '@baton-dev/baton';

/** The version in Baton's package.json: two folders up from the sources, three from dist/. */
export function readVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    const url = new URL(relative, import.meta.url);
    if (!existsSync(url)) continue;
    const { name, version } = JSON.parse(readFileSync(url, 'utf8')) as {
      name?: string;
      version?: string;
    };
    if (name === PACKAGE_NAME && version) return version;
  }
  return 'unknown';
}
