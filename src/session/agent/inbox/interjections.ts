/**
 * What a work or fix session tells its model between two turns, on whichever
 * engine it runs: a person's `/steer` (from the inbox), and Baton's own
 * wind-down once a limit is near (docs/sessions.md, "Wind-down"). Baton's loop
 * takes them before each request (`take`); an engine is pushed each one as it
 * comes (`listen`) and says when it took it in. Either way the turn that first
 * carries it is its receipt.
 */
import type { SessionLimit } from '../../../core/records/usage.js';
import type { Interjection, Interjections } from '../model/interjection.js';
import { type AgentLimits, windDownLimit } from '../model/limits.js';
import type { UsageMeter } from '../model/usage-meter.js';
import { messageMarker, renderSteer } from './message-text.js';
import type { SessionInbox } from './session-inbox.js';

/** The words of the wind-down (`renderWindDown`) that tell a request carrying it. */
export const WIND_DOWN_MARKER = 'this session is about to reach';

/** The interjections of a session with this inbox (null: none) and these limits. */
export function createInterjections({
  inbox,
  meter,
  limits,
  now,
  windDownText,
}: {
  inbox: SessionInbox | null;
  meter: UsageMeter;
  limits: AgentLimits;
  now: () => number;
  /** What the model is told once `limit` is near: how to hand in what works. */
  windDownText: (limit: SessionLimit) => string;
}): Interjections {
  const pending: Interjection[] = [];
  let listener: ((interjection: Interjection) => void) | null = null;
  let told: SessionLimit | null = null;
  const emit = (interjection: Interjection) => {
    if (listener) listener(interjection);
    else pending.push(interjection);
  };
  const checkWindDown = () => {
    if (told !== null) return;
    const limit = windDownLimit(meter, limits, now());
    if (limit === null) return;
    told = limit;
    emit({ id: 'wind-down', text: windDownText(limit), marker: WIND_DOWN_MARKER });
  };
  inbox?.watch((message) =>
    emit({
      id: `comment-${message.comment}`,
      text: renderSteer(message),
      marker: messageMarker(message),
      comment: message.comment,
    }),
  );
  return {
    async take() {
      await inbox?.settled();
      checkWindDown();
      return pending.splice(0);
    },
    listen(push) {
      listener = push;
      for (const interjection of pending.splice(0)) push(interjection);
      return () => {
        listener = null;
      };
    },
    checkWindDown,
    later: (interjection) => void pending.push(interjection),
    took(interjection, turn) {
      if (interjection.comment !== undefined) inbox?.took(interjection.comment, turn);
    },
    woundDown: () => told,
    stop: () => inbox?.stop(),
  };
}
