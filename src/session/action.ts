import { main } from './cli.js';

/** What the action answers when its `command` input is missing or unknown. */
const COMMANDS = ['agent', 'publish', 'engine'] as const;

/**
 * The entry of Baton's session action (`action/action.yml`): the same `main`
 * as `baton session agent|publish|engine`, with the command taken from the action's
 * `command` input (INPUT_COMMAND, as the runner passes inputs to a JavaScript
 * action). Answers the process exit code.
 */
export async function runAction(source: Record<string, string | undefined>): Promise<number> {
  const command = source.INPUT_COMMAND?.trim() ?? '';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    process.stderr.write(
      `baton: the action's command input must be ${COMMANDS.join(' or ')}, not "${command}"\n`,
    );
    return 2;
  }
  return main(['session', command], source);
}
