import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from './session-cli.js';

/** The session's commands, and the conductor's (a bundle of its own, beside this one). */
const SESSION_COMMANDS = ['agent', 'publish', 'engine', 'views'] as const;
const CONDUCTOR_COMMANDS = ['route', 'conduct'] as const;
/** The conductor's bundle, next to the session's in action/dist/ (scripts/bundle.ts). */
export const CONDUCTOR_BUNDLE = 'baton-conductor.cjs';

/**
 * The entry of Baton's action (`action/action.yml`): the same `main` as
 * `baton session agent|publish|engine`, with the command taken from the action's
 * `command` input (INPUT_COMMAND, as the runner passes inputs to a JavaScript
 * action); `route` and `conduct`, the conductor workflow's steps
 * (docs/serverless.md), load the conductor's bundle only then, so a session
 * never pays for loading the app. Answers the process exit code.
 */
export async function runAction(source: Record<string, string | undefined>): Promise<number> {
  const command = source.INPUT_COMMAND?.trim() ?? '';
  if ((SESSION_COMMANDS as readonly string[]).includes(command)) {
    return main(['session', command], source);
  }
  if ((CONDUCTOR_COMMANDS as readonly string[]).includes(command)) {
    const conductor = await loadConductor();
    return conductor.runConductorAction(command as (typeof CONDUCTOR_COMMANDS)[number], source);
  }
  const known = [...SESSION_COMMANDS, ...CONDUCTOR_COMMANDS];
  process.stderr.write(
    `baton: the action's command input must be ${known.join(', ')}, not "${command}"\n`,
  );
  return 2;
}

interface ConductorModule {
  runConductorAction(
    command: (typeof CONDUCTOR_COMMANDS)[number],
    source: Record<string, string | undefined>,
  ): Promise<number>;
}

/** The conductor bundle beside the one running (the runner runs `node <action>/dist/baton-session.cjs`). */
async function loadConductor(): Promise<ConductorModule> {
  const path = join(dirname(process.argv[1] ?? '.'), CONDUCTOR_BUNDLE);
  const loaded = (await import(pathToFileURL(path).href)) as ConductorModule & {
    default?: ConductorModule;
  };
  return loaded.default?.runConductorAction ? loaded.default : loaded;
}
