import examples from '@octokit/webhooks-examples' with { type: 'json' };
import { afterEach, beforeEach, vi } from 'vitest';
import { FakeGitHub } from '../../sim/github/fake-github.js';
import type { SimPull } from '../../sim/github/records.js';
import { BuildQueue } from '../../src/github/client/build-queue.js';
import { resyncAll } from '../../src/github/reconcile/doors/resync.js';
import { scheduleSetup } from '../../src/github/setup/onboarding.js';
import { SETUP_BRANCH } from '../../src/github/setup/setup-pulls.js';
import { loadSetupTemplates } from '../../src/github/setup/setup-templates.js';
import { renderTemplates } from '../../src/templates.js';
import { type AppHarness, startApp } from './app-harness.js';
import { type AppOnRepo, startAppEachTest } from './app-tests.js';

// Onboarding fixtures: the Baton source the app pins, installation payloads,
// and reads of the setup branch in the simulated repository.

export const SOURCE = {
  repository: 'baton-dev/baton',
  ref: '0123456789abcdef0123456789abcdef01234567',
};
export const EARLIER_REF = 'fedcba9876543210fedcba9876543210fedcba98';
export const WORKER_SKILL = '.baton/skills/worker.md';
export const FIX_SKILL = '.baton/skills/fix.md';

/** The templates as Baton renders them for `ref` (and, when given, the release `version`). */
export function rendered(ref = SOURCE.ref, version?: string): Record<string, string> {
  const files = renderTemplates({
    batonRepository: SOURCE.repository,
    batonRef: ref,
    ...(version ? { batonVersion: version } : {}),
  });
  return Object.fromEntries(files.map((file) => [file.path, file.content]));
}

/**
 * Commits on main the templates of an earlier setup pull request, merged as `message`: those
 * Baton renders for `ref` but the fix skill, so that the templates of today differ from them.
 */
export function mergeSetupWithoutFixSkill(gh: FakeGitHub, ref: string, message: string): void {
  const { [FIX_SKILL]: _, ...withoutFix } = rendered(ref);
  gh.git.commitOn('main', withoutFix, message);
}

/**
 * A fresh start of an onboarding test's app pinned to `ref` (a restart, or a
 * deploy of a new commit), and with `resync` the pass it makes over every
 * repository once it is up; `use` receives the new app, as before each test.
 */
export type RestartApp = (ref: string, options?: { resync?: boolean }) => Promise<void>;

/**
 * The set-up of an onboarding test, before each: Baton's source in the app's variables
 * (`BATON_SOURCE_REF` only when `ref` is given), a repository Baton is not set up in (the
 * maintainer a writer when `maintainer` is set), and the app started on it; `use` receives
 * them. After each test the app is stopped and the variables are restored. Answers what
 * restarts the app within a test.
 */
export function startOnboardingEachTest(
  use: (started: AppOnRepo) => void,
  { ref, maintainer = false }: { ref?: string; maintainer?: boolean } = {},
): RestartApp {
  let current: AppOnRepo | undefined;
  beforeEach(() => {
    vi.stubEnv('BATON_SOURCE_REPOSITORY', SOURCE.repository);
    if (ref) vi.stubEnv('BATON_SOURCE_REF', ref);
  });
  startAppEachTest(
    (started) => {
      current = started;
      use(started);
    },
    {
      repo: (now) => new FakeGitHub({ now }),
      prepare: (gh) => {
        if (maintainer) gh.permissions.set('maintainer', 'write');
      },
    },
  );
  afterEach(() => {
    current?.app.stop();
    vi.unstubAllEnvs();
  });
  return async (at, { resync = false } = {}) => {
    if (!current) throw new Error('the app restarts only within a test');
    const { gh, now } = current;
    current.app.stop();
    const app = await (resync ? startAndResync : startPinned)({ gh, now, ref: at });
    current = { ...current, app, apps: [app] };
    use(current);
  };
}

/** The app started anew, pinned to `ref`. */
function startPinned({ gh, now, ref }: { gh: FakeGitHub; now: () => string; ref: string }) {
  vi.stubEnv('BATON_SOURCE_REF', ref);
  return startApp({ gh, now });
}

type Example = { name: string; examples: Record<string, unknown>[] };

/** `installation.created` or `installation_repositories.added`, for the simulated repository. */
export function installationPayload(
  gh: FakeGitHub,
  event: 'installation' | 'installation_repositories',
) {
  const action = event === 'installation' ? 'created' : 'added';
  const group = (examples as unknown as Example[]).find((e) => e.name === event);
  const example = group?.examples.find((e) => e.action === action);
  if (!example) throw new Error(`no example for ${event}.${action}`);
  const payload = structuredClone(example);
  const installation = payload.installation as Record<string, unknown>;
  const repositories = [
    { id: 1, node_id: 'R_1', name: gh.repo, full_name: gh.fullName, private: false },
  ];
  return {
    ...payload,
    installation: {
      ...installation,
      id: 1,
      account: { ...(installation.account as object), login: gh.owner },
    },
    ...(event === 'installation'
      ? { repositories }
      : { repositories_added: repositories, repositories_removed: [] }),
  };
}

export function setupPulls(gh: FakeGitHub): SimPull[] {
  return [...gh.pulls.values()].filter((pull) => pull.head === SETUP_BRANCH);
}

export function filesOn(gh: FakeGitHub, branch: string): Map<string, string> {
  const sha = gh.git.resolve(branch);
  if (!sha) throw new Error(`no branch ${branch}`);
  return gh.git.filesOf(sha);
}

export function parentsOf(gh: FakeGitHub, branch: string): string[] {
  const object = gh.git.objects.get(gh.git.resolve(branch) ?? '');
  return object?.type === 'commit' ? object.parents : [];
}

/**
 * The app started anew, pinned to `ref`, and the pass it makes over every
 * repository once it is up: the first resync with the template sync, as
 * `startResync` in src/index.ts runs it.
 */
async function startAndResync({
  gh,
  now,
  ref,
}: {
  gh: FakeGitHub;
  now: () => string;
  ref: string;
}): Promise<AppHarness> {
  vi.stubEnv('BATON_SOURCE_REF', ref);
  const app = await startApp({ gh, now });
  const templates = loadSetupTemplates({ ...SOURCE, ref });
  const queue = new BuildQueue((error) => app.errors.push(error));
  await resyncAll(
    app.probot,
    () => undefined,
    async () => gh.botLogin,
    { onRepository: (ctx) => scheduleSetup(ctx, { queue, templates, log: app.probot.log }) },
  );
  await queue.idle();
  return app;
}
