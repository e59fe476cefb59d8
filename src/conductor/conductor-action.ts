/**
 * The conductor's two steps in Baton's action (`command: route` and
 * `command: conduct`, templates/workflows/baton-conductor.yml): the event from
 * the runner's `GITHUB_EVENT_PATH`, the route's group to `GITHUB_OUTPUT`.
 * Bundled apart from the session (action/dist/baton-conductor.cjs), so a
 * session's start-up does not load the app.
 */
import { appendFile, readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { type Config, parseConfig } from '../core/config/config.js';
import { issueBranchPrefix, parseBatonBranch, parseBuildId } from '../core/vocabulary/ids.js';
import { createLog } from '../server/log.js';
import { takeProcessSecrets } from '../session/process-secrets.js';
import { createSessionOctokit } from '../session/session-octokit.js';
import { conduct } from './conduct.js';
import { type RouteReads, routeEvent } from './route.js';

export const CONDUCTOR_COMMANDS = ['route', 'conduct'] as const;
export type ConductorCommand = (typeof CONDUCTOR_COMMANDS)[number];

/** Runs one conductor step; answers the process exit code. */
export async function runConductorAction(
  command: ConductorCommand,
  given: Record<string, string | undefined>,
): Promise<number> {
  // The key is read from this copy; no program the job starts inherits it, and
  // no process of the job's user reads it in this one's /proc/<pid>/environ.
  const env = takeProcessSecrets(given);
  const event = await readEvent(env);
  if (!event) {
    process.stderr.write(
      'baton: GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set: the conductor runs in a workflow run\n',
    );
    return 2;
  }
  if (command === 'route') return route(event, env);
  const log = await createLog({ LOG_LEVEL: 'info', ...env });
  return conduct({ env, event, log, mask: maskInLog(env) });
}

async function route(
  event: { name: string; payload: Record<string, unknown> },
  env: Record<string, string | undefined>,
): Promise<number> {
  const found = await routeEvent(event, routeReadsWith(env));
  process.stdout.write(
    `baton: ${found.group ? `reconcile in ${found.group}` : 'nothing to reconcile'}: ${found.reason}\n`,
  );
  if (env.GITHUB_OUTPUT) await appendFile(env.GITHUB_OUTPUT, `group=${found.group ?? ''}\n`);
  return 0;
}

/** The route's reads, with the job's read-only GITHUB_TOKEN. */
export function routeReadsWith(env: Record<string, string | undefined>): RouteReads {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const octokit = createSessionOctokit({
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    token: env.GITHUB_TOKEN,
    userAgent: 'baton-conductor',
  });
  return {
    async pull(number) {
      const { data } = await octokit.request(`GET /repos/${repository}/pulls/${number}`);
      const pull = data as {
        head: { ref: string; repo: { full_name: string } | null };
        base: { ref: string; repo: { full_name: string } };
      };
      return {
        head: pull.head.ref,
        base: pull.base.ref,
        fork: pull.head.repo?.full_name !== pull.base.repo.full_name,
      };
    },
    async config(): Promise<Config | null> {
      try {
        const { data } = await octokit.request(
          `GET /repos/${repository}/contents/.github/baton.yml`,
          {
            mediaType: { format: 'raw' },
          },
        );
        const parsed = parseConfig(yaml.load(String(data)));
        return parsed.ok ? parsed.config : null;
      } catch (error) {
        // No file: the defaults. Any other failure: the reconcile reads it again and says what is wrong.
        return (error as { status?: unknown }).status === 404 ? defaults() : null;
      }
    },
    async hasBuild(issue) {
      const { data } = await octokit.request(
        `GET /repos/${repository}/git/matching-refs/heads/${issueBranchPrefix(issue)}`,
      );
      return (data as { ref: string }[]).some((ref) => {
        const branch = parseBatonBranch(ref.ref);
        return branch?.kind === 'integration' && parseBuildId(branch.build)?.issue === issue;
      });
    },
  };
}

function defaults(): Config {
  const parsed = parseConfig({});
  if (!parsed.ok) throw new Error('the default config does not parse');
  return parsed.config;
}

async function readEvent(
  env: Record<string, string | undefined>,
): Promise<{ name: string; payload: Record<string, unknown> } | null> {
  if (!env.GITHUB_EVENT_NAME || !env.GITHUB_EVENT_PATH) return null;
  const payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as Record<
    string,
    unknown
  >;
  return { name: env.GITHUB_EVENT_NAME, payload };
}

/** Masks a secret in every later line of the run's log, as `core.setSecret` does. */
function maskInLog(env: Record<string, string | undefined>): (secret: string) => void {
  return (secret) => {
    if (env.GITHUB_ACTIONS === 'true') process.stdout.write(`::add-mask::${secret}\n`);
  };
}
