/**
 * The tracker doors' settings, from the app's environment (docs/deploy.md): the
 * home repository whose `.github/baton.yml` maps teams and people, each
 * tracker's webhook secret, and the credentials Baton answers there with. A
 * tracker whose secret is unset is not heard: its endpoint answers 404.
 */

/** The tracker doors' settings; a tracker absent is off. */
export interface TrackerSettings {
  /** `BATON_TRACKER_HOME`: the repository (`owner/name`) whose default branch maps the trackers. */
  home: { owner: string; repo: string } | null;
  /** `endpoint`: `BATON_LINEAR_API_URL`, Linear's GraphQL endpoint where not https://api.linear.app/graphql. */
  linear?: { secret: string; apiKey?: string; endpoint?: string };
  jira?: { secret: string; site: string; email?: string; apiToken?: string };
}

type Env = Record<string, string | undefined>;

/** The settings the environment gives, and what is wrong with them (each said once at start). */
export function readTrackerSettings(env: Env): { settings: TrackerSettings; problems: string[] } {
  const problems: string[] = [];
  const homeName = env.BATON_TRACKER_HOME?.trim() ?? '';
  const home = /^([\w.-]{1,100})\/([\w.-]{1,100})$/.exec(homeName);
  if (homeName && !home) problems.push('BATON_TRACKER_HOME is not owner/name');
  const settings: TrackerSettings = {
    home: home?.[1] && home[2] ? { owner: home[1], repo: home[2] } : null,
  };
  const linearSecret = env.BATON_LINEAR_WEBHOOK_SECRET?.trim();
  if (linearSecret) {
    const apiKey = env.BATON_LINEAR_API_KEY?.trim();
    const endpoint = env.BATON_LINEAR_API_URL?.trim() ?? '';
    const endpointOk = !endpoint || servedSafely(endpoint);
    settings.linear = {
      secret: linearSecret,
      ...(apiKey && endpointOk ? { apiKey } : {}),
      ...(endpoint && endpointOk ? { endpoint } : {}),
    };
    if (!apiKey) problems.push('BATON_LINEAR_API_KEY is not set: Baton answers nothing in Linear');
    else if (!endpointOk)
      problems.push(
        'BATON_LINEAR_API_URL is not an https URL (or http on this machine, 127.0.0.1 or localhost): Baton answers nothing in Linear',
      );
  }
  const jiraSecret = env.BATON_JIRA_WEBHOOK_SECRET?.trim();
  const site = env.BATON_JIRA_SITE?.trim().replace(/\/+$/, '') ?? '';
  if (jiraSecret) {
    if (!servedSafely(site) || new URL(site).origin !== site)
      problems.push(
        'BATON_JIRA_SITE is not an https origin (https://example.atlassian.net): Jira is not heard',
      );
    else {
      const email = env.BATON_JIRA_EMAIL?.trim();
      const apiToken = env.BATON_JIRA_API_TOKEN?.trim();
      settings.jira = {
        secret: jiraSecret,
        site,
        ...(email ? { email } : {}),
        ...(apiToken ? { apiToken } : {}),
      };
      if (!email || !apiToken)
        problems.push(
          'BATON_JIRA_EMAIL or BATON_JIRA_API_TOKEN is not set: Baton answers nothing in Jira',
        );
    }
  }
  if ((settings.linear || settings.jira) && !settings.home)
    problems.push('BATON_TRACKER_HOME is not set: the trackers map to nothing and start nothing');
  return { settings, problems };
}

/**
 * Whether a tracker's address may carry its credentials: https anywhere, or
 * plain http only to this machine (a proxy beside the app, or the simulator).
 */
function servedSafely(address: string): boolean {
  if (!URL.canParse(address)) return false;
  const { protocol, hostname, username, password } = new URL(address);
  if (username || password) return false;
  if (protocol === 'https:') return true;
  return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}
