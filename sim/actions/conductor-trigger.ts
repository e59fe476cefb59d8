/**
 * GitHub starting the conductor workflow (templates/workflows/baton-conductor.yml)
 * from the repository's events, for a simulation with nothing hosted: the
 * events the app would get as webhooks are taken from `gh.outbox` and matched
 * against the workflow file's `on:` as GitHub matches them ("Events that
 * trigger workflows"), each matching one a run the simulated runner plays.
 *
 * GitHub's rules kept: the file is read from the ref the event runs on (a
 * pull request's base for `pull_request_target`, the pushed branch for
 * `push`, the default branch otherwise); activity `types`, `workflows` names
 * and `branches-ignore` filter; events made with a workflow's GITHUB_TOKEN
 * (`github-actions[bot]`) start no run; a check suite GitHub Actions created
 * starts none ("to prevent recursive workflows"); the payload carries no
 * `installation` (a repository's workflow is no app's webhook).
 */
import yaml from 'js-yaml';
import { CONDUCTOR_WORKFLOW_FILE, CONDUCTOR_WORKFLOW_PATH } from '../../src/core/vocabulary/ids.js';
import { repositoryPayload, type SimEvent } from '../github/events.js';
import type { FakeGitHub } from '../github/fake-github.js';
import type { SimRun } from '../github/records.js';

const POLL_MS = 20;

/** A running trigger: what it started, and the hourly run on demand. */
export interface ConductorTrigger {
  /** Every event it took, with the run it started (null: the workflow does not run on it). */
  taken: { event: string; at: number; run: number | null }[];
  /** Plays GitHub's `schedule` (the hourly safety net) or a `workflow_dispatch` of the conductor. */
  start(event: 'schedule' | 'workflow_dispatch', inputs?: Record<string, string>): SimRun | null;
  /** Resolves once every event waiting has been taken. */
  idle(): Promise<void>;
  close(): void;
}

export function startConductorTrigger({ gh }: { gh: FakeGitHub }): ConductorTrigger {
  const taken: ConductorTrigger['taken'] = [];
  const drain = () => {
    for (const event of gh.outbox.splice(0)) {
      const run = triggerConductor(gh, event);
      taken.push({ event: eventLabel(event), at: Date.now(), run: run?.id ?? null });
    }
  };
  const timer = setInterval(drain, POLL_MS);
  timer.unref();
  return {
    taken,
    start(event, inputs = {}) {
      const payload =
        event === 'schedule'
          ? { schedule: '17 * * * *' }
          : { inputs, ref: `refs/heads/${gh.defaultBranch}` };
      return triggerConductor(gh, { name: event, payload: withRepository(gh, payload) });
    },
    async idle() {
      drain();
    },
    close: () => clearInterval(timer),
  };
}

/** The run GitHub starts for one event, if the conductor workflow's `on:` takes it. */
export function triggerConductor(gh: FakeGitHub, event: SimEvent): SimRun | null {
  // A pull request's activity starts `pull_request_target` workflows, in the base's context.
  const name = event.name === 'pull_request' ? 'pull_request_target' : event.name;
  const { installation: _, ...payload } = event.payload;
  const sender = (payload.sender as { login?: string } | undefined)?.login;
  if (sender === 'github-actions[bot]') return null;
  if (name === 'check_suite') {
    const app = (payload.check_suite as { app?: { slug?: string } } | undefined)?.app;
    if (app?.slug === 'github-actions') return null;
  }
  const ref = refOf(gh, name, payload);
  const sha = gh.git.resolve(ref);
  if (!sha) return null;
  const text = gh.git.filesOf(sha).get(CONDUCTOR_WORKFLOW_PATH);
  if (text === undefined) return null;
  const on = ((yaml.load(text) as { on?: Record<string, unknown> }).on ?? {}) as Record<
    string,
    Filters | null
  >;
  if (!(name in on) || !matches(on[name] ?? {}, { name, payload, ref })) return null;
  return gh.startEventRun({
    workflow: CONDUCTOR_WORKFLOW_FILE,
    displayTitle: 'Baton conductor',
    event: name,
    ref,
    sha,
    payload,
    actor: sender ?? gh.botLogin,
  });
}

interface Filters {
  types?: string[];
  workflows?: string[];
  branches?: string[];
  'branches-ignore'?: string[];
}

function matches(
  filters: Filters,
  { name, payload, ref }: { name: string; payload: Record<string, unknown>; ref: string },
): boolean {
  if (filters.types && !filters.types.includes(String(payload.action))) return false;
  if (name === 'workflow_run' && filters.workflows) {
    const run = payload.workflow_run as { name?: string } | undefined;
    if (!filters.workflows.some((pattern) => glob(pattern).test(run?.name ?? ''))) return false;
  }
  if (name === 'push') {
    if (filters.branches && !filters.branches.some((p) => glob(p).test(ref))) return false;
    if (filters['branches-ignore']?.some((p) => glob(p).test(ref))) return false;
  }
  return true;
}

/** The branch whose workflow file the event runs (GITHUB_REF of "Events that trigger workflows"). */
function refOf(gh: FakeGitHub, name: string, payload: Record<string, unknown>): string {
  const pull = payload.pull_request as { base?: { ref?: string }; head?: { ref?: string } };
  switch (name) {
    case 'pull_request_target':
      return pull?.base?.ref ?? gh.defaultBranch;
    // The pull request's merge ref on GitHub; its head here, which holds the same workflow file.
    case 'pull_request_review':
      return pull?.head?.ref ?? gh.defaultBranch;
    case 'push':
      return String(payload.ref ?? '').replace(/^refs\/heads\//, '');
    default:
      return gh.defaultBranch;
  }
}

/** GitHub's filter patterns: `*` within a path segment, `**` across them. */
function glob(pattern: string): RegExp {
  const parts = pattern.split('**').map((part) =>
    part
      .split('*')
      .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*'),
  );
  return new RegExp(`^${parts.join('.*')}$`);
}

function eventLabel(event: SimEvent): string {
  const action = typeof event.payload.action === 'string' ? `.${event.payload.action}` : '';
  return `${event.name}${action}`;
}

function withRepository(gh: FakeGitHub, payload: Record<string, unknown>): Record<string, unknown> {
  return {
    ...payload,
    repository: repositoryPayload(gh),
    sender: gh.user('maintainer'),
  };
}
