// The conductor bundle's entry (npm run bundle → action/dist/baton-conductor.cjs).
// The session bundle loads it for the action's `route` and `conduct` commands
// (src/session/session-action.ts); it runs nothing by itself.
export { runConductorAction } from '../src/conductor/conductor-action.js';
