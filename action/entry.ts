// The bundle's entry (npm run bundle → action/dist/baton-session.cjs). A
// runner too old for node24 actions refuses the action before this runs, with
// its own message ("'using: node24' is not supported"): docs/sessions.md says
// what a self-hosted runner needs.
import { runAction } from '../src/session/session-action.js';

runAction(process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `baton: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
