// The `baton` command from the sources, for the simulator's jobs: what
// bin/baton.js runs, without its preference for a dist/ that may be stale.
// Run it as `node --import tsx sim/actions/baton-cli.ts session agent`.
import { main } from '../../src/session/session-cli.js';

process.exitCode = await main(process.argv.slice(2), process.env);
