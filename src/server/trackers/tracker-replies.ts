/**
 * How Baton answers on a tracker's issue, through the tracker's documented
 * API with plain fetch (`linearApi`, `jiraApi`): a new comment for why nothing
 * started; under a marker, the one comment its build's echo keeps current
 * (src/server/trackers/tracker-echo.ts), made only where it is missing.
 */
import type { Tracker } from '../../core/config/trackers.js';
import { jiraApi } from './jira-api.js';
import { linearApi } from './linear-api.js';
import { oneAtATime, type TrackerApi } from './tracker-api.js';
import type { TrackerSettings } from './tracker-settings.js';

export { LINEAR_API } from './linear-api.js';

/** A tracker's API with the credentials set for it; null where none are. */
export function trackerApiFor(
  settings: TrackerSettings,
  tracker: Tracker,
  fetcher: typeof fetch = fetch,
): TrackerApi | null {
  const { linear, jira } = settings;
  if (tracker === 'linear' && linear?.apiKey)
    return linearApi(
      { apiKey: linear.apiKey, ...(linear.endpoint ? { endpoint: linear.endpoint } : {}) },
      fetcher,
    );
  if (tracker === 'jira' && jira?.email && jira.apiToken)
    return jiraApi({ site: jira.site, email: jira.email, apiToken: jira.apiToken }, fetcher);
  return null;
}

/**
 * The answer on a tracker's issue, where its credentials are set; null where
 * Baton cannot answer there. With `marker`, the text is Baton's one comment
 * on the issue (`replyTo` its key), made only where none carries the marker.
 */
export function replierFor(
  settings: TrackerSettings,
  tracker: Tracker,
  fetcher: typeof fetch = fetch,
): ((replyTo: string, text: string, marker?: string) => Promise<void>) | null {
  const api = trackerApiFor(settings, tracker, fetcher);
  if (!api) return null;
  return async (replyTo, text, marker) => {
    const lines = text.split('\n');
    if (!marker) return api.say(replyTo, lines);
    await oneAtATime(`${tracker}:${replyTo}`, () => api.comment(replyTo, marker, lines, 'ensure'));
  };
}
