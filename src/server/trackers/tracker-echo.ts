/**
 * A build asked for through a tracker keeps the tracker's issue current
 * (docs/intake.md): after each reconcile of a build whose ask record names the
 * `linear` or `jira` door, Baton's one comment on that issue says where the
 * build stands (`trackerEchoText`, from the status the reconcile rendered),
 * edited in place; once the final pull request merged, the issue is moved to
 * its done state first. The comment is read, and written only where its text
 * differs, when the text this process last echoed for the build differs (an
 * in-process cache, not state: a cold one reads once). A tracker's refusal is
 * logged and tried at the next reconcile, never the reconcile's failure; a
 * rate limit's wait is kept, and the tracker is not asked again before it ends.
 */
import type { Tracker } from '../../core/config/trackers.js';
import type { BuildRead } from '../../core/overview/build-read.js';
import {
  type DoneMove,
  echoStage,
  trackerEchoText,
} from '../../core/trackers/tracker-echo-text.js';
import { BoundedMap } from '../../github/client/bounded-map.js';
import { remembered } from '../../process-memory.js';
import { oneAtATime, type TrackerApi, TrackerRefusal } from './tracker-api.js';
import { trackerApiFor } from './tracker-replies.js';
import type { TrackerSettings } from './tracker-settings.js';

/** What this process last echoed of a build: its text, and where its issue stood once delivered. */
interface Echoed {
  text: string;
  moved?: DoneMove;
}

/** The builds whose echo this process remembers (a restart forgets: `forgetAll`). */
const echoes = remembered(new BoundedMap<Echoed>(5_000));

/** Until when (ms since the epoch) a tracker asked not to be called. */
const holds = remembered(new Map<Tracker, number>());

export interface TrackerEchoDeps {
  settings: TrackerSettings;
  fetcher?: typeof fetch;
  /** The app's clock (ISO 8601). */
  now: () => string;
  log: {
    info: (bindings: object, message: string) => void;
    warn: (bindings: object, message: string) => void;
  };
}

/** The echo of a reconciled build on its tracker's issue; null where no tracker has credentials to write with. */
export function trackerEcho({
  settings,
  fetcher = fetch,
  now,
  log,
}: TrackerEchoDeps): ((read: BuildRead) => Promise<void>) | null {
  const apis: Record<Tracker, TrackerApi | null> = {
    linear: trackerApiFor(settings, 'linear', fetcher),
    jira: trackerApiFor(settings, 'jira', fetcher),
  };
  if (!apis.linear && !apis.jira) return null;
  return async (read) => {
    const { view } = read;
    const how = read.snapshot.ask?.how;
    if (!view || !how || (how.way !== 'linear' && how.way !== 'jira')) return;
    const tracker = how.way;
    const api = apis[tracker];
    if (!api) return;
    const at = Date.parse(now());
    const where = { tracker, key: how.key, buildId: read.snapshot.build };
    if ((holds.get(tracker) ?? 0) > at) {
      log.info(where, 'baton: the tracker asked to wait; its issue is kept current later');
      return;
    }
    const cacheKey = `${read.repository.toLowerCase()}#${read.snapshot.build}`;
    const known = echoes.get(cacheKey);
    try {
      await oneAtATime(`${tracker}:${how.key}`, async () => {
        let moved = known?.moved;
        if (echoStage(view) === 'delivered' && !moved) moved = await api.moveToDone(how.key);
        const lines = trackerEchoText({
          tracker,
          build: {
            repository: read.repository,
            issue: read.snapshot.issue.number,
            url: read.snapshot.issue.url,
            ...(read.snapshot.ask ? { asker: read.snapshot.ask.by } : {}),
          },
          view,
          ...(moved ? { moved } : {}),
        });
        const text = lines.join('\n');
        if (known?.text === text) return;
        const wrote = await api.comment(how.key, lines[0] ?? '', lines, 'keep');
        echoes.set(cacheKey, { text, ...(moved ? { moved } : {}) });
        if (wrote !== 'unchanged')
          log.info({ ...where, wrote, moved }, 'baton: the tracker echoed');
      });
    } catch (err) {
      if (err instanceof TrackerRefusal) {
        const until = err.retryAt ?? (err.retryAfterMs !== null ? at + err.retryAfterMs : null);
        if (until !== null && until > at) holds.set(tracker, until);
      }
      log.warn({ err, ...where }, 'baton: the tracker refused; tried again at the next reconcile');
    }
  };
}
