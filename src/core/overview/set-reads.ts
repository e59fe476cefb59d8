import type { SetDecision } from '../change-set/decide-set.js';
import type { ParsedConfig } from '../config/config.js';
import { decide } from '../decide/decide.js';
import type { BuildRead } from './build-read.js';

/**
 * A change set as reads of the overview, from what `decideSet` made of it:
 * the set build with the set's status (its repositories' lines), then each
 * member build with the status `decide` renders for it alone. What a
 * reconcile of the set hands the page; `baton status` makes the same.
 */
export function setReadsOf({
  decision,
  config: setConfig,
  installationId,
  now,
}: {
  decision: SetDecision;
  /** The set's configuration: its set build's (each member carries its own). */
  config: ParsedConfig;
  installationId: number | null;
  now: string;
}): BuildRead[] {
  return decision.builds.map((build, index): BuildRead => {
    const parsed = index === 0 ? setConfig : build.config;
    const config = parsed?.ok ? parsed.config : null;
    const decided =
      index > 0 && build.config
        ? decide({ snapshot: build.snapshot, config: build.config, now }).at(-1)
        : undefined;
    return {
      repository: build.repository,
      installationId,
      snapshot: build.snapshot,
      config,
      view: index === 0 ? decision.view : decided?.kind === 'render-status' ? decided.view : null,
      readAt: now,
    };
  });
}
