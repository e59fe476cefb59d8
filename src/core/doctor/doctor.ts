/**
 * `baton doctor`: the checks an installation must pass before its first build,
 * each one line, ok or what is wrong and what to do (docs/doctor.md). Pure:
 * the facts are read by `src/doctor`.
 */

/** What each check is about, in the order they print. */
export const DOCTOR_CHECKS = [
  'auth',
  'installed',
  'permissions',
  'events',
  'workflow',
  'pin',
  'config',
  'app-url',
] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECKS)[number];

export interface DoctorCheck {
  /** A `DoctorCheckId`, or what the doctor session found (`session`, `model-key`, `model`, `probe <name>`). */
  id: DoctorCheckId | string;
  ok: boolean;
  /** What holds, or what is wrong. */
  message: string;
  /** What to do, when not ok. */
  fix?: string;
}

export type Access = 'read' | 'write' | 'admin';

const RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** A full commit SHA of zeros: git's "no commit", never one a workflow can run. */
export const ZERO_SHA = /^0{40}$/;

/**
 * The permissions `wanted` (app.yml's `default_permissions`) that `granted`
 * (the installation's) lacks or holds at a lower level, as `name: level`.
 */
export function findMissingPermissions({
  wanted,
  granted,
}: {
  wanted: Record<string, string>;
  granted: Record<string, string>;
}): string[] {
  return Object.entries(wanted).flatMap(([name, level]) => {
    const has = RANK[granted[name] ?? ''] ?? 0;
    return has >= (RANK[level] ?? 1) ? [] : [`${name}: ${level}`];
  });
}

/** The events app.yml subscribes to that the installation does not deliver. */
export function findMissingEvents({
  wanted,
  granted,
}: {
  wanted: readonly string[];
  granted: readonly string[];
}): string[] {
  const have = new Set(granted);
  return wanted.filter((event) => !have.has(event));
}

/** Where an installation's owner accepts new permissions and events. */
export function installationSettingsUrl({
  serverUrl,
  account,
  accountType,
  installationId,
}: {
  serverUrl: string;
  account: string;
  accountType: 'User' | 'Organization';
  installationId: number;
}): string {
  const base = serverUrl.replace(/\/+$/, '');
  return accountType === 'Organization'
    ? `${base}/organizations/${account}/settings/installations/${installationId}`
    : `${base}/settings/installations/${installationId}`;
}

/** The session workflow on the default branch, as the doctor found it. */
export type WorkflowFacts =
  | { kind: 'missing' }
  /** `shipped`: one of the versions Baton shipped; `pin`: the commit its action steps use, if any. */
  | { kind: 'present'; shipped: boolean; pin: string | null };

/** Whether the workflow is Baton's, or customised with Baton's action pin. */
export function checkWorkflow({
  workflow,
  path,
  sourceRepository,
}: {
  workflow: WorkflowFacts;
  path: string;
  sourceRepository: string;
}): DoctorCheck {
  if (workflow.kind === 'missing') {
    return {
      id: 'workflow',
      ok: false,
      message: `${path} is not on the default branch`,
      fix: `merge the "Set up Baton" pull request (or reinstall the app on the repository to have it opened)`,
    };
  }
  if (workflow.shipped)
    return { id: 'workflow', ok: true, message: `${path} is a version Baton shipped` };
  if (workflow.pin) {
    return {
      id: 'workflow',
      ok: true,
      message: `${path} is customised and pins Baton's action (${sourceRepository}/action)`,
    };
  }
  return {
    id: 'workflow',
    ok: false,
    message: `${path} is customised and its steps do not pin ${sourceRepository}/action@<sha> # <version>`,
    fix: `make its two session steps read \`uses: ${sourceRepository}/action@<commit> # <version>\`, as Baton's template does`,
  };
}

/** Whether the commit the workflow pins can be fetched by a runner. */
export function checkPin({
  pin,
  sourceRepository,
  exists,
  appRef,
}: {
  pin: string | null;
  sourceRepository: string;
  /** Whether `pin` is a commit of `sourceRepository`; null when it could not be asked. */
  exists: boolean | null;
  /** The commit the app itself pins (BATON_SOURCE_REF or its checkout), if known. */
  appRef: string | null;
}): DoctorCheck {
  const update = appRef
    ? `merge Baton's "Set up Baton" update pull request, or set the pin to ${appRef}`
    : `set the pin to a commit of ${sourceRepository}`;
  if (!pin) return { id: 'pin', ok: false, message: 'the workflow pins no commit', fix: update };
  if (ZERO_SHA.test(pin)) {
    return {
      id: 'pin',
      ok: false,
      message: `the workflow pins the all-zero commit, which no runner can fetch`,
      fix: `set BATON_SOURCE_REF on the app to a real commit of ${sourceRepository}, restart it, then ${update}`,
    };
  }
  if (exists === false) {
    return {
      id: 'pin',
      ok: false,
      message: `the workflow pins ${pin}, which ${sourceRepository} does not have: every session would fail to fetch the action`,
      fix: `${update}; a commit only on the app's machine must be pushed to ${sourceRepository} first`,
    };
  }
  if (exists === null) {
    return {
      id: 'pin',
      ok: false,
      message: `could not ask ${sourceRepository} whether it has ${pin}`,
      fix: `check ${sourceRepository} is readable from here and run the doctor again`,
    };
  }
  return { id: 'pin', ok: true, message: `the pinned commit ${pin} is in ${sourceRepository}` };
}

/** The repository variable BATON_APP_URL against the app's own. */
export function checkAppUrl({
  variable,
  appUrl,
  problem,
}: {
  /** The variable's value; null when unset; undefined when it could not be read. */
  variable: string | null | undefined;
  /** The app's own BATON_APP_URL, if set. */
  appUrl: string | null;
  /** Why the app's URL will not work for runners (`findAppUrlProblem`), if so. */
  problem: string | null;
}): DoctorCheck {
  const where = 'Settings → Secrets and variables → Actions → Variables';
  if (variable === undefined) {
    return {
      id: 'app-url',
      ok: false,
      message: 'could not read the repository variable BATON_APP_URL',
      fix: `check it is set in ${where} to ${appUrl ?? "the app's public URL"}`,
    };
  }
  if (!variable?.trim()) {
    return {
      id: 'app-url',
      ok: false,
      message: 'the repository variable BATON_APP_URL is not set: sessions cannot get a token',
      fix: `set it in ${where} to ${appUrl ?? "the app's public https URL"}`,
    };
  }
  if (problem) return { id: 'app-url', ok: false, message: problem, fix: problem };
  if (!appUrl) {
    return {
      id: 'app-url',
      ok: false,
      message: `BATON_APP_URL is ${variable}, and the app's own is not set to compare`,
      fix: "set BATON_APP_URL in the app's .env (or environment) to its public URL",
    };
  }
  if (normalizeUrl(variable) !== normalizeUrl(appUrl)) {
    return {
      id: 'app-url',
      ok: false,
      message: `the repository variable BATON_APP_URL is ${variable}, the app's is ${appUrl}`,
      fix: `set it in ${where} to ${appUrl}`,
    };
  }
  return { id: 'app-url', ok: true, message: `BATON_APP_URL is ${appUrl}` };
}

function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

/** Exit code: 0 only when every check passed. */
export function doctorExitCode(checks: readonly { ok: boolean }[]): number {
  return checks.every((check) => check.ok) ? 0 : 1;
}

/** One line per check: `ok   <id>: <message>`, or `FAIL <id>: <message> → <fix>`. */
export function renderDoctor(checks: readonly DoctorCheck[]): string {
  return checks
    .map((check) =>
      check.ok
        ? `ok   ${check.id}: ${check.message}`
        : `FAIL ${check.id}: ${check.message}${check.fix ? ` → ${check.fix}` : ''}`,
    )
    .join('\n');
}

/**
 * Server-less mode (docs/serverless.md): the repository variable BATON_APP_ID
 * names this app, so the conductor and publish mint with the right app's key.
 * The secret BATON_APP_PRIVATE_KEY cannot be read back; the doctor session's
 * publish job proves it by minting its token with it.
 */
export function checkAppId({
  variable,
  appId,
  repository,
}: {
  /** The variable's value; null when unset; undefined when it could not be read. */
  variable: string | null | undefined;
  appId: string;
  repository: string;
}): DoctorCheck {
  const set = `gh variable set BATON_APP_ID --body ${appId} --repo ${repository}`;
  if (variable === undefined) {
    return {
      id: 'app-id',
      ok: false,
      message: 'could not read the repository variable BATON_APP_ID',
      fix: `check it is ${appId}: ${set}`,
    };
  }
  if (!variable?.trim()) {
    return {
      id: 'app-id',
      ok: false,
      message:
        'the repository variable BATON_APP_ID is not set: the conductor and publish cannot act as the app',
      fix: set,
    };
  }
  if (variable.trim() !== appId) {
    return {
      id: 'app-id',
      ok: false,
      message: `BATON_APP_ID is ${variable.trim()}, but this app's id is ${appId}`,
      fix: `${set} (and the secret BATON_APP_PRIVATE_KEY must be this app's key)`,
    };
  }
  return {
    id: 'app-id',
    ok: true,
    message: `BATON_APP_ID is this app's id (${appId}); the doctor session proves the key in BATON_APP_PRIVATE_KEY`,
  };
}

/** Server-less mode: `session.allowWorkflowChanges: true` is not honoured there (docs/security.md). */
export function checkWorkflowChangesServerless(allowWorkflowChanges: boolean): DoctorCheck | null {
  if (!allowWorkflowChanges) return null;
  return {
    id: 'workflow-changes',
    ok: false,
    message:
      "session.allowWorkflowChanges is true, but with nothing hosted the app's key is an Actions secret a pushed workflow could read: publish refuses every workflow change",
    fix: 'remove session.allowWorkflowChanges from .github/baton.yml, or run the app hosted (docs/security.md, "Server-less mode")',
  };
}
