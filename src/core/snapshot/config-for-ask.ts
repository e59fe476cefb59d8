/**
 * Where an organisation's policy meets the build's ask (docs/governance.md):
 * `limits.otherDoorsApprove: false` holds a build another door than the label
 * asked for until a person approves its plan.
 */
import type { ParsedConfig } from '../config/config.js';
import { type AskRecord, doorOf } from './ask-record.js';

/**
 * The config a build runs under, given who asked and which way: where the
 * policy lets only the label start a build without `/approve`, a build asked
 * through another door waits for one, and the status names `approval: none`
 * as ignored for it.
 */
export function configForAsk(
  parsed: ParsedConfig,
  ask: AskRecord | null | undefined,
): ParsedConfig {
  if (!parsed.ok || !parsed.policy?.otherDoorsWait || parsed.config.approval !== 'none')
    return parsed;
  if (!ask || ask.how.way === 'label') return parsed;
  const door = doorOf(ask.how);
  return {
    ok: true,
    config: { ...parsed.config, approval: 'plan' },
    policy: {
      ...parsed.policy,
      ignored: [
        ...parsed.policy.ignored,
        {
          field: 'approval',
          value: 'none',
          limit: `a build asked through the ${door} door waits for /approve`,
        },
      ],
    },
  };
}
