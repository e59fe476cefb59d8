// The conductor's steps from the sources, for the simulator's `source` code:
// what Baton's action runs for `command: route|conduct` (INPUT_COMMAND), through tsx.
import { CONDUCTOR_COMMANDS, runConductorAction } from '../../src/conductor/conductor-action.js';

const command = process.env.INPUT_COMMAND ?? '';
process.exitCode = (CONDUCTOR_COMMANDS as readonly string[]).includes(command)
  ? await runConductorAction(command as (typeof CONDUCTOR_COMMANDS)[number], process.env)
  : 2;
