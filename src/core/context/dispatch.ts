import { DEFAULT_SESSION_TIMEOUT_MINUTES } from '../config/config.js';
import {
  DEFAULT_RUNNER,
  type SessionRequest,
  type SessionRole,
  type SessionTrigger,
} from '../sessions/session.js';
import type { Action } from './action.js';
import type { DecideContext } from './decide-context.js';

/**
 * A `dispatch` action for this build: the request a rule makes, with what
 * every session of the build carries (its build, issue, runner and time, and
 * in an improvement loop's planning the loop it plans).
 */
export function dispatch(
  ctx: DecideContext,
  request: { role: SessionRole; worker?: string; pr?: number; trigger?: SessionTrigger },
): Action {
  const full: SessionRequest = {
    ...(ctx.subject ? { worker: ctx.subject } : {}),
    ...request,
    build: ctx.snapshot.build,
    issue: ctx.snapshot.issue.number,
    ...(ctx.config.session.runsOn === DEFAULT_RUNNER ? {} : { runner: ctx.config.session.runsOn }),
    ...(ctx.config.session.timeoutMinutes === DEFAULT_SESSION_TIMEOUT_MINUTES
      ? {}
      : { timeoutMinutes: ctx.config.session.timeoutMinutes }),
  };
  return { kind: 'dispatch', request: full };
}
